import { inspect } from 'node:util';
import { usageError } from '../errors.ts';
import { readClientConfig, type SaslMechanism, type SecurityProtocol } from './client-config.ts';
import type { ResolvedOptionsOf } from './option-table.ts';
import { REGISTRY_OPTIONS, SECURITY_OPTIONS } from './option-table.ts';

/** A password or token: kept whole for the client, shown as [secret] anywhere else (logs, JSON, inspect). */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [inspect.custom](): string {
    return '[secret]';
  }
}

export interface SaslConfig {
  readonly mechanism: SaslMechanism;
  readonly username: string | null;
  readonly password: Secret | null;
  /** OAUTHBEARER: a fixed token, or a file read again at every login. */
  readonly token: Secret | null;
  readonly tokenFile: string | null;
}

export interface TlsConfig {
  /** PEM files; null = the system's CAs / no client certificate. */
  readonly caFile: string | null;
  readonly certFile: string | null;
  readonly keyFile: string | null;
  readonly keyPassword: Secret | null;
  readonly verifyHostname: boolean;
  readonly verifyCertificate: boolean;
}

export interface KafkaSecurity {
  readonly protocol: SecurityProtocol;
  readonly sasl: SaslConfig | null;
  readonly tls: TlsConfig | null;
}

export const PLAINTEXT: KafkaSecurity = Object.freeze({ protocol: 'PLAINTEXT', sasl: null, tls: null });

/**
 * Where the settings of a secured cluster come from, lowest first: defaults ← the client
 * config file ← the environment (secrets) ← flags or library options. Returns the merged input
 * for the option table, names for messages (file keys for values from the file), and warnings.
 */
export function gatherKafkaSources(
  input: Readonly<Record<string, unknown>>,
  names: Readonly<Record<string, string>>,
  vars: Readonly<Record<string, string | undefined>>,
): { input: Record<string, unknown>; names: Record<string, string>; warnings: string[] } {
  const merged: Record<string, unknown> = {};
  const named: Record<string, string> = { ...names };
  const warnings: string[] = [];
  const file = input.clientConfig;
  if (file !== undefined && file !== null) {
    if (typeof file !== 'string' || file === '')
      throw usageError(`${names.clientConfig ?? 'clientConfig'} must be a file path (got ${JSON.stringify(file)})`);
    const parsed = readClientConfig(file, names.clientConfig ?? 'clientConfig');
    for (const [key, value] of Object.entries(parsed.properties)) {
      merged[key] = value;
      named[key] = `${file}: ${parsed.origins[key as keyof typeof parsed.origins] ?? key}`;
    }
    if (parsed.unknownKeys.length > 0) warnings.push(`${file}: ignoring keys this tool does not use: ${parsed.unknownKeys.join(', ')}`);
  }
  for (const [key, r] of Object.entries({ ...SECURITY_OPTIONS, ...REGISTRY_OPTIONS })) {
    const env = (r as { env?: string }).env;
    const value = env === undefined ? undefined : vars[env];
    if (value !== undefined && value !== '') {
      merged[key] = value;
      named[key] = env!;
    }
  }
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    merged[key] = value;
    if (names[key] !== undefined) named[key] = names[key];
    else delete named[key];
  }
  // A name from the caller for an option it did not give (the flag's spelling) stays, unless
  // the file or the environment gave the value: then that is where to look.
  return { input: merged, names: named, warnings };
}

type SecurityValues = ResolvedOptionsOf<typeof SECURITY_OPTIONS>;

/** The rules between the security settings, after each was checked on its own. */
export function resolveSecurity(o: SecurityValues, names: Readonly<Record<string, string>>): KafkaSecurity {
  const name = (key: keyof SecurityValues): string => names[key] ?? key;
  const protocol = o.securityProtocol ?? (o.saslMechanism !== null ? 'SASL_SSL' : 'PLAINTEXT');
  const usesSasl = protocol === 'SASL_SSL' || protocol === 'SASL_PLAINTEXT';
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  let sasl: SaslConfig | null = null;
  if (usesSasl) {
    const mechanism = o.saslMechanism;
    if (mechanism === null) {
      throw usageError(
        `${name('securityProtocol')} ${protocol} needs a SASL mechanism (${name('saslMechanism')}: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER)`,
      );
    }
    if (mechanism === 'OAUTHBEARER') {
      if (o.saslToken === null && o.saslTokenFile === null) {
        throw usageError(`SASL OAUTHBEARER needs a token: ${name('saslTokenFile')} or the UBP_SASL_TOKEN environment variable`);
      }
    } else {
      if (o.saslUsername === null)
        throw usageError(
          `SASL ${mechanism} needs a user name: ${name('saslUsername')}, or username= in sasl.jaas.config, or sasl.username`,
        );
      if (o.saslPassword === null) {
        throw usageError(
          `SASL ${mechanism} needs a password: put it in the ${name('clientConfig')} file (sasl.jaas.config or sasl.password) or in the UBP_SASL_PASSWORD environment variable`,
        );
      }
    }
    sasl = Object.freeze({
      mechanism,
      username: o.saslUsername,
      password: o.saslPassword === null ? null : new Secret(o.saslPassword),
      token: o.saslToken === null ? null : new Secret(o.saslToken),
      tokenFile: o.saslTokenFile,
    });
  } else if (o.saslMechanism !== null) {
    throw usageError(
      `${name('saslMechanism')} ${o.saslMechanism} needs a SASL security protocol (SASL_SSL or SASL_PLAINTEXT), not ${protocol}`,
    );
  }
  let tls: TlsConfig | null = null;
  if (usesTls) {
    if ((o.sslCertificateLocation === null) !== (o.sslKeyLocation === null)) {
      throw usageError(
        `mutual TLS needs both a certificate and its key (${name(o.sslCertificateLocation === null ? 'sslCertificateLocation' : 'sslKeyLocation')} is missing)`,
      );
    }
    tls = Object.freeze({
      caFile: o.sslCaLocation,
      certFile: o.sslCertificateLocation,
      keyFile: o.sslKeyLocation,
      keyPassword: o.sslKeyPassword === null ? null : new Secret(o.sslKeyPassword),
      verifyHostname: o.sslVerifyHostname,
      verifyCertificate: o.sslVerifyCertificate,
    });
  }
  return Object.freeze({ protocol, sasl, tls });
}
