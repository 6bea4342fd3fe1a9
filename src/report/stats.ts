import type { UserEvent } from '../events/event.ts';
import { LOGOUT_SOURCES } from '../model/behaviour.ts';
import { EVENT_TYPES, EVENT_WEIGHTS, type EventType } from '../model/event-types.ts';
import { CITIES } from '../model/geo.ts';
import { SEGMENTS } from '../model/segments.ts';
import { defaultShopModel } from '../model/shop.ts';
import { BUSINESS, LATE_NIGHT, PEAK, WEEKEND_FACTOR } from '../model/time-patterns.ts';
import { namedVersions, newestOf } from './user-agent.ts';

/**
 * The figures of the realism report, gathered in one pass over a run's events.
 *
 * Memory is bounded by what is open, not by the run's length: a session keeps its state only
 * until the stream has gone IDLE_CLOSE_MS past its last event; everything else is counters and
 * fixed-size histograms. Per-user and per-IP entries (a few numbers each) are the one thing
 * that grows with the run, as the user pool does.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/**
 * A session is closed when the stream is this far past its last event: longer than the longest
 * session budget (30 min) plus the default longest late delivery (1 h), so a session is not cut
 * in two by a late run.
 */
const IDLE_CLOSE_MS = 2 * HOUR_MS;
const SWEEP_EVERY = 20_000;
const BUCKETS_PER_DAY = 288;
/**
 * How far beyond the 25% the step between two 5-minute buckets may be, in standard deviations
 * of the log ratio of two Poisson counts, before it is the model's step and not sampling noise.
 */
const STEP_SIGMAS = 4;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const DEVICES = ['mobile', 'desktop', 'tablet'] as const;
const CHANNELS = ['direct', 'organic', 'paid', 'social', 'email', 'referral'] as const;
const OSES = ['iOS', 'Android', 'Windows', 'macOS', 'iPadOS'] as const;
const HOLIDAY_CAMPAIGNS = new Set(['holiday_gift_guide']);
const HOLIDAY_MONTHS = new Set([10, 11]);

/** A histogram with fixed-width bins from 0 and an overflow bin: medians and charts without keeping values. */
export class Histogram {
  readonly width: number;
  readonly counts: number[];
  total = 0;
  sum = 0;

  constructor(width: number, bins: number) {
    this.width = width;
    this.counts = new Array<number>(bins + 1).fill(0);
  }

  add(value: number, n = 1): void {
    const i = Math.min(this.counts.length - 1, Math.max(0, Math.floor(value / this.width)));
    this.counts[i]! += n;
    this.total += n;
    this.sum += value * n;
  }

  get mean(): number {
    return this.total === 0 ? Number.NaN : this.sum / this.total;
  }

  /** The q-quantile, to the middle of its bin. */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const want = q * this.total;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= want && seen > 0) return (i + 0.5) * this.width;
    }
    return (this.counts.length - 0.5) * this.width;
  }
}

interface OpenSession {
  segment: string;
  device: string;
  os: string;
  channel: string;
  firstMs: number;
  lastMs: number;
  events: number;
  lastType: string;
  hasProductView: boolean;
  hasAddToCart: boolean;
  hasBeginCheckout: boolean;
  purchased: boolean;
  revenue: number;
  beginMs: number;
  pageViews: number;
  outOfStock: Set<string> | null;
  lastSearchEmpty: boolean;
}

interface UserState {
  sessions: number;
  lastEventMs: number;
  lastIp: string;
  accountCreates: number;
  loggedIn: boolean;
  /** Made an account in the run (a user seen from their first visit had none before). */
  account: boolean;
  cartOpen: boolean;
  /** Products added to the cart since the last purchase. */
  cart: Set<string> | null;
  bought: Set<string> | null;
  /**
   * First seen in a new_visitor session: the run saw all of this user's history, so their cart
   * and what they bought are known. A user first seen as a returning one shopped before the run.
   */
  known: boolean;
}

/** Session-level counters of one slice (a segment, a device, a channel). */
export interface Slice {
  sessions: number;
  bounces: number;
  productView: number;
  addToCart: number;
  beginCheckout: number;
  purchased: number;
  durationMsSum: number;
  orders: number;
  revenue: number;
}

const newSlice = (): Slice => ({
  sessions: 0,
  bounces: 0,
  productView: 0,
  addToCart: 0,
  beginCheckout: 0,
  purchased: 0,
  durationMsSum: 0,
  orders: 0,
  revenue: 0,
});

export interface ScoreRow {
  /** `seed`: a target the seed sets and test/realism.test.ts checks; `v2`: a target of issue 13. */
  readonly kind: 'seed' | 'v2';
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  /** null: not measurable from the stream alone (said in `measured`). */
  readonly pass: boolean | null;
}

export interface ReportData {
  readonly source: string;
  readonly events: number;
  readonly carriedOver: number;
  readonly unknownSessionEvents: number;
  readonly sessions: number;
  readonly users: number;
  readonly orders: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly eventMix: readonly { type: EventType; share: number; weight: number }[];
  /** Events per local hour, per city, weekday or weekend, over the hours the run covered. */
  readonly hourlyByCity: readonly { city: string; day: 'weekday' | 'weekend'; hour: number; perHour: number }[];
  /** Events per local hour, all cities, per local weekday. */
  readonly hourlyByWeekday: readonly { weekday: string; hour: number; perHour: number }[];
  readonly funnel: readonly { dimension: string; value: string; step: string; sessions: number; share: number }[];
  readonly distributions: {
    readonly sessionLengthMinutes: readonly { bin: number; count: number }[];
    readonly eventsPerSession: readonly { bin: number; count: number }[];
    readonly orderValue: readonly { bin: number; count: number }[];
    readonly visitsPerUser: readonly { bin: number; count: number }[];
  };
  readonly scorecard: readonly ScoreRow[];
}

/** Local hour, weekday and UTC offset of a zone, cached per UTC hour (the zones used change offset on the hour). */
class LocalTime {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, { hour: number; weekday: number }>();

