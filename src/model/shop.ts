import { AddressPlan } from './addresses.ts';
import { BEHAVIOUR, CHANNELS, type Behaviour, type Channel } from './behaviour.ts';
import { Catalog, DEFAULT_CATALOG, type CatalogSpec } from './catalog.ts';
import { DeviceMix, OS_MIX, type OperatingSystem } from './devices.ts';
import { Discrete } from './distributions.ts';
import { type Episodes, NO_EPISODES } from './episodes.ts';
import { EVENT_WEIGHTS, type EventType } from './event-types.ts';
import { CITIES, type City, ZoneClock } from './geo.ts';
import { CAMPAIGNS, CHANNEL_SHARE, Referrers, type Campaigns } from './referrers.ts';
import { SearchIndex } from './search.ts';
import { SEGMENT_DURATION, SEGMENT_ENGAGEMENT, SEGMENT_INTENT, SEGMENT_MIX, SEGMENTS, type Segment } from './segments.ts';
import { Stock } from './stock.ts';
import { buildCurve, DEFAULT_TIME, defaultCurve, type Curve, type TimeSpec } from './time-patterns.ts';

/** How a segment of users behaves: its share of sessions, its time budget, how long and how purposefully it browses. */
export interface SegmentSpec {
  /** Share of sessions. */
  readonly share: number;
  /** Session time budget relative to returning visitors. */
  readonly duration: number;
  /** Scales every free journey transition: longer journeys. */
  readonly engagement: number;
  /** Scales the free transitions into buying steps (cart, checkout, wishlist): conversion. */
  readonly intent: number;
}

/** A city users come from; `ipBlocks` (CIDR) replace the blocks the private ranges give it. */
export interface CitySpec extends City {
  readonly ipBlocks?: readonly string[];
}

/**
 * Everything the model knows about the shop, as data: the defaults are the seed's shop, and a
 * scenario file overrides any part (see src/config/scenario.ts). The journey (transitions
 * and start weights) is not here: it is fitted to `eventWeights` (see `ModelOptions`).
 */
export interface ShopSpec {
  /** Target share of each event type in the mix; the journey is fitted to it. */
  readonly eventWeights: Readonly<Record<EventType, number>>;
  readonly segments: Readonly<Record<Segment, SegmentSpec>>;
  /** Share of users by operating system (each of one device type). */
  readonly devices: Readonly<Record<OperatingSystem, number>>;
  /** Share of sessions by channel. */
  readonly channels: Readonly<Record<Channel, number>>;
  readonly campaigns: Campaigns;
  readonly cities: readonly CitySpec[];
  readonly catalog: CatalogSpec;
  readonly time: TimeSpec;
  readonly behaviour: Behaviour;
}

export const DEFAULT_SHOP: ShopSpec = {
  eventWeights: EVENT_WEIGHTS,
  segments: Object.fromEntries(
    SEGMENTS.map((s, k) => [
      s,
      { share: SEGMENT_MIX[k]!, duration: SEGMENT_DURATION[k]!, engagement: SEGMENT_ENGAGEMENT[k]!, intent: SEGMENT_INTENT[k]! },
    ]),
  ) as Record<Segment, SegmentSpec>,
  devices: Object.fromEntries(OS_MIX.map((o) => [o.os, o.share])) as Record<OperatingSystem, number>,
  channels: Object.fromEntries(CHANNELS.map((c, k) => [c, CHANNEL_SHARE[k]!])) as Record<Channel, number>,
  campaigns: CAMPAIGNS,
  cities: CITIES,
  catalog: DEFAULT_CATALOG,
  time: DEFAULT_TIME,
  behaviour: BEHAVIOUR,
};

/**
 * The shop made ready to simulate: the tables and samplers the model and the encoders read,
 * built once from a `ShopSpec`. Immutable, so one model serves every lane of a process.
 */
export class ShopModel {
  readonly spec: ShopSpec;
  readonly behaviour: Behaviour;
  readonly cities: readonly CitySpec[];
  readonly cityShares: readonly number[];
  readonly zones: readonly ZoneClock[];
  /** By segment, in the order of SEGMENTS. */
  readonly segmentMix: readonly number[];
  readonly segmentDuration: readonly number[];
  readonly segmentEngagement: readonly number[];
  readonly segmentIntent: readonly number[];
  readonly devices: DeviceMix;
  readonly referrers: Referrers;
  readonly catalog: Catalog;
  /** What the catalog is searched for, and what each search finds. */
  readonly search: SearchIndex;
  /** Which products are in stock when. */
  readonly stock: Stock;
  readonly curve: Curve;
  readonly addresses: AddressPlan;
  readonly cityDistribution: Discrete;
  readonly segmentDistribution: Discrete;
  /** The run's episodes (flash sales, outages, bot waves), placed in time. */
  readonly episodes: Episodes;

  /** `curve`: the spec's rate curve, when built already (a worker thread is given its main thread's). */
  constructor(spec: ShopSpec, episodes: Episodes = NO_EPISODES, curve?: Curve) {
    this.spec = spec;
    this.episodes = episodes;
    this.behaviour = spec.behaviour;
    this.cities = spec.cities;
    this.cityShares = spec.cities.map((c) => c.share);
    this.zones = spec.cities.map((c) => new ZoneClock(c.timezone));
    const segments = SEGMENTS.map((s) => spec.segments[s]);
    this.segmentMix = segments.map((s) => s.share);
    this.segmentDuration = segments.map((s) => s.duration);
    this.segmentEngagement = segments.map((s) => s.engagement);
    this.segmentIntent = segments.map((s) => s.intent);
    this.devices = new DeviceMix(OS_MIX.map((o) => spec.devices[o.os]));
    this.referrers = new Referrers(
      CHANNELS.map((c) => spec.channels[c]),
      spec.campaigns,
      episodes.campaigns,
    );
    this.catalog = new Catalog(spec.catalog, spec.behaviour, episodes.discounts);
    this.search = new SearchIndex(this.catalog, spec.behaviour.search);
    this.stock = new Stock(spec.behaviour.productView.inStock, this.catalog.listed, episodes);
    this.curve = curve ?? (spec.time === DEFAULT_TIME ? defaultCurve() : buildCurve(spec.time));
    this.addresses = new AddressPlan(
      spec.behaviour.network.rangeShares,
      spec.cities.map((c) => c.ipBlocks),
    );
    this.cityDistribution = new Discrete([...this.cityShares]);
    this.segmentDistribution = new Discrete([...this.segmentMix]);
  }

  /** The time curve's factor for a city at a moment: its local weekday and minute. */
  timeFactor(city: number, utcMs: number): number {
    const local = this.zones[city]!.localMs(utcMs);
    const day = Math.floor(local / DAY_MS);
    const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
    const weekday = (((day + EPOCH_WEEKDAY) % 7) + 7) % 7;
    return this.curve.minutes[weekday * 1440 + minute]!;
  }

  /** The shop's expected event rate at a moment, as a multiple of --rate: all cities, no episodes. */
  rateFactor(utcMs: number): number {
    let m = 0;
    for (let c = 0; c < this.cityShares.length; c++) m += this.cityShares[c]! * this.timeFactor(c, utcMs);
    return m;
  }
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** 1970-01-01 was a Thursday (weekdays count from Monday = 0). */
const EPOCH_WEEKDAY = 4;

let defaultModel: ShopModel | undefined;

/** The seed's shop, built once (with `curve` as its rate curve, when built already). */
export function defaultShopModel(curve?: Curve): ShopModel {
  defaultModel ??= new ShopModel(DEFAULT_SHOP, NO_EPISODES, curve);
  return defaultModel;
}
