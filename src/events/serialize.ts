import type { EventRecord } from '../model/activity.ts';
import type { Category, Product } from '../model/catalog.ts';
import { DEVICES, type DeviceProfile } from '../model/devices.ts';
import { EVENT_TYPES, T } from '../model/event-types.ts';
import type { Referrer } from '../model/referrers.ts';
import { SEGMENTS } from '../model/segments.ts';
import type { Session } from '../model/session.ts';
import { defaultShopModel, type ShopModel } from '../model/shop.ts';
import { writeDigits, type Latin1Buffer, type RecordEncoder } from './bytes.ts';
import { pageInfo, type PageInfo } from './pages.ts';
import { IsoClock, writeTimeOfDay } from './timestamp.ts';

/** Room an event may need when encoded; real ones take 1–2 KB. */
export const MAX_EVENT_BYTES = 16 * 1024;

/**
 * The hot path: one event to its JSON text without building the object. Every string the
 * model emits comes from fixed vocabularies that need no JSON escaping (a test checks this),
 * so values are spliced in directly. Must equal `JSON.stringify(toEvent(rec))` byte for byte
 * (tested).
 *
 * The event is written as bytes, piece after piece, into the caller's buffer: a string built
 * with `+` is a rope, and turning a rope into bytes costs about as much per piece as per
 * kilobyte (measured). Whatever is constant for a day, a session, a product, a device, or a
 * city and referrer is kept as one flat string (`join` builds flat strings) and copied in one
 * call; the fixed keys between numbers are kept as bytes (a TypedArray `set` costs half a
 * latin1Write call; for the cached texts it measured no faster); numbers are written digit
 * by digit. An event is about 20 pieces.
 *
 * Those texts are the serializer's own, in arrays indexed by the numbers the model gives
 * devices, referrers and products (the same in every run) and active sessions (`activeSlot`,
 * reused once a session ends). Records of several simulations may come in turn, but their
 * sessions share slot numbers and would keep refilling each other's: a simulation per
 * serializer is the fast way.
 */
export class EventSerializer implements RecordEncoder<EventRecord> {
  readonly maxBytes = MAX_EVENT_BYTES;
  /** `_<instance tag>_`, the middle of the event id. */
  private readonly tagPart: Uint8Array;
  private readonly clock = new IsoClock();
  /** Per event type: `","event_type":"<type>","timestamp":"<date>T` of the current day. */
  private readonly typeDate: string[] = [];
  private typeDateText = '';
  private readonly segmentPrefix: string[];
  private readonly locations: string[];
  /** Plain pages by `page * 64 + category`, search pages by term; each ends with `,"event_data":`. */
  private readonly plainPages: string[] = [];
  private readonly searchPages = new Map<string, string>();
  /** page_view event_data by `scroll depth * 2 + landing`. */
  private readonly scrollData: string[] = [];
  /** By `Product.index`. */
  private readonly products: (ProductText | undefined)[];
  /** By `DeviceProfile.index`. */
  private readonly devices: (DeviceText | undefined)[] = filled(DEVICES.length);
  /** `placeAndReferrer` by `Referrer.index * cityCount + city`. */
  private readonly places: (string | undefined)[];
  private readonly cityCount: number;
  private readonly categories: readonly Category[];
  /**
   * By `Session.activeSlot`: the session whose texts the slot holds (a slot is refilled
   * when another session has it), from session_id to page_info's key, and the session's
   * first timestamp with the key after it. Emptied at a session's last event, so nothing of
   * an ended session stays.
   */
  private readonly slotSession: (Session | undefined)[] = [];
  private readonly slotHead: string[] = [];
  private readonly slotStart: string[] = [];
  private readonly scratch = Buffer.allocUnsafe(MAX_EVENT_BYTES * 2) as Latin1Buffer;
  /** For a session's start time: `scratch` may hold the event being encoded. */
  private readonly startScratch = Buffer.allocUnsafe(16) as Latin1Buffer;

