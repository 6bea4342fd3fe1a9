import type { Latin1Buffer, RecordEncoder } from '../events/bytes.ts';

/** The keyed upsert streams beside the events, in their fixed order. */
export const ENTITY_STREAMS = ['users', 'products', 'orders'] as const;
export type EntityStream = (typeof ENTITY_STREAMS)[number];

/** Index of a stream in ENTITY_STREAMS. */
export const STREAM = { users: 0, products: 1, orders: 2 } as const;

/**
 * Delivery reports count records per tag: events use their type (0–13), entity records
 * ENTITY_TAG + their stream, so the counts of the two never mix.
 */
export const ENTITY_TAG = 16;

/** Most bytes of one entity record's JSON (a product name is the longest field, well under this). */
export const ENTITY_MAX_BYTES = 2048;

/** One version of one entity: its stream, its key, when it takes effect, and its JSON text. */
export class EntityRecord {
  readonly stream: number;
  readonly key: string;
  readonly timeMs: number;
  readonly value: string;

  constructor(stream: number, key: string, timeMs: number, value: string) {
    this.stream = stream;
    this.key = key;
    this.timeMs = timeMs;
    this.value = value;
  }
}

/** Writes the record's JSON text (UTF-8). */
export const entityRecords: RecordEncoder<EntityRecord> = {
  maxBytes: ENTITY_MAX_BYTES,
  encodeInto(item, buf: Latin1Buffer, pos) {
    if (Buffer.byteLength(item.value) > ENTITY_MAX_BYTES)
      throw new RangeError(`an entity record may take at most ${ENTITY_MAX_BYTES} bytes`);
    return pos + buf.write(item.value, pos, 'utf8');
  },
  tag: (item) => ENTITY_TAG + item.stream,
};

/**
 * An encoder for a sink that carries events and entity records: each item goes through its
 * own encoder (the events' bytes stay exactly those of `events`).
 */
export function withEntities<E>(events: RecordEncoder<E>): RecordEncoder<E | EntityRecord> {
  return {
    maxBytes: Math.max(events.maxBytes, ENTITY_MAX_BYTES),
    encodeInto: (item, buf, pos) =>
      item instanceof EntityRecord ? entityRecords.encodeInto(item, buf, pos) : events.encodeInto(item as E, buf, pos),
    tag: (item) => (item instanceof EntityRecord ? ENTITY_TAG + item.stream : events.tag(item as E)),
  };
}
