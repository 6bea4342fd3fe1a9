import { entityTopic, EVENT_TYPE_PLACEHOLDER, type Format, type KafkaConfig } from '../../config/options.ts';
import { ENTITY_STREAMS, EntityRecord, type EntityStream } from '../../entities/records.ts';
import type { EventRecord } from '../../model/activity.ts';
import { EVENT_TYPES } from '../../model/event-types.ts';
import type { KafkaRouting } from './routing.ts';
import type { EncodedEvent } from '../../events/encoded.ts';

/** Names the event JSON Schema (schema/event.schema.json) and its version, in the `schema` header. */
export const EVENT_SCHEMA_ID = 'user-behavior-producer/event@1';

/**
 * The `content-type` header of each format: what the value's payload is (for the registry
 * formats, behind the 5-byte Confluent wire header that names its schema).
 */
export const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  json: 'application/json',
  'json-schema': 'application/json',
  avro: 'avro/binary',
  protobuf: 'application/x-protobuf',
};

/** The topics of a topic name or `{event_type}` template, in event type order. */
export function topicsOf(template: string): string[] {
  return template.includes(EVENT_TYPE_PLACEHOLDER) ? EVENT_TYPES.map((t) => template.replaceAll(EVENT_TYPE_PLACEHOLDER, t)) : [template];
}

/** How events become Kafka records: topic per the template, key, event-time or send-time stamps, headers. */
export function eventRouting(k: KafkaConfig, format: Format = 'json'): KafkaRouting<EventRecord> {
  const topics = topicsOf(k.topic);
  const headersByType = typeHeaders(CONTENT_TYPES[format]);
  return {
    topics,
    topicOf: topics.length > 1 ? (rec) => rec.type : () => 0,
    key: k.key === 'session_id' ? (rec) => rec.session.id : k.key === 'user_id' ? (rec) => rec.session.user.id : () => null,
    timestampMs: k.recordTimestamp === 'event' ? (rec) => rec.timeMs : () => undefined,
    headers: k.headers ? (rec) => headersByType[rec.type] : () => undefined,
  };
}

/** The same routing for events kept as text (held back or repeated by the delivery layer). */
export function encodedEventRouting(k: KafkaConfig, format: Format = 'json'): KafkaRouting<EncodedEvent> {
  const topics = topicsOf(k.topic);
  const headersByType = typeHeaders(CONTENT_TYPES[format]);
  return {
    topics,
    topicOf: topics.length > 1 ? (e) => e.type : () => 0,
    key: k.key === 'session_id' ? (e) => e.sessionId : k.key === 'user_id' ? (e) => e.userId : () => null,
    timestampMs: k.recordTimestamp === 'event' ? (e) => e.timeMs : () => undefined,
    headers: k.headers ? (e) => headersByType[e.type] : () => undefined,
  };
}

function typeHeaders(contentType: string): Map<Buffer, Buffer>[] {
  return EVENT_TYPES.map(
    (type) =>
      new Map([
        [Buffer.from('event_type'), Buffer.from(type)],
        [Buffer.from('schema'), Buffer.from(EVENT_SCHEMA_ID)],
        [Buffer.from('content-type'), Buffer.from(contentType)],
      ]),
  );
}

/**
 * The events' routing, plus a topic per entity stream (`<topic>.<stream>`, users and products
 * compacted): an entity record is keyed by its entity's id and stamped with the time it takes
 * effect (or the send time, as the events are). Both go through one client, so an entity
 * record is sent with or before the first event that refers to it.
 */
export function withEntityTopics(
  events: KafkaRouting<EventRecord>,
  k: KafkaConfig,
  streams: readonly EntityStream[],
): KafkaRouting<EventRecord | EntityRecord> {
  const base = events.topics.length;
  // Topic index by stream index; the streams that are off get none.
  const index = ENTITY_STREAMS.map((s) => (streams.includes(s) ? base + streams.indexOf(s) : -1));
  const stamped = k.recordTimestamp === 'event';
  return {
    topics: [...events.topics, ...streams.map((s) => entityTopic(k.topic, s))],
    compacted: [...events.topics.map(() => false), ...streams.map((s) => s !== 'orders')],
    topicOf: (item) => (item instanceof EntityRecord ? index[item.stream]! : events.topicOf(item)),
    key: (item) => (item instanceof EntityRecord ? item.key : events.key(item)),
    timestampMs: (item) => (item instanceof EntityRecord ? (stamped ? item.timeMs : undefined) : events.timestampMs(item)),
    headers: (item) => (item instanceof EntityRecord ? undefined : events.headers(item)),
  };
}
