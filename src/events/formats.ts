import fs from 'node:fs';
import { createRequire } from 'node:module';
import type Avro from 'avsc';
import type Protobuf from 'protobufjs';
import type { Format } from '../config/option-table.ts';
import type { EventRecord } from '../model/activity.ts';
import { EVENT_TYPES } from '../model/event-types.ts';
import { defaultShopModel, type ShopModel } from '../model/shop.ts';
import { AvroEventWriter } from './avro-writer.ts';
import type { Latin1Buffer, RecordEncoder } from './bytes.ts';
import { toEvent, type UserEvent } from './event.ts';
import { EventSerializer, MAX_EVENT_BYTES } from './serialize.ts';
import { HEADER_BYTES, readMessageIndexes, wireSchemaId, writeMessageIndexes, writeWireHeader } from './wire.ts';

// The binary formats' libraries are loaded when a run first needs them: most runs write JSON,
// and loading both cost every run's start-up about 35 ms.
const require = createRequire(import.meta.url);
let avroLib: typeof Avro | undefined;
let protobufLib: typeof Protobuf | undefined;
const avro = (): typeof Avro => (avroLib ??= require('avsc') as typeof Avro);
const protobuf = (): typeof Protobuf => (protobufLib ??= require('protobufjs') as typeof Protobuf);

/** The formats that register a schema and frame records in the Confluent wire format. */
export type RegistryFormat = Exclude<Format, 'json'>;
/** The registry's name of a schema language. */
export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

/** A schema as shipped in schema/ and as registered. */
export interface EventSchema {
  readonly schemaType: SchemaType;
  /** schema/event.avsc, schema/event.proto or schema/event.schema.json */
  readonly file: string;
  readonly text: string;
}

const SCHEMA_FILES: Record<RegistryFormat, { schemaType: SchemaType; file: string }> = {
  avro: { schemaType: 'AVRO', file: 'event.avsc' },
  protobuf: { schemaType: 'PROTOBUF', file: 'event.proto' },
  'json-schema': { schemaType: 'JSON', file: 'event.schema.json' },
};

/** The fully qualified name of the event message in schema/event.proto (its first message: indexes [0]). */
const PROTO_EVENT = 'dev.user_behavior_producer.Event';

/** The schema of a format, read from the package's schema/ folder. */
export function eventSchema(format: RegistryFormat): EventSchema {
  const { schemaType, file } = SCHEMA_FILES[format];
  // From src/events (tests) or dist/src/events (the package).
  for (const up of ['../../schema/', '../../../schema/']) {
    const url = new URL(up + file, import.meta.url);
    if (fs.existsSync(url)) return { schemaType, file: `schema/${file}`, text: fs.readFileSync(url, 'utf8') };
  }
  throw new Error(`schema/${file} not found next to the package`);
}

/**
 * How events become record values in a format: JSON text (the plain serializer), or the
 * Confluent wire format with the schema id that `schemaIdOf` gives for the record (with one topic
 * per event type, each topic's subject has its own id).
 */
export function eventEncoder(
  format: Format,
  instanceTag: string,
  schemaIdOf: (rec: EventRecord) => number,
  model: ShopModel = defaultShopModel(),
): RecordEncoder<EventRecord> {
  switch (format) {
    case 'json':
      return new EventSerializer(instanceTag, model);
    case 'json-schema':
      return new JsonSchemaEncoder(instanceTag, schemaIdOf, model);
    case 'avro':
      return new AvroEncoder(instanceTag, schemaIdOf, model);
    case 'protobuf':
      return new ProtobufEncoder(instanceTag, schemaIdOf, model);
  }
}

/** The JSON text of the plain format behind the wire header: the same bytes as `--format json` after it. */
class JsonSchemaEncoder implements RecordEncoder<EventRecord> {
  readonly maxBytes = MAX_EVENT_BYTES + HEADER_BYTES;
  readonly #json: EventSerializer;
  readonly #schemaIdOf: (rec: EventRecord) => number;

  constructor(instanceTag: string, schemaIdOf: (rec: EventRecord) => number, model: ShopModel) {
    this.#json = new EventSerializer(instanceTag, model);
    this.#schemaIdOf = schemaIdOf;
  }

  encodeInto(rec: EventRecord, buf: Latin1Buffer, pos: number): number {
    return this.#json.encodeInto(rec, buf, writeWireHeader(buf, pos, this.#schemaIdOf(rec)));
  }

