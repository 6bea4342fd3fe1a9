import fs from 'node:fs';
import { usageError } from '../errors.ts';

/**
 * Kafka client properties files, as people are handed them: Java client names
 * (`sasl.jaas.config`, `ssl.truststore.location`) or librdkafka names (`sasl.username`,
 * `ssl.ca.location`) — the file a cloud console gives out works unchanged. Only what a
 * producer of this tool needs is read; other keys are named in a warning.
 */

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER';

export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

/** What a client properties file says, in our terms (every field optional: flags and env fill in). */
export interface ClientProperties {
  bootstrapServers?: string;
  securityProtocol?: string;
  saslMechanism?: string;
  saslUsername?: string;
  saslPassword?: string;
  sslCaLocation?: string;
  sslCertificateLocation?: string;
  sslKeyLocation?: string;
  sslKeyPassword?: string;
  /** False when the file turns hostname verification off. */
  sslVerifyHostname?: boolean;
  /** False when the file turns certificate verification off altogether. */
  sslVerifyCertificate?: boolean;
  schemaRegistry?: string;
  schemaRegistryUser?: string;
  schemaRegistryPassword?: string;
  schemaRegistryCaLocation?: string;
  schemaRegistryCertificateLocation?: string;
  schemaRegistryKeyLocation?: string;
}

export interface ParsedClientConfig {
  properties: ClientProperties;
  /** Field of `properties` → the key of the file it came from, for messages. */
  origins: Partial<Record<keyof ClientProperties, string>>;
  /** Keys the tool does not use (the caller warns about them). */
  unknownKeys: string[];
}

/** Keys that are fine to find in a client file and have nothing to do for a producer here. */
const HARMLESS = new Set([
  'client.dns.lookup',
  'session.timeout.ms',
  'acks',
  'client.id',
  'request.timeout.ms',
  'retry.backoff.ms',
  'sasl.login.callback.handler.class',
  'basic.auth.credentials.source',
  'schema.registry.basic.auth.credentials.source',
  'ssl.endpoint.identification.algorithm',
  'ssl.protocol',
  'ssl.enabled.protocols',
]);

/**
 * Java `.properties` text to key/value pairs: `key=value`, `key: value` or `key value`,
 * `#` and `!` comments, backslash line continuations and escapes.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^\s+/, '');
    const sep = /^((?:[^\\=:\s]|\\.)*)\s*[=:\s]\s*/.exec(line);
    const key = unescapeProperty(sep ? sep[1]! : line);
    const value = sep ? unescapeProperty(line.slice(sep[0].length)) : '';
    out.set(key, value);
  }
  return out;
}

function unescapeProperty(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
    c.length === 5
      ? String.fromCharCode(Number.parseInt(c.slice(1), 16))
      : c === 't'
        ? '\t'
        : c === 'n'
          ? '\n'
          : c === 'r'
            ? '\r'
            : c === 'f'
              ? '\f'
              : c,
  );
}

/** username="…" and password="…" of a Plain or Scram login module line (OAuth needs none). */
function parseJaas(jaas: string, file: string): { username?: string; password?: string } {
  const module = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b/.exec(jaas)?.[1];
  if (module === undefined)
    throw usageError(`${file}: sasl.jaas.config must start with a login module and "required" (as Kafka's docs show)`);
  const out: { username?: string; password?: string } = {};
  for (const m of jaas.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s;]+))/g)) {
    const value = (m[2] ?? m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1');
    if (m[1] === 'username') out.username = value;
    else if (m[1] === 'password') out.password = value;
  }
  return out;
}

/** A file path in the properties file is relative to the file, as a user reading it would expect. */
function pathFrom(file: string, value: string): string {
  return value.startsWith('/') ? value : new URL(value, `file://${fs.realpathSync(file)}`).pathname;
}

