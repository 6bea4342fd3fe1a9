import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { run, sleep, tail } from './exec.ts';
import { TOOLS_LOG4J, classpathArgs, javaBin, javaNotFound } from './java.ts';
import { HOST } from './paths.ts';
import { probeBroker, type ProbeResult, type ProbeSecurity } from './probe.ts';
import { tlsFiles, type TlsFiles } from './tls.ts';

/** The ports of the listeners that `--secure` opens next to the plaintext one. */
export interface SecurePorts {
  /** SASL over TLS: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512. */
  saslSsl: number;
  /** TLS with a required client certificate (mutual TLS), no SASL. */
  mtls: number;
  /** SASL without TLS: the same mechanisms as saslSsl. */
  saslPlaintext: number;
}

export const SECURE_PORT_ENV = {
  saslSsl: 'KAFKA_SECURE_PORT',
  mtls: 'KAFKA_MTLS_PORT',
  saslPlaintext: 'KAFKA_SASL_PLAINTEXT_PORT',
} as const;
export const DEFAULT_SECURE_PORTS: SecurePorts = { saslSsl: 9094, mtls: 9095, saslPlaintext: 9096 };

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** The one user of the secure listeners: the same name and password for every SASL mechanism. */
export interface SecureUser {
  username: string;
  password: string;
}

const USERNAME = 'alice';

export interface SecureFiles extends TlsFiles {
  /** The user and password, as JSON. */
  credentials: string;
  /** Java client spelling, SASL_SSL + SCRAM-SHA-512: Kafka's tools take it as --command-config. */
  clientProperties: string;
  /** librdkafka spelling of the same (kcat -F). */
  clientLibrdkafkaProperties: string;
  /** Java client spelling, SSL with a client certificate, for the mTLS listener. */
  clientMtlsProperties: string;
  /** librdkafka spelling of the same. */
  clientMtlsLibrdkafkaProperties: string;
}

export function secureFiles(secureDir: string): SecureFiles {
  return {
    ...tlsFiles(secureDir),
    credentials: path.join(secureDir, 'credentials.json'),
    clientProperties: path.join(secureDir, 'client.properties'),
    clientLibrdkafkaProperties: path.join(secureDir, 'client-librdkafka.properties'),
    clientMtlsProperties: path.join(secureDir, 'client-mtls.properties'),
    clientMtlsLibrdkafkaProperties: path.join(secureDir, 'client-mtls-librdkafka.properties'),
  };
}

/** What a client needs to reach a running secure broker. */
export interface SecureInfo {
  dir: string;
  ports: SecurePorts;
  /** host:port of each secure listener. */
  bootstrap: { saslSsl: string; mtls: string; saslPlaintext: string };
  mechanisms: readonly SaslMechanism[];
  user: SecureUser;
  files: SecureFiles;
}

export function secureInfo(secureDir: string, ports: SecurePorts, user: SecureUser): SecureInfo {
  return {
    dir: secureDir,
    ports,
    bootstrap: { saslSsl: `${HOST}:${ports.saslSsl}`, mtls: `${HOST}:${ports.mtls}`, saslPlaintext: `${HOST}:${ports.saslPlaintext}` },
    mechanisms: SASL_MECHANISMS,
    user,
    files: secureFiles(secureDir),
  };
}

/**
 * The user of a secure dir, with a password made once at random: it is only good for this
 * machine's dev broker, and being unique it lets tests search logs for a leaked secret.
 */
export function ensureCredentials(secureDir: string): SecureUser {
  const file = secureFiles(secureDir).credentials;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<SecureUser>;
    if (typeof stored.username === 'string' && typeof stored.password === 'string' && /^[\w-]+$/.test(stored.username + stored.password)) {
      return { username: stored.username, password: stored.password };
    }
  } catch {
    // Missing or unreadable: make new ones below.
  }
  // base64url: no quote, backslash, comma or bracket, which the JAAS and kafka-configs syntaxes would need escaped.
  const user = { username: USERNAME, password: `dev-${randomBytes(12).toString('base64url')}` };
  writeFileSync(file, `${JSON.stringify(user, null, 2)}\n`, { mode: 0o600 });
  return user;
}

export function readCredentials(secureDir: string): SecureUser {
  const file = secureFiles(secureDir).credentials;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SecureUser;
  } catch (error) {
    throw new KafkaLocalError(`cannot read the secure broker's user from ${file}: ${(error as Error).message}`);
  }
}

/** The `kafka-storage format --add-scram` / `kafka-configs --add-config` value for one mechanism. */
export function scramCredential(mechanism: (typeof SCRAM_MECHANISMS)[number], user: SecureUser, withName: boolean): string {
  return `${mechanism}=[${withName ? `name=${user.username},` : ''}password=${user.password}]`;
}

/**
 * The client config files for the secure listeners, in both spellings people are handed: the Java
 * client's (Kafka's own tools, --command-config) and librdkafka's (kcat -F, confluent-kafka).
 * Rewritten on every start, as the ports may have changed.
 */
