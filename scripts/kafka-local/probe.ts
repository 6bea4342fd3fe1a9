import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Admin, type SASLOptions } from '@platformatic/kafka';
import { HOST } from './paths.ts';

export interface ProbeResult {
  ok: boolean;
  /** Why the broker is not ready yet. */
  reason?: string;
  /** Brokers the cluster metadata lists. */
  brokers?: number;
  /** The broker answered but refused the SASL credentials. */
  authFailed?: boolean;
}

/** How to reach a secure listener: TLS options as node:tls takes them, SASL as the client does. */
export interface ProbeSecurity {
  tls?: TlsOptions;
  sasl?: SASLOptions;
}

/**
 * Whether a Kafka broker on HOST:port serves clients: it answers a metadata request and lists
 * itself among the brokers. A listening socket is not enough, as a KRaft broker accepts
 * connections before it has registered and a client of it would see an empty cluster.
 */
export async function probeBroker(port: number, timeoutMs = 2000, security: ProbeSecurity = {}): Promise<ProbeResult> {
  const admin = new Admin({
    clientId: 'kafka-local-probe',
    bootstrapBrokers: [`${HOST}:${port}`],
    connectTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    // The caller polls; a retry here would only stretch one poll.
    retries: 0,
    ...security,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    const brokers = [...metadata.brokers.values()];
    if (brokers.length === 0) return { ok: false, reason: 'broker not registered yet' };
    if (!brokers.some((b) => b.port === port)) return { ok: false, reason: `broker advertises another port than ${port}` };
    return { ok: true, brokers: brokers.length };
  } catch (error) {
    if (isAuthFailure(error)) return { ok: false, authFailed: true, reason: `authentication failed: ${rootMessage(error)}` };
    return { ok: false, reason: `no Kafka answer: ${rootMessage(error)}` };
  } finally {
    await admin.close().catch(() => {});
  }
}

/** The client wraps network errors (MultipleErrors → NetworkError → ECONNREFUSED); the innermost says most. */
function rootMessage(error: unknown): string {
  let e = error as { message?: string; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; depth < 5 && e; depth++) {
    const next = (e.errors?.[0] ?? e.cause) as typeof e;
    if (next === undefined || next === null) break;
    e = next;
  }
  return e?.message ?? String(error);
}

function isAuthFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown): boolean => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const x = e as { code?: unknown; id?: unknown; cause?: unknown; errors?: unknown[] };
    if (x.code === 'PLT_KFK_AUTHENTICATION' || x.id === 'SASL_AUTHENTICATION_FAILED') return true;
    return walk(x.cause) || (Array.isArray(x.errors) && x.errors.some(walk));
  };
  return walk(error);
}
