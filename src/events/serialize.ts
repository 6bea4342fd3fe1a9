import {
  LOGIN_METHODS, LOGOUT_SOURCES, NEWSLETTER_SOURCES, PAYMENT_METHODS, SIGNUP_METHODS, SUPPORT_CHANNELS, SUPPORT_TOPICS,
  type EventRecord,
} from '../model/activity.ts';
import type { Product } from '../model/catalog.ts';
import { EVENT_TYPES, T } from '../model/event-types.ts';
import { CITIES } from '../model/geo.ts';
import { SEGMENTS } from '../model/segments.ts';
import type { Session } from '../model/session.ts';
import type { User } from '../model/users.ts';
import { money } from './event.ts';
import { pageInfo, type PageInfo } from './pages.ts';
import { TimestampFormatter } from './timestamp.ts';

/**
 * The hot path: one event to its JSON text without building the object. Every string the
 * model emits comes from fixed vocabularies that need no JSON escaping (a test checks this),
 * so values are spliced in directly; constant parts of a user and a session are built once
 * and kept on them. Must equal `JSON.stringify(toEvent(rec))` byte for byte (tested).
 */
export class EventSerializer {
  private readonly tag: string;
  private readonly clock = new TimestampFormatter();
  private readonly typePrefix: string[];
  private readonly pageCache = new Map<string, string>();
  private readonly productCache = new WeakMap<Product, ProductText>();

  constructor(instanceTag: string) {
    this.tag = instanceTag;
    this.typePrefix = EVENT_TYPES.map((t) => `","event_type":"${t}","timestamp":"`);
  }

  serialize(rec: EventRecord): string {
    const session = rec.session;
    const s = (session.cache as SessionText | undefined) ?? this.sessionText(session);
    const u = (session.user.cache as UserText | undefined) ?? this.userText(session.user);
    const sec = Math.floor(rec.timeMs / 1000);
    const seq = rec.seq < 100000 ? String(rec.seq).padStart(6, '0') : String(rec.seq);
    return (
      '{"event_id":"evt_' + sec + '_' + this.tag + '_' + seq +
      this.typePrefix[rec.type] + this.clock.format(rec.timeMs) +
      s.head + this.page(rec) + ',"event_data":' + this.data(rec) +
      s.middle + rec.index + ',"session_duration_so_far":' + Math.floor((rec.timeMs - session.startMs) / 1000) +
      (rec.index === 1 ? ',"is_new_session":true}' : ',"is_new_session":false}') +
      u.tech + rec.pageLoadMs + ',"time_on_page_ms":' + rec.timeOnPageMs + '}}'
    );
  }

  private sessionText(session: Session): SessionText {
    const user = session.user;
    const u = (user.cache as UserText | undefined) ?? this.userText(user);
    const r = session.referrer;
    const text: SessionText = {
      head: `","session_id":"${session.id}","user_id":"${user.id}","user_segment":"${SEGMENTS[session.segment]}","page_info":`,
      middle:
        u.deviceAndLocation +
        `,"referrer":{"type":"${r.type}","source":${str(r.source)},"utm_source":${str(r.utmSource)},"utm_medium":${str(r.utmMedium)},"utm_campaign":${str(r.utmCampaign)}}` +
        `,"session_info":{"session_start":"${new Date(session.startMs).toISOString()}","events_in_session":`,
    };
    session.cache = text;
    return text;
  }

  private userText(user: User): UserText {
    const d = user.device;
    const c = CITIES[user.city]!;
    const text: UserText = {
      deviceAndLocation:
        `,"device_info":{"type":"${d.type}","os":"${d.os}","browser":"${d.browser}","user_agent":"${d.userAgent}","screen_resolution":"${d.screen}","viewport_size":"${d.viewport}"}` +
        `,"location":{"country":"${c.country}","state":"${c.state}","city":"${c.city}","timezone":"${c.timezone}","latitude":${c.latitude},"longitude":${c.longitude}}`,
      tech: `,"technical_info":{"ip_address":"${user.ip}","user_agent":"${d.userAgent}","page_load_time_ms":`,
    };
    user.cache = text;
    return text;
  }

  private product(p: Product): ProductText {
    let text = this.productCache.get(p);
    if (text === undefined) {
      text = {
        page: JSON.stringify({ page_url: `/product/${p.id}`, page_title: `${p.name} - Product`, page_category: 'product', product_id: p.id, product_category: p.category }),
        ids: `{"product_id":"${p.id}","product_category":"${p.category}"`,
        price: money(p.priceCents),
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
      default: {
        // Few distinct pages besides products: cache their text by a key of what they depend on.
        const key = rec.type === T.SEARCH ? 's' + rec.searchTerm : rec.type === T.REVIEW_WRITE ? 'r' + rec.product!.id : rec.type + ':' + rec.page + ':' + rec.category;
        let text = this.pageCache.get(key);
        if (text === undefined) {
          text = JSON.stringify(pageInfo(rec) satisfies PageInfo);
          this.pageCache.set(key, text);
        }
        return text;
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
          this.product(rec.product!).ids + ',"quantity":' + rec.quantity + ',"price":' + money(rec.priceCents) +
          ',"cart_item_count":' + rec.itemCount + ',"cart_value":' + money(rec.cartValueCents) + '}'
        );
      case T.BEGIN_CHECKOUT:
        return '{"order_id":"' + rec.orderId + '","order_value":' + money(rec.cartValueCents) + ',"item_count":' + rec.itemCount + '}';
      case T.COMPLETE_CHECKOUT:
        return (
          '{"order_id":"' + rec.orderId + '","order_value":' + money(rec.cartValueCents) + ',"item_count":' + rec.itemCount +
          ',"payment_method":"' + PAYMENT_METHODS[rec.choice] + '"}'
        );
      case T.LOGIN:
        return '{"login_method":"' + LOGIN_METHODS[rec.choice] + '","success":' + rec.flag + '}';
      case T.LOGOUT:
        return '{"logout_source":"' + LOGOUT_SOURCES[rec.choice] + '"}';
      case T.ACCOUNT_CREATE:
        return '{"signup_method":"' + SIGNUP_METHODS[rec.choice] + '","marketing_opt_in":' + rec.flag + '}';
      case T.WISHLIST_ADD:
        return this.product(rec.product!).ids + ',"price":' + money(rec.priceCents) + ',"wishlist_size":' + rec.amount + '}';
      case T.NEWSLETTER_SIGNUP:
        return '{"signup_source":"' + NEWSLETTER_SOURCES[rec.choice] + '","double_opt_in":' + rec.flag + '}';
      case T.REVIEW_WRITE:
        return this.product(rec.product!).ids + ',"rating":' + rec.amount + ',"review_length_chars":' + rec.amount2 + '}';
      default:
        return '{"channel":"' + SUPPORT_CHANNELS[rec.choice] + '","topic":"' + SUPPORT_TOPICS[rec.amount] + '"}';
    }
  }
}

interface SessionText {
  head: string;
  middle: string;
}
interface UserText {
  deviceAndLocation: string;
  tech: string;
}
interface ProductText {
  page: string;
  ids: string;
  price: number;
}

function str(value: string | null): string {
  return value === null ? 'null' : '"' + value + '"';
}
