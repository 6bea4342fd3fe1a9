import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_TYPES, T } from '../../src/model/event-types.ts';
import { defaultJourneyTransitions, defaultStartWeights } from '../../src/model/journey.ts';
import { Simulation, type ModelOptions } from '../../src/model/simulation.ts';
import { BEHAVIOUR } from '../../src/model/behaviour.ts';
import { DEFAULT_SHOP } from '../../src/model/shop.ts';
import { IdPermutation } from '../../src/model/users.ts';

const OPTIONS: ModelOptions = {
  seed: 5,
  startMs: Date.parse('2024-03-04T00:00:00Z'),
  ratePerHour: 50_000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: true,
  userPoolSize: 0,
};

function take(
  sim: Simulation,
  n: number,
): Array<{ type: number; timeMs: number; session: string; index: number; cart: number; value: number; order: string }> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = sim.next();
    const cart = r.type === T.ADD_TO_CART || r.type === T.REMOVE_FROM_CART ? r : null;
    const order = r.type === T.BEGIN_CHECKOUT || r.type === T.COMPLETE_CHECKOUT ? r : null;
    out.push({
      type: r.type,
      timeMs: r.timeMs,
      session: r.session.id,
      index: r.index,
      cart: cart?.cartItemCount ?? order?.itemCount ?? -1,
      value: cart?.cartValueCents ?? order?.orderValueCents ?? -1,
      order: order?.orderId ?? '',
    });
  }
  return out;
}

test('the model is a pure function of its options: same options, same events', () => {
  assert.deepEqual(take(new Simulation(OPTIONS), 20_000), take(new Simulation(OPTIONS), 20_000));
  assert.notDeepEqual(take(new Simulation({ ...OPTIONS, seed: 6 }), 2000), take(new Simulation(OPTIONS), 2000));
});

test('events come out in simulated-time order, never before the start', () => {
  const sim = new Simulation(OPTIONS);
  let last = OPTIONS.startMs;
  for (let i = 0; i < 50_000; i++) {
    const peek = sim.peekTimeMs();
    const r = sim.next();
    assert.equal(r.timeMs, peek);
    assert.ok(r.timeMs >= last);
    last = r.timeMs;
  }
});

test('a session keeps one user, and a user never runs two sessions at once', () => {
  const sim = new Simulation({ ...OPTIONS, userPoolSize: 2000 });
  const running = new Map<string, string>(); // user → session
  for (let i = 0; i < 200_000; i++) {
    const r = sim.next();
    const user = r.session.user.id;
    const current = running.get(user);
    // Sessions open when the run starts (the warm start) are first seen part-way.
    if (r.index === 1 || (current === undefined && r.session.startMs < OPTIONS.startMs)) {
      assert.equal(current, undefined, `${user} started ${r.session.id} while in ${current}`);
      running.set(user, r.session.id);
    } else assert.equal(current, r.session.id);
    if (r.last) running.delete(user);
  }
});

test('the cart rules hold step by step, and a user finds their cart again on the next visit: removals, checkouts and order values', () => {
  const sim = new Simulation(OPTIONS);
  // By user: carts persist across a user's sessions.
  const carts = new Map<string, number>();
  const unseen = new Set<string>();
  const seen = new Set<string>();
  let purchases = 0;
  let restored = 0;
  for (let i = 0; i < 300_000; i++) {
    const r = sim.next();
    const user = r.session.user.id;
    // Sessions that begin with a cart: left by the user's earlier visit (in the run or before it).
    if (r.index === 1 && r.type !== T.ADD_TO_CART && r.session.cart.length > 0) restored++;
    // A session open when the run starts (the warm start) has a cart we did not see filled, and
    // a user first seen as a returning one may have left something in their cart before the run.
    if (r.session.startMs < OPTIONS.startMs || (r.index === 1 && r.session.segment !== 0 && !seen.has(user))) unseen.add(user);
    seen.add(user);
    if (unseen.has(user)) continue;
    const before = carts.get(user) ?? 0;
    switch (r.type) {
      case T.REMOVE_FROM_CART:
      case T.BEGIN_CHECKOUT:
        assert.ok(before > 0, `${EVENT_TYPES[r.type]} with an empty cart`);
        break;
      case T.COMPLETE_CHECKOUT:
        assert.equal(r.orderValueCents, before, 'order value equals the cart');
        purchases++;
        break;
    }
    const after =
      r.type === T.ADD_TO_CART || r.type === T.REMOVE_FROM_CART
        ? r.cartValueCents
        : r.type === T.BEGIN_CHECKOUT
          ? r.orderValueCents
          : r.type === T.COMPLETE_CHECKOUT
            ? 0
            : before;
    carts.set(user, after);
  }
  assert.ok(purchases > 300, `${purchases} purchases checked`);
  assert.ok(restored > 100, `${restored} sessions began with a cart left last time`);
});

