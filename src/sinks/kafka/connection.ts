import fs from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { SASLOptions } from '@platformatic/kafka';
import type { KafkaSecurity } from '../../config/security.ts';
import { UBPError } from '../../errors.ts';

/** What every client of ours (producer, admin, consumer) is given to reach a secured cluster. */
export interface ConnectionSecurity {
  tls?: TlsOptions;
  /** Send the broker's host name in the TLS handshake (SNI): cloud clusters route by it. */
  tlsServerName?: boolean;
  sasl?: SASLOptions;
}

function readPem(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UBPError('CONFIG', `cannot read the ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}

/** Client options for `security`; certificate files are read now, a token file at every login. */
export function connectionSecurity(security: KafkaSecurity): ConnectionSecurity {
  const out: ConnectionSecurity = {};
  const tls = security.tls;
  if (tls !== null) {
    out.tls = {
      rejectUnauthorized: tls.verifyCertificate,
      ...(tls.caFile !== null ? { ca: readPem(tls.caFile, 'CA file') } : {}),
      ...(tls.certFile !== null ? { cert: readPem(tls.certFile, 'client certificate') } : {}),
      ...(tls.keyFile !== null ? { key: readPem(tls.keyFile, 'client key') } : {}),
      ...(tls.keyPassword !== null ? { passphrase: tls.keyPassword.reveal() } : {}),
      ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
    };
    out.tlsServerName = true;
  }
  const sasl = security.sasl;
  if (sasl !== null) {
    const { token, tokenFile } = sasl;
    out.sasl = {
      mechanism: sasl.mechanism,
      ...(sasl.username !== null ? { username: sasl.username } : {}),
      ...(sasl.password !== null ? { password: sasl.password.reveal() } : {}),
      ...(tokenFile !== null
        ? { token: () => readPem(tokenFile, 'OAUTHBEARER token file').toString('utf8').trim() }
        : token !== null
          ? { token: token.reveal() }
          : {}),
    };
  }
  return out;
}

/** One phrase for logs and errors: `SASL_SSL/SCRAM-SHA-512 as alice` (never a secret). */
export function describeSecurity(security: KafkaSecurity): string {
  const sasl = security.sasl;
  if (sasl === null) return security.protocol;
  return `${security.protocol}/${sasl.mechanism}${sasl.username !== null ? ` as ${sasl.username}` : ''}`;
}
