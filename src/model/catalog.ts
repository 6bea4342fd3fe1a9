import { BEHAVIOUR, DEVICE_TYPES, type Behaviour } from './behaviour.ts';
import { Discrete, zipfWeights } from './distributions.ts';
import { Sfc32, type Rng } from './rng.ts';

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly priceCents: number;
  /**
   * category × PRODUCTS_PER_CATEGORY + popularity rank: the same in every run, as the
   * catalog is; other layers key what they keep per product by it.
   */
  readonly index: number;
}

export interface Category {
  readonly id: string;
  readonly title: string;
  readonly brands: readonly string[];
  readonly qualifiers: readonly string[];
  /** Kinds of product with their price range in whole currency units: a yoga mat is not priced like a tent. */
  readonly items: ReadonlyArray<readonly [name: string, minPrice: number, maxPrice: number]>;
  readonly searchTerms: readonly string[];
}

export const CATEGORIES: readonly Category[] = [
  {
    id: 'electronics',
    title: 'Electronics',
    brands: ['Voltra', 'Nimbus', 'Arcwave', 'Pixelon', 'Sonique', 'Kestrel'],
    qualifiers: ['Wireless', 'Noise-Cancelling', 'Ultra HD', 'Smart', 'Portable', 'Pro', 'Compact', 'Gaming'],
    items: [
      ['Headphones', 29, 399],
      ['Earbuds', 19, 299],
      ['Laptop 14-inch', 499, 2499],
      ['Tablet 11-inch', 199, 1099],
      ['Smartwatch', 99, 799],
      ['Bluetooth Speaker', 29, 399],
      ['4K Monitor', 199, 1299],
      ['Mechanical Keyboard', 49, 249],
      ['Webcam', 29, 199],
      ['Power Bank', 19, 99],
      ['Action Camera', 99, 499],
      ['E-Reader', 89, 279],
    ],
    searchTerms: [
      'wireless headphones',
      'laptop',
      'usb c charger',
      'smartwatch',
      'bluetooth speaker',
      '4k monitor',
      'gaming keyboard',
      'noise cancelling earbuds',
      'tablet',
      'power bank',
    ],
  },
  {
    id: 'clothing',
    title: 'Clothing',
    brands: ['Northpine', 'Loomwell', 'Urban Thread', 'Saltmarsh', 'Everlane Row'],
    qualifiers: ['Organic Cotton', 'Slim Fit', 'Relaxed', 'Waterproof', 'Merino', 'Classic', 'Lightweight'],
    items: [
      ['T-Shirt', 9, 49],
      ['Hoodie', 29, 119],
      ['Denim Jeans', 39, 179],
      ['Rain Jacket', 59, 249],
      ['Sweater', 39, 189],
      ['Chinos', 34, 129],
      ['Running Shorts', 19, 69],
      ['Wool Socks', 9, 29],
      ['Parka', 119, 249],
      ['Linen Shirt', 29, 99],
    ],
    searchTerms: ['hoodie', 'rain jacket', 'jeans', 'merino sweater', 'running shorts', 'winter coat', 'linen shirt', 'socks'],
  },
  {
    id: 'home',
    title: 'Home & Kitchen',
    brands: ['Hearthly', 'Casa Nova', 'Oakridge', 'Brightnest', 'Kitchora'],
    qualifiers: ['Stainless Steel', 'Non-Stick', 'Ceramic', 'Programmable', 'Bamboo', 'Cordless', 'Glass'],
    items: [
      ['Coffee Maker', 29, 349],
      ['Chef Knife', 19, 199],
      ['Frying Pan', 19, 149],
      ['Blender', 39, 399],
      ['Air Fryer', 59, 249],
      ['Bed Sheet Set', 29, 199],
      ['Desk Lamp', 19, 129],
      ['Vacuum Cleaner', 79, 699],
      ['Dinnerware Set', 39, 249],
      ['Storage Bins', 9, 59],
    ],
    searchTerms: ['air fryer', 'coffee maker', 'knife set', 'frying pan', 'vacuum', 'bed sheets', 'desk lamp', 'blender'],
  },
  {
    id: 'sports',
    title: 'Sports & Outdoors',
    brands: ['Trailhead', 'Summitry', 'Pacewell', 'Ridgeline', 'Aquaform'],
    qualifiers: ['Ultralight', 'Insulated', 'Adjustable', 'Trail', 'Foldable', 'All-Weather'],
    items: [
      ['Yoga Mat', 15, 129],
      ['Running Shoes', 59, 229],
      ['Camping Tent', 79, 599],
      ['Water Bottle', 9, 49],
      ['Dumbbell Set', 29, 349],
      ['Hiking Backpack', 49, 299],
      ['Bike Helmet', 29, 199],
      ['Sleeping Bag', 39, 299],
      ['Resistance Bands', 9, 49],
    ],
    searchTerms: ['running shoes', 'yoga mat', 'tent', 'water bottle', 'dumbbells', 'hiking backpack', 'bike helmet'],
  },
  {
    id: 'books',
    title: 'Books',
    brands: ['Lanternhouse', 'Quill & Co', 'Meridian Press', 'Papertrail'],
    qualifiers: ['Illustrated', 'Hardcover', 'Paperback', "Collector's Edition", 'Annotated'],
    items: [
      ['Cookbook', 14, 49],
      ['Mystery Novel', 7, 29],
      ['Science Fiction Saga', 9, 59],
      ['Travel Guide', 12, 34],
      ['Biography', 12, 39],
      ['Programming Handbook', 24, 59],
      ['Poetry Collection', 7, 29],
      ['History of Maps', 19, 59],
    ],
    searchTerms: ['cookbook', 'mystery novel', 'science fiction', 'travel guide', 'biography', 'programming book'],
  },
  {
    id: 'beauty',
    title: 'Beauty & Personal Care',
    brands: ['Dewdrop', 'Purelle', 'Botanika', 'Glowhaus'],
    qualifiers: ['Hydrating', 'Fragrance-Free', 'Vitamin C', 'Travel Size', 'Gentle', 'Matte'],
    items: [
      ['Face Serum', 12, 89],
      ['Moisturizer', 9, 69],
      ['Sunscreen SPF 50', 7, 39],
      ['Shampoo', 5, 39],
      ['Electric Toothbrush', 29, 149],
      ['Hair Dryer', 24, 149],
      ['Lip Balm', 3, 14],
      ['Cleanser', 6, 39],
    ],
    searchTerms: ['sunscreen', 'face serum', 'moisturizer', 'shampoo', 'electric toothbrush', 'hair dryer'],
  },
  {
    id: 'toys',
    title: 'Toys & Games',
    brands: ['Playwright Toys', 'Brickwise', 'Tinkerloop', 'Jollyjam'],
    qualifiers: ['Educational', 'Wooden', 'Deluxe', 'Family', 'Remote-Control', 'Puzzle'],
    items: [
      ['Building Blocks Set', 14, 199],
      ['Board Game', 14, 69],
      ['Jigsaw Puzzle 1000 pcs', 9, 39],
      ['RC Car', 24, 149],
      ['Plush Bear', 9, 49],
      ['Science Kit', 19, 79],
      ['Card Game', 7, 29],
      ['Drone', 49, 199],
    ],
    searchTerms: ['board game', 'lego', 'puzzle', 'rc car', 'science kit', 'plush toy'],
  },
];

