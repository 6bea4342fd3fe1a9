import type { Product } from './catalog.ts';
import { lognormalWithMean } from './distributions.ts';
import { T } from './event-types.ts';
import { PAYMENT_METHODS, type PaymentMethod } from './behaviour.ts';
import { BOT_VARIANT, firstType, nextType, redrawFree, variantIndex, type CompiledJourney, type SegmentJourney } from './journey.ts';
import type { Referrer } from './referrers.ts';
import type { ShopModel } from './shop.ts';
import { S } from './segments.ts';
import { Sfc32 } from './rng.ts';
import type { UserPool, UserRef } from './users.ts';

export interface CartLine {
  readonly product: Product;
  quantity: number;
}

/** The cart of a session that has none: shared, never changed (a cart is made on the first add). */
export const NO_CART: readonly CartLine[] = Object.freeze([]);
/** Shared by the many sessions that see nothing out of stock; a session makes its own list on the first. */
const NO_PRODUCTS: readonly number[] = Object.freeze([]);

/**
 * One visit, and its own random stream: a session extends the generator rather than holding
 * one, as one object per session instead of two matters when a run keeps a million open.
 */
export class Session extends Sfc32 {
  readonly seq: number;
  readonly user: UserRef;
  readonly segment: number;
  /** The journey this session walks: `variantIndex(segment, device type, channel)`. */
  readonly variant: number;
  readonly referrer: Referrer;
  readonly startMs: number;
  /** The session's time budget ends here: no event may be later. */
  readonly plannedEndMs: number;
  /** Mean dwell between events for this session. */
  readonly dwellMeanMs: number;
  /** The pending event: its type and time. */
  type = 0;
  timeMs: number;
  /** Events emitted so far. */
  count = 0;
  /** Every session starts logged out, so a logout always follows a login seen in the same session. */
  loggedIn = false;
  /** The user's cart: what they left in it last time (see `UserPool.takeCart`), or `NO_CART` until the first add_to_cart. */
  cart: CartLine[] = NO_CART as CartLine[];
  /** An order begun at checkout and not yet completed (cleared when the cart changes). */
  orderId: string | null = null;
  /** Whether this session added to the cart. */
  added = false;
  /** Whether the user has an account (made before, or in this session). */
  hasAccount = false;
  /** A product the user bought and has not reviewed (`Product.index`), or -1. */
  toReview = -1;
  /** page_view events so far: the first is the landing page. */
  pageViews = 0;
  /** The type of the event before the pending one, or -1 before the first. */
  prevType = -1;
  /** The payment method chosen at the latest begin_checkout. */
  paymentMethod: PaymentMethod = PAYMENT_METHODS[0];
  /** A crawler of a bot wave, not a shopper (events do not say so; the answer key does). */
  bot = false;
  lastProduct: Product | null = null;
  /** Products (`Product.index` at list price) this session was shown out of stock: it does not try to buy them. */
  outOfStock: number[] = NO_PRODUCTS as number[];
  /** Whether the latest search found nothing. */
  searchEmpty = false;
  interest = 0;
  wishlist = 0;
  /** Dwell drawn by the latest `advance`: time on the current page. */
  dwellMs = 0;

  constructor(
    seq: number,
    user: UserRef,
    segment: number,
    variant: number,
    referrer: Referrer,
    rng: Sfc32,
    startMs: number,
    budgetMs: number,
    dwellMeanMs: number,
  ) {
    super(0, 0, 0, 0, 0); // no rounds: the state is `rng`'s, already mixed
    this.adoptState(rng);
    this.seq = seq;
    this.user = user;
    this.segment = segment;
    this.variant = variant;
    this.referrer = referrer;
    this.startMs = startMs;
    this.plannedEndMs = startMs + budgetMs;
    this.dwellMeanMs = dwellMeanMs;
    this.timeMs = startMs;
  }

  /** `sess_<start second>_<user id>`: made when asked rather than kept, as sessions are many. */
  get id(): string {
    return 'sess_' + Math.floor(this.startMs / 1000) + '_' + this.user.id;
  }

  /** The session's random stream: the session itself. */
  get rng(): Sfc32 {
    return this;
  }
}

/** Dwell factor and log-space spread by event type (see `Behaviour.dwell`). */
/** Dwell times never go below this. */
export const MIN_DWELL_MS = 500;
/**
 * Nor above this: a page left open longer is a new visit when the user comes back (the usual
 * 30-minute sessionization timeout), so a session never holds such a gap.
 */
export const MAX_DWELL_MS = 29 * 60_000;
/**
 * Share of its time budget that an average session of its segment fills. Dwell means are set
 * from the budget, so sessions with bigger budgets browse more slowly, and mean durations keep
 * the segments' ratios; the small share keeps budget cuts rare so journeys end by their own
 * exits and the pinned transitions hold as measured next-event probabilities.
 */
export const BUDGET_FILL = 0.14;
/** A crawler's time on a page: it reads nothing. */
const BOT_DWELL_MS = 1500;

