import type { Episodes } from './episodes.ts';
import { mix32 } from './rng.ts';

const DAY_MS = 86_400_000;
/** Salts of the two independent draws per product and day. */
const SHELF = 0x51f0c4;
const SALE = 0xa7e5a1;

/** Uniform in [0, 1) from (product, day, salt): the same in every lane, shard and seed, as the catalog is. */
function unit(product: number, day: number, salt: number): number {
  return mix32((Math.imul(product, 0x9e3779b1) ^ mix32((day + salt) | 0)) >>> 0) / 4294967296;
}

/** A count of `Stock.countInStock`, kept with the list it counted. */
export class StockCount {
  stock: Stock | null = null;
  day = Number.NaN;
  count = 0;
}

/**
 * Whether a product is in stock: a state of the shop, not a draw per view. A product is out
 * for whole UTC days (`1 − inStock` of them, by a hash of product and day), so every view,
 * lane and shard agrees and stock changes only at midnight. A flash sale sells out products
 * from its start to the end of the day (shelves are refilled overnight), only ones that were
 * in stock the evening before: a product's stock still changes at most once a day.
 */
export class Stock {
  private readonly inStockShare: number;
  private readonly listed: number;
  private readonly episodes: Episodes | null;

  /** `listed`: products at list price (`Catalog.listed`): a sale's discounted copy is the same product. */
  constructor(inStock: number, listed: number, episodes: Episodes) {
    this.inStockShare = inStock;
    this.listed = listed;
    this.episodes = episodes.hasStockOuts ? episodes : null;
  }

  /**
   * How many of `products` (`Product.index`) are in stock at `ms`. Without stock-out episodes
   * stock changes only at midnight, so the count is kept in `memo` for the rest of the day:
   * a search lists a term's matches, a score of products, and popular terms come again.
   */
  countInStock(products: Int32Array, ms: number, memo: StockCount): number {
    const day = Math.floor(ms / DAY_MS);
    if (this.episodes === null && memo.stock === this && memo.day === day) return memo.count;
    let count = 0;
    for (let k = 0; k < products.length; k++) if (this.inStock(products[k]!, ms)) count++;
    memo.stock = this;
    memo.day = day;
    memo.count = count;
    return count;
  }

  /** Whether the product with this `Product.index` is in stock at `ms`. */
  inStock(index: number, ms: number): boolean {
    return this.at(index % this.listed, ms);
  }

  private at(product: number, ms: number): boolean {
    const day = Math.floor(ms / DAY_MS);
    if (unit(product, day, SHELF) >= this.inStockShare) return false;
    if (this.episodes === null) return true;
    const sale = this.episodes.soldOut(ms);
    if (sale === 0) return true;
    const u = unit(product, day, SALE);
    const midnight = this.episodes.soldOut(day * DAY_MS);
    if (midnight > 0) {
      // A sale running through midnight keeps its share of the shelves empty from the start of
      // the day; what more it sells later (a bigger sale) is of products on the shelf last evening.
      if (u < midnight) return false;
      return u >= sale || this.at(product, day * DAY_MS - 1) === false;
    }
    // ~inStock of the products in stock today were in stock last evening too: selling out
    // sale / inStock of them leaves inStock × (1 − sale) in stock, the share the sale asks.
    return u >= sale / this.inStockShare || !this.at(product, day * DAY_MS - 1);
  }
}
