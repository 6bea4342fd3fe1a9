import { Activity, asEventRecord, newRecordScratch, performEvent, type EventRecord, type RecordScratch } from './activity.ts';
import { BEHAVIOUR } from './behaviour.ts';
import { Catalog } from './catalog.ts';
import { Discrete, exponential } from './distributions.ts';
import { CITIES, ZoneClock } from './geo.ts';
import { TimeHeap } from './heap.ts';
import {
  compileJourney,
  defaultJourneyTransitions,
  defaultStartWeights,
  type CompiledJourney,
  type JourneyTransitions,
  type StartWeights,
} from './journey.ts';
import { drawReferrer } from './referrers.ts';
import { mix32, SeedSource, type Sfc32 } from './rng.ts';
import { SEGMENT_DURATION, SEGMENT_MIX, S } from './segments.ts';
import { advance, type CartLine, NO_CART, newSession, type Session } from './session.ts';
import { MAX_MULTIPLIER, MEAN_WEEKLY_MULTIPLIER, MINUTE_CURVE } from './time-patterns.ts';
import { poolSizeFor, UserPool } from './users.ts';

export interface ModelOptions {
  readonly seed: number;
  /** Simulated start, Unix milliseconds. */
  readonly startMs: number;
  /** Events per hour at time multiplier 1.0. */
  readonly ratePerHour: number;
  readonly minSessionSeconds: number;
  readonly maxSessionSeconds: number;
  readonly timePatterns: boolean;
  /** Known users kept for return visits; 0 picks a size from the rate (see `defaultPoolSize`). */
  readonly userPoolSize: number;
  readonly journeyTransitions?: JourneyTransitions;
  readonly startWeights?: StartWeights;
}

const DAY_MS = 86_400_000;
const WARM_UP_CAP_MS = 30 * 60_000;
/** Arrivals the warm-up may look at (about a second of work): at 3.6M events/hour, 16 minutes. */
const WARM_UP_MAX_ARRIVALS = 300_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** 1970-01-01 was a Thursday. */
const EPOCH_WEEKDAY = 4;

/**
 * Pool size for a rate: enough users for each visit tier to come back at its own rate (see
 * `poolSizeFor`), within [20 000, 2 000 000] users (a capped pool makes users come back more
 * often than their tier says).
 */
export function defaultPoolSize(ratePerHour: number, eventsPerSession: number): number {
  const returningPerDay = ((ratePerHour * 24 * MEAN_WEEKLY_MULTIPLIER) / eventsPerSession) * (1 - SEGMENT_MIX[S.NEW]);
  return Math.round(Math.min(2_000_000, Math.max(20_000, poolSizeFor(returningPerDay))));
}

/**
 * The discrete-event simulation: sessions arrive per city as a non-homogeneous Poisson
 * process (thinned from the peak rate), each walks its journey, and `next()` returns events
 * in simulated-time order. Pure: the output depends only on the options, never on the clock.
 */
export class Simulation {
  readonly options: ModelOptions;
  readonly seeds: SeedSource;
  readonly catalog: Catalog;
  readonly pool: UserPool;
  /** Eight hex digits from the seed; part of event and order ids so runs never share them. */
  readonly instanceTag: string;
  /** Shared, editable journey; call `journeyChanged()` after editing (the API does it for you). */
  readonly journeyTransitions: JourneyTransitions;
  readonly startWeights: StartWeights;

  private journey: CompiledJourney;
  private sessionsPerMs = 0;
  private readonly maxMultiplier: number;
  private readonly heap = new TimeHeap<Session>();
  private readonly arrivals: Sfc32;
  private readonly cityDistribution: Discrete;
  private readonly segmentDistribution: Discrete;
  private readonly zones: ZoneClock[];
  private nextArrivalMs: number;
  private sessionSeq = 0;
  private eventSeq = 0;
  private orderSeq = 0;
  private sessionsStarted = 0;
  /** While warming up: sessions that end before this are not made (see `warmUp`). */
  private warmUntilMs: number;
  private readonly activity = new Activity(BEHAVIOUR);
  private readonly record: RecordScratch = newRecordScratch();
  /** Active slots given back by ended sessions, reused last in, first out (see `Session.activeSlot`). */
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private readonly newOrderId = (timeMs: number): string =>
    ['ord_', Math.floor(timeMs / 1000), '_', this.instanceTag, '_', String(this.orderSeq++).padStart(6, '0')].join('');

