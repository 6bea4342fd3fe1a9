import {
  DEVICE_TYPES,
  LOGIN_METHODS,
  NEWSLETTER_SOURCES,
  PAGE,
  PAYMENT_METHODS,
  SIGNUP_METHODS,
  SUPPORT_CHANNELS,
  SUPPORT_TOPICS,
  type Behaviour,
  type LoginMethod,
  type LogoutSource,
  type NewsletterSource,
  type PageKind,
  type PaymentMethod,
  type SignupMethod,
  type SupportChannel,
  type SupportTopic,
} from './behaviour.ts';
import type { Catalog, Product } from './catalog.ts';
import type { Episodes } from './episodes.ts';
import type { SearchIndex } from './search.ts';
import type { ShopModel } from './shop.ts';
import type { Stock } from './stock.ts';
import { Choice, lognormalWithMean } from './distributions.ts';
import { T } from './event-types.ts';
import { cartItemCount, cartValueCents, NO_CART, type CartLine, type Session } from './session.ts';

/** What every event carries beyond its type. */
export interface RecordBase {
  /** Run-wide event number, from 0. */
  seq: number;
  timeMs: number;
  session: Session;
  /** events_in_session of this event (1 for the first). */
  index: number;
  pageLoadMs: number;
  timeOnPageMs: number;
  /** True when this is the session's last event. */
  last: boolean;
}

/** The named fields of the event types, each documented once; a record type picks its own. */
interface Fields {
  /** A page_view's page: a value of PAGE. */
  page: number;
  /** The category (index in the catalog) of a category page or a search. */
  category: number;
  scrollDepthPct: number;
  /** The session's first event. */
  isLandingPage: boolean;
  product: Product;
  inStock: boolean;
  searchTerm: string;
  resultsCount: number;
  searchDurationMs: number;
  /** Units added or removed by a cart event. */
  quantity: number;
  /** The product's unit price. */
  priceCents: number;
  /** The cart after a cart event. */
  cartItemCount: number;
  cartValueCents: number;
  orderId: string;
  orderValueCents: number;
  /** Units in the order. */
  itemCount: number;
  paymentMethod: PaymentMethod;
  loginMethod: LoginMethod;
  /** Whether a login succeeded. */
  success: boolean;
  logoutSource: LogoutSource;
  signupMethod: SignupMethod;
  marketingOptIn: boolean;
  /** Products on the wishlist after this one was added. */
  wishlistSize: number;
  signupSource: NewsletterSource;
  doubleOptIn: boolean;
  /** Stars, 1 to 5. */
  rating: number;
  reviewLengthChars: number;
  channel: SupportChannel;
  topic: SupportTopic;
}

type Of<Type extends number, K extends keyof Fields> = RecordBase & { type: Type } & Pick<Fields, K>;

export type PageViewRecord = Of<typeof T.PAGE_VIEW, 'page' | 'category' | 'scrollDepthPct' | 'isLandingPage'>;
export type ProductViewRecord = Of<typeof T.PRODUCT_VIEW, 'product' | 'inStock'>;
export type SearchRecord = Of<typeof T.SEARCH, 'category' | 'searchTerm' | 'resultsCount' | 'searchDurationMs'>;
export type CartRecord = Of<
  typeof T.ADD_TO_CART | typeof T.REMOVE_FROM_CART,
  'product' | 'quantity' | 'priceCents' | 'cartItemCount' | 'cartValueCents'
>;
export type BeginCheckoutRecord = Of<typeof T.BEGIN_CHECKOUT, 'orderId' | 'orderValueCents' | 'itemCount' | 'paymentMethod'>;
export type CompleteCheckoutRecord = Of<typeof T.COMPLETE_CHECKOUT, 'orderId' | 'orderValueCents' | 'itemCount' | 'paymentMethod'>;
export type LoginRecord = Of<typeof T.LOGIN, 'loginMethod' | 'success'>;
export type LogoutRecord = Of<typeof T.LOGOUT, 'logoutSource'>;
export type AccountCreateRecord = Of<typeof T.ACCOUNT_CREATE, 'signupMethod' | 'marketingOptIn'>;
export type WishlistAddRecord = Of<typeof T.WISHLIST_ADD, 'product' | 'priceCents' | 'wishlistSize'>;
export type NewsletterSignupRecord = Of<typeof T.NEWSLETTER_SIGNUP, 'signupSource' | 'doubleOptIn'>;
export type ReviewWriteRecord = Of<typeof T.REVIEW_WRITE, 'product' | 'rating' | 'reviewLengthChars'>;
export type ContactSupportRecord = Of<typeof T.CONTACT_SUPPORT, 'channel' | 'topic'>;

