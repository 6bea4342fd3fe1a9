import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalog } from '../../src/model/catalog.ts';
import { deviceAt } from '../../src/model/devices.ts';
import { CITIES } from '../../src/model/geo.ts';
import { SeedSource } from '../../src/model/rng.ts';
import { S, SEGMENT_MIX } from '../../src/model/segments.ts';
import { defaultShopModel } from '../../src/model/shop.ts';
import { ipText, PoolMemory, UserPool, type UserRef } from '../../src/model/users.ts';

const SHARES = CITIES.map((c) => c.share);
const CATALOG = new Catalog();
/** What a session made of a user's identity: nothing. */
const NO_IDENTITY = { hasAccount: false, toReview: -1 };

/** What must never change about a user between visits. */
/** What never changes between a user's visits: a phone's address may (a new network, same city). */
const fixed = (u: UserRef): string => JSON.stringify([u.id, u.city, u.device.index, u.device.type === 'mobile' ? '' : u.ip]);

/**
 * Drive a pool the way the simulation does: sessions of new and returning users of random
 * cities start at increasing seconds, and a random one of the open sessions ends now and then.
 */
function drive(pool: UserPool, sessions: number, onStart: (u: UserRef, wasNew: boolean) => void, seed = 1, open = 50): void {
  const rng = new SeedSource(seed).fork('drive');
  const active: { user: UserRef; wasNew: boolean; second: number }[] = [];
  for (let i = 0; i < sessions; i++) {
    // A minute apart, so a user is free again (30 minutes after their last event) 30 sessions later.
    const second = 1_700_000_000 + 60 * i;
    const city = rng.int(CITIES.length);
    const segment = rng.next() < SEGMENT_MIX[S.NEW] ? S.NEW : 1 + rng.int(3);
    const user = segment === S.NEW ? pool.create(city, second * 1000) : pool.startReturning(city, segment, second * 1000, rng);
    onStart(user, segment === S.NEW);
    active.push({ user, wasNew: segment === S.NEW, second });
    if (active.length > open) {
      const k = rng.int(active.length);
      const [ended] = active.splice(k, 1);
      pool.finish(ended!.user, ended!.wasNew, ended!.second, ended!.second * 1000 + 30_000, [], NO_IDENTITY, rng);
    }
  }
}

test('the pool is bounded: it never holds more users than its capacity, however many come', () => {
  const pool = new UserPool(new SeedSource(1), 500, SHARES, CATALOG);
  // Every city × returning segment × visit tier gets a part of at least one slot, rounded: 56 parts.
  assert.ok(Math.abs(pool.capacity - 500) <= 56, `capacity ${pool.capacity} for 500 asked`);
  drive(pool, 50_000, () => assert.ok(pool.size <= pool.capacity));
  assert.equal(pool.size, pool.capacity, 'a long run fills every slot');
  assert.ok(pool.usersCreated > 10 * pool.capacity, `${pool.usersCreated} users passed through ${pool.capacity} slots`);
  // Whom the pool can hand out now: at most its capacity of distinct known users.
  const rng = new SeedSource(1).fork('probe');
  const known = new Set<number>();
  for (let i = 0; i < 20_000; i++) {
    const at = (1_800_000_000 + 3600 * i) * 1000;
    const u = pool.startReturning(rng.int(CITIES.length), 1 + rng.int(3), at, rng);
    if (u.slot >= 0) known.add(u.num);
    pool.finish(u, false, at / 1000, at + 60_000, [], NO_IDENTITY, rng);
  }
  assert.ok(known.size <= pool.capacity && known.size > 0.9 * pool.capacity, `${known.size} known users for ${pool.capacity} slots`);
});

test('a returning user keeps their id, city, device and (unless on a phone) address; ids are user_ + 9 digits', () => {
  const pool = new UserPool(new SeedSource(2), 2_000, SHARES, CATALOG);
  const seen = new Map<number, string>();
  let returns = 0;
  drive(pool, 40_000, (u) => {
    assert.match(u.id, /^user_\d{9}$/);
    assert.equal(u.ip, ipText(u.ipNum >>> 0));
    assert.equal(deviceAt(u.device.index), u.device);
    const before = seen.get(u.num);
    if (before === undefined) seen.set(u.num, fixed(u));
    else {
      returns++;
      assert.equal(fixed(u), before, `user ${u.num} changed between visits`);
    }
  });
  assert.ok(returns > 10_000, `${returns} returning visits were compared`);
  const ids = new Map<string, number>();
  for (const [num, text] of seen) {
    const id = JSON.parse(text)[0] as string;
    assert.equal(ids.get(id) ?? num, num, `${id} belongs to one user`);
    ids.set(id, num);
  }
});