  constructor(instanceTag: string, model: ShopModel = defaultShopModel()) {
    this.tagPart = bytes('_' + instanceTag + '_');
    this.categories = model.catalog.categories;
    this.products = filled(model.catalog.productCount);
    this.cityCount = model.cities.length;
    this.places = filled(model.referrers.all.length * model.cities.length);
    this.segmentPrefix = SEGMENTS.map((seg) => `","user_segment":"${seg}","page_info":`);
    this.locations = model.cities.map(
      (c) =>
        `,"location":{"country":"${c.country}","state":"${c.state}","city":"${c.city}","timezone":"${c.timezone}","latitude":${c.latitude},"longitude":${c.longitude}}`,
    );
  }

  /** Delivery reports count records by event type. */
  tag(rec: EventRecord): number {
    return rec.type;
  }

  /** The event's JSON text. */
  serialize(rec: EventRecord): string {
    const end = this.encodeInto(rec, this.scratch, 0);
    return this.scratch.latin1Slice(0, end);
  }

  /**
   * Write the event's JSON (ASCII only, so Latin-1 and UTF-8 bytes agree) into `buf` at
   * `pos` and return the position after it. `buf` must have `MAX_EVENT_BYTES` of room.
   */
  encodeInto(rec: EventRecord, buf: Latin1Buffer, pos: number): number {
    const start = pos;
    const session = rec.session;
    const user = session.user;
    const slot = session.activeSlot;
    if (this.slotSession[slot] !== session) this.adopt(session);
    const d = this.device(user.device);
    const ms = rec.timeMs;
    const sec = Math.floor(ms / 1000);
    pos = put(buf, pos, ID_PREFIX);
    pos = writeDigits(buf, pos, sec, 1);
    pos = put(buf, pos, this.tagPart);
    pos = writeDigits(buf, pos, rec.seq, 6);
    pos += buf.latin1Write(this.typeDatePrefix(rec.type, sec), pos);
    pos = writeTimeOfDay(buf, pos, ms, sec);
    pos += buf.latin1Write(this.slotHead[slot]!, pos);
    pos += buf.latin1Write(this.page(rec), pos);
    pos += buf.latin1Write(this.data(rec), pos);
    pos += buf.latin1Write(d.info, pos);
    pos += buf.latin1Write(this.placeAndReferrer(user.city, session.referrer), pos);
    pos += buf.latin1Write(this.slotStart[slot]!, pos);
    const index = rec.index;
    pos = writeDigits(buf, pos, index, 1);
    pos = put(buf, pos, DURATION_KEY);
    pos = writeDigits(buf, pos, Math.floor((ms - session.startMs) / 1000), 1);
    pos = put(buf, pos, index === 1 ? FIRST_EVENT : LATER_EVENT);
    pos += buf.latin1Write(user.ip, pos);
    pos += buf.latin1Write(d.tech, pos);
    pos = writeDigits(buf, pos, rec.pageLoadMs, 1);
    pos = put(buf, pos, TIME_ON_PAGE_KEY);
    pos = writeDigits(buf, pos, rec.timeOnPageMs, 1);
    buf[pos++] = 125; // }
    buf[pos++] = 125;
    if (rec.last) this.release(slot);
    if (pos - start >= MAX_EVENT_BYTES) throw new Error(`an event took ${pos - start} bytes, more than the ${MAX_EVENT_BYTES} allowed for`);
    return pos;
  }

  private typeDatePrefix(type: number, second: number): string {
    const date = this.clock.date(second);
    if (date !== this.typeDateText) {
      this.typeDateText = date;
      this.typeDate.length = 0;
    }
    return (this.typeDate[type] ??= ['","event_type":"', EVENT_TYPES[type], '","timestamp":"', date].join(''));
  }

