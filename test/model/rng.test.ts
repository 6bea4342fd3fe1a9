import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeedSource, hashString } from '../../src/model/rng.ts';

test('the same seed and label give the same stream', () => {
  const a = new SeedSource(42).fork('session', 7);
  const b = new SeedSource(42).fork('session', 7);
  for (let i = 0; i < 1000; i++) assert.equal(a.u32(), b.u32());
});

test('different seeds, labels or ids give different streams', () => {
  const first = (s: number, label: string, id: number): number[] => {
    const r = new SeedSource(s).fork(label, id);
    return [r.u32(), r.u32(), r.u32()];
  };
  const base = first(42, 'session', 1);
  assert.notDeepEqual(first(43, 'session', 1), base);
  assert.notDeepEqual(first(42, 'user', 1), base);
  assert.notDeepEqual(first(42, 'session', 2), base);
  assert.notDeepEqual(first(2 ** 40 + 42, 'session', 1), base);
});

test('draws are uniform on [0, 1): decile counts within 2% of 100,000 draws each', () => {
  const r = new SeedSource(1).fork('uniformity');
  const bins = new Array<number>(10).fill(0);
  const n = 1_000_000;
  for (let i = 0; i < n; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    bins[Math.floor(x * 10)]!++;
  }
  for (const b of bins) assert.ok(Math.abs(b / (n / 10) - 1) < 0.02, `decile count ${b}`);
});

test('int(n) covers 0..n-1 only', () => {
  const r = new SeedSource(3).fork('int');
  const seen = new Set<number>();
  for (let i = 0; i < 10_000; i++) seen.add(r.int(7));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

test('a seed must be a non-negative safe integer', () => {
  assert.throws(() => new SeedSource(-1), RangeError);
  assert.throws(() => new SeedSource(1.5), RangeError);
});

test('hashString is 32-bit FNV-1a (published test vectors)', () => {
  assert.equal(hashString(''), 0x811c9dc5);
  assert.equal(hashString('a'), 0xe40c292c);
  assert.equal(hashString('foobar'), 0xbf9cf968);
});