  constructor(zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' });
  }

  at(ms: number): { hour: number; weekday: number } {
    const h = Math.floor(ms / HOUR_MS);
    let v = this.cache.get(h);
    if (!v) {
      let hour = 0;
      let weekday = 0;
      for (const p of this.format.formatToParts(new Date(h * HOUR_MS))) {
        if (p.type === 'hour') hour = Number(p.value);
        else if (p.type === 'weekday') weekday = WEEKDAYS.indexOf(p.value as (typeof WEEKDAYS)[number]);
      }
      v = { hour, weekday };
      this.cache.set(h, v);
    }
    return v;
  }
}

type Band = 'business' | 'peak' | 'late' | 'other';
/** The hours inside each band, away from its edges: where its multiplier is the seed's (time-patterns.ts). */
const INNER_HOURS: Record<Band, { factor: number; hours: number[] }> = {
  business: { factor: BUSINESS.factor, hours: [10, 11, 12, 13, 14, 15] },
  peak: { factor: PEAK.factor, hours: [20] },
  late: { factor: LATE_NIGHT.factor, hours: [0, 1, 2, 3, 4] },
  other: { factor: 1, hours: [7] },
};

/**
 * Minutes of --rate that the default shop's daily curve expects in [fromMs, toMs): its factor
 * at the middle of each minute, summed.
 */
function expectedMinutes(fromMs: number, toMs: number): number {
  const model = defaultShopModel();
  let sum = 0;
  for (let t = fromMs; t < toMs; t += MINUTE_MS) sum += model.rateFactor(t + MINUTE_MS / 2);
  return sum;
}

function band(hour: number): Band {
  if (hour >= 9 && hour < 17) return 'business';
  if (hour >= 19 && hour < 22) return 'peak';
  if (hour >= 23 || hour < 6) return 'late';
  return 'other';
}

const inc = (m: Map<string, number>, k: string, n = 1): void => void m.set(k, (m.get(k) ?? 0) + n);
const pct = (x: number, digits = 1): string => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a');
const num = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** Streams a run's events and answers with the report's figures. */
export class ReportStats {
  private readonly source: string;
  private events = 0;
  private carriedOver = 0;
  private unknownSessionEvents = 0;
  private runStartMs = Number.NaN;
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;
  private sinceSweep = 0;
  /** The latest event time of each lane. */
  private readonly laneMs: number[] = [];
  private readonly typeCounts = new Map<string, number>();
  private readonly open = new Map<string, OpenSession>();
  private readonly users = new Map<string, UserState>();
  private readonly ipCity = new Map<string, { city: string; users: string[] }>();
  private readonly zones = new Map<string, LocalTime>();
  private readonly cityIndex = new Map<string, number>(CITIES.map((c, i) => [c.city, i]));
  /** Events by city × local weekday × local 5-minute bucket. */
  private readonly buckets = new Float64Array(CITIES.length * 7 * BUCKETS_PER_DAY);
  /** Sessions begun, by the same cells: arrivals are Poisson, so their noise is known. */
  private readonly startBuckets = new Float64Array(CITIES.length * 7 * BUCKETS_PER_DAY);
  private readonly firstTenMinutes = { early: 0, rest: 0 };

  // Session-level figures, for sessions the run saw begin.
  private sessions = 0;
  private readonly slices = new Map<string, Slice>();
  private readonly segmentSessions = new Map<string, number>();
  private readonly deviceSessions = new Map<string, number>();
  private readonly osSessions = new Map<string, number>();
  private readonly transitions = new Map<string, number>();
  private readonly trackedTypeCounts = new Map<string, number>();
  private readonly sessionMinutes = new Histogram(1, 60);
  private readonly eventsPerSession = new Histogram(1, 60);
  private readonly orderValue = new Histogram(25, 40);
  private readonly startToPurchaseS = new Histogram(10, 720);
  private readonly beginToCompleteS = new Histogram(5, 720);
  private readonly returnGapMinutes = new Histogram(30, 2 * 24 * 14 + 1);
  private quickReturns = 0;
  private mobileReturns = 0;
  private mobileIpChanges = 0;
  private cartSessions = 0;
  private cartAbandoned = 0;
  private purchasesWithoutCartInSession = 0;
  private orders = 0;
  private readonly dwell = new Map<string, { sum: number; n: number }>();

  // Identity and data-quality counters.
  private accountCreates = 0;
  private accountCreatesNewVisitor = 0;
  private accountCreateAfterLogin = 0;
  /** Logins by users seen from their first visit, and of those, logins before the user made an account. */
  private knownLogins = 0;
  private knownLoginsWithoutAccount = 0;
  /** Sessions whose user agent names versions, and of those, a version out after the session began or not in the release table. */
  private agentSessions = 0;
  private agentsNotYetOut = 0;
  /** By user agent: when its newest version came out (NaN: one the table lacks); null for a crawler, which names none. */
  private readonly agentReleases = new Map<string, number | null>();
  /** Reviews by users the run saw from their first visit, and of those, reviews of a product they bought in the run. */
  private knownReviews = 0;
  private reviewsOfBought = 0;
  private reviewsByNewVisitor = 0;
  private readonly logoutSources = new Set<string>();
  private abandonedCartEmails = 0;
  private abandonedCartEmailsWithoutCart = 0;
  private holidayCampaignsOutOfSeason = 0;
  private landingPageWrong = 0;
  private pageViewsTracked = 0;
  private edgeSessions = 0;
  private edgeMismatch = 0;
  private outOfStockAdds = 0;
  private addsTracked = 0;
  private searches = 0;
  private zeroSearches = 0;
  private zeroFollowedByProduct = 0;
  private zeroFollowed = 0;
  private readonly searchTerms = new Set<string>();
  private searchesForTerms = 0;
  private productViewsPriced = 0;
  private productViews99 = 0;
  private productViewsWithQuantity = 0;
  private productViews = 0;
  private beginCheckouts = 0;
  private beginWithPayment = 0;
  private readonly stock = new Map<string, { day: number; value: unknown; changes: number }>();
  private stockChangesOverOne = 0;

