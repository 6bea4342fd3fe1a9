import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATEGORIES, Catalog, PRODUCTS_PER_CATEGORY, ZIPF_EXPONENT } from '../../src/model/catalog.ts';
import { SeedSource } from '../../src/model/rng.ts';

const catalog = new Catalog();

test('product ids are prod_<category>_<4 digits>, unique, and each product knows its category and place', () => {
  const ids = new Set<string>();
  assert.equal(catalog.products.length, CATEGORIES.length);
  catalog.products.forEach((products, c) => {
    assert.equal(products.length, PRODUCTS_PER_CATEGORY);
    products.forEach((p, rank) => {
      assert.match(p.id, new RegExp(`^prod_${CATEGORIES[c]!.id}_[1-9]\\d{3}$`));
      assert.ok(!ids.has(p.id), `${p.id} is used once`);
      ids.add(p.id);
      assert.equal(p.category, CATEGORIES[c]!.id);
      assert.equal(p.index, c * PRODUCTS_PER_CATEGORY + rank);
    });
    assert.equal(new Set(products.map((p) => p.name)).size, products.length, 'names are unique within a category');
  });
});

test('popular products do not all have low ids', () => {
  for (const products of catalog.products) {
    const top = products.slice(0, 20).map((p) => Number(p.id.slice(-4)));
    assert.ok(Math.max(...top) - Math.min(...top) > 4000, `top-20 ids spread: ${top.join(' ')}`);
  }
});

test("prices fit the kind of product, end as shop prices do (.99 mostly, ≤ 60%), and spread over the kind's range", () => {
  let lowerHalf = 0;
  let n = 0;
  const endings = new Map<number, number>();
  CATEGORIES.forEach((c, k) => {
    for (const p of catalog.products[k]!) {
      const kinds = c.items.filter(([name]) => p.name.endsWith(` ${name}`) || p.name.includes(` ${name} (`));
      assert.equal(kinds.length, 1, `${p.name} is one kind of ${c.id}`);
      const [name, min, max] = kinds[0]!;
      const cents = p.priceCents % 100;
      assert.ok([99, 95, 0, 49, 50].includes(cents), `${p.name} ends in .${cents}`);
      endings.set(cents, (endings.get(cents) ?? 0) + 1);
      assert.ok(
        p.priceCents >= min * 100 && p.priceCents <= max * 100 + 99,
        `${p.name} at ${p.priceCents / 100} is within ${name}'s ${min}–${max}`,
      );
      // Log-uniform within the range: half the products below the geometric middle.
      if (p.priceCents / 100 < Math.sqrt(min * max)) lowerHalf++;
      n++;
    }
  });
  const ninetyNine = (endings.get(99) ?? 0) / n;
  assert.ok(ninetyNine > 0.4 && ninetyNine <= 0.6, `${(100 * ninetyNine).toFixed(1)}% end in .99`);
  assert.equal(endings.size, 5, 'every ending is used');
  // Whole units are rounded down, which moves a few just-above-the-middle prices below it.
  assert.ok(lowerHalf / n > 0.45 && lowerHalf / n < 0.6, `${lowerHalf} of ${n} below the middle of their range`);
  const laptops = catalog.products[0]!.filter((p) => p.name.endsWith('Laptop 14-inch'));
  const earbuds = catalog.products[0]!.filter((p) => p.name.endsWith('Earbuds'));
  const mean = (xs: { priceCents: number }[]): number => xs.reduce((a, p) => a + p.priceCents, 0) / xs.length;
  assert.ok(laptops.length > 5 && earbuds.length > 5);
  assert.ok(mean(laptops) > 4 * mean(earbuds), 'a laptop costs more than earbuds');
});

test('product popularity falls off like 1/rank^s: the top products take their Zipf share (300,000 draws)', () => {
  const rng = new SeedSource(9).fork('catalog');
  const n = 300_000;
  const counts = new Array<number>(PRODUCTS_PER_CATEGORY).fill(0);
  for (let i = 0; i < n; i++) counts[catalog.drawProduct(rng, 2).index - 2 * PRODUCTS_PER_CATEGORY]!++;
  let total = 0;
  for (let k = 1; k <= PRODUCTS_PER_CATEGORY; k++) total += k ** -ZIPF_EXPONENT;
  const expected = (rank: number): number => (rank + 1) ** -ZIPF_EXPONENT / total;
  for (const rank of [0, 1, 4, 9]) {
    assert.ok(Math.abs(counts[rank]! / n - expected(rank)) < 0.004, `rank ${rank}: ${counts[rank]! / n} vs ${expected(rank)}`);
  }
  const top10 = counts.slice(0, 10).reduce((a, b) => a + b, 0) / n;
  const bottomHalf = counts.slice(PRODUCTS_PER_CATEGORY / 2).reduce((a, b) => a + b, 0) / n;
  assert.ok(top10 > 0.45, `top 10 of ${PRODUCTS_PER_CATEGORY} take ${top10}`);
  assert.ok(bottomHalf < 0.15 && bottomHalf > 0.05, `the long tail (bottom half) takes ${bottomHalf}`);
  assert.ok(
    counts.every((c) => c > 0),
    'every product is seen',
  );
});

test('categories are drawn by their popularity (200,000 draws)', () => {
  const rng = new SeedSource(9).fork('categories');
  const n = 200_000;
  const counts = new Array<number>(CATEGORIES.length).fill(0);
  for (let i = 0; i < n; i++) counts[catalog.drawCategory(rng)]!++;
  const expected = [0.26, 0.2, 0.16, 0.12, 0.09, 0.1, 0.07];
  for (const [k, c] of counts.entries())
    assert.ok(Math.abs(c / n - expected[k]!) < 0.005, `${CATEGORIES[k]!.id}: ${c / n} vs ${expected[k]}`);
});

test('the catalog is the same in every run', () => {
  assert.deepEqual(new Catalog().products, catalog.products);
});
