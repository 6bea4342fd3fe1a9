import type { Behaviour } from './behaviour.ts';
import type { Catalog } from './catalog.ts';
import { deviceAt, type DeviceProfile } from './devices.ts';
import { Discrete } from './distributions.ts';
import { mix32, type SeedSource } from './rng.ts';
import type { CartLine } from './session.ts';
import { S } from './segments.ts';
import { defaultShopModel, type ShopModel } from './shop.ts';

import { ipText } from './addresses.ts';

export { ipText };

/**
 * What a session knows of its user. Lives as long as the session; the pool keeps users
 * compactly. The id and address are numbers: the JSON serializer writes their digits, and
 * their texts are made only when asked for (other formats, keys, entity streams).
 */
export class UserRef {
  /** Run-wide user number, from 0 (interleaved over lanes: n × laneCount + lane). */
  readonly num: number;
  /** The number in the user's id (`user_<9 digits>`): `num` permuted, so ids look random. */
  readonly idNum: number;
  readonly city: number;
  readonly device: DeviceProfile;
  /** The IPv4 address packed in 32 bits (signed: a small integer, not a boxed number). */
  readonly ipNum: number;
  /** The pool slot the user was drawn from, or -1 for a first-time visitor. */
  readonly slot: number;
  private idString: string | null = null;
  private ipString: string | null = null;

  constructor(num: number, idNum: number, city: number, device: DeviceProfile, ipNum: number, slot: number) {
    this.num = num;
    this.idNum = idNum;
    this.city = city;
    this.device = device;
    this.ipNum = ipNum | 0;
    this.slot = slot;
  }

  get id(): string {
    // Joined, not concatenated: a flat string, where `+` would leave a tree of pieces.
    return (this.idString ??= ['user_', String(this.idNum).padStart(9, '0')].join(''));
  }

  /** The address as text (`10.1.2.3`). */
  get ip(): string {
    return (this.ipString ??= ipText(this.ipNum));
  }

  /** The same user on another device (a crawler's user agent). */
  onDevice(device: DeviceProfile): UserRef {
    return new UserRef(this.num, this.idNum, this.city, device, this.ipNum, this.slot);
  }
}

/**
 * Later segment of a first-time visitor, in proportion to the segments' slots: every slot is
 * replaced (churned) at the same rate, so a frequent power user stays in the pool as long as an
 * occasional visitor does.
 */
function laterSegments(model: ShopModel): { any: Discrete; committed: Discrete } {
  const b = model.behaviour;
  const slots = [S.RETURNING, S.LOYAL, S.POWER].map((s) =>
    b.visits.tiers[s - 1]!.reduce((a, t) => a + model.segmentMix[s]! * t.share * t.everyDays, 0),
  );
  // The same for one who made an account or bought: loyal and power users are likelier.
  const bias = b.accounts.committedJoinBias;
  return { any: new Discrete(slots), committed: new Discrete([slots[0]!, slots[1]! * bias, slots[2]! * bias]) };
}

const ID_SPACE = 1_000_000_000;

/**
 * A pool slot's record. As doubles: the user's number + 1 (0 for an empty slot, so a new
 * pool is all zeros and its memory untouched until used) and the end of their latest session
 * (Unix ms). As 32-bit integers: the second their latest session started (compared for
 * equality only, so kept modulo 2³²), their address, a product to review (or -1), and the
 * device index with the in-a-session and has-an-account bits.
 */
const SLOT_BYTES = 32;
const F_NUM = 0;
const EMPTY = 0;
const F_LAST_END = 1;
const I_LAST_START = 4;
const I_IP = 5;
const I_TO_REVIEW = 6;
const I_FLAGS = 7;
const DEVICE_MASK = 0xffff;
const ACTIVE = 1 << 16;
const ACCOUNT_SHIFT = 17;
const ACCOUNT = 1 << ACCOUNT_SHIFT;

/**
 * A keyed permutation of [0, 10⁹): a 30-bit Feistel network with cycle walking. User
 * numbers count up; their ids look random, stay 9 digits and never collide within a run.
 */
