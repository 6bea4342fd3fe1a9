import type { EventRecord } from '../model/activity.ts';
import { EVENT_TYPES, T, type EventType } from '../model/event-types.ts';
import { SEGMENTS, type Segment } from '../model/segments.ts';
import { defaultShopModel, type ShopModel } from '../model/shop.ts';
import { pageInfo, type PageInfo } from './pages.ts';
import { isoTimestamp } from './timestamp.ts';

/** One event on the wire: the seed's JSON object, field for field. */
export interface UserEvent {
  event_id: string;
  event_type: EventType;
  timestamp: string;
  session_id: string;
  user_id: string;
  user_segment: Segment;
  page_info: PageInfo;
  event_data: Record<string, string | number | boolean>;
  device_info: { type: string; os: string; browser: string; user_agent: string; screen_resolution: string; viewport_size: string };
  location: { country: string; state: string; city: string; timezone: string; latitude: number; longitude: number };
  referrer: { type: string; source: string | null; utm_source: string | null; utm_medium: string | null; utm_campaign: string | null };
  session_info: { session_start: string; events_in_session: number; session_duration_so_far: number; is_new_session: boolean };
  technical_info: { ip_address: string; user_agent: string; page_load_time_ms: number; time_on_page_ms: number };
}

export function eventId(rec: EventRecord, instanceTag: string): string {
  return `evt_${Math.floor(rec.timeMs / 1000)}_${instanceTag}_${String(rec.seq).padStart(6, '0')}`;
}

export function money(cents: number): number {
  return cents / 100;
}

/** The event-specific fields, in wire order. */
export function eventData(rec: EventRecord): UserEvent['event_data'] {
  switch (rec.type) {
    case T.PAGE_VIEW:
      return { scroll_depth_pct: rec.scrollDepthPct, is_landing_page: rec.isLandingPage };
    case T.PRODUCT_VIEW: {
      const p = rec.product;
      return {
        product_id: p.id,
        product_category: p.category,
        product_name: p.name,
        quantity: 1,
        price: money(p.priceCents),
        in_stock: rec.inStock,
      };
    }
    case T.SEARCH:
      return { search_term: rec.searchTerm, search_results_count: rec.resultsCount, search_duration_ms: rec.searchDurationMs };
    case T.ADD_TO_CART:
    case T.REMOVE_FROM_CART: {
      const p = rec.product;
      return {
        product_id: p.id,
        product_category: p.category,
        quantity: rec.quantity,
        price: money(rec.priceCents),
        cart_item_count: rec.cartItemCount,
        cart_value: money(rec.cartValueCents),
      };
    }
    case T.BEGIN_CHECKOUT:
    case T.COMPLETE_CHECKOUT:
      return {
        order_id: rec.orderId,
        order_value: money(rec.orderValueCents),
        item_count: rec.itemCount,
        payment_method: rec.paymentMethod,
      };
    case T.LOGIN:
      return { login_method: rec.loginMethod, success: rec.success };
    case T.LOGOUT:
      return { logout_source: rec.logoutSource };
    case T.ACCOUNT_CREATE:
      return { signup_method: rec.signupMethod, marketing_opt_in: rec.marketingOptIn };
    case T.WISHLIST_ADD:
      return {
        product_id: rec.product.id,
        product_category: rec.product.category,
        price: money(rec.priceCents),
        wishlist_size: rec.wishlistSize,
      };
    case T.NEWSLETTER_SIGNUP:
      return { signup_source: rec.signupSource, double_opt_in: rec.doubleOptIn };
    case T.REVIEW_WRITE:
      return {
        product_id: rec.product.id,
        product_category: rec.product.category,
        rating: rec.rating,
        review_length_chars: rec.reviewLengthChars,
      };
    case T.CONTACT_SUPPORT:
      return { channel: rec.channel, topic: rec.topic };
  }
}

/**
 * The event as a plain object. This is the readable reference: the fast serializer must
 * produce exactly `JSON.stringify(toEvent(rec, tag))`.
 */
export function toEvent(rec: EventRecord, instanceTag: string, model: ShopModel = defaultShopModel()): UserEvent {
  const session = rec.session;
  const user = session.user;
  const city = model.cities[user.city]!;
  const d = user.device;
  const r = session.referrer;
  return {
    event_id: eventId(rec, instanceTag),
    event_type: EVENT_TYPES[rec.type],
    timestamp: isoTimestamp(rec.timeMs),
    session_id: session.id,
    user_id: user.id,
    user_segment: SEGMENTS[session.segment]!,
    page_info: pageInfo(rec, model.catalog.categories),
    event_data: eventData(rec),
    device_info: {
      type: d.type,
      os: d.os,
      browser: d.browser,
      user_agent: d.userAgent,
      screen_resolution: d.screen,
      viewport_size: d.viewport,
    },
    location: {
      country: city.country,
      state: city.state,
      city: city.city,
      timezone: city.timezone,
      latitude: city.latitude,
      longitude: city.longitude,
    },
    referrer: { type: r.type, source: r.source, utm_source: r.utmSource, utm_medium: r.utmMedium, utm_campaign: r.utmCampaign },
    session_info: {
      session_start: isoTimestamp(session.startMs),
      events_in_session: rec.index,
      session_duration_so_far: Math.floor((rec.timeMs - session.startMs) / 1000),
      is_new_session: rec.index === 1,
    },
    technical_info: { ip_address: user.ip, user_agent: d.userAgent, page_load_time_ms: rec.pageLoadMs, time_on_page_ms: rec.timeOnPageMs },
  };
}
