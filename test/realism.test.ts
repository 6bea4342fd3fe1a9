/**
 * The realism targets of the specification, checked on the default 14-day backfill as the
 * CLI writes it (seed 42): the whole output is streamed, parsed and checked once, then each
 * property is its own test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { before, describe, test } from 'node:test';
import type { UserEvent } from '../src/events/event.ts';
import { EVENT_TYPES, EVENT_WEIGHTS } from '../src/model/event-types.ts';
import { OS_UA_MARKER } from '../src/model/devices.ts';
import { CATEGORIES, VARIANT_COLOURS } from '../src/model/catalog.ts';
import { BACKFILL_ARGS, CLI } from './helpers/cli.ts';
import { newestReleaseMs } from '../src/report/user-agent.ts';

const START = Date.parse('2024-03-04T00:00:00Z');
const END = START + 1_209_600_000;
const SEGMENTS = ['new_visitor', 'returning_visitor', 'loyal_customer', 'power_user'];
const CITY_SHARE: Record<string, number> = {
  'San Francisco': 0.15,
  'New York': 0.2,
  Austin: 0.15,
  Toronto: 0.1,
  London: 0.15,
  Berlin: 0.15,
  Sydney: 0.1,
};
type Band = 'business' | 'peak' | 'late' | 'other';

function band(hour: number): Band {
  if (hour >= 9 && hour < 17) return 'business';
  if (hour >= 19 && hour < 22) return 'peak';
  if (hour >= 23 || hour < 6) return 'late';
  return 'other';
}

/** Local hour and weekday of a UTC time in a zone, with Intl (independent of the model's own code), cached per UTC hour. */
const localCache = new Map<string, { hour: number; weekend: boolean }>();
const formats = new Map<string, Intl.DateTimeFormat>();
function local(zone: string, ms: number): { hour: number; weekend: boolean } {
  const h = Math.floor(ms / 3_600_000);
  const key = zone + h;
  let v = localCache.get(key);
  if (!v) {
    let f = formats.get(zone);
    if (!f)
      formats.set(zone, (f = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' })));
    const parts = Object.fromEntries(f.formatToParts(new Date(h * 3_600_000)).map((p) => [p.type, p.value]));
    v = { hour: Number(parts.hour), weekend: parts.weekday === 'Sat' || parts.weekday === 'Sun' };
    localCache.set(key, v);
  }
  return v;
}

interface SessionState {
  id: string;
  user: string;
  segment: string;
  count: number;
  startText: string;
  lastMs: number;
  firstMs: number;
  lastType: string;
  fixed: string;
  device: string;
  channel: string;
  revenue: number;
  /** The user's cart (kept across their sessions); null when the run did not see it all (a session open at the start). */
  cart: Map<string, { qty: number; price: number }> | null;
  /** Whether the session added to the cart. */
  added: boolean;
  loggedIn: boolean;
  pendingOrder: string | null;
  pendingPayment: string;
  pageViews: number;
  beginMs: number;
  purchased: boolean;
  /** Products this session was shown out of stock. */
  outOfStock: Set<string>;
  /** Whether the session's latest event was a search that found nothing. */
  emptySearch: boolean;
}

/** By user agent: when the newest version it names came out (NaN: one the release table lacks). */
const agentReleases = new Map<string, number>();
const agents = { checked: 0, unreleased: 0 };

const violations: string[] = [];
function violation(message: string): void {
  if (violations.length < 20) violations.push(message);
  else violations.length === 20 && violations.push('…');
}

const stats = {
  events: 0,
  carriedOver: 0,
  sessions: 0,
  typeCounts: new Map<string, number>(),
  segmentSessions: new Map<string, number>(),
  deviceSessions: new Map<string, number>(),
  osSessions: new Map<string, number>(),
  transitions: new Map<string, number>(),
  durationSum: new Map<string, number>(),
  durationN: new Map<string, number>(),
  converted: new Map<string, number>(),
  bandEvents: new Map<string, number>(),
  /** Events by local 5-minute bucket of the day, weekdays then weekends (all cities). */
  bucketEvents: new Float64Array(2 * 288),
  /** Sessions begun, by the same buckets: arrivals, a Poisson process whose rate is the curve. */
  bucketStarts: new Float64Array(2 * 288),
  eventIds: new Set<string>(),
  dwellSum: new Map<string, number>(),
  dwellN: new Map<string, number>(),
  /** Session figures by device (`device:mobile`) and channel (`channel:email`), and of all sessions (`all`). */
  slices: new Map<string, { sessions: number; bounces: number; purchased: number; revenue: number; durationMs: number }>(),
  orderIds: new Set<string>(),
};
const add = (m: Map<string, number>, k: string, n = 1): void => void m.set(k, (m.get(k) ?? 0) + n);

const WEEK_MS = 604_800_000;
/** Per user: sessions begun in the run's second week, and where the user's stream stands (for the return-gap and sessionization checks). */
const visits = new Map<string, { secondWeek: number; lastMs: number; lastSession: string }>();
const gaps = { returns: 0, quick: 0, hours: [] as number[], splits: 0, boundaryMismatch: 0 };
const sessions = new Map<string, SessionState>();
const users = new Map<string, string>();
const ipCities = new Map<string, string>();
const usersByIp = new Map<string, Set<string>>();
const lastIp = new Map<string, string>();
const network = { mobileReturns: 0, mobileNewIp: 0 };
/** Each user's cart as the run showed it; a user first seen in a session open at the start has one the run did not see. */
const carts = new Map<string, Map<string, { qty: number; price: number }>>();
const unknownCarts = new Set<string>();
/** The user's cart, emptied when it was left more than a week ago (the shop expires it). */
function userCart(user: string, expired: boolean): Map<string, { qty: number; price: number }> {
  let cart = carts.get(user);
  if (!cart) carts.set(user, (cart = new Map()));
  if (expired) cart.clear();
  return cart;
}
/**
 * Identities. A user first seen as a new visitor is known from their first event: their
 * account and purchases are all in the run. Others may have made an account or bought before it.
 */
const identities = new Map<string, { known: boolean; account: boolean; loggedInEver: boolean; creates: number; bought: Set<string> }>();
const identity = {
  creates: 0,
  createsByNew: 0,
  createsAfterLogin: 0,
  multiCreates: 0,
  knownLogins: 0,
  knownLoginsWithoutAccount: 0,
  reviews: 0,
  reviewsByNew: 0,
  knownReviews: 0,
  knownReviewsOfBought: 0,
  logoutSources: new Set<string>(),
  abandonedCartEmails: 0,
  abandonedCartEmailsKnownEmpty: 0,
  holidayOutOfSeason: 0,
  landingWrong: 0,
  pageViews: 0,
};
const funnel = {
  cartSessions: 0,
  abandoned: 0,
  orders: 0,
  ordersFromEarlierCart: 0,
  startToPurchaseS: [] as number[],
  beginToCompleteS: [] as number[],
};
const endedSessions = new Set<string>();

const DAY_MS = 86_400_000;
/** Words the shop's catalog and its common searches are made of (plural or not): a search with another word is misspelt. */
const CATALOG_WORDS = new Set(
  [
    ...CATEGORIES.flatMap((c) => [c.id, c.title, ...c.brands, ...c.qualifiers, ...c.items.map(([item]) => item), ...c.searchTerms]),
    ...VARIANT_COLOURS,
  ].flatMap((text) => wordsOf(text)),
);
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}
const stock = {
  /** By product: the UTC day of its latest view, in_stock then, and changes seen that day (the first view of a day counts a change since the last). */
  byProduct: new Map<string, { day: number; inStock: boolean; changes: number }>(),
  /** Products whose stock changed more than once within a UTC day. */
  overOnce: 0,
  /** Changes between two views of the same day. */
  withinDay: 0,
  /** Distinct products viewed per day, and those of them out of stock. */
  productDays: new Set<string>(),
  productDaysOut: 0,
  /** Product views by the cents of the price shown. */
  cents: new Map<number, number>(),
  views: 0,
  addsOfShownOut: 0,
  adds: 0,
};
const searches = {
  n: 0,
  empty: 0,
  /** Events that followed an empty search in its session, and those that were product views. */
  afterEmpty: 0,
  afterEmptyProductViews: 0,
  /** Terms of the first 100,000 searches, with their counts. */
  firstTerms: new Map<string, number>(),
  misspelt: 0,
  misspeltEmpty: 0,
  /** Results by term and UTC day: one count each (the shop's stock is fixed for the day). */
  resultsByTermDay: new Map<string, number>(),
  resultsDiffer: 0,
  /** Sum and number of results by the number of words in the term (1, 2, 3 or more). */
  byWords: [0, 0, 0, 0].map(() => ({ sum: 0, n: 0 })),
};

function closeSession(s: SessionState): void {
  sessions.delete(s.id);
  endedSessions.add(s.id);
  add(stats.durationSum, s.segment, s.lastMs - s.firstMs);
  add(stats.durationN, s.segment);
  if (s.purchased) add(stats.converted, s.segment);
  if (s.added) {
    funnel.cartSessions++;
    if (!s.purchased) funnel.abandoned++;
  }
  for (const key of ['all', `device:${s.device}`, `channel:${s.channel}`]) {
    const sl = stats.slices.get(key) ?? { sessions: 0, bounces: 0, purchased: 0, revenue: 0, durationMs: 0 };
    sl.sessions++;
    if (s.count === 1) sl.bounces++;
    if (s.purchased) sl.purchased++;
    sl.revenue += s.revenue;
    sl.durationMs += s.lastMs - s.firstMs;
    stats.slices.set(key, sl);
  }
}

function check(e: UserEvent): void {
  stats.events++;
  add(stats.typeCounts, e.event_type);
  const ms = Date.parse(e.timestamp);
  if (!(ms >= START && ms < END)) violation(`timestamp ${e.timestamp} outside the run`);
  if (stats.eventIds.has(e.event_id)) violation(`duplicate event_id ${e.event_id}`);
  stats.eventIds.add(e.event_id);
  const { hour, weekend } = local(e.location.timezone, ms);
  add(stats.bandEvents, `${band(hour)}:${weekend}`);
  // Every zone of the run is a whole number of hours from UTC: the minute is UTC's.
  const bucket = (weekend ? 288 : 0) + hour * 12 + Math.floor((ms % 3_600_000) / 300_000);
  stats.bucketEvents[bucket]! += 1;
  if (e.session_info.is_new_session) stats.bucketStarts[bucket]! += 1;

  const d = e.device_info;
  if (d.user_agent !== e.technical_info.user_agent) violation(`${e.event_id}: device and technical user agents differ`);
  if (!d.user_agent.includes(OS_UA_MARKER[d.os as keyof typeof OS_UA_MARKER]))
    violation(`${e.event_id}: user agent does not match ${d.os}`);
  let released = agentReleases.get(d.user_agent);
  if (released === undefined) agentReleases.set(d.user_agent, (released = newestReleaseMs(d.user_agent)));
  agents.checked++;
  if (!(released <= ms)) {
    agents.unreleased++;
    violation(`${e.event_id}: ${d.user_agent} names a version not out by ${e.timestamp}`);
  }
  const edge = /Edg\/(\d+)\./.exec(d.user_agent);
  if (edge && /Chrome\/(\d+)\./.exec(d.user_agent)?.[1] !== edge[1]) violation(`${e.event_id}: Edge ${edge[1]} on another Chromium`);
  const expectedType = d.os === 'iPadOS' ? 'tablet' : d.os === 'Windows' || d.os === 'macOS' ? 'desktop' : 'mobile';
  if (d.type !== expectedType) violation(`${e.event_id}: ${d.os} on a ${d.type}`);

  // Sessions open when the run starts (the warm start) are seen from part-way: they count in the
  // event mix and the time bands above; session-level checks and figures are for sessions the
  // run saw begin.
  if (Date.parse(e.session_info.session_start) < START) {
    if (e.session_info.is_new_session || e.session_info.events_in_session < 2)
      violation(`${e.event_id}: a session begun before the run starts at event 1`);
    unknownCarts.add(e.user_id);
    stats.carriedOver++;
    return;
  }
  // Returns and a 30-minute sessionization, by user, over every event the run shows.
  const v = visits.get(e.user_id);
  const userLastMs = v?.lastMs ?? Number.NEGATIVE_INFINITY;
  if (v) {
    const idle = ms - v.lastMs >= 1_800_000;
    if (idle !== (e.session_id !== v.lastSession)) gaps.boundaryMismatch++;
    if (e.session_id !== v.lastSession) {
      gaps.returns++;
      if (!idle) gaps.quick++;
      gaps.hours.push((ms - v.lastMs) / 3_600_000);
      if (ms >= START + WEEK_MS) v.secondWeek++;
    }
    v.lastMs = ms;
    v.lastSession = e.session_id;
  } else visits.set(e.user_id, { secondWeek: ms >= START + WEEK_MS ? 1 : 0, lastMs: ms, lastSession: e.session_id });

  const ip = e.technical_info.ip_address;
  const ipCity = ipCities.get(ip);
  if (ipCity === undefined) ipCities.set(ip, e.location.city);
  else if (ipCity !== e.location.city) violation(`${ip} is in ${ipCity} and in ${e.location.city}`);
  let ipUsers = usersByIp.get(ip);
  if (ipUsers === undefined) usersByIp.set(ip, (ipUsers = new Set()));
  ipUsers.add(e.user_id);
  // A phone may come back on another address (in the same city); nothing else changes.
  const userFixed = JSON.stringify([d, e.location, d.type === 'mobile' ? '' : ip]);
  const known = users.get(e.user_id);
  let s = sessions.get(e.session_id);
  const info = e.session_info;
  if (info.events_in_session === 1) {
    if (s || endedSessions.has(e.session_id)) violation(`session id ${e.session_id} used twice`);
    if (!info.is_new_session) violation(`${e.event_id}: first event without is_new_session`);
    if (info.session_start !== e.timestamp) violation(`${e.event_id}: session_start is not the first timestamp`);
    if (known !== undefined && e.user_segment === 'new_visitor') violation(`${e.user_id} came back as a new_visitor`);
    // A returning user may be seen first without a new_visitor session: the pool is warmed, as if
    // the shop had been open before the run, so no check on first sightings.
    if (known !== undefined && known !== userFixed) violation(`${e.user_id} changed device, city or IP between sessions`);
    users.set(e.user_id, userFixed);
    if (d.type === 'mobile') {
      const before = lastIp.get(e.user_id);
      if (before !== undefined) {
        network.mobileReturns++;
        if (before !== ip) network.mobileNewIp++;
      }
      lastIp.set(e.user_id, ip);
    }
    stats.sessions++;
    add(stats.segmentSessions, e.user_segment);
    add(stats.deviceSessions, d.type);
    add(stats.osSessions, d.os);
    // A user first seen as a returning one may have left something in their cart before the run.
    if (userLastMs === Number.NEGATIVE_INFINITY && e.user_segment !== 'new_visitor') unknownCarts.add(e.user_id);
    s = {
      id: e.session_id,
      user: e.user_id,
      segment: e.user_segment,
      count: 1,
      startText: e.timestamp,
      firstMs: ms,
      lastMs: ms,
      lastType: e.event_type,
      device: d.type,
      channel: e.referrer.type,
      revenue: 0,
      fixed: JSON.stringify([e.user_id, e.user_segment, d, e.location, e.referrer]),
      cart: unknownCarts.has(e.user_id) ? null : userCart(e.user_id, ms - userLastMs > 7 * 86_400_000),
      added: false,
      loggedIn: false,
      pendingOrder: null,
      pendingPayment: '',
      pageViews: 0,
      beginMs: Number.NaN,
      purchased: false,
      outOfStock: new Set(),
      emptySearch: false,
    };
    sessions.set(e.session_id, s);
    let id = identities.get(e.user_id);
    if (!id)
      identities.set(
        e.user_id,
        (id = { known: e.user_segment === 'new_visitor', account: false, loggedInEver: false, creates: 0, bought: new Set() }),
      );
    if (e.referrer.utm_campaign === 'abandoned_cart') {
      identity.abandonedCartEmails++;
      if (s.cart !== null && s.cart.size === 0 && id.known) identity.abandonedCartEmailsKnownEmpty++;
    }
    if (e.referrer.utm_campaign === 'holiday_gift_guide' && ![10, 11].includes(new Date(ms).getUTCMonth())) identity.holidayOutOfSeason++;
  } else {
    if (!s) {
      violation(`${e.event_id}: event ${info.events_in_session} of an unknown session`);
      return;
    }
    if (info.events_in_session !== s.count + 1)
      violation(`${e.session_id}: events_in_session jumped from ${s.count} to ${info.events_in_session}`);
    if (info.is_new_session) violation(`${e.event_id}: is_new_session on a later event`);
    if (info.session_start !== s.startText) violation(`${e.event_id}: session_start changed`);
    if (ms < s.lastMs) violation(`${e.session_id}: timestamps go back`);
    if (JSON.stringify([e.user_id, e.user_segment, d, e.location, e.referrer]) !== s.fixed)
      violation(`${e.session_id}: user, device, location or referrer changed within the session`);
    add(stats.transitions, `${s.lastType}>${e.event_type}`);
    if (s.emptySearch) {
      searches.afterEmpty++;
      if (e.event_type === 'product_view') searches.afterEmptyProductViews++;
    }
    s.count++;
    s.lastMs = ms;
    s.lastType = e.event_type;
  }
  if (info.session_duration_so_far !== Math.floor((ms - s.firstMs) / 1000))
    violation(`${e.event_id}: session_duration_so_far is ${info.session_duration_so_far}`);
  if (e.referrer.type === 'paid' || e.referrer.type === 'social' || e.referrer.type === 'email') {
    if (!e.referrer.utm_source || !e.referrer.utm_medium || !e.referrer.utm_campaign)
      violation(`${e.event_id}: ${e.referrer.type} without UTM fields`);
  } else if (e.referrer.utm_source !== null || e.referrer.utm_medium !== null || e.referrer.utm_campaign !== null)
    violation(`${e.event_id}: UTM on ${e.referrer.type}`);

  const data = e.event_data as Record<
    'cart_value' | 'order_id' | 'order_value' | 'price' | 'product_id' | 'quantity' | 'payment_method',
    number & string
  >;
  const cart = s.cart;
  const cartValue = (): number =>
    cart === null ? Number.NaN : Math.round([...cart.values()].reduce((a, l) => a + l.qty * Math.round(l.price * 100), 0)) / 100;
  const id = identities.get(e.user_id)!;
  switch (e.event_type) {
    case 'page_view':
      identity.pageViews++;
      if ((e.event_data as { is_landing_page: boolean }).is_landing_page !== (s.pageViews++ === 0)) identity.landingWrong++;
      break;
    case 'review_write':
      identity.reviews++;
      if (e.user_segment === 'new_visitor') identity.reviewsByNew++;
      if (id.known) {
        identity.knownReviews++;
        if (id.bought.has(data.product_id)) identity.knownReviewsOfBought++;
      }
      break;
    case 'product_view': {
      if (data.quantity !== 1) violation(`${e.event_id}: product_view without quantity 1`);
      const inStock = (e.event_data as { in_stock: boolean }).in_stock;
      const day = Math.floor(ms / DAY_MS);
      if (!inStock) s.outOfStock.add(data.product_id);
      stock.views++;
      const cents = Math.round(data.price * 100) % 100;
      stock.cents.set(cents, (stock.cents.get(cents) ?? 0) + 1);
      const seen = stock.byProduct.get(data.product_id);
      if (seen === undefined) stock.byProduct.set(data.product_id, { day, inStock, changes: 0 });
      else {
        if (seen.day !== day) [seen.day, seen.changes] = [day, 0];
        else if (seen.inStock !== inStock) stock.withinDay++;
        if (seen.inStock !== inStock) {
          seen.inStock = inStock;
          if (++seen.changes === 2) stock.overOnce++;
        }
      }
      const productDay = `${data.product_id}@${day}`;
      if (!stock.productDays.has(productDay)) {
        stock.productDays.add(productDay);
        if (!inStock) stock.productDaysOut++;
      }
      break;
    }
    case 'search': {
      const { search_term: term, search_results_count: results } = e.event_data as { search_term: string; search_results_count: number };
      searches.n++;
      if (results === 0) searches.empty++;
      if (searches.n <= 100_000) searches.firstTerms.set(term, (searches.firstTerms.get(term) ?? 0) + 1);
      if (wordsOf(term).some((w) => !CATALOG_WORDS.has(w))) {
        searches.misspelt++;
        if (results === 0) searches.misspeltEmpty++;
      }
      const key = `${term}@${Math.floor(ms / DAY_MS)}`;
      const before = searches.resultsByTermDay.get(key);
      if (before === undefined) searches.resultsByTermDay.set(key, results);
      else if (before !== results) searches.resultsDiffer++;
      const b = searches.byWords[Math.min(3, term.split(' ').length)]!;
      b.sum += results;
      b.n++;
      break;
    }
    case 'add_to_cart': {
      stock.adds++;
      if (s.outOfStock.has(data.product_id)) {
        stock.addsOfShownOut++;
        violation(`${e.event_id}: add_to_cart of ${data.product_id}, shown out of stock earlier in the session`);
      }
      s.added = true;
      s.pendingOrder = null;
      if (cart === null) break;
      const line = cart.get(data.product_id);
      cart.set(data.product_id, { qty: (line?.qty ?? 0) + data.quantity, price: data.price });
      if (data.cart_value !== cartValue()) violation(`${e.event_id}: cart_value ${data.cart_value}, expected ${cartValue()}`);
      break;
    }
    case 'remove_from_cart': {
      s.pendingOrder = null;
      if (cart === null) break;
      const line = cart.get(data.product_id);
      if (!line) violation(`${e.event_id}: removed ${data.product_id}, which is not in the cart`);
      else if (line.qty !== data.quantity) violation(`${e.event_id}: removed ${data.quantity}, the cart had ${line.qty}`);
      cart.delete(data.product_id);
      if (data.cart_value !== cartValue()) violation(`${e.event_id}: cart_value after removal is wrong`);
      break;
    }
    case 'begin_checkout':
      if (cart !== null && cart.size === 0) violation(`${e.event_id}: begin_checkout with an empty cart`);
      if (cart !== null && data.order_value !== cartValue())
        violation(`${e.event_id}: begin_checkout order_value ${data.order_value}, cart ${cartValue()}`);
      if (stats.orderIds.has(data.order_id)) violation(`duplicate order_id ${data.order_id}`);
      stats.orderIds.add(data.order_id);
      s.pendingOrder = data.order_id;
      s.pendingPayment = data.payment_method;
      s.beginMs = ms;
      break;
    case 'complete_checkout':
      if (s.pendingOrder === null || s.pendingOrder !== data.order_id)
        violation(`${e.event_id}: complete_checkout without its begin_checkout`);
      if (data.payment_method !== s.pendingPayment) violation(`${e.event_id}: paid with another method than chosen at checkout`);
      if (cart !== null && data.order_value !== cartValue())
        violation(`${e.event_id}: order_value ${data.order_value}, cart ${cartValue()}`);
      if (cart !== null) for (const product of cart.keys()) id.bought.add(product);
      cart?.clear();
      s.pendingOrder = null;
      funnel.orders++;
      if (!s.added) funnel.ordersFromEarlierCart++;
      if (!s.purchased) funnel.startToPurchaseS.push((ms - s.firstMs) / 1000);
      funnel.beginToCompleteS.push((ms - s.beginMs) / 1000);
      s.purchased = true;
      s.revenue += data.order_value;
      break;
    case 'login':
      if (s.loggedIn) violation(`${e.event_id}: login while logged in`);
      s.loggedIn = (data as unknown as { success: boolean }).success;
      id.loggedInEver ||= s.loggedIn;
      if (id.known) {
        identity.knownLogins++;
        if (!id.account) identity.knownLoginsWithoutAccount++;
      }
      break;
    case 'account_create':
      if (s.loggedIn) violation(`${e.event_id}: account_create while logged in`);
      s.loggedIn = true;
      identity.creates++;
      if (e.user_segment === 'new_visitor') identity.createsByNew++;
      if (id.loggedInEver) identity.createsAfterLogin++;
      if (++id.creates === 2) identity.multiCreates++;
      id.account = true;
      id.loggedInEver = true;
      break;
    case 'logout':
      if (!s.loggedIn) violation(`${e.event_id}: logout while logged out`);
      s.loggedIn = false;
      identity.logoutSources.add((e.event_data as { logout_source: string }).logout_source);
      break;
  }
  s.emptySearch = e.event_type === 'search' && (e.event_data as { search_results_count: number }).search_results_count === 0;
  add(stats.dwellSum, e.event_type, e.technical_info.time_on_page_ms);
  add(stats.dwellN, e.event_type);
}

/** Hours of each band (weekday / weekend) over the run, weighted by city share: the exposure. */
const ZONES: Record<string, string> = {
  'San Francisco': 'America/Los_Angeles',
  'New York': 'America/New_York',
  Austin: 'America/Chicago',
  Toronto: 'America/Toronto',
  London: 'Europe/London',
  Berlin: 'Europe/Berlin',
  Sydney: 'Australia/Sydney',
};

function exposure(): Map<string, number> {
  const out = new Map<string, number>();
  for (const [city, share] of Object.entries(CITY_SHARE)) {
    for (let t = START; t < END; t += 3_600_000) {
      const { hour, weekend } = local(ZONES[city]!, t);
      add(out, `${band(hour)}:${weekend}`, share);
    }
  }
  return out;
}

/** City-share-weighted hours of each local 5-minute bucket (weekdays, then weekends) over the run. */
function bucketExposure(): Float64Array {
  const out = new Float64Array(2 * 288);
  for (const [city, share] of Object.entries(CITY_SHARE)) {
    for (let t = START; t < END; t += 3_600_000) {
      const { hour, weekend } = local(ZONES[city]!, t);
      for (let b = 0; b < 12; b++) out[(weekend ? 288 : 0) + hour * 12 + b]! += share / 12;
    }
  }
  return out;
}

/** The seed's multiplier of a band and the inner hours it is judged on (all its hours but a stretch's first and last). */
const INNER: Record<Band, { factor: number; hours: number[] }> = {
  business: { factor: 1.2, hours: [10, 11, 12, 13, 14, 15] },
  peak: { factor: 2.0, hours: [20] },
  late: { factor: 0.2, hours: [0, 1, 2, 3, 4] },
  other: { factor: 1.0, hours: [7] },
};

describe('a default 14-day backfill (seed 42)', () => {
  before(async () => {
    const child = spawn(process.execPath, [CLI, ...BACKFILL_ARGS], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
    for await (const line of lines) check(JSON.parse(line) as UserEvent);
    const code = await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve)));
    assert.equal(code, 0);
    for (const s of [...sessions.values()]) closeSession(s);
  });

  test('is large enough to judge: over a million events', (t) => {
    t.diagnostic(
      `${stats.events} events (${stats.carriedOver} of sessions open at the start), ${stats.sessions} sessions, ${stats.orderIds.size} orders`,
    );
    assert.ok(stats.events > 1_000_000, `${stats.events} events`);
  });

  test('event mix: each type within ±15% relative (or ±0.3 pp) of its weight; complete_checkout up to +50%', (t) => {
    t.diagnostic(EVENT_TYPES.map((type) => `${type} ${((100 * (stats.typeCounts.get(type) ?? 0)) / stats.events).toFixed(2)}%`).join(', '));
    for (const type of EVENT_TYPES) {
      const share = (stats.typeCounts.get(type) ?? 0) / stats.events;
      const w = EVENT_WEIGHTS[type];
      if (type === 'complete_checkout') {
        assert.ok(share >= w * 0.85 && share <= w * 1.5, `${type}: ${(share * 100).toFixed(2)}% vs ${w * 100}%`);
      } else {
        assert.ok(Math.abs(share / w - 1) <= 0.15 || Math.abs(share - w) <= 0.003, `${type}: ${(share * 100).toFixed(2)}% vs ${w * 100}%`);
      }
    }
  });

  test("user agents name only browser and OS versions out by the event's date, and many of them", (t) => {
    t.diagnostic(`${agentReleases.size} user agents over ${agents.checked} events`);
    assert.equal(agents.unreleased, 0, `${agents.unreleased} events name a version not out yet`);
    assert.ok(agentReleases.size >= 100, `${agentReleases.size} user agents`);
  });

  test('segment, device and OS mix over sessions within ±2 pp', () => {
    const within = (m: Map<string, number>, expected: Record<string, number>): void => {
      for (const [k, p] of Object.entries(expected)) {
        const share = (m.get(k) ?? 0) / stats.sessions;
        assert.ok(Math.abs(share - p) <= 0.02, `${k}: ${(share * 100).toFixed(2)}% vs ${p * 100}%`);
      }
    };
    within(stats.segmentSessions, { new_visitor: 0.35, returning_visitor: 0.4, loyal_customer: 0.2, power_user: 0.05 });
    within(stats.deviceSessions, { mobile: 0.65, desktop: 0.3, tablet: 0.05 });
    within(stats.osSessions, { iOS: 0.35, Android: 0.3, Windows: 0.2, macOS: 0.1, iPadOS: 0.05 });
  });

  test("the seed's four transitions hold within ±0.02", (t) => {
    for (const [from, to, p] of [
      ['page_view', 'product_view', 0.25],
      ['product_view', 'add_to_cart', 0.2],
      ['add_to_cart', 'begin_checkout', 0.25],
      ['begin_checkout', 'complete_checkout', 0.6],
    ] as const) {
      // Out of every event of type `from`, including those that ended their session.
      const seen = (stats.transitions.get(`${from}>${to}`) ?? 0) / stats.typeCounts.get(from)!;
      t.diagnostic(`${from} → ${to}: ${seen.toFixed(4)}`);
      assert.ok(Math.abs(seen - p) <= 0.02, `${from} → ${to}: ${seen.toFixed(4)} vs ${p}`);
    }
  });

  test('70% ± 5 pp of events continue a session', (t) => {
    const continuing = 1 - stats.sessions / (stats.events - stats.carriedOver);
    t.diagnostic(`${(continuing * 100).toFixed(2)}% continue a session`);
    assert.ok(Math.abs(continuing - 0.7) <= 0.05, `${(continuing * 100).toFixed(1)}%`);
  });

  test('mean session duration relative to returning visitors: new 0.6, loyal 1.5, power 2.0', (t) => {
    const mean = (s: string): number => stats.durationSum.get(s)! / stats.durationN.get(s)!;
    const base = mean('returning_visitor');
    t.diagnostic(SEGMENTS.map((s) => `${s} ${(mean(s) / 1000).toFixed(1)} s (${(mean(s) / base).toFixed(3)})`).join(', '));
    for (const [s, target, tol] of [
      ['new_visitor', 0.6, 0.12],
      ['loyal_customer', 1.5, 0.25],
      ['power_user', 2.0, 0.35],
    ] as const) {
      const ratio = mean(s) / base;
      assert.ok(Math.abs(ratio - target) <= tol, `${s}: ${ratio.toFixed(3)} (target ${target} ± ${tol})`);
    }
  });

  test('conversion rises strictly: new < returning < loyal < power', (t) => {
    const rates = SEGMENTS.map((s) => (stats.converted.get(s) ?? 0) / stats.durationN.get(s)!);
    t.diagnostic(`conversion: ${rates.map((r) => (r * 100).toFixed(2) + '%').join(' < ')}`);
    for (let i = 1; i < rates.length; i++)
      assert.ok(rates[i]! > rates[i - 1]!, `conversion by segment: ${rates.map((r) => (r * 100).toFixed(2) + '%').join(' < ')}`);
  });

  test('events per local hour on weekdays: peak / late night = 10 ± 15%, business / other = 1.2 ± 10%', (t) => {
    const hours = exposure();
    const rate = (b: Band, weekend: boolean): number => stats.bandEvents.get(`${b}:${weekend}`)! / hours.get(`${b}:${weekend}`)!;
    const peakLate = rate('peak', false) / rate('late', false);
    const businessOther = rate('business', false) / rate('other', false);
    t.diagnostic(`peak / late night ${peakLate.toFixed(3)}, business / other ${businessOther.toFixed(3)}`);
    assert.ok(Math.abs(peakLate / 10 - 1) <= 0.15, `peak / late night = ${peakLate.toFixed(2)}`);
    assert.ok(Math.abs(businessOther / 1.2 - 1) <= 0.1, `business / other = ${businessOther.toFixed(3)}`);
  });

  test('weekend / weekday in the same band = 1.8 ± 10%', (t) => {
    const hours = exposure();
    for (const b of ['business', 'peak', 'late', 'other'] as const) {
      const r = (w: boolean): number => stats.bandEvents.get(`${b}:${w}`)! / hours.get(`${b}:${w}`)!;
      const ratio = r(true) / r(false);
      t.diagnostic(`${b}: weekend / weekday ${ratio.toFixed(3)}`);
      assert.ok(Math.abs(ratio / 1.8 - 1) <= 0.1, `${b}: weekend / weekday = ${ratio.toFixed(3)}`);
    }
  });

  test('time flows: session arrivals in consecutive local 5-minute buckets step by at most 25% (beyond 4 σ of sampling noise)', (t) => {
    const hours = bucketExposure();
    let worst = 0;
    let where = '';
    let worstExcess = Number.NEGATIVE_INFINITY;
    for (const weekend of [false, true]) {
      for (let b = 0; b < 288; b++) {
        const i = (weekend ? 288 : 0) + b;
        const j = (weekend ? 288 : 0) + ((b + 1) % 288);
        const [n0, n1] = [stats.bucketStarts[i]!, stats.bucketStarts[j]!];
        const [x, y] = [n0 / hours[i]!, n1 / hours[j]!];
        const step = Math.abs(Math.log(x / y));
        // Session arrivals (Poisson, unlike events, which come in sessions); a bucket of late night
        // holds ~300: judge a step by how far it exceeds 25%, in standard deviations of the log
        // ratio of two Poisson counts.
        const excess = (step - Math.log(1.25)) / Math.sqrt(1 / n0 + 1 / n1);
        if (step > worst)
          [worst, where] = [step, `${weekend ? 'weekend' : 'weekday'} ${Math.floor(b / 12)}:${String((b % 12) * 5).padStart(2, '0')}`];
        worstExcess = Math.max(worstExcess, excess);
      }
    }
    t.diagnostic(
      `largest step between 5-minute buckets ${((Math.exp(worst) - 1) * 100).toFixed(1)}% (at ${where}); largest excess over 25%: ${worstExcess.toFixed(2)} σ`,
    );
    assert.ok(worstExcess <= 4, `a step exceeds 25% by ${worstExcess.toFixed(2)} σ`);
  });

  test("each band's inner hours run at the seed's multiplier × --rate, within ±10%", (t) => {
    const hours = bucketExposure();
    const parts: string[] = [];
    for (const weekend of [false, true]) {
      for (const [b, { factor, hours: inner }] of Object.entries(INNER)) {
        let events = 0;
        let exposed = 0;
        for (const h of inner) {
          for (let k = 0; k < 12; k++) {
            events += stats.bucketEvents[(weekend ? 288 : 0) + h * 12 + k]!;
            exposed += hours[(weekend ? 288 : 0) + h * 12 + k]!;
          }
        }
        const m = events / exposed / 5000;
        const target = factor * (weekend ? 1.8 : 1);
        parts.push(`${weekend ? 'weekend' : 'weekday'} ${b} ${m.toFixed(3)} (${target.toFixed(2)})`);
        assert.ok(Math.abs(m / target - 1) <= 0.1, `${weekend ? 'weekend' : 'weekday'} ${b}: ${m.toFixed(3)} vs ${target}`);
      }
    }
    t.diagnostic(`inner-hour multipliers: ${parts.join(', ')}`);
  });

  test('devices differ: desktop converts 1.8 ± 0.3× mobile, tablet between; order value 1.4 ± 0.15×; mobile bounces 5–11 pp more; mobile sessions 0.6–0.8× as long', (t) => {
    const sl = (k: string) => stats.slices.get(k)!;
    const conv = (k: string): number => sl(k).purchased / sl(k).sessions;
    const bounce = (k: string): number => sl(k).bounces / sl(k).sessions;
    const aov = (k: string): number => sl(k).revenue / sl(k).purchased;
    const length = (k: string): number => sl(k).durationMs / sl(k).sessions;
    const [m, d, tab] = ['device:mobile', 'device:desktop', 'device:tablet'];
    t.diagnostic(
      `conversion mobile ${(conv(m) * 100).toFixed(2)}%, tablet ${(conv(tab) * 100).toFixed(2)}%, desktop ${(conv(d) * 100).toFixed(2)}% (desktop / mobile ${(conv(d) / conv(m)).toFixed(2)}); ` +
        `order value desktop / mobile ${(aov(d) / aov(m)).toFixed(2)}; bounce mobile ${(bounce(m) * 100).toFixed(1)}%, desktop ${(bounce(d) * 100).toFixed(1)}%; ` +
        `session length mobile / desktop ${(length(m) / length(d)).toFixed(2)}`,
    );
    assert.ok(Math.abs(conv(d) / conv(m) - 1.8) <= 0.3, `conversion desktop / mobile ${conv(d) / conv(m)}`);
    assert.ok(conv(m) < conv(tab) && conv(tab) < conv(d), 'tablet converts between mobile and desktop');
    assert.ok(Math.abs(aov(d) / aov(m) - 1.4) <= 0.15, `order value desktop / mobile ${aov(d) / aov(m)}`);
    const gap = (bounce(m) - bounce(d)) * 100;
    assert.ok(gap >= 5 && gap <= 11, `bounce mobile − desktop ${gap} pp`);
    assert.ok(length(m) / length(d) >= 0.6 && length(m) / length(d) <= 0.8, `length mobile / desktop ${length(m) / length(d)}`);
  });

  test('channels differ: email converts ≥ 1.5× the average, social ≤ 0.6×; direct and social bounce ≥ 5 pp more than organic', (t) => {
    const sl = (k: string) => stats.slices.get(k)!;
    const conv = (k: string): number => sl(k).purchased / sl(k).sessions;
    const bounce = (k: string): number => sl(k).bounces / sl(k).sessions;
    const channels = ['organic', 'direct', 'paid', 'social', 'email', 'referral'];
    t.diagnostic(
      channels
        .map(
          (c) =>
            `${c}: conversion ×${(conv(`channel:${c}`) / conv('all')).toFixed(2)}, bounce ${(bounce(`channel:${c}`) * 100).toFixed(1)}%`,
        )
        .join('; '),
    );
    assert.ok(conv('channel:email') / conv('all') >= 1.5, 'email converts ≥ 1.5× the average');
    assert.ok(conv('channel:social') / conv('all') <= 0.6, 'social converts ≤ 0.6× the average');
    for (const c of ['direct', 'social'])
      assert.ok(bounce(`channel:${c}`) - bounce('channel:organic') >= 0.05, `${c} bounces ≥ 5 pp more than organic`);
  });

  test('users return like people: over a week 15–27% of users have ≥ 2 sessions, p99 ≥ 5 sessions; median gap ≥ 24 h', (t) => {
    const counts = [...visits.values()].map((v) => v.secondWeek).filter((n) => n > 0);
    counts.sort((a, b) => a - b);
    const repeat = counts.filter((n) => n >= 2).length / counts.length;
    const p99 = counts[Math.floor(0.99 * counts.length)]!;
    const hours = [...gaps.hours].sort((a, b) => a - b);
    const median = hours[Math.floor(hours.length / 2)]!;
    t.diagnostic(
      `second week: ${counts.length} users, ${(repeat * 100).toFixed(1)}% with ≥ 2 sessions, p99 ${p99} sessions, most ${counts.at(-1)}; median gap between a user's sessions ${median.toFixed(1)} h over ${hours.length} returns`,
    );
    assert.ok(repeat >= 0.15 && repeat <= 0.27, `${(repeat * 100).toFixed(1)}% of users with ≥ 2 sessions`);
    assert.ok(p99 >= 5, `p99 sessions per user ${p99}`);
    assert.ok(median >= 24, `median gap ${median.toFixed(1)} h`);
  });

  test('no user starts a session within 30 minutes of their last event; a 30-minute sessionization agrees with session_id', (t) => {
    const quick = gaps.quick / stats.sessions;
    const mismatch = gaps.boundaryMismatch / stats.sessions;
    t.diagnostic(
      `${gaps.quick} quick returns (${(quick * 100).toFixed(3)}% of sessions); sessionization disagrees at ${gaps.boundaryMismatch} events (${(mismatch * 100).toFixed(3)}%)`,
    );
    assert.ok(quick <= 0.001, `${(quick * 100).toFixed(3)}% quick returns`);
    assert.ok(mismatch <= 0.005, `${(mismatch * 100).toFixed(3)}% disagreement`);
  });

  test('carts persist per user: 15–25% of purchases complete a cart from an earlier session; 70 ± 5% of cart sessions end without a purchase', (t) => {
    const abandonment = funnel.abandoned / funnel.cartSessions;
    const earlier = funnel.ordersFromEarlierCart / funnel.orders;
    t.diagnostic(
      `${funnel.cartSessions} sessions added to a cart, ${(abandonment * 100).toFixed(1)}% without a purchase (target 70 ± 5); ${(earlier * 100).toFixed(1)}% of ${funnel.orders} purchases in sessions that added nothing (target 15–25)`,
    );
    assert.ok(earlier >= 0.15 && earlier <= 0.25, `purchases from an earlier cart ${(earlier * 100).toFixed(1)}%`);
    assert.ok(Math.abs(abandonment - 0.7) <= 0.05, `abandonment ${(abandonment * 100).toFixed(1)}%`);
  });

  test('timing: session start → purchase median 8 ± 3 min, begin_checkout → complete_checkout median 90 ± 30 s; a product page is read longer than an add to cart takes', (t) => {
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const toPurchase = median(funnel.startToPurchaseS) / 60;
    const checkout = median(funnel.beginToCompleteS);
    const dwell = (type: string): number => stats.dwellSum.get(type)! / stats.dwellN.get(type)! / 1000;
    t.diagnostic(
      `start → purchase ${toPurchase.toFixed(1)} min, checkout ${checkout.toFixed(0)} s; mean time on page: ${EVENT_TYPES.map((type) => `${type} ${dwell(type).toFixed(0)} s`).join(', ')}`,
    );
    assert.ok(Math.abs(checkout - 90) <= 30, `begin_checkout → complete_checkout ${checkout.toFixed(0)} s`);
    assert.ok(dwell('product_view') > 2 * dwell('add_to_cart'), 'a product page is read longer than an add to cart');
    assert.ok(Math.abs(toPurchase - 8) <= 3, `start → purchase ${toPurchase.toFixed(1)} min`);
  });

  test('identities: logins only with an account, one account_create per user (≥ 80% by new visitors, none after a login), reviews only of bought products and never by new visitors', (t) => {
    const byNew = identity.createsByNew / identity.creates;
    const ofBought = identity.knownReviewsOfBought / identity.knownReviews;
    t.diagnostic(
      `${identity.creates} account_create (${(byNew * 100).toFixed(1)}% by new visitors, ${identity.multiCreates} users twice, ${identity.createsAfterLogin} after a login); ` +
        `${identity.knownLogins} logins by users seen from their first visit, ${identity.knownLoginsWithoutAccount} without an account; ` +
        `${identity.reviews} reviews, ${identity.reviewsByNew} by new visitors, ${(ofBought * 100).toFixed(1)}% of ${identity.knownReviews} by users seen from their first visit of a product they bought`,
    );
    assert.ok(byNew >= 0.8, `${(byNew * 100).toFixed(1)}% of account_create by new visitors`);
    assert.equal(identity.multiCreates, 0);
    assert.equal(identity.createsAfterLogin, 0);
    assert.ok(identity.knownLogins > 1000);
    assert.equal(identity.knownLoginsWithoutAccount, 0);
    assert.equal(identity.reviewsByNew, 0);
    assert.ok(identity.knownReviews > 1000 && ofBought >= 0.9, `${(ofBought * 100).toFixed(1)}% of reviews of a bought product`);
  });

  test('campaigns fit the user and the season; logout sources include every documented value; is_landing_page on each first page_view only', (t) => {
    t.diagnostic(
      `${identity.abandonedCartEmails} abandoned_cart emails, ${identity.abandonedCartEmailsKnownEmpty} to users whose empty cart the run saw; ${identity.holidayOutOfSeason} holiday campaigns out of season; logout sources ${[...identity.logoutSources].join(', ')}; ${identity.landingWrong} of ${identity.pageViews} page views with a wrong is_landing_page`,
    );
    assert.equal(identity.abandonedCartEmailsKnownEmpty, 0);
    assert.ok(identity.abandonedCartEmails > 100);
    assert.equal(identity.holidayOutOfSeason, 0);
    assert.deepEqual([...identity.logoutSources].sort(), ['account_menu', 'checkout_confirmation', 'header']);
    assert.equal(identity.landingWrong, 0);
  });

  test('addresses: each in one city, ≤ 5 users per address at the 99th percentile, a phone on a new address in ≥ 40% of its return visits', (t) => {
    const perIp = [...usersByIp.values()].map((u) => u.size).sort((a, b) => a - b);
    const p99 = perIp[Math.floor(perIp.length * 0.99)]!;
    const changed = network.mobileNewIp / network.mobileReturns;
    t.diagnostic(
      `${perIp.length} addresses, p99 ${p99} users per address (max ${perIp.at(-1)}); mobile return visits on a new address ${(100 * changed).toFixed(1)}% of ${network.mobileReturns}`,
    );
    assert.ok(p99 <= 5, `p99 ${p99} users per address`);
    assert.ok(network.mobileReturns > 10_000);
    assert.ok(changed >= 0.4 && changed <= 0.6, `${(100 * changed).toFixed(1)}% of mobile return visits on a new address`);
  });

  test('stock is a state of the day: no product changes more than once a UTC day, ~7% of products are out, never added to a cart after it was shown out of stock', (t) => {
    const out = stock.productDaysOut / stock.productDays.size;
    t.diagnostic(
      `${stock.byProduct.size} products viewed; ${stock.overOnce} changed more than once in a day, ${stock.withinDay} changes between views of the same day; ` +
        `${(out * 100).toFixed(2)}% of ${stock.productDays.size} product-days out of stock; ${stock.addsOfShownOut} of ${stock.adds} add_to_cart of a product shown out of stock in the session`,
    );
    assert.equal(stock.overOnce, 0);
    // Without a flash sale a product's stock changes only at midnight.
    assert.equal(stock.withinDay, 0);
    assert.ok(Math.abs(out - 0.07) <= 0.01, `${(out * 100).toFixed(2)}% of product-days out of stock`);
    assert.ok(stock.adds > 100_000);
    assert.equal(stock.addsOfShownOut, 0);
  });

  test('price endings are mixed: at most 60% of the product views show a price ending in .99', (t) => {
    const share = (cents: number): number => (stock.cents.get(cents) ?? 0) / stock.views;
    t.diagnostic(
      `price endings over ${stock.views} product views: ${[...stock.cents.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([c, n]) => `.${String(c).padStart(2, '0')} ${((n / stock.views) * 100).toFixed(1)}%`)
        .join(', ')}`,
    );
    assert.ok(share(99) <= 0.6, `${(share(99) * 100).toFixed(1)}% end in .99`);
    assert.ok(share(99) >= 0.3 && share(0) >= 0.05, 'still mostly shop prices: .99 common, whole amounts too');
  });

  test('searches: 10 ± 3% find nothing, ≥ 90% of those are not followed by a product_view; ≥ 500 distinct terms per 100,000 with a long tail and some misspelt; results depend on the term', (t) => {
    const empty = searches.empty / searches.n;
    const notViewed = 1 - searches.afterEmptyProductViews / searches.afterEmpty;
    const counts = [...searches.firstTerms.values()].sort((a, b) => b - a);
    const first = counts.reduce((a, n) => a + n, 0);
    const top10 = counts.slice(0, 10).reduce((a, n) => a + n, 0) / first;
    const once = counts.filter((n) => n === 1).length / counts.length;
    const misspelt = searches.misspelt / searches.n;
    const misspeltEmpty = searches.misspeltEmpty / searches.misspelt;
    const mean = searches.byWords.map((b) => b.sum / b.n);
    t.diagnostic(
      `${searches.n} searches, ${(empty * 100).toFixed(2)}% without results, ${(notViewed * 100).toFixed(1)}% of the ${searches.afterEmpty} events after one not a product_view; ` +
        `${counts.length} distinct terms in the first ${first} (top 10: ${(top10 * 100).toFixed(1)}% of searches, ${(once * 100).toFixed(1)}% of terms seen once); ` +
        `${(misspelt * 100).toFixed(2)}% misspelt, ${(misspeltEmpty * 100).toFixed(1)}% of them without results; ` +
        `mean results by words in the term: ${mean
          .slice(1)
          .map((m) => m.toFixed(1))
          .join(', ')}; ${searches.resultsDiffer} term-days with two result counts`,
    );
    assert.ok(searches.n > 100_000, `${searches.n} searches`);
    assert.ok(Math.abs(empty - 0.1) <= 0.03, `${(empty * 100).toFixed(2)}% of searches without results`);
    assert.ok(notViewed >= 0.9, `${(notViewed * 100).toFixed(1)}% of empty searches not followed by a product_view`);
    assert.ok(counts.length >= (500 * first) / 100_000, `${counts.length} distinct terms in ${first} searches`);
    // A long tail: the head is a minority of searches, and many terms are searched once.
    assert.ok(top10 <= 0.35 && once >= 0.25, `top 10 ${(top10 * 100).toFixed(1)}%, seen once ${(once * 100).toFixed(1)}%`);
    assert.ok(misspelt >= 0.01 && misspelt <= 0.06, `${(misspelt * 100).toFixed(2)}% misspelt`);
    assert.ok(misspeltEmpty >= 0.8, `${(misspeltEmpty * 100).toFixed(1)}% of misspelt searches without results`);
    // The same term on the same day finds the same products; broad terms find more than specific ones.
    assert.equal(searches.resultsDiffer, 0);
    assert.ok(mean[1]! > mean[2]! && mean[2]! > mean[3]!, `mean results by words: ${mean.slice(1).join(', ')}`);
  });

  test('coherence, ids, session fields and user agents: no violation at all', () => {
    assert.deepEqual(violations, []);
    assert.ok(stats.orderIds.size > 1000, `${stats.orderIds.size} orders`);
  });
});
