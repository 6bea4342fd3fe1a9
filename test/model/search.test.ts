import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEHAVIOUR } from '../../src/model/behaviour.ts';
import { Catalog } from '../../src/model/catalog.ts';
import { Sfc32 } from '../../src/model/rng.ts';
import { SearchIndex } from '../../src/model/search.ts';

const catalog = new Catalog();
const search = new SearchIndex(catalog, BEHAVIOUR.search);
const words = (text: string): string[] =>
  text.split(/[ -]+/).map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));

test('terms are typed as people type (lower case, plain ASCII) and match the products that hold each of their words', () => {
  for (const terms of search.terms) {
    assert.ok(terms.length > 100);
    for (const q of terms) {
      assert.match(q.text, /^[a-z0-9][a-z0-9 -]*$/, q.text);
      for (const k of q.matches) {
        const p = catalog.byIndex(k);
        const have = new Set(
          words(
            `${p.name} ${catalog.categories[Math.floor(k / catalog.productsPerCategory)]!.title} ${p.category}`
              .toLowerCase()
              .replace(/[^a-z0-9 -]+/g, ' '),
          ),
        );
        for (const w of words(q.text)) assert.ok(have.has(w), `${q.text} matches ${p.name}`);
      }
    }
  }
  assert.ok(search.match('headphones').length > 10);
  assert.equal(search.match('lego').length, 0);
  assert.ok(search.match('wireless headphones').length < search.match('headphones').length);
});

test('searches have a long tail and a few misspelt ones, one slip from a term, which mostly find nothing (100,000 searches)', () => {
  const rng = new Sfc32(7, 8, 9, 10);
  const known = new Set(search.terms.flat().map((q) => q.text));
  const counts = new Map<string, number>();
  let misspelt = 0;
  let misspeltEmpty = 0;
  const slips = new Set<string>();
  for (let i = 0; i < 100_000; i++) {
    const q = search.draw(rng, catalog.drawCategory(rng));
    counts.set(q.text, (counts.get(q.text) ?? 0) + 1);
    if (known.has(q.text)) continue;
    misspelt++;
    if (q.matches.length === 0) misspeltEmpty++;
    slips.add(q.text);
  }
  for (const text of slips)
    assert.ok(
      [...known].some((t) => oneSlip(t, text)),
      `${text} is one slip from a term`,
    );
  assert.ok(counts.size >= 500, `${counts.size} distinct terms`);
  assert.ok([...counts.values()].filter((n) => n === 1).length > 0.25 * counts.size, 'many terms are searched once');
  // About five standard errors of the behaviour's share.
  assert.ok(Math.abs(misspelt / 100_000 - BEHAVIOUR.search.misspelt) < 0.003, `${misspelt} misspelt`);
  assert.ok(misspeltEmpty / misspelt > 0.9, `${misspeltEmpty} of ${misspelt} misspelt find nothing`);
});

/** Whether `b` is `a` with two neighbouring letters swapped, one dropped or one doubled. */
function oneSlip(a: string, b: string): boolean {
  if (a.length === b.length) {
    const i = [...a].findIndex((c, k) => c !== b[k]);
    return i >= 0 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length !== short.length + 1) return false;
  const i = [...short].findIndex((c, k) => c !== long[k]);
  const at = i < 0 ? short.length : i;
  const dropped = short === long.slice(0, at) + long.slice(at + 1);
  // A doubled letter repeats the one before it.
  return dropped && (a.length > b.length || long[at] === long[at - 1] || long[at] === long[at + 1]);
}