  tag(rec: EventRecord): number {
    return rec.type;
  }
}

/** Avro binary, by the writer of schema/event.avsc that reads the model's record directly. */
class AvroEncoder implements RecordEncoder<EventRecord> {
  readonly maxBytes = MAX_EVENT_BYTES + HEADER_BYTES;
  readonly #writer: AvroEventWriter;
  readonly #schemaIdOf: (rec: EventRecord) => number;

  constructor(instanceTag: string, schemaIdOf: (rec: EventRecord) => number, model: ShopModel) {
    this.#writer = new AvroEventWriter(instanceTag, model);
    this.#schemaIdOf = schemaIdOf;
  }

  encodeInto(rec: EventRecord, buf: Latin1Buffer, pos: number): number {
    return this.#writer.write(rec, buf, writeWireHeader(buf, pos, this.#schemaIdOf(rec)));
  }

  tag(rec: EventRecord): number {
    return rec.type;
  }
}

/** Protobuf of the event object (`toEvent`) by protobufjs; null fields (optional ones) are left out. */
class ProtobufEncoder implements RecordEncoder<EventRecord> {
  readonly maxBytes = MAX_EVENT_BYTES + HEADER_BYTES;
  readonly #type = protobufRoot().lookupType(PROTO_EVENT);
  readonly #instanceTag: string;
  readonly #schemaIdOf: (rec: EventRecord) => number;
  readonly #model: ShopModel;

  constructor(instanceTag: string, schemaIdOf: (rec: EventRecord) => number, model: ShopModel) {
    this.#instanceTag = instanceTag;
    this.#model = model;
    this.#schemaIdOf = schemaIdOf;
  }