  constructor(options: ModelOptions) {
    this.options = options;
    this.seeds = new SeedSource(options.seed);
    this.instanceTag = mix32(this.seeds.fork('instance').u32()).toString(16).padStart(8, '0');
    this.catalog = new Catalog();
    this.journeyTransitions = options.journeyTransitions ?? defaultJourneyTransitions();
    this.startWeights = options.startWeights ?? defaultStartWeights();
    this.journey = compileJourney(this.journeyTransitions, this.startWeights);
    this.updateRate();
    this.maxMultiplier = options.timePatterns ? MAX_MULTIPLIER : 1;
    this.arrivals = this.seeds.fork('arrivals');
    this.cityDistribution = new Discrete(CITIES.map((c) => c.share));
    this.segmentDistribution = new Discrete([...SEGMENT_MIX]);
    this.zones = CITIES.map((c) => new ZoneClock(c.timezone));
    const poolSize = options.userPoolSize > 0 ? options.userPoolSize : defaultPoolSize(options.ratePerHour, this.eventsPerSession);
    this.pool = new UserPool(
      this.seeds,
      poolSize,
      CITIES.map((c) => c.share),
      this.catalog,
    );
    this.warmUntilMs = options.startMs;
    this.nextArrivalMs = options.startMs - this.warmUpMs() + this.arrivalGap();
    this.warmUp();
  }

  /**
   * How far back the shop opens: the longest time budget a session can have, but at most
   * 30 minutes, and at most WARM_UP_MAX_ARRIVALS arrivals. Sessions end long before their
   * budget (journeys exit: 99.9% are over within 23 minutes at the defaults), and the warm-up
   * costs as much as generating its span does.
   */
  private warmUpMs(): number {
    const longest = this.options.maxSessionSeconds * Math.max(...SEGMENT_DURATION) * 1000;
    // At very high rates a shorter span: the work stays bounded (the oldest open sessions are missing then).
    const affordable = WARM_UP_MAX_ARRIVALS / (this.sessionsPerMs * this.maxMultiplier);
    return Math.min(longest, WARM_UP_CAP_MS, affordable);
  }

  /**
   * Open the shop before the run starts, as if it had been open all along: sessions arrive
   * from `warmUpMs()` before `startMs`, and those still open at `startMs` have walked
   * their journeys up to it, silently. The run then begins in the steady state, its first
   * minutes as busy as any other (a cold start has no sessions open and runs ~40% low for the
   * length of a session). A session that arrives early enough to have ended by `startMs`
   * whatever it does is skipped before it is made.
   */
  private warmUp(): void {
    const startMs = this.options.startMs;
    for (;;) {
      this.admitArrivals();
      const session = this.heap.peek()!;
      if (session.timeMs >= startMs) break;
      session.count++;
      performEvent(this.record, session, this.catalog, this.activity, this.newOrderId);
      this.step(session);
    }
    this.warmUntilMs = -Infinity;
    this.sessionsStarted = this.heap.size;
  }

  /** Expected events per session over the segment mix (from the journey, before time-budget cuts). */
  get eventsPerSession(): number {
    let n = 0;
    for (let s = 0; s < SEGMENT_MIX.length; s++) n += SEGMENT_MIX[s]! * this.journey.segments[s]!.expectedEvents;
    return n;
  }

  get activeSessions(): number {
    return this.heap.size;
  }

  get eventsEmitted(): number {
    return this.eventSeq;
  }

  get sessionCount(): number {
    return this.sessionsStarted;
  }

  get compiledJourney(): CompiledJourney {
    return this.journey;
  }

  /** Rebuild the sampling tables after `journeyTransitions` was edited; later events follow it. */
  journeyChanged(): CompiledJourney {
    this.journey = compileJourney(this.journeyTransitions, this.startWeights);
    this.updateRate();
    return this.journey;
  }

