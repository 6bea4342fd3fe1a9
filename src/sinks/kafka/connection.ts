import fs from 'node:fs';
import { isIP } from 'node:net';
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
    throw new UBPError('CONFIG', `cannot read the ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      cause: err,
    });
  }
}

/** Client options for `security`; certificate files are read now, a token file at every login. */
export function connectionSecurity(security: KafkaSecurity, bootstrapServers: readonly string[] = []): ConnectionSecurity {
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
    // SNI carries host names only (an IP address there is refused by the RFC and warned about by Node).
    out.tlsServerName = !bootstrapServers.every((s) => isIP(s.slice(0, s.lastIndexOf(':')).replace(/^\[|\]$/g, '')) !== 0);
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

/**
 * A connection or login that failed for a security reason, as one sentence naming the broker,
 * the security in use and what to check; null when the failure is not about security.
 */
export function securityFailure(detail: string, address: string, security: KafkaSecurity): string | null {
  const how = describeSecurity(security);
  const sasl = security.sasl;
  if (/Authentication failed|SaslAuthenticationException|Invalid username or password|authentication failed/i.test(detail)) {
    return `Kafka at ${address} refused the ${how} login (${detail}); check the user name and the password (the client config file or UBP_SASL_PASSWORD)${
      sasl?.mechanism === 'OAUTHBEARER' ? ' or the token' : ''
    }.`;
  }
  if (
    /suitable SASL mechanism|Unsupported SASL mechanism|UNSUPPORTED_SASL_MECHANISM|ILLEGAL_SASL_STATE|not valid given the current SASL state/i.test(
      detail,
    )
  ) {
    return `Kafka at ${address} did not accept a ${how} login (${detail}); check that this port is a SASL listener (security.protocol) that enables ${sasl?.mechanism ?? 'the mechanism'} (sasl.mechanism).`;
  }
  if (
    /self[- ]signed certificate|unable to (get|verify) (local issuer certificate|the first certificate)|certificate has expired|CERT_/i.test(
      detail,
    )
  ) {
    return `The TLS certificate of Kafka at ${address} is not trusted (${detail}); give the CA that signed it with ssl.ca.location, ssl.truststore.location (PEM) or --ssl-ca-location.`;
  }
  if (/does not match certificate's altnames|ERR_TLS_CERT_ALTNAME/i.test(detail)) {
    return `The TLS certificate of Kafka at ${address} does not name that host (${detail}); connect by a name the certificate has, or (test clusters only) set ssl.endpoint.identification.algorithm= to skip the check.`;
  }
  if (/TLS handshake|before secure TLS connection|wrong version number|EPROTO|ssl3_get_record|packet length too long/i.test(detail)) {
    return `Could not complete a TLS handshake with Kafka at ${address} (${how}: ${detail}); check that this port is a TLS listener, or set security.protocol to PLAINTEXT or SASL_PLAINTEXT for a plaintext one.`;
  }
  if (security.tls === null && /requires TLS|closed|ECONNRESET|socket hang up|timed out|Timeout/i.test(detail)) {
    return `Kafka at ${address} closed the connection or did not answer over ${how} (${detail}); if this port is a TLS listener, set security.protocol to SSL or SASL_SSL (and the CA to trust).`;
  }
  return null;
}
