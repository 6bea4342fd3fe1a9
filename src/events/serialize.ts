import {
  LOGIN_METHODS, LOGOUT_SOURCES, NEWSLETTER_SOURCES, PAYMENT_METHODS, SIGNUP_METHODS, SUPPORT_CHANNELS, SUPPORT_TOPICS,
  type EventRecord,
} from '../model/activity.ts';
import type { Product } from '../model/catalog.ts';
import { EVENT_TYPES, T } from '../model/event-types.ts';
import { CITIES } from '../model/geo.ts';
import { SEGMENTS } from '../model/segments.ts';
import type { Session } from '../model/session.ts';
import type { DeviceProfile } from '../model/devices.ts';
import type { Referrer } from '../model/referrers.ts';
import { pageInfo, type PageInfo } from './pages.ts';
import { TimestampFormatter } from './timestamp.ts';

/**
 * The hot path: one event to its JSON text without building the object. Every string the
 * model emits comes from fixed vocabularies that need no JSON escaping (a test checks this),
 * so values are spliced in directly; constant parts of a user and a session are built once
 * and kept on them. Must equal `JSON.stringify(toEvent(rec))` byte for byte (tested).
 */
export class EventSerializer {
  /** `_<instance tag>_`, between the second and the sequence number of an event id. */
  private readonly tagPart: string;
  private readonly clock = new TimestampFormatter();
  private readonly typePrefix: string[];
  private readonly locations: string[];
  private readonly segmentPrefix: string[];
  /** Plain pages by `page * 64 + category`, search pages by term. */
  private readonly plainPages: string[] = [];
  private readonly searchPages = new Map<string, string>();
  private readonly productCache = new WeakMap<Product, ProductText>();

  constructor(instanceTag: string) {
    this.tagPart = '_' + instanceTag + '_';
    this.typePrefix = EVENT_TYPES.map((t) => `","event_type":"${t}","timestamp":"`);
    this.segmentPrefix = SEGMENTS.map((seg) => `","user_segment":"${seg}","page_info":`);
    this.locations = CITIES.map((c) => `,"location":{"country":"${c.country}","state":"${c.state}","city":"${c.city}","timezone":"${c.timezone}","latitude":${c.latitude},"longitude":${c.longitude}}`);
  }

  serialize(rec: EventRecord): string {
    const session = rec.session;
    const user = session.user;
    const d = deviceText(user.device);
    const sec = Math.floor(rec.timeMs / 1000);
    const seq = rec.seq < 100000 ? String(rec.seq).padStart(6, '0') : rec.seq;
    // Nothing per session is cached: sessions are many and long-lived, and these pieces are
    // shared strings, so joining them per event costs less than keeping them per session.
    return (
      '{"event_id":"evt_' + sec + this.tagPart + seq +
      this.typePrefix[rec.type] + this.clock.format(rec.timeMs) +
      '","session_id":"' + session.id + '","user_id":"' + user.id + this.segmentPrefix[session.segment] +
      this.page(rec) + ',"event_data":' + this.data(rec) +
      d.info + this.locations[user.city] + referrerText(session.referrer) +
      ',"session_info":{"session_start":"' + this.startText(session) + '","events_in_session":' + rec.index +
      ',"session_duration_so_far":' + Math.floor((rec.timeMs - session.startMs) / 1000) +
      (rec.index === 1 ? ',"is_new_session":true},"technical_info":{"ip_address":"' : ',"is_new_session":false},"technical_info":{"ip_address":"') +
      user.ip + d.tech + rec.pageLoadMs + ',"time_on_page_ms":' + rec.timeOnPageMs + '}}'
    );
  }

  /** The session's first timestamp: formatted on its first event, kept on the session. */
  private startText(session: Session): string {
    return (session.cache as string | undefined) ?? (session.cache = new Date(session.startMs).toISOString());
  }

  private product(p: Product): ProductText {
    let text = this.productCache.get(p);
    if (text === undefined) {
      text = {
        page: JSON.stringify({ page_url: `/product/${p.id}`, page_title: `${p.name} - Product`, page_category: 'product', product_id: p.id, product_category: p.category }),
        ids: `{"product_id":"${p.id}","product_category":"${p.category}"`,
        price: moneyText(p.priceCents),
        review: undefined,
      };
      this.productCache.set(p, text);
    }
    return text;
  }