/** One event as the model made it: `switch (rec.type)` tells which fields it has. */
export type EventRecord =
  | PageViewRecord
  | ProductViewRecord
  | SearchRecord
  | CartRecord
  | BeginCheckoutRecord
  | CompleteCheckoutRecord
  | LoginRecord
  | LogoutRecord
  | AccountCreateRecord
  | WishlistAddRecord
  | NewsletterSignupRecord
  | ReviewWriteRecord
  | ContactSupportRecord;

/**
 * Every field of every record type in one object, which the model reuses for every event:
 * one shape, so the code that reads it stays monomorphic. Read as an `EventRecord`, it has
 * the fields of its type (`performEvent` sets them); the others hold whatever an earlier
 * event left.
 */
export type RecordScratch = RecordBase & Omit<Fields, 'product'> & { type: number; product: Product | null };

export function newRecordScratch(): RecordScratch {
  return {
    seq: 0,
    type: 0,
    timeMs: 0,
    session: undefined as unknown as Session,
    index: 0,
    pageLoadMs: 0,
    timeOnPageMs: 0,
    last: false,
    page: 0,
    category: 0,
    scrollDepthPct: 0,
    isLandingPage: false,
    product: null,
    inStock: false,
    searchTerm: '',
    resultsCount: 0,
    searchDurationMs: 0,
    quantity: 0,
    priceCents: 0,
    cartItemCount: 0,
    cartValueCents: 0,
    orderId: '',
    orderValueCents: 0,
    itemCount: 0,
    paymentMethod: PAYMENT_METHODS[0],
    loginMethod: LOGIN_METHODS[0],
    success: false,
    logoutSource: 'header',
    signupMethod: SIGNUP_METHODS[0],
    marketingOptIn: false,
    wishlistSize: 0,
    signupSource: NEWSLETTER_SOURCES[0],
    doubleOptIn: false,
    rating: 0,
    reviewLengthChars: 0,
    channel: SUPPORT_CHANNELS[0],
    topic: SUPPORT_TOPICS[0],
  };
}

/** The scratch after `performEvent`, read as the event it now holds. */
export function asEventRecord(rec: RecordScratch): EventRecord {
  return rec as EventRecord;
}

const PAGE_KINDS = Object.keys(PAGE) as PageKind[];
const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

/** The behaviour parameters, made ready to draw from. */
export class Activity {
  readonly behaviour: Behaviour;
  readonly pages: Choice<number>;
  /** Mean page load time, by device type (DEVICE_TYPES). */
  readonly pageLoadMeanMs: readonly number[];
  /** Units added at once, by device type (DEVICE_TYPES). */
  readonly quantity: readonly Choice<number>[];
  readonly paymentMethods: Choice<PaymentMethod>;
  readonly loginMethods: Choice<LoginMethod>;
  readonly signupMethods: Choice<SignupMethod>;
  readonly newsletterSources: Choice<NewsletterSource>;
  readonly supportChannels: Choice<SupportChannel>;
  readonly supportTopics: Choice<SupportTopic>;
  readonly rating: Choice<number>;
  /** Flash sales' prices, or null (no sale changes a price). */
  readonly episodes: Episodes | null;
  readonly stock: Stock;
  readonly search: SearchIndex;

  constructor(model: ShopModel) {
    const b = model.behaviour;
    const episodes = model.episodes;
    this.behaviour = b;
    this.episodes = episodes.discounts.length > 0 ? episodes : null;
    this.stock = model.stock;
    this.search = model.search;
    this.pages = new Choice(
      PAGE_KINDS.map((k) => PAGE[k]),
      PAGE_KINDS.map((k) => b.pageView.pages[k]),
    );
    this.pageLoadMeanMs = DEVICE_TYPES.map((d) => b.pageLoad.meanMs[d]);
    this.quantity = DEVICE_TYPES.map((d) => new Choice(range(1, b.device[d].quantity.length), b.device[d].quantity));
    this.paymentMethods = Choice.of(PAYMENT_METHODS, b.completeCheckout.paymentMethods);
    this.loginMethods = Choice.of(LOGIN_METHODS, b.login.methods);
    this.signupMethods = Choice.of(SIGNUP_METHODS, b.accountCreate.methods);
    this.newsletterSources = Choice.of(NEWSLETTER_SOURCES, b.newsletterSignup.sources);
    this.supportChannels = Choice.of(SUPPORT_CHANNELS, b.contactSupport.channels);
    this.supportTopics = Choice.of(SUPPORT_TOPICS, b.contactSupport.topics);
    this.rating = new Choice(range(1, b.reviewWrite.rating.length), b.reviewWrite.rating);
  }
}