test('editing the journey changes the events that follow', () => {
  const base = new Simulation(OPTIONS);
  const edited = new Simulation(OPTIONS);
  for (const row of Object.values(edited.journeyTransitions)) row.search = 0;
  edited.startWeights.search = 0;
  edited.journeyChanged();
  // Sessions already open (the warm start) may have chosen a search as their next step before the edit.
  const pending = edited.activeSessions;
  const count = (sim: Simulation): number => take(sim, 50_000).filter((e) => e.type === T.SEARCH).length;
  assert.ok(count(base) > 1000);
  assert.ok(count(edited) <= pending, 'no search but those chosen before the edit');
});

test('a journey given at the start shapes every event, the warm start included', () => {
  const transitions = defaultJourneyTransitions();
  for (const row of Object.values(transitions)) row.search = 0;
  const sim = new Simulation({ ...OPTIONS, journeyTransitions: transitions, startWeights: { ...defaultStartWeights(), search: 0 } });
  assert.equal(take(sim, 50_000).filter((e) => e.type === T.SEARCH).length, 0);
});

test('warm start: the run begins in the steady state, sessions already open, the first 10 minutes at the hour’s rate', () => {
  for (const start of ['2024-03-04T00:00:00Z', '2024-03-06T19:30:00Z']) {
    const startMs = Date.parse(start);
    const sim = new Simulation({ ...OPTIONS, startMs, ratePerHour: 360_000 });
    assert.ok(sim.activeSessions > 1000, `${sim.activeSessions} sessions open at the start`);
    let expected = 0;
    for (let m = 0; m < 10; m++) expected += sim.effectiveRatePerHour(startMs + m * 60_000 + 30_000) / 60;
    let n = 0;
    let carriedOver = 0;
    while (sim.peekTimeMs() < startMs + 600_000) {
      const r = sim.next();
      assert.ok(r.timeMs >= startMs, 'no event before the start');
      if (r.session.startMs < startMs) carriedOver++;
      n++;
    }
    console.log(
      `  warm start at ${start}: ${n} events in the first 10 minutes, ${expected.toFixed(0)} expected, ${carriedOver} from sessions open at the start`,
    );
    assert.ok(Math.abs(n / expected - 1) <= 0.1, `${n} events, expected ${expected.toFixed(0)} ± 10%`);
    assert.ok(carriedOver > 0.02 * n);
  }
});

test('user ids are a permutation: 9 digits and no collisions', () => {
  const p = new IdPermutation(12345);
  const seen = new Set<number>();
  for (let n = 0; n < 200_000; n++) {
    const id = p.apply(n);
    assert.ok(id >= 0 && id < 1e9);
    assert.ok(!seen.has(id));
    seen.add(id);
  }
});

test('arrivals follow the rate: about rate × multiplier events per simulated hour', () => {
  const sim = new Simulation({ ...OPTIONS, timePatterns: false, ratePerHour: 20_000 });
  const end = OPTIONS.startMs + 6 * 3_600_000;
  let n = 0;
  while (sim.peekTimeMs() < end) {
    sim.next();
    n++;
  }
  // ±6% covers session-level clumping (the warm start leaves no ramp-up).
  assert.ok(Math.abs(n / 6 / 20_000 - 1) < 0.06, `${n / 6} events/hour`);
});

test('cart.checkoutOnReturn and checkoutAfterAdding gate the free steps into checkout: at 0, only the pinned add_to_cart → begin_checkout checks out', () => {
  const count = (checkoutOnReturn: number, checkoutAfterAdding: number) => {
    const cart = { ...BEHAVIOUR.cart, checkoutOnReturn, checkoutAfterAdding };
    const sim = new Simulation({ ...OPTIONS, shop: { ...DEFAULT_SHOP, behaviour: { ...BEHAVIOUR, cart } } });
    let withoutAdding = 0;
    let notAfterAdd = 0;
    let begins = 0;
    const last = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      const r = sim.next();
      const previous = last.get(r.session.id) ?? -1;
      last.set(r.session.id, r.type);
      if (r.last) last.delete(r.session.id);
      if (r.type !== T.BEGIN_CHECKOUT) continue;
      begins++;
      if (!r.session.added) withoutAdding++;
      // (A session open at the start may have added before it: its first event says nothing.)
      if (previous >= 0 && previous !== T.ADD_TO_CART) notAfterAdd++;
    }
    return { begins, withoutAdding, notAfterAdd };
  };
  const open = count(1, 1);
  assert.ok(open.withoutAdding > 0.1 * open.begins, `kept carts are checked out: ${open.withoutAdding} of ${open.begins}`);
  const closed = count(0, 0);
  assert.equal(closed.withoutAdding, 0, 'no checkout of a cart from an earlier visit');
  assert.equal(closed.notAfterAdd, 0, 'every checkout follows an add_to_cart');
  assert.ok(closed.begins > 0.1 * open.begins);
});