export class IdPermutation {
  private readonly keys: number[];
  constructor(key: number) {
    this.keys = [mix32(key ^ 0xa5a5), mix32(key ^ 0x5a5a), mix32(key ^ 0x3c3c), mix32(key ^ 0xc3c3)];
  }
  apply(n: number): number {
    let x = n % ID_SPACE;
    do x = this.feistel(x);
    while (x >= ID_SPACE);
    return x;
  }
  private feistel(x: number): number {
    let left = x >>> 15;
    let right = x & 0x7fff;
    for (const k of this.keys) {
      const next = left ^ (mix32(right ^ k) & 0x7fff);
      left = right;
      right = next;
    }
    return (left << 15) | right;
  }
}

/** Relative number of pool slots per returning segment and visit tier: sessions they make × days between visits. */
function slotWeights(model: ShopModel): number[][] {
  return model.segmentMix.map((mix, s) =>
    s === S.NEW ? [] : model.behaviour.visits.tiers[s - 1]!.map((t) => mix * t.share * t.everyDays),
  );
}

/**
 * Where a pool's parts lie, as flat tables of [first slot, slot count] pairs: `parts` by
 * (city × segments + segment) × `tiers` + tier, `segments` (all of a segment's tiers) by
 * city × segments + segment. Flat, as a session start reads one part: one load, where nested
 * arrays took three.
 */
interface PoolLayout {
  readonly parts: Int32Array;
  readonly segments: Int32Array;
  readonly segmentCount: number;
  /** The most visit tiers of any segment: the stride of `parts`. */
  readonly tiers: number;
  readonly total: number;
}

/** Where the [first slot, slot count] pair of a part of the pool is in `PoolLayout.parts`. */
function partAt(l: { readonly segmentCount: number; readonly tiers: number }, city: number, segment: number, tier: number): number {
  return ((city * l.segmentCount + segment) * l.tiers + tier) * 2;
}

/** Where the [first slot, slot count] pair of a segment of the pool is in `PoolLayout.segments`. */
function segmentAt(l: { readonly segmentCount: number }, city: number, segment: number): number {
  return (city * l.segmentCount + segment) * 2;
}

/** Per city, returning segment and visit tier, its share of `capacity` (at least one slot), one part after another. */
function poolLayout(capacity: number, cityShares: readonly number[], model: ShopModel): PoolLayout {
  const weights = slotWeights(model);
  const weightSum = weights.flat().reduce((a, b) => a + b, 0);
  const segmentCount = model.segmentMix.length;
  const tiers = Math.max(...weights.map((w) => w.length));
  const parts = new Int32Array(cityShares.length * segmentCount * tiers * 2);
  const segments = new Int32Array(cityShares.length * segmentCount * 2);
  const strides = { segmentCount, tiers };
  let total = 0;
  for (let c = 0; c < cityShares.length; c++) {
    for (let s = 0; s < segmentCount; s++) {
      const first = total;
      for (let t = 0; t < weights[s]!.length; t++) {
        const size = Math.max(1, Math.round((capacity * cityShares[c]! * weights[s]![t]!) / weightSum));
        const at = partAt(strides, c, s, t);
        parts[at] = total;
        parts[at + 1] = size;
        total += size;
      }
      segments[segmentAt(strides, c, s)] = first;
      segments[segmentAt(strides, c, s) + 1] = total - first;
    }
  }
  return { parts, segments, segmentCount, tiers, total };
}

/**
 * What pools of one capacity have in common, built once for all of a run's lanes: where the
 * parts lie, and the draws of a visit's tier and of a joiner's segment. Shared, what each
 * lane touches for a session stays in the nearest caches.
 */
interface PoolShape {
  readonly layout: PoolLayout;
  /** By segment: the tiers, weighted by their share of the segment's sessions. */
  readonly tiers: readonly (Discrete | null)[];
  readonly later: { readonly any: Discrete; readonly committed: Discrete };
}

function poolShape(capacity: number, cityShares: readonly number[], model: ShopModel): PoolShape {
  return {
    layout: poolLayout(capacity, cityShares, model),
    tiers: model.segmentMix.map((_, s) => (s === S.NEW ? null : new Discrete(model.behaviour.visits.tiers[s - 1]!.map((t) => t.share)))),
    later: laterSegments(model),
  };
}

/**
 * One allocation for the records of several pools (the lanes a thread runs), handed out in
 * turn. An ArrayBuffer comes zero-filled, and the allocator may write through a small one to
 * do it: the 64 pools of a quarter megabyte each at the default rate were 8.8 MB resident
 * before any user was placed, where one buffer of 15 MB stays untouched until used (measured).
 */