test('a first-time visitor joins the pool and comes back later, in their own city', () => {
  const pool = new UserPool(new SeedSource(3), 300, SHARES, CATALOG);
  const newcomers = new Map<number, number>();
  let cameBack = 0;
  drive(pool, 30_000, (u, wasNew) => {
    if (wasNew) newcomers.set(u.num, u.city);
    else if (newcomers.has(u.num)) {
      cameBack++;
      assert.equal(u.city, newcomers.get(u.num));
    }
  });
  assert.ok(cameBack > 1000, `${cameBack} visits by users first seen as new`);
});

test('a user in a session is not handed out again until it ends', () => {
  const pool = new UserPool(new SeedSource(4), 100, SHARES, CATALOG);
  const rng = new SeedSource(4).fork('busy');
  const busy = new Set<number>();
  let fresh = 0;
  for (let i = 0; i < 2_000; i++) {
    const u = pool.startReturning(rng.int(CITIES.length), 1 + rng.int(3), (1_700_000_000 + i) * 1000, rng);
    assert.ok(!busy.has(u.num), `user ${u.num} handed out while in a session`);
    busy.add(u.num);
    if (u.slot < 0) fresh++;
  }
  // With every pooled user busy, the pool makes fresh users rather than reuse one.
  assert.ok(fresh > 1_000, `${fresh} fresh users when the pool was busy`);
});

test('the same seed gives the same users; another seed gives other ones', () => {
  const ids = (seed: number): string[] => {
    const out: string[] = [];
    drive(new UserPool(new SeedSource(seed), 1_000, SHARES, CATALOG), 5_000, (u) => out.push(fixed(u)), seed);
    return out;
  };
  assert.deepEqual(ids(5), ids(5));
  assert.notDeepEqual(ids(5), ids(6));
});

test('pools sharing one PoolMemory keep to their own part of it: the same users as pools of their own', () => {
  const model = defaultShopModel();
  const pool = (lane: number, memory?: PoolMemory): UserPool =>
    new UserPool(new SeedSource(9), 1_000, SHARES, CATALOG, lane, 3, model, memory);
  const own = [0, 1, 2].map((lane) => pool(lane));
  const memory = new PoolMemory(3, 1_000, SHARES, model);
  const shared = [0, 1, 2].map((lane) => pool(lane, memory));
  // Twice round the three: a pool that wrote into another's part would change what that one draws the second time.
  for (const round of [0, 1]) {
    for (const lane of [0, 1, 2]) {
      const want: string[] = [];
      const got: string[] = [];
      drive(own[lane]!, 3_000, (u) => want.push(fixed(u)), 10 * round + lane);
      drive(shared[lane]!, 3_000, (u) => got.push(fixed(u)), 10 * round + lane);
      assert.deepEqual(got, want, `round ${round}, lane ${lane}`);
    }
  }
  assert.throws(() => pool(3, memory), /pool memory/);
});

test('a pool cannot use memory made for pools of another capacity (its layout would not fit)', () => {
  const model = defaultShopModel();
  const memory = new PoolMemory(2, 1_000, SHARES, model);
  assert.throws(
    () => new UserPool(new SeedSource(9), 500, SHARES, CATALOG, 0, 2, model, memory),
    /a pool of 500 users cannot use memory made for pools of 1000/,
  );
});

test('an address belongs to one city: the ranges are cut into blocks per city', () => {
  const pool = new UserPool(new SeedSource(8), 1_000, SHARES, CATALOG);
  const cityOf = new Map<string, number>();
  for (let i = 0; i < 50_000; i++) {
    const city = i % CITIES.length;
    const u = pool.create(city, 1_700_000_000_000);
    const block = u.ip
      .split('.')
      .slice(0, u.ip.startsWith('10.') || u.ip.startsWith('172.') ? 2 : 3)
      .join('.');
    // A documentation /24 is shared by all cities, host ranges apart; the other ranges by block.
    const key = /^(192\.0\.2|198\.51\.100|203\.0\.113)\./.test(u.ip)
      ? `${block}.${Math.floor((Number(u.ip.split('.')[3]) - 1) / 36)}`
      : block;
    assert.equal(cityOf.get(key) ?? city, city, `${u.ip} (${key}) in two cities`);
    cityOf.set(key, city);
  }
});