  /** Fill the session's slot with its texts. */
  private adopt(session: Session): void {
    const slot = session.activeSlot;
    // Grown one by one, as slots are handed out, so the arrays stay without holes.
    while (this.slotSession.length <= slot) {
      this.slotSession.push(undefined);
      this.slotHead.push('');
      this.slotStart.push('');
    }
    const second = Math.floor(session.startMs / 1000);
    const end = writeTimeOfDay(this.startScratch, 0, session.startMs, second);
    this.slotSession[slot] = session;
    this.slotHead[slot] = ['","session_id":"', session.id, '","user_id":"', session.user.id, this.segmentPrefix[session.segment]].join('');
    this.slotStart[slot] = [this.clock.date(second), this.startScratch.latin1Slice(0, end), '","events_in_session":'].join('');
  }

  private release(slot: number): void {
    this.slotSession[slot] = undefined;
    this.slotHead[slot] = '';
    this.slotStart[slot] = '';
  }

  private device(d: DeviceProfile): DeviceText {
    return (this.devices[d.index] ??= {
      info: `,"device_info":{"type":"${d.type}","os":"${d.os}","browser":"${d.browser}","user_agent":"${d.userAgent}","screen_resolution":"${d.screen}","viewport_size":"${d.viewport}"}`,
      tech: `","user_agent":"${d.userAgent}","page_load_time_ms":`,
    });
  }

  /**
   * location and referrer, and the key of session_start: shared by the sessions of a city
   * and referrer (device_info stays a piece of its own: device × city × referrer would be
   * too many strings to keep).
   */
  private placeAndReferrer(city: number, r: Referrer): string {
    return (this.places[r.index * this.cityCount + city] ??= [
      this.locations[city],
      `,"referrer":{"type":"${r.type}","source":${str(r.source)},"utm_source":${str(r.utmSource)},"utm_medium":${str(r.utmMedium)},"utm_campaign":${str(r.utmCampaign)}}`,
      ',"session_info":{"session_start":"',
    ].join(''));
  }

  private product(p: Product): ProductText {
    let text = this.products[p.index];
    if (text === undefined) {
      const ids = `{"product_id":"${p.id}","product_category":"${p.category}"`;
      const price = moneyText(p.priceCents);
      const view = (inStock: boolean): string =>
        [ids, ',"product_name":"', p.name, '","quantity":1,"price":', price, ',"in_stock":', inStock, '}'].join('');
      text = {
        page: withDataKey(
          JSON.stringify({
            page_url: `/product/${p.id}`,
            page_title: `${p.name} - Product`,
            page_category: 'product',
            product_id: p.id,
            product_category: p.category,
          }),
        ),
        ids,
        price,
        review: undefined,
        view: [view(false), view(true)],
      };
      this.products[p.index] = text;
    }
    return text;
  }

  private page(rec: EventRecord): string {
    switch (rec.type) {
      case T.PRODUCT_VIEW:
      case T.ADD_TO_CART:
      case T.WISHLIST_ADD:
        return this.product(rec.product).page;
      case T.REVIEW_WRITE: {
        const t = this.product(rec.product);
        return (t.review ??= withDataKey(JSON.stringify(pageInfo(rec, this.categories))));
      }
      case T.SEARCH: {
        let text = this.searchPages.get(rec.searchTerm);
        if (text === undefined) this.searchPages.set(rec.searchTerm, (text = withDataKey(JSON.stringify(pageInfo(rec, this.categories)))));
        return text;
      }
      default: {
        // Page views depend on the page kind and category; the other steps on their type.
        const key = rec.type === T.PAGE_VIEW ? rec.page * 64 + rec.category : 64 * 64 + rec.type;
        return (this.plainPages[key] ??= withDataKey(JSON.stringify(pageInfo(rec, this.categories) satisfies PageInfo)));
      }
    }
  }