export class PoolMemory {
  /** The capacity every pool given this memory has. */
  readonly capacity: number;
  /** The pools' common shape. */
  readonly shape: PoolShape;
  private readonly buffer: ArrayBuffer;
  private used = 0;

  /** Room for `pools` pools of `capacity` (as the pools are given it). */
  constructor(pools: number, capacity: number, cityShares: readonly number[], model: ShopModel) {
    this.capacity = capacity;
    this.shape = poolShape(capacity, cityShares, model);
    this.buffer = new ArrayBuffer(pools * this.shape.layout.total * SLOT_BYTES);
  }

  take(bytes: number): { readonly buffer: ArrayBuffer; readonly byteOffset: number } {
    if (this.used + bytes > this.buffer.byteLength)
      throw new Error(`pool memory: ${bytes} bytes asked, ${this.buffer.byteLength - this.used} left`);
    const byteOffset = this.used;
    this.used += bytes;
    return { buffer: this.buffer, byteOffset };
  }
}

/**
 * Users a pool needs for `returningPerDay` returning sessions a day, so each visit tier comes
 * back at its own rate: Σ sessions a day of the tier × its days between visits.
 */
export function poolSizeFor(returningPerDay: number, model: ShopModel = defaultShopModel()): number {
  const mix = model.segmentMix;
  const returning = mix[S.RETURNING]! + mix[S.LOYAL]! + mix[S.POWER]!;
  const slots = slotWeights(model)
    .flat()
    .reduce((a, b) => a + b, 0);
  return (returningPerDay * slots) / returning;
}

/**
 * The population of known users, bounded: per city, returning segment and visit tier a fixed
 * number of slots (the city's share of the segment's sessions that tier makes × its days
 * between visits). A returning session picks
 * a tier by its share of the segment's sessions, then a slot in it: a user of a tier comes
 * back every `everyDays` days on average (at the configured rate; a smaller pool than
 * `poolSizeFor` asks for makes everyone come back more often). Slots start "warm": an empty
 * slot creates its user the first time it is drawn, as if that user had been seen before the
 * run began. A first-time visitor joins the pool after their session by taking a random slot
 * of their new segment, replacing (churning) whoever held it.
 *
 * A slot is one 32-byte record (see `SLOT_BYTES`) rather than a field in each of several
 * arrays: slots are drawn at random from a pool of up to millions, and a session reads most
 * of its user's fields when it starts and again when it ends, so one record is one cache
 * miss where separate arrays made one a field.
 */
export class UserPool {
  readonly capacity: number;
  private readonly seeds: SeedSource;
  private readonly model: ShopModel;
  private readonly behaviour: Behaviour;
  private readonly later: PoolShape['later'];
  private readonly catalog: Catalog;
  private readonly ids: IdPermutation;
  /** Where the pool's parts lie (see PoolLayout). */
  private readonly layout: PoolLayout;
  private readonly tiers: PoolShape['tiers'];
  /** The slots' records as doubles (`F_*` fields: slot × 4 + field) ... */
  private readonly f64: Float64Array;
  /** ... and as 32-bit integers (`I_*` fields: slot × 8 + field), over the same bytes. */
  private readonly i32: Int32Array;
  private readonly minGapMs: number;
  private readonly cartKeepMs: number;
  /** Carts left with something in them, by slot: a user finds theirs again on their next visit. */
  private readonly carts = new Map<number, CartLine[]>();
  private readonly lane: number;
  private readonly laneCount: number;
  private nextNum = 0;
  private filled = 0;