export function newSession(
  seq: number,
  user: UserRef,
  segment: number,
  referrer: Referrer,
  rng: Sfc32,
  startMs: number,
  budgetMs: number,
  journeys: CompiledJourney,
  model: ShopModel,
  pool: UserPool,
  bot = false,
): Session {
  const catalog = model.catalog;
  const variant = bot ? BOT_VARIANT : variantIndex(segment, user.device.typeIndex, referrer.channel);
  const journey = journeys.variants[variant]!;
  const pace = journeys.pace[user.device.typeIndex]!;
  const dwellMeanMs = bot ? BOT_DWELL_MS : (pace * BUDGET_FILL * budgetMs) / (journey.dwellGaps * journey.dwellNorm);
  // The user as the shop knows them: their cart from last time, their account, a purchase to review.
  const cart = pool.takeCart(user, startMs);
  let fitted = model.referrers.fit(referrer, cart !== undefined, segment, startMs);
  const episodes = model.episodes;
  if (episodes.campaigns.length > 0) {
    const campaign = episodes.campaign(startMs);
    if (campaign >= 0) fitted = model.referrers.tagged(fitted, campaign);
  }
  const session = new Session(seq, user, segment, variant, fitted, rng, startMs, budgetMs, dwellMeanMs);
  session.bot = bot;
  if (cart !== undefined) session.cart = cart;
  session.hasAccount = pool.hasAccount(user);
  session.toReview = pool.productToReview(user);
  // From here the session draws from its own copy of `rng`'s stream.
  session.interest = catalog.drawCategory(session, user.device.typeIndex);
  let type = firstType(journey, session.next());
  for (let tries = 0; !isPossible(session, type); tries++) type = tries < MAX_REDRAWS ? firstType(journey, session.next()) : T.PAGE_VIEW;
  session.type = type;
  return session;
}

/** Whether `type` can happen now (a cart to check out, a login to log out of, ...). */
export function isPossible(session: Session, type: number): boolean {
  switch (type) {
    case T.REMOVE_FROM_CART:
    case T.BEGIN_CHECKOUT:
      return session.cart.length > 0;
    case T.COMPLETE_CHECKOUT:
      return session.orderId !== null;
    case T.LOGOUT:
      return session.loggedIn;
    case T.LOGIN:
      return session.hasAccount && !session.loggedIn;
    case T.ACCOUNT_CREATE:
      return !session.hasAccount && !session.loggedIn;
    case T.REVIEW_WRITE:
      // Reviews are of something the user bought, never by a first-time visitor.
      return session.toReview >= 0 && session.segment !== S.NEW;
    default:
      return true;
  }
}

/** Redraws before giving up on a possible step and showing a page view (a session's first event). */
const MAX_REDRAWS = 8;
/**
 * Redraws of a next step before the session ends instead: the free steps that are possible
 * share the chance of the impossible ones in proportion, so this bound is reached only by a
 * row whose possible free steps are all but absent.
 */
const MAX_NEXT_REDRAWS = 64;

/**
 * Decide what follows the event just emitted: sets `session.dwellMs` (the time spent on the
 * current page) and returns the next type, or -1 when the session ends — by the journey's
 * exit, or because the next event would pass the time budget.
 */
export function advance(session: Session, journey: SegmentJourney): number {
  const rng = session.rng;
  const from = session.type;
  const u = rng.next();
  let next = nextType(journey, from, u);
  let free = u >= journey.pinnedMass[from]!;
  // A bounce takes the place of a free step after the first page, never of a pinned one.
  if (session.count === 1 && next >= 0 && free && journey.bounce > 0 && rng.next() < journey.bounce) next = -1;
  // Having just added to the cart, or back to a cart from an earlier visit, a shopper goes to
  // the checkout only so often of the times a free step would take them there (decided once
  // a step: 1 go, 0 not now); otherwise they do something else.
  let checkout = -1;
  // A search that found nothing leaves no product to click: the user searches again, browses or leaves.
  const noResults = from === T.SEARCH && session.searchEmpty;
  for (let tries = 0; next >= 0; tries++) {
    if (next === T.BEGIN_CHECKOUT && free && checkout < 0) {
      checkout = rng.next() < (session.added ? journey.checkoutAfterAdding : journey.checkoutOnReturn) ? 1 : 0;
    }
    const wanted = next === T.BEGIN_CHECKOUT && free ? checkout === 1 : !(noResults && next === T.PRODUCT_VIEW);
    if (wanted && isPossible(session, next)) break;
    next = tries < MAX_NEXT_REDRAWS ? redrawFree(journey, from, rng.next()) : -1;
    free = true;
  }
  const buying = next === T.ADD_TO_CART || next === T.BEGIN_CHECKOUT;
  const factor = journey.dwellFactor[from]! * (buying ? journey.deliberation : 1);
  const drawn = lognormalWithMean(rng, session.dwellMeanMs * factor, journey.dwellSigma[from]!);
  const dwellMs = Math.min(MAX_DWELL_MS, Math.max(MIN_DWELL_MS, Math.round(drawn)));
  session.dwellMs = dwellMs;
  // A decision to buy is carried out even past the plan: nobody drops what they chose to add,
  // or the payment they began, because their browsing time is up (and the seed's pinned
  // transitions into add_to_cart, begin_checkout and complete_checkout hold, deliberation's
  // long pages notwithstanding).
  if (next < 0 || (session.timeMs + dwellMs > session.plannedEndMs && !buying && next !== T.COMPLETE_CHECKOUT)) return -1;
  return next;
}

export function cartValueCents(session: Session): number {
  let total = 0;
  for (const line of session.cart) total += line.product.priceCents * line.quantity;
  return total;
}

export function cartItemCount(session: Session): number {
  let n = 0;
  for (const line of session.cart) n += line.quantity;
  return n;
}
