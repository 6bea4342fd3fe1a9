import type { EventRecord } from '../model/activity.ts';
import type { Category } from '../model/catalog.ts';
import { DEVICE_COUNT } from '../model/devices.ts';
import { EVENT_TYPES } from '../model/event-types.ts';
import { SEGMENTS } from '../model/segments.ts';
import { defaultShopModel, type ShopModel } from '../model/shop.ts';
import type { Latin1Buffer } from './bytes.ts';
import { eventData, eventId } from './event.ts';
import { pageInfo } from './pages.ts';
import { IsoClock, writeTimeOfDay } from './timestamp.ts';
import { writeZigZag } from './wire.ts';

/**
 * The Avro binary of schema/event.avsc, written straight from the model's record: the hot path
 * of `--format avro`, byte-equal to avsc's writer of the `toEvent` object (tested). Avro has no
 * field tags, so the parts that are constant for a device, a city, a referrer, an event type or
 * a segment are whole byte blocks, kept here once and copied per event; the rest is a string, a
 * zigzag varint, a double or a boolean after another. Every string the model makes is ASCII (as
 * the JSON serializer relies on), so its length is its byte count.
 */

type Kind = 'string' | 'int' | 'double' | 'boolean';

/** event_data's fields in schema order, each `["null", kind]` with null first. */
export const AVRO_EVENT_DATA: readonly (readonly [string, Kind])[] = [
  ['product_id', 'string'],
  ['product_category', 'string'],
  ['product_name', 'string'],
  ['quantity', 'int'],
  ['price', 'double'],
  ['in_stock', 'boolean'],
  ['cart_item_count', 'int'],
  ['cart_value', 'double'],
  ['wishlist_size', 'int'],
  ['rating', 'int'],
  ['review_length_chars', 'int'],
  ['scroll_depth_pct', 'int'],
  ['is_landing_page', 'boolean'],
  ['search_term', 'string'],
  ['search_results_count', 'int'],
  ['search_duration_ms', 'int'],
  ['order_id', 'string'],
  ['order_value', 'double'],
  ['item_count', 'int'],
  ['payment_method', 'string'],
  ['login_method', 'string'],
  ['success', 'boolean'],
  ['logout_source', 'string'],
  ['signup_method', 'string'],
  ['marketing_opt_in', 'boolean'],
  ['signup_source', 'string'],
  ['double_opt_in', 'boolean'],
  ['channel', 'string'],
  ['topic', 'string'],
];

/** A little scratch writer for the constant blocks, made once. */
class Block {
  private readonly buf = Buffer.alloc(8192) as Latin1Buffer;
  private pos = 0;
  string(s: string): this {
    this.pos = writeString(this.buf, this.pos, s);
    return this;
  }
  nullable(s: string | null): this {
    if (s === null) this.buf[this.pos++] = 0;
    else {
      this.buf[this.pos++] = 2;
      this.pos = writeString(this.buf, this.pos, s);
    }
    return this;
  }
  double(x: number): this {
    this.buf.writeDoubleLE(x, this.pos);
    this.pos += 8;
    return this;
  }
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

const strings = (...xs: string[]): Buffer => xs.reduce((b, s) => b.string(s), new Block()).done();
const DATA_NAMES = AVRO_EVENT_DATA.map(([name]) => name);
const DATA_KINDS = AVRO_EVENT_DATA.map(([, kind]) => (kind === 'string' ? 0 : kind === 'int' ? 1 : kind === 'double' ? 2 : 3));

export class AvroEventWriter {
  private readonly tagPart: string;
  /** Event times and session starts run on separate days now and then: a clock each. */
  private readonly eventClock = new IsoClock();
  private readonly startClock = new IsoClock();
  private readonly types = EVENT_TYPES.map((t) => strings(t));
  private readonly segments = SEGMENTS.map((s) => strings(s));
  /** By `DeviceProfile.index`, encoded when first used: a run meets a few hundred of the table's thousands. */
  private readonly devices: (Buffer | undefined)[] = new Array<Buffer | undefined>(DEVICE_COUNT).fill(undefined);
  private readonly userAgents: (Buffer | undefined)[] = new Array<Buffer | undefined>(DEVICE_COUNT).fill(undefined);
  private readonly cities: Buffer[];
  private readonly referrers: Buffer[];
  private readonly categories: readonly Category[];

