import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Activity } from '../../src/model/activity.ts';
import { BEHAVIOUR, PAYMENT_METHODS, type Behaviour } from '../../src/model/behaviour.ts';
import { T } from '../../src/model/event-types.ts';
import { SeedSource } from '../../src/model/rng.ts';
import { DEFAULT_SHOP, ShopModel } from '../../src/model/shop.ts';
import { Simulation } from '../../src/model/simulation.ts';

const OPTIONS = {
  seed: 21,
  startMs: Date.parse('2024-03-04T00:00:00Z'),
  ratePerHour: 100_000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: false,
  userPoolSize: 0,
};

test('the behaviour table is frozen all the way down', () => {
  assert.throws(() => {
    (BEHAVIOUR.login as { success: number }).success = 0;
  }, TypeError);
  assert.throws(() => {
    (BEHAVIOUR.pageLoad.meanMs as { mobile: number }).mobile = 1;
  }, TypeError);
  assert.throws(() => {
    (BEHAVIOUR.reviewWrite.rating as number[])[0] = 1;
  }, TypeError);
});

test('a mix is drawn by name: the order of its keys does not matter, and its weights go to the values they name', () => {
  const reordered: Behaviour = {
    ...BEHAVIOUR,
    completeCheckout: {
      paymentMethods: { klarna: 0.04, debit_card: 0.09, google_pay: 0.08, apple_pay: 0.13, paypal: 0.2, credit_card: 0.46 },
    },
  };
  const draws = (b: Behaviour, n: number): string[] => {
    const rng = new SeedSource(1).fork('mix');
    const act = new Activity(new ShopModel({ ...DEFAULT_SHOP, behaviour: b }));
    return Array.from({ length: n }, () => act.paymentMethods.draw(rng));
  };
  assert.deepEqual(draws(reordered, 2000), draws(BEHAVIOUR, 2000));
  const onlyKlarna: Behaviour = {
    ...BEHAVIOUR,
    completeCheckout: {
      paymentMethods: {
        ...Object.fromEntries(PAYMENT_METHODS.map((m) => [m, 0])),
        klarna: 1,
      } as Behaviour['completeCheckout']['paymentMethods'],
    },
  };
  assert.deepEqual(new Set(draws(onlyKlarna, 500)), new Set(['klarna']));
});

test("each event type's fields follow the behaviour table (300,000 events)", () => {
  const sim = new Simulation(OPTIONS);
  const b = BEHAVIOUR;
  const n = { login: 0, loginOk: 0, views: 0, inStock: 0, searches: 0, empty: 0, checkouts: 0, optIn: 0, accounts: 0 };
  const payments = new Map<string, number>();
  const load = { mobile: [0, 0], desktop: [0, 0], tablet: [0, 0] };
  const ratings = [0, 0, 0, 0, 0];
  const landed = new WeakSet<object>();
  for (let i = 0; i < 300_000; i++) {
    const r = sim.next();
    const l = load[r.session.user.device.type];
    l[0]! += r.pageLoadMs;
    l[1]!++;
    assert.ok(r.pageLoadMs >= b.pageLoad.minMs);
    switch (r.type) {
      case T.PAGE_VIEW:
        // The landing page is the session's first page view (sessions open at the start are seen part-way).
        if (r.index === 1) assert.equal(r.isLandingPage, true);
        if (r.isLandingPage) assert.ok(!landed.has(r.session), 'one landing page per session');
        landed.add(r.session);
        assert.ok(
          r.scrollDepthPct % b.pageView.scrollDepth.step === 0 && r.scrollDepthPct >= 10 && r.scrollDepthPct <= 100,
          `scroll ${r.scrollDepthPct}`,
        );
        break;
      case T.PRODUCT_VIEW:
        n.views++;
        if (r.inStock) n.inStock++;
        assert.equal(r.inStock, sim.model.stock.inStock(r.product.index, r.timeMs), "a view shows the day's stock");
        break;
      case T.SEARCH:
        n.searches++;
        if (r.resultsCount === 0) n.empty++;
        assert.ok(r.searchDurationMs >= b.search.minDurationMs);
        break;
      case T.ADD_TO_CART:
        assert.ok(r.quantity >= 1 && r.quantity <= b.device[r.session.user.device.type].quantity.length && r.cartItemCount >= r.quantity);
        break;
      case T.COMPLETE_CHECKOUT:
        n.checkouts++;
        payments.set(r.paymentMethod, (payments.get(r.paymentMethod) ?? 0) + 1);
        break;
      case T.LOGIN:
        n.login++;
        if (r.success) n.loginOk++;
        break;
      case T.ACCOUNT_CREATE:
        n.accounts++;
        if (r.marketingOptIn) n.optIn++;
        break;
      case T.REVIEW_WRITE:
        ratings[r.rating - 1]!++;
        assert.ok(r.reviewLengthChars >= b.reviewWrite.minLengthChars);
        break;
    }
  }
  const near = (what: string, got: number, want: number, tolerance: number): void =>
    assert.ok(Math.abs(got - want) < tolerance, `${what}: ${got.toFixed(4)} vs ${want} (± ${tolerance})`);
  assert.ok(n.login > 5_000 && n.views > 50_000 && n.searches > 20_000 && n.checkouts > 3_000 && n.accounts > 2_000);
  // About four standard errors each.
  near('login success', n.loginOk / n.login, b.login.success, 0.012);
  // Views of one day: a best-seller out of stock that day moves the share by a few points.
  near('in stock', n.inStock / n.views, b.productView.inStock, 0.06);
  near('searches without results', n.empty / n.searches, 0.1, 0.03);
  near('marketing opt-in', n.optIn / n.accounts, b.accountCreate.marketingOptIn, 0.04);
  const weights = b.completeCheckout.paymentMethods;
  for (const m of PAYMENT_METHODS) near(`payment by ${m}`, (payments.get(m) ?? 0) / n.checkouts, weights[m], 0.035);
  const reviews = ratings.reduce((a, c) => a + c, 0);
  assert.ok(reviews > 2_000);
  const stars = b.reviewWrite.rating;
  const total = stars.reduce((a, w) => a + w, 0);
  for (const [k, c] of ratings.entries()) near(`${k + 1}-star reviews`, c / reviews, stars[k]! / total, 0.04);
  for (const [type, [sum, count]] of Object.entries(load))
    near(`page load of a ${type}, relative to its mean`, sum! / count! / b.pageLoad.meanMs[type as 'mobile'], 1, 0.03);
});
