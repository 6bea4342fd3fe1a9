import type { Catalog, Product } from './catalog.ts';
import { Discrete, lognormalWithMean } from './distributions.ts';
import { T } from './event-types.ts';
import { cartItemCount, cartValueCents, NO_CART, type CartLine, type Session } from './session.ts';

/** Kinds of plain pages a page_view lands on. */
export const PAGE = { HOME: 0, CATEGORY: 1, DEALS: 2, NEW_ARRIVALS: 3, HELP: 4, SHIPPING: 5, RETURNS: 6, ABOUT: 7 } as const;
const PAGE_KIND = new Discrete([0.3, 0.42, 0.1, 0.08, 0.03, 0.03, 0.02, 0.02]);

export const PAYMENT_METHODS = ['credit_card', 'paypal', 'apple_pay', 'google_pay', 'debit_card', 'klarna'] as const;
const PAYMENT = new Discrete([0.46, 0.2, 0.13, 0.08, 0.09, 0.04]);
export const LOGIN_METHODS = ['password', 'google', 'apple', 'magic_link'] as const;
const LOGIN = new Discrete([0.62, 0.2, 0.12, 0.06]);
export const SIGNUP_METHODS = ['email', 'google', 'apple'] as const;
const SIGNUP = new Discrete([0.6, 0.25, 0.15]);
export const NEWSLETTER_SOURCES = ['footer', 'popup', 'checkout', 'account_page'] as const;
const NEWSLETTER = new Discrete([0.45, 0.35, 0.12, 0.08]);
export const SUPPORT_CHANNELS = ['chat', 'email', 'phone'] as const;
const CHANNEL = new Discrete([0.55, 0.3, 0.15]);
export const SUPPORT_TOPICS = ['order_status', 'returns', 'payment', 'shipping', 'product_question', 'account'] as const;
const TOPIC = new Discrete([0.3, 0.2, 0.1, 0.15, 0.18, 0.07]);
export const LOGOUT_SOURCES = ['account_menu', 'header', 'checkout_confirmation'] as const;
const RATING = new Discrete([0.06, 0.05, 0.11, 0.26, 0.52]);
const QUANTITY = new Discrete([0.8, 0.14, 0.04, 0.02]);

/** Mean page load time by device type: mobile, desktop, tablet. */
const PAGE_LOAD_MEAN_MS: Record<string, number> = { mobile: 1450, desktop: 880, tablet: 1180 };

/**
 * What one event carries beyond its session: the model's decisions, in flat fields so one
 * record can be reused for every event (the serializer reads it before the next is made).
 */
export interface EventRecord {
  /** Run-wide event number, from 0. */
  seq: number;
  type: number;
  timeMs: number;
  session: Session;
  /** events_in_session of this event (1 for the first). */
  index: number;
  pageLoadMs: number;
  timeOnPageMs: number;
  /** True when this is the session's last event. */
  last: boolean;
  page: number;
  category: number;
  product: Product | null;
  quantity: number;
  priceCents: number;
  cartValueCents: number;
  itemCount: number;
  orderId: string;
  choice: number;
  amount: number;
  amount2: number;
  flag: boolean;
  searchTerm: string;
}

export function emptyRecord(session: Session): EventRecord {
  return {
    seq: 0, type: 0, timeMs: 0, session, index: 0, pageLoadMs: 0, timeOnPageMs: 0, last: false,
    page: 0, category: 0, product: null, quantity: 0, priceCents: 0, cartValueCents: 0, itemCount: 0,
    orderId: '', choice: 0, amount: 0, amount2: 0, flag: false, searchTerm: '',
  };
}

function viewedProduct(session: Session, catalog: Catalog): Product {
  const rng = session.rng;
  const category = rng.next() < 0.7 ? session.interest : catalog.drawCategory(rng);
  return catalog.drawProduct(rng, category);
}

/** A product the user acts on: mostly the one on screen, else one they would plausibly find. */
function currentProduct(session: Session, catalog: Catalog): Product {
  if (session.lastProduct !== null && session.rng.next() < 0.85) return session.lastProduct;
  return viewedProduct(session, catalog);
}

/**
 * Carry out the session's pending event: update the cart, login and checkout state, and
 * fill `rec` with what the event shows. `newOrderId` makes a fresh, run-unique order id.
 */