  /**
   * `lane` of `laneCount`: the pool of one lane holds that lane's users, numbered
   * n × laneCount + lane so user numbers (and ids) are unique across lanes.
   */
  constructor(
    seeds: SeedSource,
    capacity: number,
    cityShares: readonly number[],
    catalog: Catalog,
    lane = 0,
    laneCount = 1,
    model: ShopModel = defaultShopModel(),
    memory?: PoolMemory,
  ) {
    this.seeds = seeds;
    this.model = model;
    this.behaviour = model.behaviour;
    // The same as every other lane's pool when they share memory (see PoolShape).
    if (memory !== undefined && memory.capacity !== capacity)
      throw new RangeError(`a pool of ${capacity} users cannot use memory made for pools of ${memory.capacity}`);
    const shape = memory?.shape ?? poolShape(capacity, cityShares, model);
    this.later = shape.later;
    this.lane = lane;
    this.laneCount = laneCount;
    this.catalog = catalog;
    this.ids = new IdPermutation(mix32(seeds.seed % 4294967296) ^ 0x1d);
    this.minGapMs = this.behaviour.visits.minGapMinutes * 60_000;
    this.cartKeepMs = this.behaviour.cart.keepDays * 86_400_000;
    this.tiers = shape.tiers;
    const layout = shape.layout;
    this.layout = layout;
    this.capacity = layout.total;
    // All zeros, which is every slot empty: memory the pool has not used yet stays untouched.
    const bytes = layout.total * SLOT_BYTES;
    const { buffer, byteOffset } = memory?.take(bytes) ?? { buffer: new ArrayBuffer(bytes), byteOffset: 0 };
    this.f64 = new Float64Array(buffer, byteOffset, layout.total * 4);
    this.i32 = new Int32Array(buffer, byteOffset, layout.total * 8);
  }

  /** Whether `user` still holds the slot they came from (a first-time visitor holds none). */
  private holds(user: UserRef): boolean {
    return user.slot >= 0 && this.f64[user.slot * 4 + F_NUM] === user.num + 1;
  }

  /** Give `slot` to user `num`, free (not in a session), with what the pool keeps of them. */
  private fill(
    slot: number,
    num: number,
    device: number,
    ip: number,
    account: number,
    toReview: number,
    startSecond: number,
    endMs: number,
  ): void {
    const f = slot * 4;
    const i = slot * 8;
    if (this.f64[f + F_NUM] === EMPTY) this.filled++;
    this.f64[f + F_NUM] = num + 1;
    this.f64[f + F_LAST_END] = endMs;
    this.i32[i + I_LAST_START] = startSecond | 0;
    this.i32[i + I_IP] = ip | 0;
    this.i32[i + I_TO_REVIEW] = toReview;
    this.i32[i + I_FLAGS] = device | (account << ACCOUNT_SHIFT);
  }

  /** Whether the user has an account (a first-time visitor has none). */
  hasAccount(user: UserRef): boolean {
    return this.holds(user) && (this.i32[user.slot * 8 + I_FLAGS]! & ACCOUNT) !== 0;
  }

  /** A product the user bought and has not reviewed yet (`Product.index`), or -1. */
  productToReview(user: UserRef): number {
    return this.holds(user) ? this.i32[user.slot * 8 + I_TO_REVIEW]! : -1;
  }

  /** Carts kept for users' next visits. */
  get savedCarts(): number {
    return this.carts.size;
  }

  /**
   * The cart `user` left last time (taken out of the pool: the session now holds it), if any
   * and not expired at `atMs`.
   */
  takeCart(user: UserRef, atMs: number): CartLine[] | undefined {
    if (user.slot < 0) return undefined;
    const cart = this.carts.get(user.slot);
    if (cart === undefined) return undefined;
    this.carts.delete(user.slot);
    return atMs - this.f64[user.slot * 4 + F_LAST_END]! <= this.cartKeepMs ? cart : undefined;
  }

  /** Known users held in the pool now. */
  get size(): number {
    return this.filled;
  }

  /** Users created so far (pool members and first-time visitors). */
  get usersCreated(): number {
    return this.nextNum;
  }

  /**
   * A brand-new user, first-time visitor (no `segment`; slot -1) or a user of a returning
   * segment seen for the first time: the first occupant of a pool slot, or one made when the
   * pool's are busy (slot -1). `atMs` is when the user is first seen: their device is one
   * that exists by then.
   */
  create(city: number, atMs: number, slot = -1, segment: number = S.NEW): UserRef {
    const num = this.nextNum++ * this.laneCount + this.lane;
    const rng = this.seeds.fork('user', num);
    const b = this.behaviour;
    const device = this.model.devices.draw(rng, atMs);
    const ip = this.model.addresses.draw(rng, city);
    const account = segment !== S.NEW && rng.next() < b.accounts.held[segment - 1]! ? 1 : 0;
    // A purchase before the run, not reviewed yet: a product by the shop's popularity.
    const toReview = segment !== S.NEW && rng.next() < b.accounts.toReview[segment - 1]! ? this.catalog.popular(rng).index : -1;
    // Something left in the cart on a visit before the run (two days ago).
    const cart = slot >= 0 && segment !== S.NEW && rng.next() < b.cart.heldAtStart[segment - 1]! ? this.catalog.popular(rng) : null;
    if (slot >= 0) {
      // No session started yet (-1; `startReturning` sets the second the user's first one starts).
      this.fill(slot, num, device.index, ip, account, toReview, -1, cart === null ? Number.NEGATIVE_INFINITY : atMs - 2 * 86_400_000);
      if (cart === null) this.carts.delete(slot);
      else this.carts.set(slot, [{ product: cart, quantity: 1 }]);
    }
    return this.ref(num, city, device, ip, slot);
  }