  constructor(source: string) {
    this.source = source;
  }

  /**
   * One event, in the order its lane delivered it. A lane is a stream in time order (a file, a
   * partition); lanes read side by side may be far apart in time, so a session is closed only
   * when the slowest lane has gone past it.
   */
  add(e: UserEvent, lane = 0): void {
    const ms = Date.parse(e.timestamp);
    if (ms > (this.laneMs[lane] ?? Number.NEGATIVE_INFINITY)) this.laneMs[lane] = ms;
    if (Number.isNaN(this.runStartMs)) this.runStartMs = ms;
    this.events++;
    if (ms < this.firstMs) this.firstMs = ms;
    if (ms > this.lastMs) this.lastMs = ms;
    inc(this.typeCounts, e.event_type);
    this.addTime(e, ms);

    let s = this.open.get(e.session_id);
    const info = e.session_info;
    if (!s) {
      if (info.events_in_session > 1) {
        // A session open when the run started (warm start), or one whose start was missed: it
        // counts in the event mix and the time curves, not in session-level figures.
        if (Date.parse(info.session_start) < this.runStartMs) this.carriedOver++;
        else this.unknownSessionEvents++;
        return;
      }
      s = this.openSession(e, ms);
    } else {
      inc(this.transitions, `${s.lastType}>${e.event_type}`);
      s.events++;
      s.lastMs = ms;
    }
    inc(this.trackedTypeCounts, e.event_type);
    this.addSessionEvent(s, e, ms);
    s.lastType = e.event_type;
    const user = this.users.get(e.user_id);
    if (user) user.lastEventMs = Math.max(user.lastEventMs, ms);
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep();
  }

  private addTime(e: UserEvent, ms: number): void {
    const cell = this.cellOf(e, ms);
    if (cell >= 0) {
      this.buckets[cell]! += 1;
      if (e.session_info.events_in_session === 1) this.startBuckets[cell]! += 1;
    }
    const sinceStart = ms - this.runStartMs;
    if (sinceStart < 10 * MINUTE_MS) this.firstTenMinutes.early++;
    else if (sinceStart < HOUR_MS) this.firstTenMinutes.rest++;
  }

  /** The city × local weekday × 5-minute bucket of an event; -1 for a city the default shop lacks. */
  private cellOf(e: UserEvent, ms: number): number {
    const c = this.cityIndex.get(e.location.city);
    if (c === undefined) return -1;
    const { hour, weekday } = this.local(e.location.timezone, ms);
    return (c * 7 + weekday) * BUCKETS_PER_DAY + hour * 12 + Math.floor((ms % HOUR_MS) / (5 * MINUTE_MS));
  }

  private local(zone: string, ms: number): { hour: number; weekday: number } {
    let z = this.zones.get(zone);
    if (!z) this.zones.set(zone, (z = new LocalTime(zone)));
    return z.at(ms);
  }

  private openSession(e: UserEvent, ms: number): OpenSession {
    const d = e.device_info;
    const s: OpenSession = {
      segment: e.user_segment,
      device: d.type,
      os: d.os,
      channel: e.referrer.type,
      firstMs: ms,
      lastMs: ms,
      events: 1,
      lastType: '',
      hasProductView: false,
      hasAddToCart: false,
      hasBeginCheckout: false,
      purchased: false,
      revenue: 0,
      beginMs: Number.NaN,
      pageViews: 0,
      outOfStock: null,
      lastSearchEmpty: false,
    };
    this.open.set(e.session_id, s);
    this.sessions++;
    inc(this.segmentSessions, s.segment);
    inc(this.deviceSessions, s.device);
    inc(this.osSessions, s.os);

    let user = this.users.get(e.user_id);
    if (user) {
      const gap = ms - user.lastEventMs;
      if (gap < 30 * MINUTE_MS) this.quickReturns++;
      this.returnGapMinutes.add(gap / MINUTE_MS);
      if (d.type === 'mobile') {
        this.mobileReturns++;
        if (user.lastIp !== e.technical_info.ip_address) this.mobileIpChanges++;
      }
      user.sessions++;
      user.lastIp = e.technical_info.ip_address;
    } else {
      user = {
        sessions: 1,
        lastEventMs: ms,
        lastIp: e.technical_info.ip_address,
        accountCreates: 0,
        loggedIn: false,
        account: false,
        cartOpen: false,
        cart: null,
        bought: null,
        known: e.user_segment === 'new_visitor',
      };
      this.users.set(e.user_id, user);
    }

    const ip = this.ipCity.get(e.technical_info.ip_address);
    if (!ip) this.ipCity.set(e.technical_info.ip_address, { city: e.location.city, users: [e.user_id] });
    else {
      if (ip.city !== e.location.city) ip.city = '';
      if (!ip.users.includes(e.user_id)) ip.users.push(e.user_id);
    }

    const campaign = e.referrer.utm_campaign;
    if (campaign === 'abandoned_cart') {
      this.abandonedCartEmails++;
      if (user.known && !user.cartOpen) this.abandonedCartEmailsWithoutCart++;
    }
    if (campaign !== null && HOLIDAY_CAMPAIGNS.has(campaign) && !HOLIDAY_MONTHS.has(new Date(ms).getUTCMonth()))
      this.holidayCampaignsOutOfSeason++;

    let released = this.agentReleases.get(d.user_agent);
    if (released === undefined) {
      const named = namedVersions(d.user_agent);
      this.agentReleases.set(d.user_agent, (released = named.length === 0 ? null : newestOf(named)));
    }
    // Crawlers are not judged; a version the table lacks (NaN) counts as not yet out.
    if (released !== null) {
      this.agentSessions++;
      if (!(released <= ms)) this.agentsNotYetOut++;
    }
    const edge = /Edg\/(\d+)/.exec(d.user_agent);
    if (edge) {
      this.edgeSessions++;
      if (/Chrome\/(\d+)/.exec(d.user_agent)?.[1] !== edge[1]) this.edgeMismatch++;
    }
    return s;
  }