  private data(rec: EventRecord): string {
    switch (rec.type) {
      case T.PAGE_VIEW:
        return (this.scrollData[rec.scrollDepthPct * 2 + +rec.isLandingPage] ??= [
          '{"scroll_depth_pct":',
          rec.scrollDepthPct,
          ',"is_landing_page":',
          rec.isLandingPage,
          '}',
        ].join(''));
      case T.PRODUCT_VIEW:
        return this.product(rec.product).view[+rec.inStock]!;
      case T.SEARCH:
        return (
          '{"search_term":"' +
          rec.searchTerm +
          '","search_results_count":' +
          rec.resultsCount +
          ',"search_duration_ms":' +
          rec.searchDurationMs +
          '}'
        );
      case T.ADD_TO_CART:
      case T.REMOVE_FROM_CART:
        return (
          this.product(rec.product).ids +
          ',"quantity":' +
          rec.quantity +
          ',"price":' +
          moneyText(rec.priceCents) +
          ',"cart_item_count":' +
          rec.cartItemCount +
          ',"cart_value":' +
          moneyText(rec.cartValueCents) +
          '}'
        );
      case T.BEGIN_CHECKOUT:
      case T.COMPLETE_CHECKOUT:
        return (
          '{"order_id":"' +
          rec.orderId +
          '","order_value":' +
          moneyText(rec.orderValueCents) +
          ',"item_count":' +
          rec.itemCount +
          ',"payment_method":"' +
          rec.paymentMethod +
          '"}'
        );
      case T.LOGIN:
        return '{"login_method":"' + rec.loginMethod + '","success":' + rec.success + '}';
      case T.LOGOUT:
        return '{"logout_source":"' + rec.logoutSource + '"}';
      case T.ACCOUNT_CREATE:
        return '{"signup_method":"' + rec.signupMethod + '","marketing_opt_in":' + rec.marketingOptIn + '}';
      case T.WISHLIST_ADD:
        return this.product(rec.product).ids + ',"price":' + moneyText(rec.priceCents) + ',"wishlist_size":' + rec.wishlistSize + '}';
      case T.NEWSLETTER_SIGNUP:
        return '{"signup_source":"' + rec.signupSource + '","double_opt_in":' + rec.doubleOptIn + '}';
      case T.REVIEW_WRITE:
        return this.product(rec.product).ids + ',"rating":' + rec.rating + ',"review_length_chars":' + rec.reviewLengthChars + '}';
      case T.CONTACT_SUPPORT:
        return '{"channel":"' + rec.channel + '","topic":"' + rec.topic + '"}';
    }
  }
}

interface DeviceText {
  info: string;
  /** Everything of technical_info after the IP address up to page_load_time_ms. */
  tech: string;
}
interface ProductText {
  page: string;
  /** product_view event_data, out of stock and in stock. */
  view: string[];
  review: string | undefined;
  ids: string;
  price: string;
}

/** ASCII text as bytes, to be copied with `put`. */
function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Copy `piece` into `buf` at `pos`; returns the position after it. */
function put(buf: Latin1Buffer, pos: number, piece: Uint8Array): number {
  buf.set(piece, pos);
  return pos + piece.length;
}

/** The fixed keys between an event's numbers. */
const ID_PREFIX = bytes('{"event_id":"evt_');
const DURATION_KEY = bytes(',"session_duration_so_far":');
const FIRST_EVENT = bytes(',"is_new_session":true},"technical_info":{"ip_address":"');
const LATER_EVENT = bytes(',"is_new_session":false},"technical_info":{"ip_address":"');
const TIME_ON_PAGE_KEY = bytes(',"time_on_page_ms":');

/** An array of `n` empty entries without holes (V8 keeps such an array in its fastest form). */
function filled<E>(n: number): (E | undefined)[] {
  return new Array<E | undefined>(n).fill(undefined);
}

/** page_info's text and the key that follows it, as one flat string. */
function withDataKey(pageInfo: string): string {
  return [pageInfo, ',"event_data":'].join('');
}

/**
 * Cents as JSON prints cents / 100: the shortest decimal, so no trailing zeros (1899.9,
 * 20, 0.05). Integer arithmetic only, which is much faster than formatting a double.
 */
export function moneyText(cents: number): string {
  const whole = Math.floor(cents / 100);
  const frac = cents - whole * 100;
  if (frac === 0) return '' + whole;
  if (frac % 10 === 0) return whole + '.' + frac / 10;
  return whole + (frac < 10 ? '.0' : '.') + frac;
}

function str(value: string | null): string {
  return value === null ? 'null' : '"' + value + '"';
}
