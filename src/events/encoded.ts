import type { EventRecord } from '../model/activity.ts';
import type { Latin1Buffer, RecordEncoder } from './bytes.ts';
import { MAX_EVENT_BYTES, type EventSerializer } from './serialize.ts';

/**
 * An event already turned into its JSON text, with what routing needs from it. The model
 * reuses one EventRecord for every event, so an event that is held back (a late delivery, a
 * second copy) is kept in this form: the same bytes and the same key, topic and record
 * timestamp as when it is sent at once.
 */
export interface EncodedEvent {
  readonly value: string;
  readonly type: number;
  readonly timeMs: number;
  readonly sessionId: string;
  readonly userId: string;
}

export function encodeEvent(rec: EventRecord, serializer: EventSerializer): EncodedEvent {
  return { value: serializer.serialize(rec), type: rec.type, timeMs: rec.timeMs, sessionId: rec.session.id, userId: rec.session.user.id };
}

/** Writes the kept text: the serializer's output is ASCII, so Latin-1 and UTF-8 bytes agree. */
export const encodedEvents: RecordEncoder<EncodedEvent> = {
  maxBytes: MAX_EVENT_BYTES,
  encodeInto: (item, buf: Latin1Buffer, pos) => pos + buf.latin1Write(item.value, pos),
  tag: (item) => item.type,
};