  private addSessionEvent(s: OpenSession, e: UserEvent, ms: number): void {
    const data = e.event_data;
    const user = this.users.get(e.user_id)!;
    if (s.lastSearchEmpty) {
      this.zeroFollowed++;
      if (e.event_type === 'product_view') this.zeroFollowedByProduct++;
      s.lastSearchEmpty = false;
    }
    const dwell = this.dwell.get(e.event_type) ?? { sum: 0, n: 0 };
    dwell.sum += e.technical_info.time_on_page_ms;
    dwell.n++;
    this.dwell.set(e.event_type, dwell);
    switch (e.event_type) {
      case 'page_view':
        this.pageViewsTracked++;
        if (Boolean(data.is_landing_page) !== (s.pageViews === 0)) this.landingPageWrong++;
        s.pageViews++;
        break;
      case 'product_view': {
        s.hasProductView = true;
        this.productViews++;
        if ('quantity' in data) this.productViewsWithQuantity++;
        const price = Number(data.price);
        if (Number.isFinite(price)) {
          this.productViewsPriced++;
          if (Math.round(price * 100) % 100 === 99) this.productViews99++;
        }
        const id = String(data.product_id);
        if (data.in_stock === false) (s.outOfStock ??= new Set()).add(id);
        const day = Math.floor(ms / DAY_MS);
        const st = this.stock.get(id);
        if (!st) this.stock.set(id, { day, value: data.in_stock, changes: 0 });
        else {
          if (st.day !== day) {
            st.day = day;
            st.changes = 0;
          }
          if (st.value !== data.in_stock) {
            st.value = data.in_stock;
            if (++st.changes === 2) this.stockChangesOverOne++;
          }
        }
        break;
      }
      case 'search': {
        this.searches++;
        if (this.searchesForTerms < 100_000) {
          this.searchesForTerms++;
          this.searchTerms.add(String(data.search_term));
        }
        if (Number(data.search_results_count) === 0) {
          this.zeroSearches++;
          s.lastSearchEmpty = true;
        }
        break;
      }
      case 'add_to_cart': {
        s.hasAddToCart = true;
        user.cartOpen = true;
        this.addsTracked++;
        const id = String(data.product_id);
        if (s.outOfStock?.has(id)) this.outOfStockAdds++;
        // The cart is the user's: what an earlier visit put in it is bought with it.
        (user.cart ??= new Set()).add(id);
        break;
      }
      case 'begin_checkout':
        s.hasBeginCheckout = true;
        s.beginMs = ms;
        this.beginCheckouts++;
        if ('payment_method' in data) this.beginWithPayment++;
        break;
      case 'complete_checkout': {
        this.orders++;
        const value = Number(data.order_value);
        s.revenue += value;
        this.orderValue.add(value);
        if (!s.purchased) this.startToPurchaseS.add((ms - s.firstMs) / 1000);
        s.purchased = true;
        if (!Number.isNaN(s.beginMs)) this.beginToCompleteS.add((ms - s.beginMs) / 1000);
        if (!s.hasAddToCart) this.purchasesWithoutCartInSession++;
        user.cartOpen = false;
        if (user.cart) for (const id of user.cart) (user.bought ??= new Set()).add(id);
        user.cart = null;
        break;
      }
      case 'login':
        if (user.known) {
          this.knownLogins++;
          if (!user.account) this.knownLoginsWithoutAccount++;
        }
        if (data.success !== false) user.loggedIn = true;
        break;
      case 'logout':
        this.logoutSources.add(String(data.logout_source));
        break;
      case 'account_create':
        this.accountCreates++;
        user.accountCreates++;
        if (s.segment === 'new_visitor') this.accountCreatesNewVisitor++;
        if (user.loggedIn) this.accountCreateAfterLogin++;
        user.loggedIn = true;
        user.account = true;
        break;
      case 'review_write':
        if (s.segment === 'new_visitor') this.reviewsByNewVisitor++;
        if (user.known) {
          this.knownReviews++;
          if (user.bought?.has(String(data.product_id))) this.reviewsOfBought++;
        }
        break;
    }
  }

  /** Close sessions the stream has left behind. */
  private sweep(): void {
    this.sinceSweep = 0;
    let nowMs = Number.POSITIVE_INFINITY;
    for (const t of this.laneMs) if (t !== undefined && t < nowMs) nowMs = t;
    for (const [id, s] of this.open) {
      if (s.lastMs < nowMs - IDLE_CLOSE_MS) {
        this.open.delete(id);
        this.closeSession(s);
      }
    }
  }

  private slice(dimension: string, value: string): Slice {
    const key = `${dimension}\u0000${value}`;
    let sl = this.slices.get(key);
    if (!sl) this.slices.set(key, (sl = newSlice()));
    return sl;
  }

  private closeSession(s: OpenSession): void {
    const duration = s.lastMs - s.firstMs;
    this.sessionMinutes.add(duration / MINUTE_MS);
    this.eventsPerSession.add(s.events);
    if (s.hasAddToCart) {
      this.cartSessions++;
      if (!s.purchased) this.cartAbandoned++;
    }
    for (const [dimension, value] of [
      ['all', 'all'],
      ['segment', s.segment],
      ['device', s.device],
      ['channel', s.channel],
    ] as const) {
      const sl = this.slice(dimension, value);
      sl.sessions++;
      if (s.events === 1) sl.bounces++;
      if (s.hasProductView) sl.productView++;
      if (s.hasAddToCart) sl.addToCart++;
      if (s.hasBeginCheckout) sl.beginCheckout++;
      if (s.purchased) {
        sl.purchased++;
        sl.revenue += s.revenue;
      }
      sl.durationMsSum += duration;
    }
  }

