import { Discrete, zipfWeights } from './distributions.ts';
import { Sfc32, type Rng } from './rng.ts';

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly priceCents: number;
}

export interface Category {
  readonly id: string;
  readonly title: string;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly brands: readonly string[];
  readonly qualifiers: readonly string[];
  readonly items: readonly string[];
  readonly searchTerms: readonly string[];
}

export const CATEGORIES: readonly Category[] = [
  {
    id: 'electronics', title: 'Electronics', minPrice: 14.99, maxPrice: 2499.99,
    brands: ['Voltra', 'Nimbus', 'Arcwave', 'Pixelon', 'Sonique', 'Kestrel'],
    qualifiers: ['Wireless', 'Noise-Cancelling', 'Ultra HD', 'Smart', 'Portable', 'Pro', 'Compact', 'Gaming'],
    items: ['Headphones', 'Earbuds', 'Laptop 14-inch', 'Tablet 11-inch', 'Smartwatch', 'Bluetooth Speaker', '4K Monitor', 'Mechanical Keyboard', 'Webcam', 'Power Bank', 'Action Camera', 'E-Reader'],
    searchTerms: ['wireless headphones', 'laptop', 'usb c charger', 'smartwatch', 'bluetooth speaker', '4k monitor', 'gaming keyboard', 'noise cancelling earbuds', 'tablet', 'power bank'],
  },
  {
    id: 'clothing', title: 'Clothing', minPrice: 9.99, maxPrice: 249.99,
    brands: ['Northpine', 'Loomwell', 'Urban Thread', 'Saltmarsh', 'Everlane Row'],
    qualifiers: ['Organic Cotton', 'Slim Fit', 'Relaxed', 'Waterproof', 'Merino', 'Classic', 'Lightweight'],
    items: ['T-Shirt', 'Hoodie', 'Denim Jeans', 'Rain Jacket', 'Sweater', 'Chinos', 'Running Shorts', 'Wool Socks', 'Parka', 'Linen Shirt'],
    searchTerms: ['hoodie', 'rain jacket', 'jeans', 'merino sweater', 'running shorts', 'winter coat', 'linen shirt', 'socks'],
  },
  {
    id: 'home', title: 'Home & Kitchen', minPrice: 4.99, maxPrice: 899.99,
    brands: ['Hearthly', 'Casa Nova', 'Oakridge', 'Brightnest', 'Kitchora'],
    qualifiers: ['Stainless Steel', 'Non-Stick', 'Ceramic', 'Programmable', 'Bamboo', 'Cordless', 'Glass'],
    items: ['Coffee Maker', 'Chef Knife', 'Frying Pan', 'Blender', 'Air Fryer', 'Bed Sheet Set', 'Desk Lamp', 'Vacuum Cleaner', 'Dinnerware Set', 'Storage Bins'],
    searchTerms: ['air fryer', 'coffee maker', 'knife set', 'frying pan', 'vacuum', 'bed sheets', 'desk lamp', 'blender'],
  },
  {
    id: 'sports', title: 'Sports & Outdoors', minPrice: 9.99, maxPrice: 599.99,
    brands: ['Trailhead', 'Summitry', 'Pacewell', 'Ridgeline', 'Aquaform'],
    qualifiers: ['Ultralight', 'Insulated', 'Adjustable', 'Trail', 'Foldable', 'All-Weather'],
    items: ['Yoga Mat', 'Running Shoes', 'Camping Tent', 'Water Bottle', 'Dumbbell Set', 'Hiking Backpack', 'Bike Helmet', 'Sleeping Bag', 'Resistance Bands'],
    searchTerms: ['running shoes', 'yoga mat', 'tent', 'water bottle', 'dumbbells', 'hiking backpack', 'bike helmet'],
  },
  {
    id: 'books', title: 'Books', minPrice: 4.99, maxPrice: 59.99,
    brands: ['Lanternhouse', 'Quill & Co', 'Meridian Press', 'Papertrail'],
    qualifiers: ['Illustrated', 'Hardcover', 'Paperback', 'Collector\'s Edition', 'Annotated'],
    items: ['Cookbook', 'Mystery Novel', 'Science Fiction Saga', 'Travel Guide', 'Biography', 'Programming Handbook', 'Poetry Collection', 'History of Maps'],
    searchTerms: ['cookbook', 'mystery novel', 'science fiction', 'travel guide', 'biography', 'programming book'],
  },
  {
    id: 'beauty', title: 'Beauty & Personal Care', minPrice: 3.99, maxPrice: 149.99,
    brands: ['Dewdrop', 'Purelle', 'Botanika', 'Glowhaus'],
    qualifiers: ['Hydrating', 'Fragrance-Free', 'Vitamin C', 'Travel Size', 'Gentle', 'Matte'],
    items: ['Face Serum', 'Moisturizer', 'Sunscreen SPF 50', 'Shampoo', 'Electric Toothbrush', 'Hair Dryer', 'Lip Balm', 'Cleanser'],
    searchTerms: ['sunscreen', 'face serum', 'moisturizer', 'shampoo', 'electric toothbrush', 'hair dryer'],
  },
  {
    id: 'toys', title: 'Toys & Games', minPrice: 4.99, maxPrice: 199.99,
    brands: ['Playwright Toys', 'Brickwise', 'Tinkerloop', 'Jollyjam'],
    qualifiers: ['Educational', 'Wooden', 'Deluxe', 'Family', 'Remote-Control', 'Puzzle'],
    items: ['Building Blocks Set', 'Board Game', 'Jigsaw Puzzle 1000 pcs', 'RC Car', 'Plush Bear', 'Science Kit', 'Card Game', 'Drone'],
    searchTerms: ['board game', 'lego', 'puzzle', 'rc car', 'science kit', 'plush toy'],
  },
];

