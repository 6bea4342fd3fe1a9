import { QUERY_SHAPES, type Behaviour, type QueryShape } from './behaviour.ts';
import { VARIANT_COLOURS, type Catalog, type Category } from './catalog.ts';
import { Discrete } from './distributions.ts';
import { Sfc32, type Rng } from './rng.ts';
import { StockCount } from './stock.ts';

/** A search as typed, and the catalog's products that match it (`Product.index` at list price). */
export interface Query {
  readonly text: string;
  readonly matches: Int32Array;
  /** How many of the matches are in stock, as last counted (see `Stock.countInStock`). */
  readonly inStockCount: StockCount;
}

const NONE = new Int32Array(0);

/** Lower case, letters, digits, single spaces and hyphens: as typed into a search box, and safe to splice into JSON raw. */
function typed(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 -]+/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
}

/** A word as the search engine compares it: "Socks" and "sock" are the same word. */
function stem(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function words(text: string): string[] {
  return typed(text)
    .split(/[ -]+/)
    .filter((w) => w.length > 0)
    .map(stem);
}

/** A kind of product as people name it: "Laptop 14-inch" is searched for as "laptop". */
function shortKind(item: string): string {
  return typed(item)
    .split(' ')
    .filter((w) => !/[0-9]/.test(w) && w !== 'pcs')
    .join(' ');
}

/**
 * What people search the shop for. Each category has its terms, built from the catalog in
 * the shapes of QUERY_SHAPES, with a popularity that falls off within each shape (a long
 * tail); a few searches are misspelt. A search matches the products whose name, category and
 * kind hold every one of its words (plural or not), anywhere in the catalog: broad terms
 * find many, long or misspelt ones few or none, as in a real shop's search.
 */
export class SearchIndex {
  /** terms[c]: the terms of category c, drawn by `popularity[c]`. */
  readonly terms: readonly (readonly Query[])[];
  private readonly popularity: readonly Discrete[];
  /** Products by word, in ascending index order. */
  private readonly byWord = new Map<string, Int32Array>();
  private readonly misspelt: number;

  constructor(catalog: Catalog, search: Behaviour['search']) {
    this.misspelt = search.misspelt;
    const lists = new Map<string, number[]>();
    for (const [c, products] of catalog.products.entries()) {
      const category = catalog.categories[c]!;
      for (const p of products) {
        for (const w of new Set([...words(p.name), ...words(category.title), ...words(category.id)])) {
          const list = lists.get(w);
          if (list === undefined) lists.set(w, [p.index]);
          else list.push(p.index);
        }
      }
    }
    for (const [w, list] of lists) this.byWord.set(w, Int32Array.from(list));
    // The terms' order within a shape is the shop's own, the same in every run (as the catalog is).
    const rng = new Sfc32(0x5ea7c4, 0x7e2a5, 0x0b5e55, 0x2024);
    const terms: Query[][] = [];
    const popularity: Discrete[] = [];
    for (const category of catalog.categories) {
      const weights = new Map<string, number>();
      for (const shape of QUERY_SHAPES) {
        // The category's common terms are listed most searched first; the built ones get an order of their own.
        const built = termsOf(category, shape);
        const shaped = shape === 'common' ? [...new Set(built)] : shuffled(built, rng);
        let total = 0;
        for (let k = 0; k < shaped.length; k++) total += 1 / (k + 1) ** search.termSkew;
        for (const [k, text] of shaped.entries()) {
          const w = (search.queries[shape] * (1 / (k + 1) ** search.termSkew)) / total;
          weights.set(text, (weights.get(text) ?? 0) + w);
        }
      }
      terms.push([...weights.keys()].map((text) => new Term(text, this)));
      popularity.push(new Discrete([...weights.values()]));
    }
    this.terms = terms;
    this.popularity = popularity;
  }

  /** A search in category `category`: a term by popularity, now and then misspelt. */
  draw(rng: Rng, category: number): Query {
    const query = this.terms[category]![this.popularity[category]!.sample(rng)]!;
    if (rng.next() >= this.misspelt) return query;
    const text = misspell(query.text, rng);
    return text === query.text ? query : new Term(text, this, this.match(text));
  }

  /** The products matching every word of `text`. */
  match(text: string): Int32Array {
    let found: Int32Array | null = null;
    for (const w of words(text)) {
      const list = this.byWord.get(w);
      if (list === undefined) return NONE;
      found = found === null ? list : intersect(found, list);
      if (found.length === 0) return NONE;
    }
    return found ?? NONE;
  }
}

/**
 * A term and its matches, found when first asked for: most of a category's thousands of terms
 * are drawn late or never, and finding them all took a fifth of building the shop at start-up.
 */
class Term implements Query {
  readonly text: string;
  private readonly index: SearchIndex;
  private found: Int32Array | null;
  readonly inStockCount = new StockCount();

  constructor(text: string, index: SearchIndex, found: Int32Array | null = null) {
    this.text = text;
    this.index = index;
    this.found = found;
  }

  get matches(): Int32Array {
    return (this.found ??= this.index.match(this.text));
  }
}

function termsOf(c: Category, shape: QueryShape): string[] {
  const kinds = [...new Set(c.items.map(([item]) => shortKind(item)))].filter((k) => k.length > 0);
  const brands = c.brands.map(typed);
  const qualifiers = c.qualifiers.map(typed);
  const each = (xs: readonly string[], ys: readonly string[]): string[] => xs.flatMap((x) => ys.map((y) => `${x} ${y}`));
  switch (shape) {
    case 'common':
      return c.searchTerms.map(typed);
    case 'kind':
      return [...new Set([...kinds, ...c.items.map(([item]) => typed(item))])];
    case 'qualified':
      return each(qualifiers, kinds);
    case 'branded':
      return each(brands, kinds);
    case 'brand':
      return brands;
    case 'department':
      return [...new Set([typed(c.title), typed(c.title).split(' ')[0]!])];
    case 'long':
      return each(brands, each(qualifiers, kinds));
    case 'colour':
      return each(VARIANT_COLOURS.map(typed), kinds);
  }
}

function shuffled(xs: string[], rng: Rng): string[] {
  const out = [...new Set(xs.filter((x) => x.length > 0))];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The slip of a hurried typist in one word of four letters or more (never its first letter): two letters swapped, one dropped or one doubled. */
function misspell(text: string, rng: Rng): string {
  const parts = text.split(' ');
  const long = parts.flatMap((w, k) => (w.length >= 4 ? [k] : []));
  if (long.length === 0) return text;
  const k = long[rng.int(long.length)]!;
  const w = parts[k]!;
  const i = 1 + rng.int(w.length - 2);
  switch (rng.int(3)) {
    case 0:
      parts[k] = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
      break;
    case 1:
      parts[k] = w.slice(0, i) + w.slice(i + 1);
      break;
    default:
      parts[k] = w.slice(0, i + 1) + w.slice(i);
  }
  return parts.join(' ');
}

/** Indices in both ascending lists. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return Int32Array.from(out);
}
