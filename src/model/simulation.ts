import { Activity, newRecordScratch, type EventRecord, type RecordScratch } from './activity.ts';
import type { Catalog } from './catalog.ts';
import type { Discrete } from './distributions.ts';
import {
  compileJourney,
  defaultJourneyTransitions,
  defaultStartWeights,
  type CompiledJourney,
  type JourneyTransitions,
  type StartWeights,
} from './journey.ts';
import { Lane, type Shop } from './lane.ts';
import { mix32, SeedSource } from './rng.ts';
import { S } from './segments.ts';
import { Episodes, type EpisodeSpec } from './episodes.ts';
import { DEFAULT_SHOP, defaultShopModel, ShopModel, type ShopSpec } from './shop.ts';
import { PoolMemory, poolSizeFor } from './users.ts';
import type { Curve } from './time-patterns.ts';

/**
 * Lanes of every run: the simulation is split into this many independent slices, whatever
 * runs them (one thread, workers, shards on many machines). A power of two, so any core count
 * of a machine divides it; also the most shards a run can be split into.
 */
export const LANE_COUNT = 64;

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
  /**
   * The lanes to run (numbers below LANE_COUNT); all of them by default (see `shardLanes`).
   * None: the simulation only answers questions about the shop (rates, journey), it has no events.
   */
  readonly lanes?: readonly number[];
  /** The shop: cities, segments, devices, catalog, time patterns, behaviour; the seed's by default. */
  readonly shop?: ShopSpec;
  /** Flash sales, outages, bot waves in simulated time (see episodes.ts). */
  readonly episodes?: readonly EpisodeSpec[];
  /**
   * What a Simulation of these options built already, to be used rather than built again: a
   * thread that runs a share of the lanes is given its main thread's (a tenth of a second less
   * before its first events).
   */
  readonly built?: BuiltModel;
}

/** The parts of a model that take time to build, from `Simulation.built`; structured-cloneable. */
export interface BuiltModel {
  readonly curve: Curve;
  readonly journey: CompiledJourney;
}

const WARM_UP_CAP_MS = 30 * 60_000;
/** Arrivals the warm-up may look at (about a second of work): at 3.6M events/hour, 16 minutes. */
const WARM_UP_MAX_ARRIVALS = 300_000;
const HOUR_MS = 3_600_000;

/**
 * Pool size for a rate: enough users for each visit tier to come back at its own rate (see
 * `poolSizeFor`), within [20 000, 2 000 000] users (a capped pool makes users come back more
 * often than their tier says).
 */
export function defaultPoolSize(ratePerHour: number, eventsPerSession: number, model: ShopModel = defaultShopModel()): number {
  const returningPerDay = ((ratePerHour * 24 * model.curve.mean) / eventsPerSession) * (1 - model.segmentMix[S.NEW]!);
  return Math.round(Math.min(2_000_000, Math.max(20_000, poolSizeFor(returningPerDay, model))));
}

/** The lanes `lanes` of a run: all of them, or those of shard `index` of `count` (round robin). */
export function shardLanes(index: number, count: number): number[] {
  const lanes: number[] = [];
  for (let lane = index; lane < LANE_COUNT; lane += count) lanes.push(lane);
  return lanes;
}

/**
 * The discrete-event simulation: sessions arrive per city as a non-homogeneous Poisson
 * process (thinned from the peak rate), each walks its journey, and `next()` returns events
 * in simulated-time order. The run is split into LANE_COUNT lanes (see `Lane`); this merges
 * the lanes it runs — all by default — in time order, ties to the lower lane, so any set of
 * lanes gives exactly its part of the full run. Pure: the output depends only on the options,
 * never on the clock.
 */
export class Simulation implements Shop {
  readonly options: ModelOptions;
  readonly seeds: SeedSource;
  readonly model: ShopModel;
  readonly catalog: Catalog;
  /** Eight hex digits from the seed; part of event and order ids so runs never share them. */
  readonly instanceTag: string;
  /** Shared, editable journey; call `journeyChanged()` after editing (the API does it for you). */
  readonly journeyTransitions: JourneyTransitions;
  readonly startWeights: StartWeights;
  readonly laneCount = LANE_COUNT;
  readonly minSessionSeconds: number;
  readonly maxSessionSeconds: number;
  readonly cityDistribution: Discrete;
  readonly segmentDistribution: Discrete;
  readonly cityShares: readonly number[];
  readonly maxMultiplier: number;
  readonly activity: Activity;
  readonly record: RecordScratch = newRecordScratch();
  /** The lanes this simulation runs, in lane order. */
  readonly lanes: readonly Lane[];

