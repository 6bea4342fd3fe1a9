import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Episodes, NO_EPISODES, type EpisodeSpec } from '../../src/model/episodes.ts';
import { Stock, StockCount } from '../../src/model/stock.ts';

const DAY_MS = 86_400_000;
const START = Date.parse('2024-03-04T00:00:00Z');
const LISTED = 1680;

function sale(fromMs: number, hours: number, stockOut: number): EpisodeSpec {
  return {
    kind: 'flash_sale',
    name: 'sale',
    startMs: fromMs,
    afterSeconds: null,
    durationSeconds: hours * 3600,
    traffic: 1,
    campaign: null,
    discount: 0,
    stockOut,
    backlog: true,
    share: 0,
  };
}

test('a product is out of stock on 1 − inStock of days, the same all day, and its sale-priced copy with it', () => {
  const stock = new Stock(0.93, LISTED, NO_EPISODES);
  let out = 0;
  for (let day = 0; day < 60; day++) {
    for (let p = 0; p < LISTED; p++) {
      const morning = stock.inStock(p, START + day * DAY_MS + 1000);
      if (!morning) out++;
      assert.equal(stock.inStock(p, START + day * DAY_MS + DAY_MS - 1), morning);
      assert.equal(stock.inStock(p + 2 * LISTED, START + day * DAY_MS + 43_200_000), morning);
    }
  }
  const share = out / (60 * LISTED);
  // About five standard errors.
  assert.ok(Math.abs(share - 0.07) < 0.004, `${share}`);
});

test("a flash sale sells out its share from its start to midnight, and no product's stock changes twice in a day", () => {
  // A sale across midnight, and a bigger one the next evening.
  const episodes = new Episodes([sale(START + 20 * 3_600_000, 6, 0.5), sale(START + DAY_MS + 18 * 3_600_000, 2, 0.7)], START);
  const stock = new Stock(0.93, LISTED, episodes);
  const share = (ms: number): number => {
    let n = 0;
    for (let p = 0; p < LISTED; p++) if (stock.inStock(p, ms)) n++;
    return n / LISTED;
  };
  const near = (ms: number, want: number, what: string): void => assert.ok(Math.abs(share(ms) - want) < 0.03, `${what}: ${share(ms)}`);
  near(START + 19 * 3_600_000, 0.93, 'before');
  near(START + 21 * 3_600_000, 0.93 * 0.5, 'in the sale');
  near(START + DAY_MS + 1_000, 0.93 * 0.5, 'in the sale, past midnight');
  near(START + DAY_MS + 10 * 3_600_000, 0.93 * 0.5, 'after it, the same day');
  // The bigger sale sells out more, of what was on the shelf last evening.
  assert.ok(share(START + DAY_MS + 19 * 3_600_000) < share(START + DAY_MS + 10 * 3_600_000) - 0.05);
  near(START + 2 * DAY_MS + 1_000, 0.93, 'the day after');
  for (let p = 0; p < LISTED; p++) {
    // By the hour, as a stream of views sees it: a change at midnight counts in the new day.
    let last = stock.inStock(p, START);
    let changes = 0;
    for (let ms = START; ms < START + 3 * DAY_MS; ms += 3_600_000) {
      if (ms % DAY_MS === 0) changes = 0;
      const now = stock.inStock(p, ms);
      if (now !== last) changes++;
      last = now;
      assert.ok(changes <= 1, `product ${p} changes twice on ${new Date(ms).toISOString()}`);
    }
  }
});

test('countInStock counts what inStock says, kept for the day without stock-outs and counted afresh during a sale', () => {
  const products = Int32Array.from({ length: 40 }, (_, k) => k * 37);
  const counted = (stock: Stock, ms: number): number => products.filter((p) => stock.inStock(p, ms)).length;
  const plain = new Stock(0.6, LISTED, NO_EPISODES);
  const selling = new Stock(0.6, LISTED, new Episodes([sale(START + 10 * 3_600_000, 6, 0.5)], START));
  for (const stock of [plain, selling]) {
    const memo = new StockCount();
    const seen = new Set<number>();
    // Every half hour over three days, one memo throughout: across midnights and through the sale.
    for (let ms = START; ms < START + 3 * DAY_MS; ms += 1_800_000) {
      const n = stock.countInStock(products, ms, memo);
      assert.equal(n, counted(stock, ms), new Date(ms).toISOString());
      seen.add(n);
    }
    assert.ok(seen.size > 1, 'the count changed over the days');
  }
  // A memo filled by another stock is not taken for this one's.
  const memo = new StockCount();
  plain.countInStock(products, START, memo);
  const other = new Stock(0.2, LISTED, NO_EPISODES);
  assert.equal(other.countInStock(products, START, memo), counted(other, START));
});