  /** Close what is open and compute the report. */
  finish(): ReportData {
    for (const s of this.open.values()) this.closeSession(s);
    this.open.clear();
    const startMs = Number.isFinite(this.firstMs) ? this.firstMs : 0;
    const endMs = Number.isFinite(this.lastMs) ? this.lastMs + 1 : 0;
    const exposure = this.exposure(startMs, endMs);

    const eventMix = EVENT_TYPES.map((type) => ({
      type,
      share: this.events === 0 ? 0 : (this.typeCounts.get(type) ?? 0) / this.events,
      weight: EVENT_WEIGHTS[type],
    }));

    const hourlyByCity: { city: string; day: 'weekday' | 'weekend'; hour: number; perHour: number }[] = [];
    const hourlyByWeekday: { weekday: string; hour: number; perHour: number }[] = [];
    for (let hour = 0; hour < 24; hour++) {
      for (const [c, city] of CITIES.entries()) {
        for (const day of ['weekday', 'weekend'] as const) {
          let ev = 0;
          let hours = 0;
          for (let w = day === 'weekday' ? 0 : 5; w < (day === 'weekday' ? 5 : 7); w++) {
            const [e, x] = this.cell(exposure, c, w, hour * 12, hour * 12 + 12);
            ev += e;
            hours += x;
          }
          if (hours > 0) hourlyByCity.push({ city: city.city, day, hour, perHour: ev / hours });
        }
      }
      for (const [w, weekday] of WEEKDAYS.entries()) {
        let ev = 0;
        let hours = 0;
        for (let c = 0; c < CITIES.length; c++) {
          const [e, x] = this.cell(exposure, c, w, hour * 12, hour * 12 + 12);
          ev += e;
          hours += x * CITIES[c]!.share;
        }
        if (hours > 0) hourlyByWeekday.push({ weekday, hour, perHour: ev / hours });
      }
    }

    const funnel: ReportData['funnel'][number][] = [];
    const dims: [string, readonly string[]][] = [
      ['segment', SEGMENTS],
      ['device', DEVICES],
      ['channel', CHANNELS],
    ];
    for (const [dimension, values] of dims) {
      for (const value of values) {
        const sl = this.slices.get(`${dimension}\u0000${value}`);
        if (!sl || sl.sessions === 0) continue;
        for (const [step, n] of [
          ['1 product_view', sl.productView],
          ['2 add_to_cart', sl.addToCart],
          ['3 begin_checkout', sl.beginCheckout],
          ['4 complete_checkout', sl.purchased],
        ] as const) {
          funnel.push({ dimension, value, step, sessions: n, share: n / sl.sessions });
        }
      }
    }

    const visits = new Histogram(1, 30);
    for (const u of this.users.values()) visits.add(u.sessions);
    const bins = (h: Histogram, offset = 0) => h.counts.map((count, i) => ({ bin: i * h.width + offset, count }));

    return {
      source: this.source,
      events: this.events,
      carriedOver: this.carriedOver,
      unknownSessionEvents: this.unknownSessionEvents,
      sessions: this.sessions,
      users: this.users.size,
      orders: this.orders,
      startMs,
      endMs,
      eventMix,
      hourlyByCity,
      hourlyByWeekday,
      funnel,
      distributions: {
        sessionLengthMinutes: bins(this.sessionMinutes),
        eventsPerSession: bins(this.eventsPerSession).slice(1),
        orderValue: bins(this.orderValue),
        visitsPerUser: bins(visits).slice(1),
      },
      scorecard: [...this.seedTargets(exposure, eventMix), ...this.v2Targets(exposure, visits)],
    };
  }

  /** Hours of each city × local weekday × 5-minute bucket the run covered. */
  private exposure(startMs: number, endMs: number): Float64Array {
    const out = new Float64Array(this.buckets.length);
    const step = 5 * MINUTE_MS;
    for (const [c, city] of CITIES.entries()) {
      for (let t = Math.floor(startMs / step) * step; t < endMs; t += step) {
        const covered = (Math.min(endMs, t + step) - Math.max(startMs, t)) / HOUR_MS;
        const { hour, weekday } = this.local(city.timezone, t);
        const bucket = hour * 12 + Math.floor((t % HOUR_MS) / step);
        out[(c * 7 + weekday) * BUCKETS_PER_DAY + bucket]! += covered;
      }
    }
    return out;
  }

  /** Events and hours of a city, weekday and range of 5-minute buckets. */
  private cell(exposure: Float64Array, c: number, weekday: number, from: number, to: number): [number, number] {
    let events = 0;
    let hours = 0;
    for (let b = from; b < to; b++) {
      const i = (c * 7 + weekday) * BUCKETS_PER_DAY + b;
      events += this.buckets[i]!;
      hours += exposure[i]!;
    }
    return [events, hours];
  }

  /**
   * Each band's mean rate over its inner hours (away from its edges, where the curve blends into
   * the next band), as a multiple of the run's rate: the run's events over what the default
   * shop's curve expects of its span. The seed's factor, × WEEKEND_FACTOR at weekends.
   */
  private innerBandMultipliers(exposure: Float64Array): { rows: string[]; worst: number } {
    const rate = this.events / (expectedMinutes(this.firstMs, this.lastMs) / 60);
    const rows: string[] = [];
    let worst = 0;
    for (const [name, { factor, hours }] of Object.entries(INNER_HOURS)) {
      const measured: string[] = [];
      for (const weekend of [false, true]) {
        let events = 0;
        let exposed = 0;
        for (const [c, city] of CITIES.entries()) {
          for (let w = weekend ? 5 : 0; w < (weekend ? 7 : 5); w++) {
            for (const hour of hours) {
              const [e, x] = this.cell(exposure, c, w, hour * 12, hour * 12 + 12);
              events += e;
              exposed += x * city.share;
            }
          }
        }
        if (exposed < 1) continue;
        const m = events / exposed / rate;
        const want = factor * (weekend ? WEEKEND_FACTOR : 1);
        worst = Math.max(worst, Math.abs(m / want - 1));
        measured.push(num(m, 2));
      }
      if (measured.length > 0) rows.push(`${name} ${measured.join(' / ')}`);
    }
    return { rows, worst };
  }