function viewedProduct(session: Session, catalog: Catalog, b: Behaviour, episodes: Episodes | null): Product {
  const rng = session.rng;
  const category = rng.next() < b.productOfInterest ? session.interest : catalog.drawCategory(rng, session.user.device.typeIndex);
  const product = catalog.drawProduct(rng, category);
  // In a flash sale, at its price: a product stays at the price it was found at (in the cart too).
  return episodes === null ? product : catalog.priced(product, episodes.discountLevel(session.timeMs));
}

/** A product the user acts on: mostly the one on screen, else one they would plausibly find. */
function currentProduct(session: Session, catalog: Catalog, b: Behaviour, episodes: Episodes | null): Product {
  if (session.lastProduct !== null && session.rng.next() < b.currentProduct) return session.lastProduct;
  return viewedProduct(session, catalog, b, episodes);
}

/** Tries at a product the user may buy before looking through the catalog for one. */
const PRODUCT_TRIES = 16;

/**
 * A product to put in the cart or on the wishlist: the one on screen or another found, but
 * never one out of stock now, nor one this session was shown out of stock (it may have come
 * back since midnight, but the user saw the notice and moved on).
 */
function productToBuy(session: Session, catalog: Catalog, act: Activity): Product {
  let product = currentProduct(session, catalog, act.behaviour, act.episodes);
  for (let tries = 0; !buyable(session, catalog, act, product); tries++) {
    if (tries === PRODUCT_TRIES) return firstBuyable(session, catalog, act) ?? product;
    product = viewedProduct(session, catalog, act.behaviour, act.episodes);
  }
  return product;
}

function buyable(session: Session, catalog: Catalog, act: Activity, product: Product): boolean {
  return act.stock.inStock(product.index, session.timeMs) && !session.outOfStock.includes(product.index % catalog.listed);
}

/** The most popular product the user may buy, from their interest on; none when the whole shop is sold out (a scenario may ask for that). */
function firstBuyable(session: Session, catalog: Catalog, act: Activity): Product | undefined {
  const level = act.episodes === null ? 0 : act.episodes.discountLevel(session.timeMs);
  for (let k = 0; k < catalog.categories.length; k++) {
    for (const p of catalog.products[(session.interest + k) % catalog.categories.length]!) {
      const product = catalog.priced(p, level);
      if (buyable(session, catalog, act, product)) return product;
    }
  }
  return undefined;
}

/**
 * Carry out the session's pending event: update the cart, login and checkout state, and
 * fill `rec` with what the event shows. `newOrderId` makes a fresh, run-unique order id.
 */