  private page(rec: EventRecord): string {
    switch (rec.type) {
      case T.PRODUCT_VIEW:
      case T.ADD_TO_CART:
      case T.WISHLIST_ADD:
        return this.product(rec.product!).page;
      case T.REVIEW_WRITE: {
        const t = this.product(rec.product!);
        return (t.review ??= JSON.stringify(pageInfo(rec)));
      }
      case T.SEARCH: {
        let text = this.searchPages.get(rec.searchTerm);
        if (text === undefined) this.searchPages.set(rec.searchTerm, (text = JSON.stringify(pageInfo(rec))));
        return text;
      }
      default: {
        // Page views depend on the page kind and category; the other steps on their type.
        const key = rec.type === T.PAGE_VIEW ? rec.page * 64 + rec.category : 64 * 64 + rec.type;
        return (this.plainPages[key] ??= JSON.stringify(pageInfo(rec) satisfies PageInfo));
      }
    }
  }

  private data(rec: EventRecord): string {
    switch (rec.type) {
      case T.PAGE_VIEW:
        return '{"scroll_depth_pct":' + rec.amount + ',"is_landing_page":' + rec.flag + '}';
      case T.PRODUCT_VIEW: {
        const p = rec.product!;
        const t = this.product(p);
        return t.ids + ',"product_name":"' + p.name + '","price":' + t.price + ',"in_stock":' + rec.flag + '}';
      }
      case T.SEARCH:
        return '{"search_term":"' + rec.searchTerm + '","search_results_count":' + rec.amount + ',"search_duration_ms":' + rec.amount2 + '}';
      case T.ADD_TO_CART:
      case T.REMOVE_FROM_CART:
        return (
          this.product(rec.product!).ids + ',"quantity":' + rec.quantity + ',"price":' + moneyText(rec.priceCents) +
          ',"cart_item_count":' + rec.itemCount + ',"cart_value":' + moneyText(rec.cartValueCents) + '}'
        );
      case T.BEGIN_CHECKOUT:
        return '{"order_id":"' + rec.orderId + '","order_value":' + moneyText(rec.cartValueCents) + ',"item_count":' + rec.itemCount + '}';
      case T.COMPLETE_CHECKOUT:
        return (
          '{"order_id":"' + rec.orderId + '","order_value":' + moneyText(rec.cartValueCents) + ',"item_count":' + rec.itemCount +
          ',"payment_method":"' + PAYMENT_METHODS[rec.choice] + '"}'
        );
      case T.LOGIN:
        return '{"login_method":"' + LOGIN_METHODS[rec.choice] + '","success":' + rec.flag + '}';
      case T.LOGOUT:
        return '{"logout_source":"' + LOGOUT_SOURCES[rec.choice] + '"}';
      case T.ACCOUNT_CREATE:
        return '{"signup_method":"' + SIGNUP_METHODS[rec.choice] + '","marketing_opt_in":' + rec.flag + '}';
      case T.WISHLIST_ADD:
        return this.product(rec.product!).ids + ',"price":' + moneyText(rec.priceCents) + ',"wishlist_size":' + rec.amount + '}';
      case T.NEWSLETTER_SIGNUP:
        return '{"signup_source":"' + NEWSLETTER_SOURCES[rec.choice] + '","double_opt_in":' + rec.flag + '}';
      case T.REVIEW_WRITE:
        return this.product(rec.product!).ids + ',"rating":' + rec.amount + ',"review_length_chars":' + rec.amount2 + '}';
      default:
        return '{"channel":"' + SUPPORT_CHANNELS[rec.choice] + '","topic":"' + SUPPORT_TOPICS[rec.amount] + '"}';
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
  review: string | undefined;
  ids: string;
  price: string;
}

function deviceText(d: DeviceProfile): DeviceText {
  let text = d.cache as DeviceText | undefined;
  if (text === undefined) {
    text = {
      info: `,"device_info":{"type":"${d.type}","os":"${d.os}","browser":"${d.browser}","user_agent":"${d.userAgent}","screen_resolution":"${d.screen}","viewport_size":"${d.viewport}"}`,
      tech: `","user_agent":"${d.userAgent}","page_load_time_ms":`,
    };
    d.cache = text;
  }
  return text;
}

function referrerText(r: Referrer): string {
  return (r.cache as string | undefined) ?? (r.cache = `,"referrer":{"type":"${r.type}","source":${str(r.source)},"utm_source":${str(r.utmSource)},"utm_medium":${str(r.utmMedium)},"utm_campaign":${str(r.utmCampaign)}}`);
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
