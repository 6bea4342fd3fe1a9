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

/**
 * Whether a product is in stock, as the shop's state rather than a draw per view: each product
 * is out of stock for whole UTC days (`1 − inStock` of them, by a hash of product and day), so
 * every view, lane and shard of a day agrees and the stock changes at most at midnight. A flash
 * sale sells products out from its start to the end of the day (shelves are refilled overnight):
 * only products in stock the evening before, so a product's stock still changes at most once a
 * day, and as many more of them that the sale's `stockOut` share of views finds shelves empty.
 */
export class Stock {
  private readonly inStockShare: number;
  private readonly listed: number;
  private readonly episodes: Episodes | null;

  /** `listed`: products at list price (`Catalog.listed`): a sale's discounted copy is the same product. */
  constructor(inStock: number, listed: number, episodes: Episodes | null) {
    this.inStockShare = inStock;
    this.listed = listed;
    this.episodes = episodes !== null && episodes.hasStockOuts ? episodes : null;
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
    // Of the products a sale may sell out (in stock today and the evening before, ~inStock of
    // them), this share goes, so that `sale` of all views find the shelf empty.
    if (sale === 0 || unit(product, day, SALE) >= sale / this.inStockShare) return true;
    return !this.at(product, day * DAY_MS - 1);
  }
}