  /**
   * A returning user of `segment` in `city` who is free to start a session at `atMs` (not in
   * a session, their last one over for at least `minGapMinutes`, none started in that
   * second). Marks them busy. Falls back to a fresh user of that segment when the drawn ones
   * are busy.
   */
  startReturning(city: number, segment: number, atMs: number, rng: { next(): number; int(n: number): number }): UserRef {
    const tier = this.tiers[segment]!.pick(rng.next());
    const at = partAt(this.layout, city, segment, tier);
    const start = this.layout.parts[at]!;
    const size = this.layout.parts[at + 1]!;
    const second = Math.floor(atMs / 1000);
    for (let attempt = 0; attempt < 4; attempt++) {
      const slot = start + rng.int(size);
      const f = slot * 4;
      const i = slot * 8;
      const held = this.f64[f + F_NUM]!;
      let user: UserRef;
      if (held === EMPTY) user = this.create(city, atMs, slot, segment);
      else if (
        (this.i32[i + I_FLAGS]! & ACTIVE) === 0 &&
        this.i32[i + I_LAST_START] !== (second | 0) &&
        atMs - this.f64[f + F_LAST_END]! >= this.minGapMs
      ) {
        const device = deviceAt(this.i32[i + I_FLAGS]! & DEVICE_MASK);
        // A phone comes back on another network now and then: a new address, in the same city.
        if (device.type === 'mobile' && rng.next() < this.behaviour.network.mobileNewAddress)
          this.i32[i + I_IP] = this.model.addresses.draw(rng, city) | 0;
        user = this.ref(held - 1, city, device, this.i32[i + I_IP]! >>> 0, slot);
      } else continue;
      this.i32[i + I_FLAGS] = this.i32[i + I_FLAGS]! | ACTIVE;
      this.i32[i + I_LAST_START] = second | 0;
      return user;
    }
    return this.create(city, atMs, -1, segment);
  }

  /**
   * A session of `user` ended with an event at `endMs`, leaving `cart`, which the user finds
   * again next time, and what the session made of their identity: an account, a purchase to
   * review. A first-time visitor who made an account or bought then joins the pool (others
   * only sometimes: `casualReturn`). A first-time visitor then joins the pool as a returning user of some
   * segment; anyone else is free for their next session.
   */
  finish(
    user: UserRef,
    wasNew: boolean,
    startSecond: number,
    endMs: number,
    cart: CartLine[],
    identity: { readonly hasAccount: boolean; readonly toReview: number },
    rng: { next(): number; int(n: number): number },
  ): void {
    if (this.holds(user)) {
      const i = user.slot * 8;
      this.f64[user.slot * 4 + F_LAST_END] = endMs;
      this.i32[i + I_FLAGS] = (this.i32[i + I_FLAGS]! & DEVICE_MASK) | (identity.hasAccount ? ACCOUNT : 0);
      this.i32[i + I_TO_REVIEW] = identity.toReview;
      if (cart.length > 0) this.carts.set(user.slot, cart);
    }
    if (!wasNew) return;
    const committed = identity.hasAccount || identity.toReview >= 0;
    if (!committed && rng.next() >= this.behaviour.accounts.casualReturn) return;
    const segment = 1 + (committed ? this.later.committed : this.later.any).pick(rng.next());
    const at = segmentAt(this.layout, user.city, segment);
    const slot = this.layout.segments[at]! + rng.int(this.layout.segments[at + 1]!);
    if (cart.length > 0) this.carts.set(slot, cart);
    else this.carts.delete(slot);
    this.fill(slot, user.num, user.device.index, user.ipNum, identity.hasAccount ? 1 : 0, identity.toReview, startSecond, endMs);
  }

  private ref(num: number, city: number, device: DeviceProfile, ip: number, slot: number): UserRef {
    return new UserRef(num, this.ids.apply(num), city, device, ip, slot);
  }
}