export const PRODUCTS_PER_CATEGORY = 240;
/** Share of shopping by category, in the order of CATEGORIES. */
const CATEGORY_POPULARITY = [0.26, 0.2, 0.16, 0.12, 0.09, 0.1, 0.07];
/** Popularity within a category falls off like 1/rank^s (a long tail of rarely seen products). */
export const ZIPF_EXPONENT = 1.05;

/** What a shop sells: its categories (each with its share of shopping), how many products each has, how steep popularity falls. */
export interface CatalogSpec {
  readonly categories: readonly (Category & { readonly share: number })[];
  readonly productsPerCategory: number;
  /** Popularity within a category falls off like 1/rank^popularitySkew. */
  readonly popularitySkew: number;
}

export const DEFAULT_CATALOG: CatalogSpec = {
  categories: CATEGORIES.map((c, k) => ({ ...c, share: CATEGORY_POPULARITY[k]! })),
  productsPerCategory: PRODUCTS_PER_CATEGORY,
  popularitySkew: ZIPF_EXPONENT,
};

/**
 * The store's catalog. It is the same in every run (its own fixed seed), so product ids
 * mean the same thing across runs and seeds.
 */
export class Catalog {
  readonly categories: readonly Category[];
  readonly productsPerCategory: number;
  /** products[c][rank]: rank 0 is the most popular product of category c. */
  readonly products: readonly (readonly Product[])[];
  /** Products at list price: categories × productsPerCategory. A discounted copy's index is `level × listed + index`. */
  readonly listed: number;
  /** Every `Product.index` is below this (discounted copies included). */
  readonly productCount: number;
  /** discounted[level - 1][index]: the product at a flash sale's price. */
  private readonly discounted: readonly (readonly Product[])[];
  private readonly popularity: Discrete;
  private readonly categoryPopularity: Discrete;
  /** Category popularity as each device type (DEVICE_TYPES) sees it. */
  private readonly deviceCategories: readonly Discrete[];