export function performEvent(
  rec: RecordScratch,
  session: Session,
  catalog: Catalog,
  act: Activity,
  newOrderId: (timeMs: number) => string,
): void {
  const rng = session.rng;
  const b = act.behaviour;
  const type = session.type;
  rec.type = type;
  rec.session = session;
  rec.timeMs = session.timeMs;
  rec.index = session.count;
  const load = b.pageLoad;
  rec.pageLoadMs = Math.max(load.minMs, Math.round(lognormalWithMean(rng, act.pageLoadMeanMs[session.user.device.typeIndex]!, load.sigma)));
  switch (type) {
    case T.PAGE_VIEW: {
      const v = b.pageView;
      const page = session.count === 1 && rng.next() < v.landOnHome ? PAGE.HOME : act.pages.draw(rng);
      rec.page = page;
      if (page === PAGE.CATEGORY) {
        rec.category = rng.next() < v.categoryOfInterest ? session.interest : catalog.drawCategory(rng, session.user.device.typeIndex);
        session.interest = rec.category;
      }
      rec.scrollDepthPct = v.scrollDepth.step * (1 + rng.int(v.scrollDepth.steps));
      // The landing page is the session's first page view, whatever came before it.
      rec.isLandingPage = session.pageViews++ === 0;
      break;
    }
    case T.PRODUCT_VIEW: {
      const product = viewedProduct(session, catalog, b, act.episodes);
      session.lastProduct = product;
      rec.product = product;
      // The product's stock that day, the same for everyone who looks (see `Stock`).
      rec.inStock = act.stock.inStock(product.index, session.timeMs);
      if (!rec.inStock) {
        const listed = product.index % catalog.listed;
        if (session.outOfStock.length === 0) session.outOfStock = [listed];
        else if (!session.outOfStock.includes(listed)) session.outOfStock.push(listed);
      }
      break;
    }
    case T.SEARCH: {
      const s = b.search;
      const category = rng.next() < s.categoryOfInterest ? session.interest : catalog.drawCategory(rng, session.user.device.typeIndex);
      session.interest = category;
      rec.category = category;
      const query = act.search.draw(rng, category);
      rec.searchTerm = query.text;
      // The shop lists what it can sell: the matching products in stock now.
      const found = act.stock.countInStock(query.matches, session.timeMs, query.inStockCount);
      rec.resultsCount = found;
      session.searchEmpty = found === 0;
      rec.searchDurationMs = Math.max(s.minDurationMs, Math.round(lognormalWithMean(rng, s.durationMs.mean, s.durationMs.sigma)));
      break;
    }
    case T.ADD_TO_CART: {
      const product = productToBuy(session, catalog, act);
      const quantity = act.quantity[session.user.device.typeIndex]!.draw(rng);
      const line = session.cart.find((l) => l.product === product);
      if (line) line.quantity += quantity;
      else if (session.cart === NO_CART) session.cart = [{ product, quantity }];
      else session.cart.push({ product, quantity });
      session.lastProduct = product;
      session.orderId = null;
      session.added = true;
      fillCartEvent(rec, session, product, quantity);
      break;
    }
    case T.REMOVE_FROM_CART: {
      const k = rng.int(session.cart.length);
      const line = session.cart[k]!;
      session.cart.splice(k, 1);
      session.orderId = null;
      fillCartEvent(rec, session, line.product, line.quantity);
      break;
    }
    case T.BEGIN_CHECKOUT: {
      session.orderId = newOrderId(session.timeMs);
      // Chosen on the checkout page; the order is paid with it.
      session.paymentMethod = act.paymentMethods.draw(rng);
      rec.orderId = session.orderId;
      rec.orderValueCents = cartValueCents(session);
      rec.itemCount = cartItemCount(session);
      rec.paymentMethod = session.paymentMethod;
      break;
    }
    case T.COMPLETE_CHECKOUT: {
      rec.orderId = session.orderId!;
      rec.orderValueCents = cartValueCents(session);
      rec.itemCount = cartItemCount(session);
      rec.paymentMethod = session.paymentMethod;
      // The latest thing put in the cart is what the user may review later.
      session.toReview = session.cart[session.cart.length - 1]!.product.index;
      session.cart = NO_CART as CartLine[];
      session.orderId = null;
      break;
    }
    case T.LOGIN: {
      rec.loginMethod = act.loginMethods.draw(rng);
      rec.success = rng.next() < b.login.success;
      session.loggedIn = rec.success;
      break;
    }
    case T.LOGOUT: {
      // Never a session's first event: a session starts logged out.
      rec.logoutSource =
        session.prevType === T.COMPLETE_CHECKOUT
          ? 'checkout_confirmation'
          : rng.next() < b.logout.fromAccountMenu
            ? 'account_menu'
            : 'header';
      session.loggedIn = false;
      break;
    }
    case T.ACCOUNT_CREATE: {
      session.hasAccount = true;
      rec.signupMethod = act.signupMethods.draw(rng);
      rec.marketingOptIn = rng.next() < b.accountCreate.marketingOptIn;
      session.loggedIn = true;
      break;
    }
    case T.WISHLIST_ADD: {
      const product = productToBuy(session, catalog, act);
      session.lastProduct = product;
      session.wishlist++;
      rec.product = product;
      rec.priceCents = product.priceCents;
      rec.wishlistSize = session.wishlist;
      break;
    }
    case T.NEWSLETTER_SIGNUP: {
      rec.signupSource = act.newsletterSources.draw(rng);
      rec.doubleOptIn = rng.next() < b.newsletterSignup.doubleOptIn;
      break;
    }
    case T.REVIEW_WRITE: {
      const r = b.reviewWrite;
      rec.product = catalog.byIndex(session.toReview);
      session.toReview = -1;
      rec.rating = act.rating.draw(rng);
      rec.reviewLengthChars = Math.max(r.minLengthChars, Math.round(lognormalWithMean(rng, r.lengthChars.mean, r.lengthChars.sigma)));
      break;
    }
    case T.CONTACT_SUPPORT: {
      rec.channel = act.supportChannels.draw(rng);
      rec.topic = act.supportTopics.draw(rng);
      break;
    }
  }
  session.prevType = type;
}

function fillCartEvent(rec: RecordScratch, session: Session, product: Product, quantity: number): void {
  rec.product = product;
  rec.quantity = quantity;
  rec.priceCents = product.priceCents;
  rec.cartValueCents = cartValueCents(session);
  rec.cartItemCount = cartItemCount(session);
}