  journey: CompiledJourney;
  private readonly episodes: Episodes | null;
  /** The lanes ordered by their next event (its own heap: the sessions' stays monomorphic). */
  private readonly merge: LaneHeap;
  private emitted = 0;

  constructor(options: ModelOptions) {
    this.options = options;
    this.seeds = new SeedSource(options.seed);
    this.instanceTag = mix32(this.seeds.fork('instance').u32()).toString(16).padStart(8, '0');
    const episodes = options.episodes ?? [];
    const built = options.built;
    this.model =
      options.shop === undefined && episodes.length === 0
        ? defaultShopModel(built?.curve)
        : new ShopModel(options.shop ?? DEFAULT_SHOP, new Episodes(episodes, options.startMs), built?.curve);
    this.episodes = this.model.episodes.windows.length > 0 ? this.model.episodes : null;
    this.catalog = this.model.catalog;
    this.journeyTransitions = options.journeyTransitions ?? defaultJourneyTransitions();
    this.startWeights = options.startWeights ?? defaultStartWeights();
    this.journey = built?.journey ?? compileJourney(this.journeyTransitions, this.startWeights, this.model);
    this.minSessionSeconds = options.minSessionSeconds;
    this.maxSessionSeconds = options.maxSessionSeconds;
    this.maxMultiplier = (options.timePatterns ? this.model.curve.max : 1) * this.model.episodes.maxTraffic;
    this.cityShares = this.model.cityShares;
    this.cityDistribution = this.model.cityDistribution;
    this.segmentDistribution = this.model.segmentDistribution;
    this.activity = new Activity(this.model);
    const poolSize =
      options.userPoolSize > 0 ? options.userPoolSize : defaultPoolSize(options.ratePerHour, this.eventsPerSession, this.model);
    const warmUpMs = this.warmUpMs();
    const laneNumbers = options.lanes ?? shardLanes(0, 1);
    const lanePool = Math.ceil(poolSize / LANE_COUNT);
    const poolMemory = new PoolMemory(laneNumbers.length, lanePool, this.cityShares, this.model);
    this.lanes = laneNumbers.map((n) => new Lane(this, n, this.laneSessionsPerMs(), lanePool, options.startMs, warmUpMs, poolMemory));
    this.merge = new LaneHeap(this.lanes);
  }

  /**
   * How far back the shop opens: the longest time budget a session can have, but at most
   * 30 minutes, and at most WARM_UP_MAX_ARRIVALS arrivals over all lanes. Sessions end long
   * before their budget (journeys exit: 99.9% are over within 23 minutes at the defaults), and
   * the warm-up costs as much as generating its span does.
   */
  private warmUpMs(): number {
    const longest = this.options.maxSessionSeconds * Math.max(...this.model.segmentDuration) * 1000;
    // At very high rates a shorter span: the work stays bounded (the oldest open sessions are missing then).
    const affordable = WARM_UP_MAX_ARRIVALS / (this.laneSessionsPerMs() * LANE_COUNT * this.maxMultiplier);
    return Math.min(longest, WARM_UP_CAP_MS, affordable);
  }

  /** Expected events per session over the segment mix (from the journey, before time-budget cuts). */
  get eventsPerSession(): number {
    let n = 0;
    const mix = this.model.segmentMix;
    for (let s = 0; s < mix.length; s++) n += mix[s]! * this.journey.segments[s]!.expectedEvents;
    return n;
  }

  get activeSessions(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.activeSessions;
    return n;
  }

  get eventsEmitted(): number {
    return this.emitted;
  }

  get sessionCount(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.sessionsStarted;
    return n;
  }

  /** Users created so far, over the lanes run. */
  get usersCreated(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.pool.usersCreated;
    return n;
  }