export function performEvent(rec: EventRecord, session: Session, catalog: Catalog, newOrderId: (timeMs: number) => string): void {
  const rng = session.rng;
  const type = session.type;
  rec.type = type;
  rec.session = session;
  rec.timeMs = session.timeMs;
  rec.index = session.count;
  rec.product = null;
  rec.pageLoadMs = Math.max(80, Math.round(lognormalWithMean(rng, PAGE_LOAD_MEAN_MS[session.user.device.type]!, 0.5)));
  switch (type) {
    case T.PAGE_VIEW: {
      const page = session.count === 1 && rng.next() < 0.5 ? PAGE.HOME : PAGE_KIND.sample(rng);
      rec.page = page;
      if (page === PAGE.CATEGORY) {
        rec.category = rng.next() < 0.6 ? session.interest : catalog.drawCategory(rng);
        session.interest = rec.category;
      }
      rec.amount = 10 * (1 + rng.int(10)); // scroll depth, %
      rec.flag = session.count === 1; // landing page
      break;
    }
    case T.PRODUCT_VIEW: {
      const product = viewedProduct(session, catalog);
      session.lastProduct = product;
      rec.product = product;
      rec.flag = rng.next() < 0.93; // in stock
      break;
    }
    case T.SEARCH: {
      const category = rng.next() < 0.75 ? session.interest : catalog.drawCategory(rng);
      const terms = catalog.categories[category]!.searchTerms;
      session.interest = category;
      rec.category = category;
      rec.searchTerm = terms[rng.int(terms.length)]!;
      rec.amount = rng.next() < 0.04 ? 0 : Math.round(lognormalWithMean(rng, 180, 0.9)); // results
      rec.amount2 = Math.max(40, Math.round(lognormalWithMean(rng, 420, 0.6))); // search duration, ms
      break;
    }
    case T.ADD_TO_CART: {
      const product = currentProduct(session, catalog);
      const quantity = 1 + QUANTITY.sample(rng);
      const line = session.cart.find((l) => l.product === product);
      if (line) line.quantity += quantity;
      else if (session.cart === NO_CART) session.cart = [{ product, quantity }];
      else session.cart.push({ product, quantity });
      session.lastProduct = product;
      session.orderId = null;
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
      rec.orderId = session.orderId;
      rec.cartValueCents = cartValueCents(session);
      rec.itemCount = cartItemCount(session);
      break;
    }
    case T.COMPLETE_CHECKOUT: {
      rec.orderId = session.orderId!;
      rec.cartValueCents = cartValueCents(session);
      rec.itemCount = cartItemCount(session);
      rec.choice = PAYMENT.sample(rng);
      session.cart = NO_CART as CartLine[];
      session.orderId = null;
      break;
    }
    case T.LOGIN: {
      rec.choice = LOGIN.sample(rng);
      rec.flag = rng.next() < 0.95; // success
      session.loggedIn = rec.flag;
      break;
    }
    case T.LOGOUT: {
      rec.choice = rec.index > 1 && rng.next() < 0.7 ? 0 : 1;
      session.loggedIn = false;
      break;
    }
    case T.ACCOUNT_CREATE: {
      rec.choice = SIGNUP.sample(rng);
      rec.flag = rng.next() < 0.42; // marketing opt-in
      session.loggedIn = true;
      break;
    }
    case T.WISHLIST_ADD: {
      const product = currentProduct(session, catalog);
      session.lastProduct = product;
      session.wishlist++;
      rec.product = product;
      rec.priceCents = product.priceCents;
      rec.amount = session.wishlist;
      break;
    }
    case T.NEWSLETTER_SIGNUP: {
      rec.choice = NEWSLETTER.sample(rng);
      rec.flag = rng.next() < 0.7; // double opt-in confirmation requested
      break;
    }
    case T.REVIEW_WRITE: {
      const product = currentProduct(session, catalog);
      rec.product = product;
      rec.amount = 1 + RATING.sample(rng);
      rec.amount2 = Math.max(12, Math.round(lognormalWithMean(rng, 260, 0.8)));
      break;
    }
    case T.CONTACT_SUPPORT: {
      rec.choice = CHANNEL.sample(rng);
      rec.amount = TOPIC.sample(rng);
      break;
    }
  }
}

function fillCartEvent(rec: EventRecord, session: Session, product: Product, quantity: number): void {
  rec.product = product;
  rec.quantity = quantity;
  rec.priceCents = product.priceCents;
  rec.cartValueCents = cartValueCents(session);
  rec.itemCount = cartItemCount(session);
}