  /**
   * The largest step in session arrivals per hour between consecutive local 5-minute buckets,
   * weekdays pooled, and how far beyond 25% it is in standard deviations of its sampling noise.
   */
  private largestStep(exposure: Float64Array): { step: number; sigmas: number; at: string; buckets: number } {
    const n = new Float64Array(BUCKETS_PER_DAY);
    const hours = new Float64Array(BUCKETS_PER_DAY);
    for (let c = 0; c < CITIES.length; c++) {
      for (let w = 0; w < 5; w++) {
        for (let b = 0; b < BUCKETS_PER_DAY; b++) {
          const i = (c * 7 + w) * BUCKETS_PER_DAY + b;
          n[b]! += this.startBuckets[i]!;
          hours[b]! += exposure[i]! * CITIES[c]!.share;
        }
      }
    }
    let out = { step: 0, sigmas: Number.NEGATIVE_INFINITY, at: '', buckets: 0 };
    for (let b = 0; b < BUCKETS_PER_DAY; b++) {
      const a = (b + 1) % BUCKETS_PER_DAY;
      if (n[b]! < 1 || n[a]! < 1) continue;
      const logStep = Math.abs(Math.log(n[b]! / hours[b]! / (n[a]! / hours[a]!)));
      const sigmas = (logStep - Math.log(1.25)) / Math.sqrt(1 / n[b]! + 1 / n[a]!);
      out.buckets++;
      if (sigmas > out.sigmas) {
        const at = `${Math.floor(a / 12)}:${String((a % 12) * 5).padStart(2, '0')}`;
        out = { step: Math.exp(logStep) - 1, sigmas, at, buckets: out.buckets };
      }
    }
    return out;
  }

  /** Events per hour, cities weighted by their share, over the hours of a local band on weekdays or weekends. */
  private bandRate(exposure: Float64Array, b: Band, weekend: boolean): number {
    let events = 0;
    let hours = 0;
    for (const [c, city] of CITIES.entries()) {
      for (let w = weekend ? 5 : 0; w < (weekend ? 7 : 5); w++) {
        for (let hour = 0; hour < 24; hour++) {
          if (band(hour) !== b) continue;
          const [e, x] = this.cell(exposure, c, w, hour * 12, hour * 12 + 12);
          events += e;
          hours += x * city.share;
        }
      }
    }
    return events / hours;
  }

  private seedTargets(exposure: Float64Array, mix: ReportData['eventMix']): ScoreRow[] {
    const rows: ScoreRow[] = [];
    const seed = (name: string, target: string, measured: string, pass: boolean): void =>
      void rows.push({ kind: 'seed', name, target, measured, pass });
    for (const { type, share, weight } of mix) {
      const ok =
        type === 'complete_checkout'
          ? share >= weight * 0.85 && share <= weight * 1.5
          : Math.abs(share / weight - 1) <= 0.15 || Math.abs(share - weight) <= 0.003;
      seed(
        `event mix: ${type}`,
        type === 'complete_checkout' ? `${pct(weight)} −15%/+50%` : `${pct(weight)} ± 15% rel. or ± 0.3 pp`,
        pct(share, 2),
        ok,
      );
    }
    const mixRows = (label: string, m: Map<string, number>, expected: Record<string, number>): void => {
      for (const [k, p] of Object.entries(expected)) {
        const share = (m.get(k) ?? 0) / this.sessions;
        seed(`${label}: ${k}`, `${pct(p, 0)} ± 2 pp`, pct(share), Math.abs(share - p) <= 0.02);
      }
    };
    mixRows('segment mix', this.segmentSessions, { new_visitor: 0.35, returning_visitor: 0.4, loyal_customer: 0.2, power_user: 0.05 });
    mixRows('device mix', this.deviceSessions, { mobile: 0.65, desktop: 0.3, tablet: 0.05 });
    mixRows('OS mix', this.osSessions, Object.fromEntries(OSES.map((os, i) => [os, [0.35, 0.3, 0.2, 0.1, 0.05][i]!])));
    for (const [from, to, p] of [
      ['page_view', 'product_view', 0.25],
      ['product_view', 'add_to_cart', 0.2],
      ['add_to_cart', 'begin_checkout', 0.25],
      ['begin_checkout', 'complete_checkout', 0.6],
    ] as const) {
      const seen = (this.transitions.get(`${from}>${to}`) ?? 0) / (this.trackedTypeCounts.get(from) ?? 0);
      seed(`transition ${from} → ${to}`, `${p} ± 0.02`, num(seen, 3), Math.abs(seen - p) <= 0.02);
    }
    const continuing = 1 - this.sessions / (this.events - this.carriedOver - this.unknownSessionEvents);
    seed('events that continue a session', '70% ± 5 pp', pct(continuing), Math.abs(continuing - 0.7) <= 0.05);
    const meanDuration = (seg: string): number => {
      const sl = this.slices.get(`segment\u0000${seg}`);
      return sl ? sl.durationMsSum / sl.sessions : Number.NaN;
    };
    const base = meanDuration('returning_visitor');
    for (const [seg, target, tol] of [
      ['new_visitor', 0.6, 0.12],
      ['loyal_customer', 1.5, 0.25],
      ['power_user', 2.0, 0.35],
    ] as const) {
      const ratio = meanDuration(seg) / base;
      seed(`session duration ${seg} / returning_visitor`, `${target} ± ${tol}`, num(ratio, 3), Math.abs(ratio - target) <= tol);
    }
    const conv = SEGMENTS.map((seg) => {
      const sl = this.slices.get(`segment\u0000${seg}`);
      return sl ? sl.purchased / sl.sessions : Number.NaN;
    });
    seed(
      'conversion by segment rises',
      'new < returning < loyal < power',
      conv.map((r) => pct(r, 2)).join(' < '),
      conv.every((r, i) => i === 0 || r > conv[i - 1]!),
    );
    const peakLate = this.bandRate(exposure, 'peak', false) / this.bandRate(exposure, 'late', false);
    const businessOther = this.bandRate(exposure, 'business', false) / this.bandRate(exposure, 'other', false);
    seed('weekday peak / late night (events per local hour)', '10 ± 15%', num(peakLate), Math.abs(peakLate / 10 - 1) <= 0.15);
    seed('weekday business / other hours', '1.2 ± 10%', num(businessOther, 3), Math.abs(businessOther / 1.2 - 1) <= 0.1);
    for (const b of ['business', 'peak', 'late', 'other'] as const) {
      const ratio = this.bandRate(exposure, b, true) / this.bandRate(exposure, b, false);
      seed(`weekend / weekday, ${b} hours`, '1.8 ± 10%', num(ratio, 3), Math.abs(ratio / 1.8 - 1) <= 0.1);
    }
    return rows;
  }

