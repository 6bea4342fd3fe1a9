import { usageError } from '../errors.ts';
import type { Format, ResolvedOptionsOf } from './option-table.ts';
import type { REGISTRY_OPTIONS } from './option-table.ts';
import { Secret } from './security.ts';

/** How to reach a Confluent-API schema registry. */
export interface RegistryConfig {
  /** The API's base URL, without a trailing slash. */
  readonly url: string;
  readonly username: string | null;
  readonly password: Secret | null;
  /** PEM files for an https registry; null = the system's CAs / no client certificate. */
  readonly caFile: string | null;
  readonly certFile: string | null;
  readonly keyFile: string | null;
}

type RegistryValues = ResolvedOptionsOf<typeof REGISTRY_OPTIONS>;

/** The rules between the registry settings; null when no registry was given. */
export function resolveRegistry(o: RegistryValues, names: Readonly<Record<string, string>>): RegistryConfig | null {
  const name = (key: keyof RegistryValues): string => names[key] ?? key;
  if (o.schemaRegistry === null) {
    const given = (['schemaRegistryUser', 'schemaRegistryCaLocation', 'schemaRegistryCertificateLocation'] as const).find(
      (k) => o[k] !== null,
    );
    if (given !== undefined) throw usageError(`${name(given)} needs ${name('schemaRegistry')} URL`);
    return null;
  }
  if (o.schemaRegistryUser !== null && o.schemaRegistryPassword === null) {
    throw usageError(
      `${name('schemaRegistryUser')} needs a password: basic.auth.user.info=user:password in the client config file, or the UBP_SCHEMA_REGISTRY_PASSWORD environment variable`,
    );
  }
  if (o.schemaRegistryUser === null && o.schemaRegistryPassword !== null) {
    throw usageError(
      `a schema registry password was given (${name('schemaRegistryPassword')}) without a user: add ${name('schemaRegistryUser')}`,
    );
  }
  if ((o.schemaRegistryCertificateLocation === null) !== (o.schemaRegistryKeyLocation === null)) {
    throw usageError(
      `a registry client certificate needs both the certificate and its key (${name(o.schemaRegistryCertificateLocation === null ? 'schemaRegistryCertificateLocation' : 'schemaRegistryKeyLocation')} is missing)`,
    );
  }
  const tlsFile = (['schemaRegistryCaLocation', 'schemaRegistryCertificateLocation'] as const).find((k) => o[k] !== null);
  if (tlsFile !== undefined && !o.schemaRegistry.startsWith('https://')) {
    throw usageError(`${name(tlsFile)} needs an https:// ${name('schemaRegistry')} (got ${o.schemaRegistry})`);
  }
  return Object.freeze({
    url: o.schemaRegistry.replace(/\/$/, ''),
    username: o.schemaRegistryUser,
    password: o.schemaRegistryPassword === null ? null : new Secret(o.schemaRegistryPassword),
    caFile: o.schemaRegistryCaLocation,
    certFile: o.schemaRegistryCertificateLocation,
    keyFile: o.schemaRegistryKeyLocation,
  });
}

/** A registry format's needs: a registry, and the Kafka sink (the wire format frames one record). */
export function checkFormat(format: Format, sink: string, registry: RegistryConfig | null, names: Readonly<Record<string, string>>): void {
  if (format === 'json') return;
  const name = (key: string): string => names[key] ?? key;
  if (registry === null)
    throw usageError(
      `${name('format')} ${format} needs ${name('schemaRegistry')} URL (a Confluent-API schema registry; npm run registry:start gives a local one)`,
    );
  if (sink !== 'kafka')
    throw usageError(
      `${name('format')} ${format} writes Kafka records in the Confluent wire format; use ${name('sink')} kafka (stdout and files take ${name('format')} json)`,
    );
}
