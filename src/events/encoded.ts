import type { EventRecord } from '../model/activity.ts';
import type { Latin1Buffer, RecordEncoder } from './bytes.ts';
import { MAX_EVENT_BYTES, type EventSerializer } from './serialize.ts';

/**
 * An event already encoded, with what routing needs from it. The model reuses one EventRecord
 * for every event, so an event that is held back (a late delivery, a second copy) is kept in
 * this form: the same bytes and the same key, topic and record timestamp as when it is sent at
 * once. JSON is kept as its text; a registry format as its wire bytes.
 */
export interface EncodedEvent {
  readonly value: string | Uint8Array;
  readonly type: number;
  readonly timeMs: number;
  readonly sessionId: string;
  readonly userId: string;
}

/** How a run encodes its events: the JSON serializer, or a registry format's encoder. */
export type EventEncoder = EventSerializer | RecordEncoder<EventRecord>;

/** Room for the wire header in front of an event (magic byte, schema id, Protobuf message indexes). */
const HEADER_ROOM = 64;
let scratch: Latin1Buffer | undefined;

export function encodeEvent(rec: EventRecord, encoder: EventEncoder): EncodedEvent {
  let value: string | Uint8Array;
  if ('serialize' in encoder) value = encoder.serialize(rec);
  else {
    scratch ??= Buffer.allocUnsafe(MAX_EVENT_BYTES + HEADER_ROOM) as Latin1Buffer;
    value = Uint8Array.prototype.slice.call(scratch, 0, encoder.encodeInto(rec, scratch, 0));
  }
  return { value, type: rec.type, timeMs: rec.timeMs, sessionId: rec.session.id, userId: rec.session.user.id };
}

/** Writes the kept text (ASCII, so Latin-1 and UTF-8 bytes agree) or the kept bytes. */
export const encodedEvents: RecordEncoder<EncodedEvent> = {
  maxBytes: MAX_EVENT_BYTES + HEADER_ROOM,
  encodeInto: (item, buf: Latin1Buffer, pos) => {
    const v = item.value;
    if (typeof v === 'string') return pos + buf.latin1Write(v, pos);
    buf.set(v, pos);
    return pos + v.length;
  },
  tag: (item) => item.type,
};