  private v2Targets(exposure: Float64Array, visits: Histogram): ScoreRow[] {
    const rows: ScoreRow[] = [];
    const v2 = (name: string, target: string, measured: string, pass: boolean | null): void =>
      void rows.push({ kind: 'v2', name, target, measured, pass });
    const sl = (dimension: string, value: string): Slice => this.slices.get(`${dimension}\u0000${value}`) ?? newSlice();
    const conv = (s: Slice): number => s.purchased / s.sessions;
    const bounce = (s: Slice): number => s.bounces / s.sessions;
    const aov = (s: Slice): number => s.revenue / s.purchased;
    const all = sl('all', 'all');
    const [desktop, mobile, tablet] = [sl('device', 'desktop'), sl('device', 'mobile'), sl('device', 'tablet')];

    // 1. Device and channel.
    const dm = conv(desktop) / conv(mobile);
    v2('conversion desktop / mobile', '1.8 ± 0.3', num(dm), Math.abs(dm - 1.8) <= 0.3);
    const tc = conv(tablet);
    v2(
      'tablet conversion between mobile and desktop',
      'mobile < tablet < desktop',
      `${pct(conv(mobile), 2)} / ${pct(tc, 2)} / ${pct(conv(desktop), 2)}`,
      tc > conv(mobile) && tc < conv(desktop),
    );
    const aovRatio = aov(desktop) / aov(mobile);
    v2('average order value desktop / mobile', '1.4 ± 0.15', num(aovRatio), Math.abs(aovRatio - 1.4) <= 0.15);
    const mobileBounce = (bounce(mobile) - bounce(desktop)) * 100;
    v2('bounce mobile − desktop', '5–11 pp', `${num(mobileBounce, 1)} pp`, mobileBounce >= 5 && mobileBounce <= 11);
    const email = conv(sl('channel', 'email')) / conv(all);
    v2('conversion email / average', '≥ 1.5', num(email), email >= 1.5);
    const social = conv(sl('channel', 'social')) / conv(all);
    v2('conversion social / average', '≤ 0.6', num(social), social <= 0.6);
    for (const ch of ['direct', 'social']) {
      const d = (bounce(sl('channel', ch)) - bounce(sl('channel', 'organic'))) * 100;
      v2(`bounce ${ch} − organic`, '≥ 5 pp', `${num(d, 1)} pp`, d >= 5);
    }
    const len = mobile.durationMsSum / mobile.sessions / (desktop.durationMsSum / desktop.sessions);
    v2('mean session length mobile / desktop', '0.6–0.8', num(len), len >= 0.6 && len <= 0.8);

    // 2. Returning users.
    const days = (this.lastMs - this.firstMs) / DAY_MS;
    const window = `over ${num(days, 1)} days (target is for 7)`;
    const repeat = 1 - (visits.counts[1] ?? 0) / visits.total;
    v2('users with ≥ 2 sessions', `15–27% ${window}`, pct(repeat), repeat >= 0.15 && repeat <= 0.27);
    const p99 = visits.quantile(0.99) - 0.5;
    v2('sessions per user, p99', '≥ 5', num(p99, 0), p99 >= 5);
    const gapH = this.returnGapMinutes.quantile(0.5) / 60;
    v2('median gap between a user’s sessions', '≥ 24 h', `${num(gapH, 1)} h`, gapH >= 24);
    const quick = this.quickReturns / this.sessions;
    v2('sessions within 30 min of the user’s last event', '≤ 0.1%', pct(quick, 2), quick <= 0.001);
    const returning = 1 - (this.segmentSessions.get('new_visitor') ?? 0) / this.sessions;
    v2('sessions from returning segments', '65% ± 2 pp', pct(returning), Math.abs(returning - 0.65) <= 0.02);

    // 3-4. Time.
    const step = this.largestStep(exposure);
    v2(
      'largest step between consecutive local 5-minute buckets (session arrivals, weekdays pooled)',
      `≤ 25% (beyond ${STEP_SIGMAS} σ of sampling noise)`,
      step.buckets === 0 ? 'too few sessions to tell' : `${pct(step.step, 0)} at ${step.at}; ${num(step.sigmas, 1)} σ beyond 25%`,
      step.buckets === 0 ? null : step.sigmas <= STEP_SIGMAS,
    );
    const bands = this.innerBandMultipliers(exposure);
    v2(
      'band mean multipliers over inner hours (× the run’s rate, weekday / weekend)',
      'within ± 10% of the seed’s × 1 / × 1.8',
      bands.rows.length === 0 ? 'too short a run to tell' : bands.rows.join(', '),
      bands.rows.length === 0 ? null : bands.worst <= 0.1,
    );
    // Against the shop's own curve, which may rise or fall within the first hour.
    const at = (minutes: number): number => this.runStartMs + minutes * MINUTE_MS;
    const early =
      this.firstTenMinutes.early / expectedMinutes(at(0), at(10)) / (this.firstTenMinutes.rest / expectedMinutes(at(10), at(60)));
    v2(
      'first 10 minutes’ event rate / rest of the first hour, each against the curve’s expected rate',
      '1 ± 10%',
      num(early),
      Math.abs(early - 1) <= 0.1,
    );

    // 5. Funnel and timing.
    const abandon = this.cartAbandoned / this.cartSessions;
    v2('cart abandonment (sessions with add_to_cart, no purchase)', '70% ± 5 pp', pct(abandon), Math.abs(abandon - 0.7) <= 0.05);
    const cross = this.purchasesWithoutCartInSession / this.orders;
    v2('purchases completing a cart from an earlier session', '15–25%', pct(cross), cross >= 0.15 && cross <= 0.25);
    const toPurchase = this.startToPurchaseS.quantile(0.5) / 60;
    v2('session start → purchase, median', '8 ± 3 min', `${num(toPurchase, 1)} min`, Math.abs(toPurchase - 8) <= 3);
    const checkout = this.beginToCompleteS.quantile(0.5);
    v2('begin_checkout → complete_checkout, median', '90 ± 30 s', `${num(checkout, 0)} s`, Math.abs(checkout - 90) <= 30);
    const dwell = (t: string): number => {
      const d = this.dwell.get(t);
      return d ? d.sum / d.n / 1000 : Number.NaN;
    };
    v2(
      'dwell: product_view longer than add_to_cart',
      'product_view > add_to_cart',
      `${num(dwell('product_view'), 1)} s vs ${num(dwell('add_to_cart'), 1)} s`,
      dwell('product_view') > dwell('add_to_cart'),
    );

    // 6. Identities.
    let multiCreate = 0;
    for (const u of this.users.values()) if (u.accountCreates > 1) multiCreate++;
    v2('users with more than one account_create', '0', String(multiCreate), multiCreate === 0);
    const createNew = this.accountCreatesNewVisitor / this.accountCreates;
    v2('account_create in new_visitor sessions', '≥ 80%', pct(createNew), createNew >= 0.8);
    v2('account_create after that user’s login', '0', String(this.accountCreateAfterLogin), this.accountCreateAfterLogin === 0);
    v2(
      'login only with an account (users seen from their first visit)',
      'always',
      `${this.knownLoginsWithoutAccount} of ${this.knownLogins} logins without one`,
      this.knownLogins === 0 ? null : this.knownLoginsWithoutAccount === 0,
    );
    const bought = this.reviewsOfBought / this.knownReviews;
    v2(
      'review_write of a product the user bought earlier (users seen from their first visit)',
      '≥ 90%',
      `${pct(bought)} of ${this.knownReviews}`,
      bought >= 0.9,
    );
    v2('review_write by a new_visitor', '0', String(this.reviewsByNewVisitor), this.reviewsByNewVisitor === 0);
    const missing = LOGOUT_SOURCES.filter((src) => !this.logoutSources.has(src));
    v2(
      'logout sources include every documented value',
      LOGOUT_SOURCES.join(', '),
      missing.length === 0 ? 'all seen' : `missing ${missing.join(', ')}`,
      missing.length === 0,
    );
    v2(
      'abandoned_cart emails to users whose cart the run saw empty (users seen from their first visit)',
      '0',
      `${this.abandonedCartEmailsWithoutCart} of ${this.abandonedCartEmails}`,
      this.abandonedCartEmailsWithoutCart === 0,
    );
    v2('holiday campaigns outside Nov–Dec', '0', String(this.holidayCampaignsOutOfSeason), this.holidayCampaignsOutOfSeason === 0);
    v2(
      'is_landing_page exactly on each session’s first page_view',
      '0 wrong',
      `${this.landingPageWrong} of ${this.pageViewsTracked}`,
      this.landingPageWrong === 0,
    );

    // 7. Technical fields.
    let ipMultiCity = 0;
    const perIp = new Histogram(1, 50);
    for (const ip of this.ipCity.values()) {
      if (ip.city === '') ipMultiCity++;
      perIp.add(ip.users.length);
    }
    v2('IP addresses seen in more than one city', '0', String(ipMultiCity), ipMultiCity === 0);
    const ipP99 = perIp.quantile(0.99) - 0.5;
    v2('users sharing an IP, p99', '≤ 5', num(ipP99, 0), ipP99 <= 5);
    const ipChange = this.mobileIpChanges / this.mobileReturns;
    v2('mobile return sessions with a new IP', '≥ 40%', pct(ipChange), ipChange >= 0.4);
    v2(
      'Edge major version = its Chrome major',
      'always',
      `${this.edgeMismatch} of ${this.edgeSessions} sessions differ`,
      this.edgeMismatch === 0,
    );
    v2(
      'browser/OS versions not newer than the event date (release table in src/model/devices.ts)',
      'always',
      `${this.agentsNotYetOut} of ${this.agentSessions} sessions name a version not yet out`,
      this.agentSessions === 0 ? null : this.agentsNotYetOut === 0,
    );

    // 8. Catalog and search.
    v2(
      'add_to_cart of a product shown out of stock in the session',
      '0',
      `${this.outOfStockAdds} of ${this.addsTracked}`,
      this.outOfStockAdds === 0,
    );
    v2('products whose stock changes more than once a day', '0', String(this.stockChangesOverOne), this.stockChangesOverOne === 0);
    const zero = this.zeroSearches / this.searches;
    v2('zero-result searches', '10% ± 3 pp', pct(zero), Math.abs(zero - 0.1) <= 0.03);
    const notFollowed = 1 - this.zeroFollowedByProduct / this.zeroFollowed;
    v2('zero-result searches not followed by product_view', '≥ 90%', pct(notFollowed), notFollowed >= 0.9);
    const terms = this.searchTerms.size;
    const termTarget = Math.ceil((500 * this.searchesForTerms) / 100_000);
    v2(
      'distinct search terms',
      `≥ 500 per 100,000 searches (≥ ${termTarget} in ${this.searchesForTerms})`,
      String(terms),
      terms >= termTarget,
    );
    const ninetyNine = this.productViews99 / this.productViewsPriced;
    v2('product prices ending in .99', '≤ 60%', pct(ninetyNine), ninetyNine <= 0.6);

    // 9. Event format.
    const quantity = this.productViewsWithQuantity / this.productViews;
    v2('product_view event_data carries quantity', '100%', pct(quantity), quantity === 1);
    const payment = this.beginWithPayment / this.beginCheckouts;
    v2('begin_checkout event_data carries payment_method', '100%', pct(payment), payment === 1);
    return rows;
  }
}
