import { type Activity, asEventRecord, performEvent, type EventRecord, type RecordScratch } from './activity.ts';
import type { Catalog } from './catalog.ts';
import { exponential, type Discrete } from './distributions.ts';
import { TimeHeap } from './heap.ts';
import type { CompiledJourney } from './journey.ts';
import type { SeedSource, Sfc32 } from './rng.ts';
import { S } from './segments.ts';
import { advance, type CartLine, NO_CART, newSession, type Session } from './session.ts';
import { type PoolMemory, UserPool } from './users.ts';
import { BOT_DEVICE_COUNT, BOT_DEVICE_OFFSET, deviceAt } from './devices.ts';
import type { Episodes } from './episodes.ts';
import type { ShopModel } from './shop.ts';

/** A crawler's visit lasts from one to ten minutes. */
const BOT_MIN_MS = 60_000;
const BOT_MAX_MS = 600_000;

/** What the lanes of a run share, read-only to them: the shop, the journey, the clock of demand. */
export interface Shop {
  readonly seeds: SeedSource;
  /** The shop's tables: cities, segments, devices, referrers, behaviour. */
  readonly model: ShopModel;
  readonly catalog: Catalog;
  readonly instanceTag: string;
  readonly laneCount: number;
  readonly minSessionSeconds: number;
  readonly maxSessionSeconds: number;
  /** The current compiled journey (replaced when the journey is edited). */
  readonly journey: CompiledJourney;
  readonly cityDistribution: Discrete;
  readonly segmentDistribution: Discrete;
  readonly cityShares: readonly number[];
  /** Highest value `multiplier` can return: the thinning's envelope. */
  readonly maxMultiplier: number;
  /** The tables events are drawn from (pages, quantities, payment methods, …). */
  readonly activity: Activity;
  /**
   * The record each lane fills with its next event, one lane at a time (the merge hands it on
   * before it asks a lane for another). One for all lanes, like the tables: what a lane
   * touches for each event stays in the nearest caches (one per lane was 3% slower).
   */
  readonly record: RecordScratch;
  multiplier(city: number, utcMs: number): number;
}

/**
 * One lane of the simulation: an independent slice of the shop with its own arrival process
 * (carrying 1/laneCount of the rate), its own random streams and its own share of the users.
 * Sessions never cross lanes, so lanes can run apart — in other threads, other processes,
 * other machines — and the run is the time-ordered merge of all of them, ties going to the
 * lower lane (see `Simulation`). Ids count per lane and interleave (n × laneCount + lane), so
 * they are unique and the same however lanes are spread.
 */
export class Lane {
  /** The lane number: the merge's tie-break (lanes go by `timeMs`, then lane number). */
  readonly seq: number;
  /** Time of this lane's next event. */
  timeMs = 0;
  /** The merge's order in one number: timeMs × laneCount + lane (exact below year 6000). */
  mergeKey = 0;
  readonly pool: UserPool;
  private readonly shop: Shop;
  private readonly seeds: SeedSource;
  private readonly heap = new TimeHeap<Session>();
  private readonly arrivals: Sfc32;
  private sessionsPerMs: number;
  /** The run's episodes when it has an outage (the shop is down for a while), else null. */
  private readonly outages: Episodes | null;
  private nextArrivalMs: number;
  private sessionSeq = 0;
  private eventSeq = 0;
  private orderSeq = 0;
  sessionsStarted = 0;
  /** While warming up: sessions that end before this are not made (see `warmUp`). */
  private warmUntilMs = -Infinity;
  private readonly newOrderId = (timeMs: number): string =>
    [
      'ord_',
      Math.floor(timeMs / 1000),
      '_',
      this.shop.instanceTag,
      '_',
      String(this.orderSeq++ * this.shop.laneCount + this.seq).padStart(6, '0'),
    ].join('');

  constructor(
    shop: Shop,
    lane: number,
    sessionsPerMs: number,
    poolSize: number,
    startMs: number,
    warmUpMs: number,
    poolMemory?: PoolMemory,
  ) {
    this.shop = shop;
    this.seq = lane;
    this.seeds = shop.seeds.derive('lane', lane);
    this.arrivals = this.seeds.fork('arrivals');
    this.sessionsPerMs = sessionsPerMs;
    this.outages = shop.model.episodes.hasOutages ? shop.model.episodes : null;
    this.pool = new UserPool(shop.seeds, poolSize, shop.cityShares, shop.catalog, lane, shop.laneCount, shop.model, poolMemory);
    this.nextArrivalMs = startMs - warmUpMs + this.arrivalGap();
    this.warmUp(startMs);
    this.setTime(this.peekTimeMs());
  }

  private setTime(timeMs: number): void {
    this.timeMs = timeMs;
    this.mergeKey = timeMs * this.shop.laneCount + this.seq;
  }

  get activeSessions(): number {
    return this.heap.size;
  }

  /** Events this lane has emitted. */
  get eventsEmitted(): number {
    return this.eventSeq;
  }

  /** The rate changed (the journey was edited): later arrivals follow it. */
  setRate(sessionsPerMs: number): void {
    this.sessionsPerMs = sessionsPerMs;
  }

