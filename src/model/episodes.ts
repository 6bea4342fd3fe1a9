/**
 * Episodes: things that happen to the shop in simulated time. A flash sale brings more
 * traffic, tags the campaign sessions came from, cuts prices and empties shelves; an outage
 * stops traffic, and the visits it held back come in a burst after it; a bot wave adds
 * crawler sessions. Each is a window of the run's simulated time; outside every window the
 * shop is as it always is.
 */

export interface EpisodeSpec {
  readonly kind: 'flash_sale' | 'outage' | 'bot_wave';
  readonly name: string;
  /** When it begins (Unix ms), or null: then `afterSeconds` after the run's start. */
  readonly startMs: number | null;
  readonly afterSeconds: number | null;
  readonly durationSeconds: number;
  /** flash_sale: arrivals times this. */
  readonly traffic: number;
  /** flash_sale: utm_campaign of sessions with a campaign that start in the window. */
  readonly campaign: string | null;
  /** flash_sale: share off every price. */
  readonly discount: number;
  /** flash_sale: share of product views that find the product out of stock (besides the usual), from its start to the end of that day. */
  readonly stockOut: number;
  /** outage: the sessions it held back arrive in a burst after it. */
  readonly backlog: boolean;
  /** bot_wave: share of the sessions in the window that are crawlers. */
  readonly share: number;
}

/** A window of simulated time, `[fromMs, toMs)`, with what changes in it. */
interface Window {
  readonly fromMs: number;
  readonly toMs: number;
  /** Arrival rate multiplier. */
  readonly traffic: number;
  /** Index into `Episodes.campaigns`, or -1. */
  readonly campaign: number;
  /** Discount level (1 + index into `Episodes.discounts`), or 0. */
  readonly discountLevel: number;
  readonly stockOut: number;
  readonly botShare: number;
}

const DAY_MS = 86_400_000;

/** A burst after an outage lasts a third of it, from 5 minutes to an hour. */
function burstMs(outageMs: number): number {
  return Math.min(3_600_000, Math.max(300_000, outageMs / 3));
}

/** The episodes of a run, placed in time: what the lanes ask at each arrival and event. */
export class Episodes {
  readonly windows: readonly Window[];
  /** Campaign names of flash sales, in order of first appearance. */
  readonly campaigns: readonly string[];
  /** Distinct discounts (shares off), in order of first appearance. */
  readonly discounts: readonly number[];
  /** Highest arrival multiplier of any moment: the thinning's envelope grows by it. */
  readonly maxTraffic: number;
  readonly hasBots: boolean;
  readonly hasStockOuts: boolean;
  readonly hasOutages: boolean;

  constructor(specs: readonly EpisodeSpec[], runStartMs: number) {
    const campaigns: string[] = [];
    const discounts: number[] = [];
    const windows: Window[] = [];
    const plain = { traffic: 1, campaign: -1, discountLevel: 0, stockOut: 0, botShare: 0 };
    for (const e of specs) {
      const fromMs = e.startMs ?? runStartMs + (e.afterSeconds ?? 0) * 1000;
      const toMs = fromMs + e.durationSeconds * 1000;
      switch (e.kind) {
        case 'flash_sale': {
          if (e.campaign !== null && !campaigns.includes(e.campaign)) campaigns.push(e.campaign);
          if (e.discount > 0 && !discounts.includes(e.discount)) discounts.push(e.discount);
          windows.push({
            ...plain,
            fromMs,
            toMs,
            traffic: e.traffic,
            campaign: e.campaign === null ? -1 : campaigns.indexOf(e.campaign),
            discountLevel: e.discount > 0 ? 1 + discounts.indexOf(e.discount) : 0,
            stockOut: e.stockOut,
          });
          break;
        }
        case 'outage': {
          windows.push({ ...plain, fromMs, toMs, traffic: 0 });
          if (e.backlog) {
            const burst = burstMs(toMs - fromMs);
            // The held-back visits arrive over the burst on top of the usual ones.
            windows.push({ ...plain, fromMs: toMs, toMs: toMs + burst, traffic: 1 + (toMs - fromMs) / burst });
          }
          break;
        }
        case 'bot_wave':
          // Crawlers come on top of the shoppers: `share` of the sessions in the window.
          windows.push({ ...plain, fromMs, toMs, traffic: 1 / (1 - e.share), botShare: e.share });
          break;
      }
    }
    this.windows = windows;
    this.campaigns = campaigns;
    this.discounts = discounts;
    // Overlapping windows multiply: the envelope is the product of every traffic above 1.
    this.maxTraffic = windows.reduce((a, w) => a * Math.max(1, w.traffic), 1);
    this.hasBots = windows.some((w) => w.botShare > 0);
    this.hasStockOuts = windows.some((w) => w.stockOut > 0);
    this.hasOutages = windows.some((w) => w.traffic === 0);
  }

  /** Arrival multiplier at a moment. */
  traffic(ms: number): number {
    let m = 1;
    for (const w of this.windows) if (ms >= w.fromMs && ms < w.toMs) m *= w.traffic;
    return m;
  }

  /** Whether the shop is down at a moment (an outage): no visit starts, none goes on. */
  down(ms: number): boolean {
    for (const w of this.windows) if (w.traffic === 0 && ms >= w.fromMs && ms < w.toMs) return true;
    return false;
  }

  /** The flash-sale campaign running at a moment (index into `campaigns`), or -1. */
  campaign(ms: number): number {
    for (const w of this.windows) if (w.campaign >= 0 && ms >= w.fromMs && ms < w.toMs) return w.campaign;
    return -1;
  }

  /** The discount level at a moment: 0 for list prices, else 1 + index into `discounts`. */
  discountLevel(ms: number): number {
    for (const w of this.windows) if (w.discountLevel > 0 && ms >= w.fromMs && ms < w.toMs) return w.discountLevel;
    return 0;
  }

  /**
   * Share of products that flash sales have sold out at a moment (besides the usual stock-outs,
   * see `Stock`): from a sale's start to the end of the UTC day it ends on, as shelves are
   * refilled overnight. Within a day it only grows, so a product sold out stays out.
   */
  soldOut(ms: number): number {
    let share = 0;
    for (const w of this.windows) if (w.stockOut > share && ms >= w.fromMs && ms < Math.ceil(w.toMs / DAY_MS) * DAY_MS) share = w.stockOut;
    return share;
  }

  /** Share of sessions arriving at a moment that are crawlers. */
  botShare(ms: number): number {
    for (const w of this.windows) if (w.botShare > 0 && ms >= w.fromMs && ms < w.toMs) return w.botShare;
    return 0;
  }
}

export const NO_EPISODES = new Episodes([], 0);
