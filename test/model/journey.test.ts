import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_TYPES, T, TYPE_COUNT } from '../../src/model/event-types.ts';
import {
  MAX_CONTINUATION,
  PINNED,
  compileJourney,
  defaultJourneyTransitions,
  defaultStartWeights,
  expectedVisits,
  nextType,
  redrawFree,
} from '../../src/model/journey.ts';
import { SEGMENTS } from '../../src/model/segments.ts';

const probability = (cumulative: Float64Array, order: Int8Array, from: number, to: number): number => {
  for (let k = 0; k < TYPE_COUNT; k++) {
    if (order[from * TYPE_COUNT + k] === to)
      return cumulative[from * TYPE_COUNT + k]! - (k === 0 ? 0 : cumulative[from * TYPE_COUNT + k - 1]!);
  }
  return 0;
};

test("the seed's four transitions are in the defaults with their exact values", () => {
  const t = defaultJourneyTransitions();
  assert.equal(t.page_view.product_view, 0.25);
  assert.equal(t.product_view.add_to_cart, 0.2);
  assert.equal(t.add_to_cart.begin_checkout, 0.25);
  assert.equal(t.begin_checkout.complete_checkout, 0.6);
});

test('pinned transitions are exact for every segment; other transitions vary by segment', () => {
  const compiled = compileJourney(defaultJourneyTransitions(), defaultStartWeights());
  for (const seg of compiled.segments) {
    for (const [from, to, p] of PINNED) {
      const i = EVENT_TYPES.indexOf(from);
      const j = EVENT_TYPES.indexOf(to);
      assert.ok(Math.abs(probability(seg.cumulative, seg.order, i, j) - p) < 1e-12, `${from} → ${to}`);
    }
  }
  const [newcomer, , , power] = compiled.segments;
  const toCart = (s: typeof newcomer): number => probability(s!.cumulative, s!.order, T.SEARCH, T.ADD_TO_CART);
  assert.ok(toCart(power) > toCart(newcomer), 'power users add to cart from search more often than new visitors');
  assert.equal(compiled.segments.length, SEGMENTS.length);
});

test('every row leaves room to exit, and a row summing above 1 is scaled down', () => {
  const t = defaultJourneyTransitions();
  t.logout.page_view = 0.9;
  t.logout.search = 0.9;
  const compiled = compileJourney(t, defaultStartWeights());
  assert.deepEqual(compiled.normalizedRows, ['logout']);
  for (const seg of compiled.segments) {
    for (let i = 0; i < TYPE_COUNT; i++) assert.ok(seg.cumulative[i * TYPE_COUNT + TYPE_COUNT - 1]! <= MAX_CONTINUATION + 1e-12);
  }
});

test('nextType follows the cumulative row and exits beyond it; redraws never land on pinned transitions', () => {
  const seg = compileJourney(defaultJourneyTransitions(), defaultStartWeights()).segments[1]!;
  assert.equal(nextType(seg, T.PAGE_VIEW, 0), T.PRODUCT_VIEW); // pinned transitions come first
  assert.equal(nextType(seg, T.PAGE_VIEW, 0.9999999), -1);
  for (let u = 0; u < 1; u += 0.001) assert.notEqual(redrawFree(seg, T.PAGE_VIEW, u), T.PRODUCT_VIEW);
  for (let u = 0; u < 1; u += 0.001) assert.notEqual(redrawFree(seg, T.BEGIN_CHECKOUT, u), T.COMPLETE_CHECKOUT);
});

test('a redraw replaces an impossible step by the free steps of the row, in their proportions: never exit, never a pinned step', () => {
  const seg = compileJourney(defaultJourneyTransitions(), defaultStartWeights()).segments[1]!;
  const base = T.PAGE_VIEW * TYPE_COUNT;
  const free = new Map<number, number>();
  for (let k = 0; k < TYPE_COUNT; k++) {
    const p = seg.cumulative[base + k]! - (k === 0 ? 0 : seg.cumulative[base + k - 1]!);
    if (p > 0 && seg.cumulative[base + k]! > seg.pinnedMass[T.PAGE_VIEW]!) free.set(seg.order[base + k]!, p);
  }
  const freeMass = [...free.values()].reduce((a, b) => a + b, 0);
  const drawn = new Map<number, number>();
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const next = redrawFree(seg, T.PAGE_VIEW, (i + 0.5) / n);
    drawn.set(next, (drawn.get(next) ?? 0) + 1);
  }
  assert.equal(drawn.get(-1), undefined, 'no exit');
  assert.equal(drawn.get(T.PRODUCT_VIEW), undefined, 'no pinned step');
  for (const [type, p] of free) assert.ok(Math.abs(drawn.get(type)! / n - p / freeMass) < 0.001, `${EVENT_TYPES[type]}`);
});

test('expected visits solve the chain: a two-state loop has the geometric answer', () => {
  // From page_view: 0.5 back to page_view, else exit; start always at page_view → 2 visits.
  const m = new Float64Array(TYPE_COUNT * TYPE_COUNT);
  m[T.PAGE_VIEW * TYPE_COUNT + T.PAGE_VIEW] = 0.5;
  const start = new Float64Array(TYPE_COUNT);
  start[T.PAGE_VIEW] = 1;
  const v = expectedVisits(m, start);
  assert.ok(Math.abs(v[T.PAGE_VIEW]! - 2) < 1e-9);
  // page_view → search 0.5, search → exit: 1 page view, 0.5 searches.
  m[T.PAGE_VIEW * TYPE_COUNT + T.PAGE_VIEW] = 0;
  m[T.PAGE_VIEW * TYPE_COUNT + T.SEARCH] = 0.5;
  const w = expectedVisits(m, start);
  assert.ok(Math.abs(w[T.PAGE_VIEW]! - 1) < 1e-9 && Math.abs(w[T.SEARCH]! - 0.5) < 1e-9);
});

test('calibrated defaults give about 3.3 events per session over the segment mix', () => {
  const compiled = compileJourney(defaultJourneyTransitions(), defaultStartWeights());
  const mix = [0.35, 0.4, 0.2, 0.05];
  const mean = compiled.segments.reduce((a, s, i) => a + mix[i]! * s.expectedEvents, 0);
  assert.ok(Math.abs(mean - 1 / 0.3) < 0.25, `${mean}`);
});