  /** Known users held in the pools now, over the lanes run. */
  get usersInPool(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.pool.size;
    return n;
  }

  get compiledJourney(): CompiledJourney {
    return this.journey;
  }

  /** What took time to build, for another Simulation of the same options (see `ModelOptions.built`). */
  get built(): BuiltModel {
    return { curve: this.model.curve, journey: this.journey };
  }

  /** Rebuild the sampling tables after `journeyTransitions` was edited; later events follow it. */
  journeyChanged(): CompiledJourney {
    this.journey = compileJourney(this.journeyTransitions, this.startWeights, this.model);
    for (const lane of this.lanes) lane.setRate(this.laneSessionsPerMs());
    return this.journey;
  }

  /** The multiplier of time patterns for a city at a UTC time. */
  multiplier(city: number, utcMs: number): number {
    if (this.episodes !== null) return this.episodes.traffic(utcMs) * this.timeMultiplier(city, utcMs);
    return this.timeMultiplier(city, utcMs);
  }

  private timeMultiplier(city: number, utcMs: number): number {
    return this.options.timePatterns ? this.model.timeFactor(city, utcMs) : 1;
  }

  /** The expected event rate (per hour) at a moment, over all cities, for the lanes run. */
  effectiveRatePerHour(utcMs: number): number {
    return this.shopRatePerHour(utcMs) * (this.lanes.length / LANE_COUNT);
  }

  /** The expected event rate (per hour) of the whole run (all lanes) at a moment. */
  shopRatePerHour(utcMs: number): number {
    let m = 0;
    for (let c = 0; c < this.cityShares.length; c++) m += this.cityShares[c]! * this.multiplier(c, utcMs);
    return this.options.ratePerHour * m;
  }

  /** Time of the next event (Unix ms) without emitting it. */
  peekTimeMs(): number {
    return this.merge.top.timeMs;
  }

  /** The merge order of the next event, in one number: its time × LANE_COUNT + its lane. */
  peekKey(): number {
    return this.merge.top.mergeKey;
  }

  /**
   * The next event. The returned record is reused: read it (serialize it) before calling
   * `next()` again.
   */
  next(): EventRecord {
    const rec = this.merge.top.next();
    this.merge.topMoved();
    this.emitted++;
    return rec;
  }

  /** Sessions per millisecond at multiplier 1.0, per lane. */
  private laneSessionsPerMs(): number {
    return this.options.ratePerHour / HOUR_MS / this.eventsPerSession / LANE_COUNT;
  }
}

const NO_LANE = {
  timeMs: Infinity,
  mergeKey: Infinity,
  next: () => {
    throw new RangeError('this simulation runs no lanes: it has no events');
  },
} as unknown as Lane;

/**
 * A binary min-heap of lanes by (time of next event, lane number): their merge keys, which
 * are unique. The keys are kept beside the lanes in one array of doubles, so sifting reads
 * them in a row rather than from each lane's object.
 */
class LaneHeap {
  private readonly items: Lane[] = [];
  private readonly keys: Float64Array;
  top: Lane;

  constructor(lanes: readonly Lane[]) {
    const { items } = this;
    const keys = (this.keys = new Float64Array(lanes.length));
    for (const lane of lanes) {
      let i = items.length;
      items.push(lane);
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!(lane.mergeKey < keys[parent]!)) break;
        items[i] = items[parent]!;
        keys[i] = keys[parent]!;
        i = parent;
      }
      items[i] = lane;
      keys[i] = lane.mergeKey;
    }
    // No lanes (a producer whose workers run them all): a lane that never has an event.
    this.top = items[0] ?? NO_LANE;
  }

  /** The top lane's next event moved later: sift it down. */
  topMoved(): void {
    const { items, keys } = this;
    if (items.length === 0) throw new RangeError('this simulation runs no lanes: it has no events');
    const n = items.length;
    const lane = items[0]!;
    const key = lane.mergeKey;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && keys[right]! < keys[left]! ? right : left;
      if (!(keys[child]! < key)) break;
      items[i] = items[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    items[i] = lane;
    keys[i] = key;
    this.top = items[0]!;
  }
}