test('addresses come from private and documentation ranges only', () => {
  const pool = new UserPool(new SeedSource(6), 1_000, SHARES, CATALOG);
  const ranges = [/^10\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./, /^192\.0\.2\./, /^198\.51\.100\./, /^203\.0\.113\./];
  const used = new Set<number>();
  for (let i = 0; i < 5_000; i++) {
    const u = pool.create(i % CITIES.length, 1_700_000_000_000);
    const k = ranges.findIndex((r) => r.test(u.ip));
    assert.ok(k >= 0, u.ip);
    assert.ok(!/\.0$|\.255$/.test(u.ip), `${u.ip} is a host address`);
    used.add(k);
  }
  assert.equal(used.size, ranges.length, 'every range is used');
});

test('a user is not handed out again within 30 minutes of their last event', () => {
  const pool = new UserPool(new SeedSource(7), 200, SHARES, CATALOG);
  const rng = new SeedSource(7).fork('gap');
  const lastEnd = new Map<number, number>();
  let reused = 0;
  for (let i = 0; i < 20_000; i++) {
    const at = (1_700_000_000 + 10 * i) * 1000;
    const u = pool.startReturning(rng.int(CITIES.length), 1 + rng.int(3), at, rng);
    const before = lastEnd.get(u.num);
    if (before !== undefined) {
      reused++;
      assert.ok(at - before >= 30 * 60_000, `user ${u.num} back ${(at - before) / 60_000} min after their last event`);
    }
    pool.finish(u, false, at / 1000, at + 5_000, [], NO_IDENTITY, rng);
    lastEnd.set(u.num, at + 5_000);
  }
  assert.ok(reused > 5_000, `${reused} returns were checked`);
});

test('visit tiers: the most frequent tier of a segment is drawn far more often per user than the rarest', () => {
  const pool = new UserPool(new SeedSource(8), 20_000, SHARES, CATALOG);
  const rng = new SeedSource(8).fork('tiers');
  const perUser = new Map<number, number>();
  for (let i = 0; i < 100_000; i++) {
    const at = (1_700_000_000 + 3600 * i) * 1000;
    const u = pool.startReturning(0, S.RETURNING, at, rng);
    perUser.set(u.num, (perUser.get(u.num) ?? 0) + 1);
    pool.finish(u, false, at / 1000, at + 1000, [], NO_IDENTITY, rng);
  }
  const counts = [...perUser.values()].sort((a, b) => a - b);
  const median = counts[Math.floor(counts.length / 2)]!;
  const p99 = counts[Math.floor(counts.length * 0.99)]!;
  // Tiers come back every 3, 10 and 45 days: a heavy tail of frequent visitors.
  assert.ok(p99 >= 8 * median, `median ${median}, p99 ${p99}`);
});

test("a cart left in a session is found again on the user's next visit, and not after it has expired", () => {
  const pool = new UserPool(new SeedSource(9), 200, SHARES, CATALOG);
  const rng = new SeedSource(9).fork('cart');
  const product = CATALOG.byIndex(5);
  const at = 1_700_000_000_000;
  const u = pool.startReturning(0, S.RETURNING, at, rng);
  pool.takeCart(u, at);
  const cart = [{ product, quantity: 2 }];
  pool.finish(u, false, at / 1000, at + 60_000, cart, NO_IDENTITY, rng);
  assert.equal(pool.takeCart(u, at + 86_400_000), cart, 'the next day the cart is there');
  assert.equal(pool.takeCart(u, at + 86_400_000), undefined, 'taken: the session holds it now');
  pool.finish(u, false, at / 1000, at + 60_000, cart, NO_IDENTITY, rng);
  assert.equal(pool.takeCart(u, at + 8 * 86_400_000), undefined, 'after a week the shop has emptied it');
});
