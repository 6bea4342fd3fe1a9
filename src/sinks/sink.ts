import type { ByteEncoder } from '../events/bytes.ts';

/**
 * The seam between the simulation and the outside world. A sink receives fully serialized
 * events (one JSON object, no trailing newline) keyed by session_id.
 *
 * Backpressure: `write` returns false when the sink wants the producer to pause; the
 * caller then awaits `ready()` before writing again. No sink may queue without bound.
 *
 * Accounting: a sink reports what it really delivered (written to the file descriptor,
 * acknowledged by Kafka) through the DeliveryListener given at construction; the caller
 * never counts an event as sent on its own.
 */
export interface Sink {
  readonly name: string;
  /** False when `write` ignores its key, so callers may pass '' instead of making one. Default true. */
  readonly usesKeys?: boolean;
  /**
   * Queue one record; `tag` (0–15, the event type) is only carried back in delivery reports.
   * Returns true when more can be written right away.
   */
  write(key: string, value: string, tag?: number): boolean;
  /**
   * Optional: the same for a sink that can take the bytes straight from an encoder (no
   * string made in between, which is most of the cost of a fast local sink). No key.
   */
  writeWith?<T>(encoder: ByteEncoder<T>, item: T, tag?: number): boolean;
  /** Resolves when writing may continue; rejects with a UBPError when the sink failed for good. */
  ready(): Promise<void>;
  /** Resolves when everything written so far is delivered (or has been reported failed). */
  flush(): Promise<void>;
  /** Flushes, then releases resources. Idempotent. */
  close(): Promise<void>;
}

/** Number of distinct tags a sink must keep apart in its reports. */
export const TAG_COUNT = 16;

export interface DeliveryListener {
  /** `count` records of `bytes` total value bytes were delivered; `byTag[t]` of them had tag t. */
  delivered(count: number, bytes: number, byTag?: ArrayLike<number>): void;
  /** `count` records were lost for good because of `error`; `byTag[t]` of them had tag t. */
  failed(count: number, error: Error, byTag?: ArrayLike<number>): void;
  /** One request to a remote system (a Kafka produce request) took `seconds`. */
  requestCompleted?(seconds: number): void;
}