export const PRODUCTS_PER_CATEGORY = 240;
/** Popularity within a category falls off like 1/rank^s (a long tail of rarely seen products). */
export const ZIPF_EXPONENT = 1.05;

/**
 * The store's catalog. It is the same in every run (its own fixed seed), so product ids
 * mean the same thing across runs and seeds.
 */
export class Catalog {
  readonly categories: readonly Category[];
  /** products[c][rank]: rank 0 is the most popular product of category c. */
  readonly products: readonly (readonly Product[])[];
  private readonly popularity: Discrete;
  private readonly categoryPopularity: Discrete;

  constructor() {
    this.categories = CATEGORIES;
    const rng = new Sfc32(0x5eed, 0xca7a, 0x1065, 0x2024);
    this.products = CATEGORIES.map((c) => buildCategory(c, rng));
    this.popularity = new Discrete(zipfWeights(PRODUCTS_PER_CATEGORY, ZIPF_EXPONENT));
    this.categoryPopularity = new Discrete([0.26, 0.2, 0.16, 0.12, 0.09, 0.1, 0.07]);
  }

  drawCategory(rng: Rng): number {
    return this.categoryPopularity.sample(rng);
  }

  drawProduct(rng: Rng, category: number): Product {
    return this.products[category]![this.popularity.sample(rng)]!;
  }
}

function buildCategory(c: Category, rng: Rng): Product[] {
  const names = new Set<string>();
  const products: Product[] = [];
  // Four-digit ids in a shuffled order so popular products do not all have low ids.
  const ids = Array.from({ length: 9000 }, (_, i) => 1000 + i);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const logMin = Math.log(c.minPrice);
  const logMax = Math.log(c.maxPrice);
  while (products.length < PRODUCTS_PER_CATEGORY) {
    const name = `${c.brands[rng.int(c.brands.length)]} ${c.qualifiers[rng.int(c.qualifiers.length)]} ${c.items[rng.int(c.items.length)]}`;
    const variant = names.has(name) ? `${name} (${['Black', 'White', 'Blue', 'Grey', 'Green', 'Red'][rng.int(6)]})` : name;
    if (names.has(variant)) continue;
    names.add(variant);
    // Log-uniform prices ending in .99, as shops price them.
    const raw = Math.exp(logMin + rng.next() * (logMax - logMin));
    const priceCents = Math.max(Math.round(c.minPrice * 100), Math.floor(raw) * 100 + 99);
    products.push({ id: `prod_${c.id}_${ids[products.length]}`, name: variant, category: c.id, priceCents });
  }
  return products;
}