  /** `discounts`: shares off of the run's flash sales; each gives every product a copy at that price (see `priced`). */
  constructor(spec: CatalogSpec = DEFAULT_CATALOG, behaviour: Behaviour = BEHAVIOUR, discounts: readonly number[] = []) {
    this.categories = spec.categories;
    this.productsPerCategory = spec.productsPerCategory;
    const rng = new Sfc32(0x5eed, 0xca7a, 0x1065, 0x2024);
    // Price endings from a stream of their own: names, ids and whole prices stay as they were.
    const endings = new Sfc32(0xe0d5, 0x0099, 0x0095, 0x2026);
    this.products = spec.categories.map((c, k) => buildCategory(c, k, spec.productsPerCategory, rng, endings));
    this.popularity = new Discrete(zipfWeights(spec.productsPerCategory, spec.popularitySkew));
    const shares = spec.categories.map((c) => c.share);
    this.categoryPopularity = new Discrete(shares);
    // A category the device's tilt does not list is not tilted.
    this.deviceCategories = DEVICE_TYPES.map((d) => new Discrete(shares.map((p, k) => p * (behaviour.device[d].categoryTilt[k] ?? 1))));
    this.listed = spec.categories.length * spec.productsPerCategory;
    this.productCount = this.listed * (1 + discounts.length);
    this.discounted = discounts.map((off, k) =>
      this.products
        .flat()
        .map((p) => ({ ...p, priceCents: Math.max(1, Math.round(p.priceCents * (1 - off))), index: (k + 1) * this.listed + p.index })),
    );
  }

  /** `p` at the price of discount level `level` (0: its list price). */
  priced(p: Product, level: number): Product {
    return level === 0 ? p : this.discounted[level - 1]![p.index % this.listed]!;
  }

  /** A category by popularity; on a device type (DEVICE_TYPES index), by that device's tilt of it. */
  drawCategory(rng: Rng, device = -1): number {
    return (device < 0 ? this.categoryPopularity : this.deviceCategories[device]!).sample(rng);
  }

  /** A product drawn by the shop's popularity (category, then rank). */
  popular(rng: Rng): Product {
    return this.drawProduct(rng, this.drawCategory(rng));
  }

  /** The product with this `Product.index`. */
  byIndex(index: number): Product {
    if (index >= this.listed) return this.discounted[Math.floor(index / this.listed) - 1]![index % this.listed]!;
    return this.products[Math.floor(index / this.productsPerCategory)]![index % this.productsPerCategory]!;
  }

  drawProduct(rng: Rng, category: number): Product {
    return this.products[category]![this.popularity.sample(rng)]!;
  }
}

/** Colours that tell apart products of the same name. */
export const VARIANT_COLOURS = ['Black', 'White', 'Blue', 'Grey', 'Green', 'Red'] as const;

/**
 * How shop prices end, in cents: .99 most often, but also .95, whole amounts, .49 and .50. Under
 * half of the catalog ends in .99, so that the views, which favour the popular products, stay
 * at most 60% .99 whichever products the seed makes popular.
 */
const PRICE_ENDINGS = [99, 95, 0, 49, 50] as const;
const PRICE_ENDING = new Discrete([0.46, 0.14, 0.2, 0.13, 0.07]);

function buildCategory(c: Category, categoryIndex: number, count: number, rng: Rng, endings: Rng): Product[] {
  const names = new Set<string>();
  const products: Product[] = [];
  // Four-digit ids in a shuffled order so popular products do not all have low ids.
  const ids = Array.from({ length: 9000 }, (_, i) => 1000 + i);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  while (products.length < count) {
    const [item, min, max] = c.items[rng.int(c.items.length)]!;
    const name = `${c.brands[rng.int(c.brands.length)]} ${c.qualifiers[rng.int(c.qualifiers.length)]} ${item}`;
    const variant = names.has(name) ? `${name} (${VARIANT_COLOURS[rng.int(VARIANT_COLOURS.length)]})` : name;
    if (names.has(variant)) continue;
    names.add(variant);
    // Log-uniform within the item's range, with an ending as shops price them.
    const whole = Math.floor(Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min))));
    const index = categoryIndex * count + products.length;
    const cents = PRICE_ENDINGS[PRICE_ENDING.pick(endings.next())]!;
    products.push({ id: `prod_${c.id}_${ids[products.length]}`, name: variant, category: c.id, priceCents: whole * 100 + cents, index });
  }
  return products;
}