/** Read a client properties file. Throws a USAGE error naming the file and the key on bad content. */
export function readClientConfig(file: string, name = 'clientConfig'): ParsedClientConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`${name} ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return interpretClientConfig(parseProperties(text), file);
}

export function interpretClientConfig(props: ReadonlyMap<string, string>, file: string): ParsedClientConfig {
  const p: ClientProperties = {};
  const origins: ParsedClientConfig['origins'] = {};
  const unknownKeys: string[] = [];
  const pemOnly = (kind: string): void => {
    const type = props.get(`ssl.${kind}.type`);
    if (type !== undefined && type.toUpperCase() !== 'PEM') {
      throw usageError(
        `${file}: ssl.${kind}.type ${type} is not supported; use PEM files (export a JKS or PKCS12 store with keytool -exportcert -rfc, or openssl pkcs12)`,
      );
    }
  };
  for (const [key, value] of props) {
    switch (key) {
      case 'bootstrap.servers':
      case 'metadata.broker.list':
        p.bootstrapServers = value;
        break;
      case 'security.protocol':
        p.securityProtocol = value.toUpperCase();
        break;
      case 'sasl.mechanism':
      case 'sasl.mechanisms':
        p.saslMechanism = value.toUpperCase();
        break;
      case 'sasl.jaas.config': {
        const { username, password } = parseJaas(value, file);
        if (username !== undefined) p.saslUsername = username;
        if (password !== undefined) p.saslPassword = password;
        break;
      }
      case 'sasl.username':
        p.saslUsername = value;
        break;
      case 'sasl.password':
        p.saslPassword = value;
        break;
      case 'ssl.truststore.location':
        pemOnly('truststore');
        p.sslCaLocation = pathFrom(file, value);
        break;
      case 'ssl.ca.location':
        p.sslCaLocation = pathFrom(file, value);
        break;
      case 'ssl.keystore.location':
        // A PEM keystore holds the private key and the certificate chain in one file.
        pemOnly('keystore');
        p.sslCertificateLocation = pathFrom(file, value);
        p.sslKeyLocation = pathFrom(file, value);
        break;
      case 'ssl.certificate.location':
        p.sslCertificateLocation = pathFrom(file, value);
        break;
      case 'ssl.key.location':
        p.sslKeyLocation = pathFrom(file, value);
        break;
      case 'ssl.key.password':
      case 'ssl.keystore.password':
        if (value !== '') p.sslKeyPassword = value;
        break;
      case 'ssl.truststore.type':
      case 'ssl.keystore.type':
        pemOnly(key.split('.')[1]!);
        break;
      case 'ssl.endpoint.identification.algorithm':
        // Java: empty turns hostname checks off; librdkafka: "none".
        p.sslVerifyHostname = !(value === '' || value.toLowerCase() === 'none');
        break;
      case 'schema.registry.url':
        p.schemaRegistry = value;
        break;
      case 'basic.auth.user.info':
      case 'schema.registry.basic.auth.user.info': {
        // Confluent's clients take `user:password` (the password may hold colons).
        const colon = value.indexOf(':');
        if (colon < 0) throw usageError(`${file}: ${key} must be user:password (the value is not shown)`);
        p.schemaRegistryUser = value.slice(0, colon);
        p.schemaRegistryPassword = value.slice(colon + 1);
        break;
      }
      case 'schema.registry.ssl.truststore.location':
        pemOnly('truststore');
        p.schemaRegistryCaLocation = pathFrom(file, value);
        break;
      case 'schema.registry.ssl.ca.location':
        p.schemaRegistryCaLocation = pathFrom(file, value);
        break;
      case 'schema.registry.ssl.certificate.location':
        p.schemaRegistryCertificateLocation = pathFrom(file, value);
        break;
      case 'schema.registry.ssl.key.location':
        p.schemaRegistryKeyLocation = pathFrom(file, value);
        break;
      case 'enable.ssl.certificate.verification':
        p.sslVerifyCertificate = value.toLowerCase() !== 'false';
        break;
      default:
        if (!HARMLESS.has(key)) unknownKeys.push(key);
        continue;
    }
    for (const field of Object.keys(p) as (keyof ClientProperties)[]) origins[field] ??= key;
  }
  return { properties: p, origins, unknownKeys };
}
