import { drawDevice, type DeviceProfile } from './devices.ts';
import { Discrete } from './distributions.ts';
import { mix32, type SeedSource } from './rng.ts';
import { SEGMENT_MIX, S } from './segments.ts';

export interface User {
  readonly num: number;
  readonly id: string;
  /** The behaviour segment of this user's later sessions (never new_visitor once stored). */
  segment: number;
  readonly city: number;
  readonly device: DeviceProfile;
  readonly ip: string;
  /** True while one of the user's sessions is running: a user never has two at once. */
  active: boolean;
  /** Unix second of the user's latest session start, so session ids never repeat. */
  lastStartSecond: number;
  /** A slot the serializer may use to cache this user's constant JSON. */
  cache: unknown;
}

/** Later segment of a first-time visitor, in the proportions of the returning segments. */
const LATER_SEGMENT = new Discrete([SEGMENT_MIX[S.RETURNING], SEGMENT_MIX[S.LOYAL], SEGMENT_MIX[S.POWER]]);

const ID_SPACE = 1_000_000_000;

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
    let x = n;
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

function privateIp(rng: { int(n: number): number }): string {
  // RFC 1918 private and RFC 5737 documentation ranges only: never a real person's address.
  switch (rng.int(6)) {
    case 0:
      return `10.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
    case 1:
      return `172.${16 + rng.int(16)}.${rng.int(256)}.${1 + rng.int(254)}`;
    case 2:
      return `192.168.${rng.int(256)}.${1 + rng.int(254)}`;
    case 3:
      return `192.0.2.${1 + rng.int(254)}`;
    case 4:
      return `198.51.100.${1 + rng.int(254)}`;
    default:
      return `203.0.113.${1 + rng.int(254)}`;
  }
}

/**
 * The population of known users, bounded: per city and per returning segment a fixed number
 * of slots (proportional to the city's and the segment's share of sessions). Slots start
 * "warm": an empty slot creates its user the first time it is drawn, as if that user had
 * been seen before the run began. A first-time visitor joins the pool after their session
 * by taking a random slot of their new segment, replacing (churning) whoever held it.
 */
export class UserPool {
  readonly capacity: number;
  private readonly seeds: SeedSource;
  private readonly ids: IdPermutation;
  private readonly slots: (User | undefined)[][][]; // [city][segment 1..3][slot]
  private nextNum = 0;
  private created = 0;

  constructor(seeds: SeedSource, capacity: number, cityShares: readonly number[]) {
    this.seeds = seeds;
    this.capacity = capacity;
    this.ids = new IdPermutation(mix32(seeds.seed % 4294967296) ^ 0x1d);
    const returning = SEGMENT_MIX[S.RETURNING] + SEGMENT_MIX[S.LOYAL] + SEGMENT_MIX[S.POWER];
    this.slots = cityShares.map((share) =>
      [0, 1, 2, 3].map((s) => (s === S.NEW ? [] : new Array<User | undefined>(Math.max(1, Math.round((capacity * share * SEGMENT_MIX[s]!) / returning))))),
    );
  }

  /** Users created so far (pool members and first-time visitors). */
  get usersCreated(): number {
    return this.created;
  }

  /** A brand-new user (a first-time visitor, or a returning one the pool had no free slot for). */
  create(city: number, segment: number): User {
    const num = this.nextNum++;
    const rng = this.seeds.fork('user', num);
    const device = drawDevice(rng);
    this.created++;
    return {
      num,
      id: 'user_' + String(this.ids.apply(num)).padStart(9, '0'),
      segment,
      city,
      device,
      ip: privateIp(rng),
      active: false,
      lastStartSecond: -1,
      cache: undefined,
    };
  }

  /**
   * A returning user of `segment` in `city` who is free to start a session at `second`.
   * Falls back to a fresh user of that segment when the drawn ones are busy.
   */
  drawReturning(city: number, segment: number, second: number, rng: { int(n: number): number }): User {
    const slots = this.slots[city]![segment]!;
    for (let attempt = 0; attempt < 4; attempt++) {
      const k = rng.int(slots.length);
      let user = slots[k];
      if (user === undefined) {
        user = this.create(city, segment);
        slots[k] = user;
      }
      if (!user.active && user.lastStartSecond !== second) return user;
    }
    return this.create(city, segment);
  }

  /** After their first session, a new visitor becomes a returning user of some segment. */
  admit(user: User, rng: { next(): number; int(n: number): number }): void {
    user.segment = 1 + LATER_SEGMENT.pick(rng.next());
    const slots = this.slots[user.city]![user.segment]!;
    slots[rng.int(slots.length)] = user;
  }
}