  /** The multiplier of time patterns for a city at a UTC time. */
  multiplier(city: number, utcMs: number): number {
    if (!this.options.timePatterns) return 1;
    const local = this.zones[city]!.localMs(utcMs);
    const day = Math.floor(local / DAY_MS);
    const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
    const weekday = (((day + EPOCH_WEEKDAY) % 7) + 7) % 7;
    return MINUTE_CURVE[weekday * 1440 + minute]!;
  }

  /** The expected event rate (per hour) at a moment, over all cities. */
  effectiveRatePerHour(utcMs: number): number {
    let m = 0;
    for (let c = 0; c < CITIES.length; c++) m += CITIES[c]!.share * this.multiplier(c, utcMs);
    return this.options.ratePerHour * m;
  }

  /** Time of the next event (Unix ms) without emitting it. */
  peekTimeMs(): number {
    this.admitArrivals();
    return this.heap.peek()!.timeMs;
  }

  /**
   * The next event. The returned record is reused: read it (serialize it) before calling
   * `next()` again.
   */
  next(): EventRecord {
    this.admitArrivals();
    const session = this.heap.peek()!;
    const rec = this.record;
    session.count++;
    rec.seq = this.eventSeq++;
    performEvent(rec, session, this.catalog, this.activity, this.newOrderId);
    rec.last = this.step(session);
    rec.timeOnPageMs = session.dwellMs;
    return asEventRecord(rec);
  }

  /** Move the session at the top of the heap past its event; true when that was its last. */
  private step(session: Session): boolean {
    const next = advance(session, this.journey.variants[session.variant]!);
    if (next < 0) {
      this.heap.pop();
      this.freeSlots.push(session.activeSlot);
      // Carts start empty at the run's start: one left by a visit that ended before it is not kept.
      const cart = this.warmUntilMs === Number.NEGATIVE_INFINITY ? session.cart : (NO_CART as CartLine[]);
      const startSecond = Math.floor(session.startMs / 1000);
      this.pool.finish(session.user, session.segment === S.NEW, startSecond, session.timeMs, cart, session, session.rng);
      return true;
    }
    session.type = next;
    session.timeMs += session.dwellMs;
    this.heap.updateTop();
    return false;
  }

  private updateRate(): void {
    this.sessionsPerMs = this.options.ratePerHour / HOUR_MS / this.eventsPerSession;
  }

  private arrivalGap(): number {
    return exponential(this.arrivals, this.sessionsPerMs * this.maxMultiplier);
  }

  /** Start every session whose arrival comes before the earliest pending event. */
  private admitArrivals(): void {
    for (;;) {
      const top = this.heap.peek();
      if (top !== undefined && top.timeMs <= Math.floor(this.nextArrivalMs)) return;
      const at = this.nextArrivalMs;
      this.nextArrivalMs = at + this.arrivalGap();
      const rng = this.arrivals;
      const city = this.cityDistribution.sample(rng);
      // Thinning: keep a candidate with probability m(t) / max m.
      const keep = rng.next() * this.maxMultiplier < this.multiplier(city, at);
      if (keep) this.startSession(city, Math.floor(at));
    }
  }

  private startSession(city: number, atMs: number): void {
    const rng = this.arrivals;
    const segment = this.segmentDistribution.sample(rng);
    const seq = this.sessionSeq++;
    const sessionRng = this.seeds.fork('session', seq);
    const referrer = drawReferrer(sessionRng);
    const o = this.options;
    const budgetSeconds =
      (o.minSessionSeconds + sessionRng.next() * (o.maxSessionSeconds - o.minSessionSeconds)) * SEGMENT_DURATION[segment]!;
    // Warming up: a session whose budget runs out before the run starts is over by then, whatever it does.
    if (atMs + budgetSeconds * 1000 < this.warmUntilMs) return;
    const user = segment === S.NEW ? this.pool.create(city) : this.pool.startReturning(city, segment, atMs, rng);
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slotCount++;
    const session = newSession(
      seq,
      slot,
      user,
      segment,
      referrer,
      sessionRng,
      atMs,
      Math.round(budgetSeconds * 1000),
      this.journey,
      this.catalog,
      this.pool,
    );
    this.sessionsStarted++;
    this.heap.push(session);
  }
}