  constructor(instanceTag: string, model: ShopModel = defaultShopModel()) {
    this.tagPart = instanceTag;
    this.categories = model.catalog.categories;
    this.cities = model.cities.map((c) =>
      new Block().string(c.country).string(c.state).string(c.city).string(c.timezone).double(c.latitude).double(c.longitude).done(),
    );
    this.referrers = model.referrers.all.map((r) =>
      new Block().string(r.type).nullable(r.source).nullable(r.utmSource).nullable(r.utmMedium).nullable(r.utmCampaign).done(),
    );
  }

  /** Writes the event's Avro binary at `pos`; returns the position after it. */
  write(rec: EventRecord, buf: Latin1Buffer, pos: number): number {
    const session = rec.session;
    const user = session.user;
    const device = user.device;
    pos = writeString(buf, pos, eventId(rec, this.tagPart));
    pos = copy(buf, pos, this.types[rec.type]!);
    pos = writeTimestamp(buf, pos, rec.timeMs, this.eventClock);
    pos = writeString(buf, pos, session.id);
    pos = writeString(buf, pos, user.id);
    pos = copy(buf, pos, this.segments[session.segment]!);

    const page = pageInfo(rec, this.categories);
    pos = writeString(buf, pos, page.page_url);
    pos = writeString(buf, pos, page.page_title);
    pos = writeString(buf, pos, page.page_category);
    pos = writeNullable(buf, pos, page.product_id);
    pos = writeNullable(buf, pos, page.product_category);

    const data = eventData(rec) as Record<string, string | number | boolean | undefined>;
    for (let i = 0; i < DATA_NAMES.length; i++) {
      const v = data[DATA_NAMES[i]!];
      if (v === undefined) {
        buf[pos++] = 0;
        continue;
      }
      buf[pos++] = 2;
      const kind = DATA_KINDS[i];
      if (kind === 0) pos = writeString(buf, pos, v as string);
      else if (kind === 1) pos = writeLong(buf, pos, v as number);
      else if (kind === 2) pos = buf.writeDoubleLE(v as number, pos);
      else buf[pos++] = v ? 1 : 0;
    }

    pos = copy(
      buf,
      pos,
      (this.devices[device.index] ??= strings(device.type, device.os, device.browser, device.userAgent, device.screen, device.viewport)),
    );
    pos = copy(buf, pos, this.cities[user.city]!);
    pos = copy(buf, pos, this.referrers[session.referrer.index]!);

    pos = writeTimestamp(buf, pos, session.startMs, this.startClock);
    pos = writeLong(buf, pos, rec.index);
    pos = writeLong(buf, pos, Math.floor((rec.timeMs - session.startMs) / 1000));
    buf[pos++] = rec.index === 1 ? 1 : 0;

    pos = writeString(buf, pos, user.ip);
    pos = copy(buf, pos, (this.userAgents[device.index] ??= strings(device.userAgent)));
    pos = writeLong(buf, pos, rec.pageLoadMs);
    return writeLong(buf, pos, rec.timeOnPageMs);
  }
}

/** The ISO 8601 text of `ms` as an Avro string, the day's date from `clock`, the time digit by digit. */
function writeTimestamp(buf: Latin1Buffer, pos: number, ms: number, clock: IsoClock): number {
  const sec = Math.floor(ms / 1000);
  const date = clock.date(sec);
  // `HH:MM:SS.mmmZ` is 13 characters after the date.
  pos = writeLong(buf, pos, date.length + 13);
  pos += buf.latin1Write(date, pos);
  return writeTimeOfDay(buf, pos, ms, sec);
}

function copy(buf: Buffer, pos: number, block: Buffer): number {
  return pos + block.copy(buf, pos);
}

/** An Avro string: its byte length as a zigzag varint, then the bytes (ASCII here). */
function writeString(buf: Latin1Buffer, pos: number, s: string): number {
  pos = writeLong(buf, pos, s.length);
  return pos + buf.latin1Write(s, pos);
}

function writeNullable(buf: Latin1Buffer, pos: number, s: string | undefined): number {
  if (s === undefined) {
    buf[pos] = 0;
    return pos + 1;
  }
  buf[pos] = 2;
  return writeString(buf, pos + 1, s);
}

/** An Avro int or long: zigzag, then 7 bits a byte, low first. Exact up to 2^52, as avsc is. */
function writeLong(buf: Buffer, pos: number, n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return writeZigZag(buf, pos, n);
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    buf[pos++] = (z % 0x80) | 0x80;
    z = Math.floor(z / 0x80);
  }
  buf[pos++] = z;
  return pos;
}