export function writeClientConfigs(info: SecureInfo): void {
  const f = info.files;
  const { username, password } = info.user;
  const header = (what: string, secret: string): string[] => [
    `# ${what}`,
    '# Written by `npm run kafka:start -- --secure` (scripts/kafka-local); rewritten on every start.',
    `# ${secret} is a dev-only one, made for this checkout's local broker.`,
  ];
  const files: [string, string[]][] = [
    [
      f.clientProperties,
      [
        ...header('Java client properties for the local SASL_SSL listener (SCRAM-SHA-512).', 'The password'),
        `bootstrap.servers=${info.bootstrap.saslSsl}`,
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${f.caCert}`,
      ],
    ],
    [
      f.clientLibrdkafkaProperties,
      [
        ...header('librdkafka properties (kcat -F) for the local SASL_SSL listener (SCRAM-SHA-512).', 'The password'),
        `bootstrap.servers=${info.bootstrap.saslSsl}`,
        'security.protocol=SASL_SSL',
        'sasl.mechanisms=SCRAM-SHA-512',
        `sasl.username=${username}`,
        `sasl.password=${password}`,
        `ssl.ca.location=${f.caCert}`,
      ],
    ],
    [
      f.clientMtlsProperties,
      [
        ...header('Java client properties for the local mutual-TLS listener (client certificate CN=alice).', 'The client key'),
        `bootstrap.servers=${info.bootstrap.mtls}`,
        'security.protocol=SSL',
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${f.caCert}`,
        'ssl.keystore.type=PEM',
        `ssl.keystore.location=${f.clientKeystore}`,
      ],
    ],
    [
      f.clientMtlsLibrdkafkaProperties,
      [
        ...header('librdkafka properties (kcat -F) for the local mutual-TLS listener (client certificate CN=alice).', 'The client key'),
        `bootstrap.servers=${info.bootstrap.mtls}`,
        'security.protocol=SSL',
        `ssl.ca.location=${f.caCert}`,
        `ssl.certificate.location=${f.clientCert}`,
        `ssl.key.location=${f.clientKey}`,
      ],
    ],
  ];
  for (const [file, lines] of files) writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

export interface ListenerCheck {
  /** What was tried, e.g. "SASL_SSL 127.0.0.1:9094 SCRAM-SHA-512". */
  name: string;
  result: ProbeResult;
  /** A SCRAM mechanism whose credentials the broker does not have (yet). */
  scram: boolean;
}

/**
 * Whether each secure listener serves clients as the files say: every SASL mechanism logs the
 * user in on both SASL listeners, and the client certificate is taken on the mTLS listener. A
 * metadata request through each, so "up" means usable, not just open.
 */
export async function checkSecureListeners(info: SecureInfo, timeoutMs = 2000): Promise<ListenerCheck[]> {
  const ca = readFileSync(info.files.caCert);
  const { username, password } = info.user;
  const tries: [name: string, port: number, security: ProbeSecurity, scram: boolean][] = [
    ...SASL_MECHANISMS.map((mechanism): [string, number, ProbeSecurity, boolean] => [
      `SASL_SSL ${info.bootstrap.saslSsl} ${mechanism}`,
      info.ports.saslSsl,
      { tls: { ca }, sasl: { mechanism, username, password } },
      mechanism !== 'PLAIN',
    ]),
    [
      `SSL (mTLS) ${info.bootstrap.mtls} client certificate`,
      info.ports.mtls,
      { tls: { ca, cert: readFileSync(info.files.clientCert), key: readFileSync(info.files.clientKey) } },
      false,
    ],
    ...SASL_MECHANISMS.map((mechanism): [string, number, ProbeSecurity, boolean] => [
      `SASL_PLAINTEXT ${info.bootstrap.saslPlaintext} ${mechanism}`,
      info.ports.saslPlaintext,
      { sasl: { mechanism, username, password } },
      mechanism !== 'PLAIN',
    ]),
  ];
  return Promise.all(
    tries.map(async ([name, port, security, scram]) => ({ name, result: await probeBroker(port, timeoutMs, security), scram })),
  );
}

export interface WaitSecureOptions {
  /** The plaintext port, for kafka-configs. */
  port: number;
  libDir: string;
  timeoutMs: number;
  /** Whether the data dir got the SCRAM credentials when it was formatted by this start. */
  scramAtFormat: boolean;
  deadReason: () => string | undefined;
  log: (message: string) => void;
}

/**
 * Waits until every secure listener serves the user. A data dir formatted before (without
 * --secure, or with another password) lacks the SCRAM credentials: they are then added through
 * the admin API (kafka-configs), which, unlike format-time credentials, works on a used data dir.
 */
export async function waitSecureReady(info: SecureInfo, options: WaitSecureOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let added = options.scramAtFormat;
  let failing: ListenerCheck[] = [];
  while (Date.now() < deadline) {
    const dead = options.deadReason();
    if (dead !== undefined) throw new KafkaLocalError(`local Kafka stopped before its secure listeners were up: ${dead}`);
    failing = (await checkSecureListeners(info, 1500)).filter((c) => !c.result.ok);
    if (failing.length === 0) return;
    if (!added && failing.some((c) => c.scram && c.result.authFailed)) {
      options.log(`adding SCRAM credentials for ${info.user.username}`);
      await addScramCredentials(info.user, options.port, options.libDir);
      added = true;
      continue;
    }
    await sleep(250);
  }
  throw new KafkaLocalError(
    `the secure listeners did not come up in ${Math.round(options.timeoutMs / 1000)} s: ${failing.map((c) => `${c.name}: ${c.result.reason}`).join('; ')}`,
  );
}

async function addScramCredentials(user: SecureUser, port: number, libDir: string): Promise<void> {
  // One mechanism per call: the controller refuses two credential changes of one user in a request.
  for (const mechanism of SCRAM_MECHANISMS) {
    const res = await run(javaBin(), [
      ...classpathArgs(libDir),
      TOOLS_LOG4J,
      'org.apache.kafka.tools.ConfigCommand',
      '--bootstrap-server',
      `${HOST}:${port}`,
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      user.username,
      '--add-config',
      scramCredential(mechanism, user, false),
    ]);
    if (res.error?.code === 'ENOENT') throw javaNotFound();
    if (res.code !== 0) {
      throw new KafkaLocalError(
        `kafka-configs could not add the ${mechanism} credentials of ${user.username} (exit ${res.code})`,
        tail(res.output, 20),
      );
    }
  }
}
