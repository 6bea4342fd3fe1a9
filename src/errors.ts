/**
 * Stable error codes. The CLI maps them to exit codes: usage/config errors exit 2,
 * everything else exits 1.
 */
export type ErrorCode =
  | 'USAGE' // bad flag or value
  | 'CONFIG' // inconsistent options
  | 'SINK_CLOSED' // the reader of stdout went away, or the sink was closed under us
  | 'SINK_WRITE' // a write failed (disk full, permission, ...)
  | 'KAFKA_UNREACHABLE' // no broker answered in time
  | 'KAFKA_SECURITY' // TLS or SASL refused: wrong password, untrusted certificate, plaintext to a TLS port
  | 'KAFKA_DELIVERY' // the broker refused records for good
  | 'KAFKA_TOPIC' // the topic could not be created or inspected
  | 'SCHEMA_REGISTRY' // the schema registry is unreachable, refused us, or refused the schema (incompatible)
  | 'VERIFY' // verify found problems or could not read its input
  | 'INTERNAL';

/** The one error class of the project: a one-sentence message, a stable code, an optional cause. */
export class UBPError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UBPError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }

  get isUsage(): boolean {
    return this.code === 'USAGE' || this.code === 'CONFIG';
  }
}

export function usageError(message: string): UBPError {
  return new UBPError('USAGE', message);
}