  /**
   * Open the shop before the run starts, as if it had been open all along: sessions arrive
   * from `warmUpMs` before `startMs`, and those still open at `startMs` have walked their
   * journeys up to it, silently. The run then begins in the steady state, its first minutes as
   * busy as any other (a cold start has no sessions open and runs ~40% low for the length of a
   * session). A session that arrives early enough to have ended by `startMs` whatever it does
   * is skipped before it is made.
   */
  private warmUp(startMs: number): void {
    this.warmUntilMs = startMs;
    for (;;) {
      this.admitArrivals();
      const session = this.heap.peek()!;
      if (session.timeMs >= startMs) break;
      session.count++;
      performEvent(this.shop.record, session, this.shop.catalog, this.shop.activity, this.newOrderId);
      this.step(session);
    }
    this.warmUntilMs = -Infinity;
    this.sessionsStarted = this.heap.size;
  }

  /** Time of the lane's next event (Unix ms) without emitting it. */
  peekTimeMs(): number {
    for (;;) {
      this.admitArrivals();
      const top = this.heap.peek()!;
      if (this.outages === null || !this.outages.down(top.timeMs)) return top.timeMs;
      // The shop is down: whoever was about to click leaves (and comes back another time).
      this.heap.pop();
      this.end(top);
    }
  }

  /** The lane's next event; the record is reused (read it before calling again). Updates `timeMs`. */
  next(): EventRecord {
    // Arrivals up to `timeMs` were admitted when it was set.
    const session = this.heap.peek()!;
    const shop = this.shop;
    const rec = shop.record;
    session.count++;
    rec.seq = this.eventSeq++ * shop.laneCount + this.seq;
    performEvent(rec, session, shop.catalog, shop.activity, this.newOrderId);
    rec.last = this.step(session);
    rec.timeOnPageMs = session.dwellMs;
    this.setTime(this.peekTimeMs());
    return asEventRecord(rec);
  }

  /** Move the session at the top of the heap past its event; true when that was its last. */
  private step(session: Session): boolean {
    const next = advance(session, this.shop.journey.variants[session.variant]!);
    if (next < 0) {
      this.heap.pop();
      this.end(session);
      return true;
    }
    session.type = next;
    session.timeMs += session.dwellMs;
    this.heap.updateTop();
    return false;
  }

  /** A session is over (already off the heap): its user goes back to the pool. */
  private end(session: Session): void {
    // Carts start empty at the run's start: one left by a visit that ended before it is not kept.
    const cart = this.warmUntilMs === Number.NEGATIVE_INFINITY ? session.cart : (NO_CART as CartLine[]);
    const startSecond = Math.floor(session.startMs / 1000);
    // A crawler is nobody the shop will see again.
    if (!session.bot) this.pool.finish(session.user, session.segment === S.NEW, startSecond, session.timeMs, cart, session, session.rng);
  }

  private arrivalGap(): number {
    return exponential(this.arrivals, this.sessionsPerMs * this.shop.maxMultiplier);
  }

  /** Start every session whose arrival comes before the earliest pending event. */
  private admitArrivals(): void {
    const shop = this.shop;
    for (;;) {
      const top = this.heap.peek();
      if (top !== undefined && top.timeMs <= Math.floor(this.nextArrivalMs)) return;
      const at = this.nextArrivalMs;
      this.nextArrivalMs = at + this.arrivalGap();
      const rng = this.arrivals;
      const city = shop.cityDistribution.sample(rng);
      // Thinning: keep a candidate with probability m(t) / max m.
      const keep = rng.next() * shop.maxMultiplier < shop.multiplier(city, at);
      if (keep) this.startSession(city, Math.floor(at));
    }
  }

  private startSession(city: number, atMs: number): void {
    const shop = this.shop;
    const rng = this.arrivals;
    const episodes = shop.model.episodes;
    if (episodes.hasBots && rng.next() < episodes.botShare(atMs)) {
      this.startBot(city, atMs);
      return;
    }
    const segment = shop.segmentDistribution.sample(rng);
    const seq = this.sessionSeq++;
    const sessionRng = this.seeds.fork('session', seq);
    const referrer = shop.model.referrers.draw(sessionRng);
    const budgetSeconds =
      (shop.minSessionSeconds + sessionRng.next() * (shop.maxSessionSeconds - shop.minSessionSeconds)) *
      shop.model.segmentDuration[segment]!;
    // Warming up: a session whose budget runs out before the run starts is over by then, whatever it does.
    if (atMs + budgetSeconds * 1000 < this.warmUntilMs) return;
    const user = segment === S.NEW ? this.pool.create(city, atMs) : this.pool.startReturning(city, segment, atMs, rng);
    const budgetMs = Math.round(budgetSeconds * 1000);
    const session = newSession(seq, user, segment, referrer, sessionRng, atMs, budgetMs, shop.journey, shop.model, this.pool);
    this.sessionsStarted++;
    this.heap.push(session);
  }

  /** A crawler of a bot wave: a new visitor on a bot's user agent, from nowhere, reading product pages for a few minutes. */
  private startBot(city: number, atMs: number): void {
    const shop = this.shop;
    const seq = this.sessionSeq++;
    const rng = this.seeds.fork('session', seq);
    const user = this.pool.create(city, atMs);
    const device = deviceAt(BOT_DEVICE_OFFSET + rng.int(BOT_DEVICE_COUNT));
    const budgetMs = Math.round(BOT_MIN_MS + rng.next() * (BOT_MAX_MS - BOT_MIN_MS));
    if (atMs + budgetMs < this.warmUntilMs) return;
    const bot = user.onDevice(device);
    const referrer = shop.model.referrers.direct;
    const session = newSession(seq, bot, S.NEW, referrer, rng, atMs, budgetMs, shop.journey, shop.model, this.pool, true);
    this.sessionsStarted++;
    this.heap.push(session);
  }
}
