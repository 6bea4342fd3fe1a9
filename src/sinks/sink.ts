import type { RecordEncoder } from '../events/bytes.ts';

export type { RecordEncoder };

/**
 * The seam between the simulation and the outside world: write / flush / close, plus the
 * backpressure promise. A sink is built with its encoder (how an item becomes key and bytes),
 * so it writes items and nothing is probed at run time.
 *
 * Backpressure: `write` returns false when the sink wants the producer to pause; the
 * caller then awaits `ready()` before writing again. No sink may queue without bound.
 *
 * Accounting: a sink reports what it really delivered (written to the file descriptor,
 * acknowledged by Kafka) through the DeliveryListener given at construction; the caller
 * never counts an event as sent on its own.
 */
export interface Sink<T> {
  readonly name: string;
  /** Queue one item. Returns true when more can be written right away. */
  write(item: T): boolean;
  /** Resolves when writing may continue; rejects with a UBPError when the sink failed for good. */
  ready(): Promise<void>;
  /** Resolves when everything written so far is delivered (or has been reported failed). */
  flush(): Promise<void>;
  /** Flushes, then releases resources. Idempotent. */
  close(): Promise<void>;
}

/** A ready-made record: a key, a text value, a tag. For tests and callers with their own data. */
export interface TextRecord {
  key: string;
  value: string;
  tag?: number;
}

/** Most bytes of one TextRecord's value. */
const TEXT_MAX_BYTES = 64 * 1024;

export const textRecords: RecordEncoder<TextRecord> = {
  maxBytes: TEXT_MAX_BYTES,
  encodeInto(item, buf, pos) {
    if (Buffer.byteLength(item.value) > TEXT_MAX_BYTES) throw new RangeError(`a record value may take at most ${TEXT_MAX_BYTES} bytes`);
    return pos + buf.write(item.value, pos, 'utf8');
  },
  tag: (item) => item.tag ?? 0,
};

/** Number of distinct tags a sink must keep apart in its reports: event types, then entity streams (a power of two). */
export const TAG_COUNT = 32;

export interface DeliveryListener {
  /** `count` records of `bytes` total value bytes were delivered; `byTag[t]` of them had tag t. */
  delivered(count: number, bytes: number, byTag?: ArrayLike<number>): void;
  /** `count` records were lost for good because of `error`; `byTag[t]` of them had tag t. */
  failed(count: number, error: Error, byTag?: ArrayLike<number>): void;
  /** One request to a remote system (a Kafka produce request) took `seconds`. */
  requestCompleted?(seconds: number): void;
}