  encodeInto(rec: EventRecord, buf: Latin1Buffer, pos: number): number {
    const start = writeMessageIndexes(buf, writeWireHeader(buf, pos, this.#schemaIdOf(rec)), [0]);
    const bytes = this.#type.encode(toEvent(rec, this.#instanceTag, this.#model)).finish();
    if (start + bytes.length > pos + this.maxBytes) throw new RangeError(`a Protobuf event took more than ${this.maxBytes} bytes`);
    buf.set(bytes, start);
    return start + bytes.length;
  }

  tag(rec: EventRecord): number {
    return rec.type;
  }
}

/** avsc's type of an Avro schema text: the reader of wire records, and the reference writer in tests. */
export function avroType(text = eventSchema('avro').text): Avro.Type {
  return avro().Type.forSchema(JSON.parse(text));
}

function protobufRoot(text = eventSchema('protobuf').text): Protobuf.Root {
  // keepCase: the fields keep the event's snake_case names (protobufjs would camelCase them).
  return protobuf().parse(text, { keepCase: true }).root;
}

/** A registered schema, as the registry gives it back by id. */
export interface FetchedSchema {
  schemaType?: string;
  schema: string;
}

type Decode = (value: Uint8Array) => unknown;

/**
 * Turns wire-format record values back into events, whatever the format: the schema is looked
 * up by the id in each value (once per id) and the decoded record made into the event object
 * `toEvent` gives — same fields, same order, nulls where the JSON has them — so
 * `JSON.stringify` of it is the JSON format's text of the same event.
 */
export class WireDecoder {
  readonly #fetch: (id: number) => Promise<FetchedSchema>;
  readonly #decoders = new Map<number, Decode>();

  constructor(fetchSchema: (id: number) => Promise<FetchedSchema>) {
    this.#fetch = fetchSchema;
  }

  async decode(value: Uint8Array): Promise<UserEvent> {
    const id = wireSchemaId(value);
    let decode = this.#decoders.get(id);
    if (decode === undefined) {
      decode = decoderOf(await this.#fetch(id), id);
      this.#decoders.set(id, decode);
    }
    return eventFromDecoded(decode(value));
  }
}

function decoderOf(fetched: FetchedSchema, id: number): Decode {
  const schemaType = fetched.schemaType ?? 'AVRO';
  switch (schemaType) {
    case 'AVRO': {
      const type = avroType(fetched.schema);
      return (value) => type.fromBuffer(Buffer.from(value.buffer, value.byteOffset + HEADER_BYTES, value.byteLength - HEADER_BYTES));
    }
    case 'PROTOBUF': {
      const root = protobufRoot(fetched.schema);
      const byPath = new Map<string, Protobuf.Type>();
      return (value) => {
        const { indexes, next } = readMessageIndexes(value, HEADER_BYTES);
        const path = indexes.join('.');
        let type = byPath.get(path);
        if (type === undefined) {
          type = messageAt(root, indexes, id);
          byPath.set(path, type);
        }
        return type.decode(value.subarray(next));
      };
    }
    case 'JSON':
      return (value) =>
        JSON.parse(Buffer.from(value.buffer, value.byteOffset + HEADER_BYTES, value.byteLength - HEADER_BYTES).toString('utf8'));
    default:
      throw new Error(`schema ${id} is of type ${schemaType}, which this tool does not read (AVRO, PROTOBUF or JSON)`);
  }
}

/** The message type at a path of message indexes: the file's messages in order, then nested ones. */
function messageAt(root: Protobuf.Root, indexes: readonly number[], id: number): Protobuf.Type {
  const { Type } = protobuf();
  let scope: Protobuf.NamespaceBase = root;
  // The package's namespaces hold the file's top-level messages.
  while (!scope.nestedArray.some((n) => n instanceof Type) && scope.nestedArray.length === 1) {
    scope = scope.nestedArray[0] as Protobuf.Namespace;
  }
  let type: Protobuf.Type | undefined;
  for (const index of indexes) {
    type = scope.nestedArray.filter((n): n is Protobuf.Type => n instanceof Type)[index];
    if (type === undefined) throw new Error(`schema ${id} has no message at index path [${indexes.join(', ')}]`);
    scope = type;
  }
  return type!;
}

type Fields = Record<string, unknown>;

/** event_data's fields in one order that keeps every event type's own order (schema/event.avsc). */
const EVENT_DATA_FIELDS = [
  'product_id',
  'product_category',
  'product_name',
  'quantity',
  'price',
  'in_stock',
  'cart_item_count',
  'cart_value',
  'wishlist_size',
  'rating',
  'review_length_chars',
  'scroll_depth_pct',
  'is_landing_page',
  'search_term',
  'search_results_count',
  'search_duration_ms',
  'order_id',
  'order_value',
  'item_count',
  'payment_method',
  'login_method',
  'success',
  'logout_source',
  'signup_method',
  'marketing_opt_in',
  'signup_source',
  'double_opt_in',
  'channel',
  'topic',
] as const;

/** The fields of `o` named in `keys`, in that order; nulls and absent ones left out. */
function present(o: Fields, keys: readonly string[]): Fields {
  const out: Fields = {};
  for (const k of keys) {
    const v = o[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out;
}

/** The named fields of `o` in that order, null where absent (the referrer's UTM fields). */
function nullable(o: Fields, keys: readonly string[]): Fields {
  const out: Fields = {};
  for (const k of keys) out[k] = o[k] ?? null;
  return out;
}

/**
 * A decoded Avro record, Protobuf message or JSON object as the event object. Protobuf leaves
 * out fields at their default (0, false, "") and optional ones that are unset; its decoded
 * messages answer those from their prototype, so reading each field by name sees them all.
 */
export function eventFromDecoded(decoded: unknown): UserEvent {
  const o = decoded as Fields;
  const sub = (k: string): Fields => (o[k] ?? {}) as Fields;
  const d = sub('device_info');
  const l = sub('location');
  const s = sub('session_info');
  const t = sub('technical_info');
  const eventType = o.event_type as UserEvent['event_type'];
  if (!EVENT_TYPES.includes(eventType)) throw new Error(`a decoded record has no known event_type (got ${JSON.stringify(o.event_type)})`);
  return {
    event_id: o.event_id,
    event_type: eventType,
    timestamp: o.timestamp,
    session_id: o.session_id,
    user_id: o.user_id,
    user_segment: o.user_segment,
    page_info: present(sub('page_info'), ['page_url', 'page_title', 'page_category', 'product_id', 'product_category']),
    event_data: present(sub('event_data'), EVENT_DATA_FIELDS),
    device_info: nullable(d, ['type', 'os', 'browser', 'user_agent', 'screen_resolution', 'viewport_size']),
    location: nullable(l, ['country', 'state', 'city', 'timezone', 'latitude', 'longitude']),
    referrer: nullable(sub('referrer'), ['type', 'source', 'utm_source', 'utm_medium', 'utm_campaign']),
    session_info: nullable(s, ['session_start', 'events_in_session', 'session_duration_so_far', 'is_new_session']),
    technical_info: nullable(t, ['ip_address', 'user_agent', 'page_load_time_ms', 'time_on_page_ms']),
  } as unknown as UserEvent;
}
