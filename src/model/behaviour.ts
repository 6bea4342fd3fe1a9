/**
 * What a shopper does within one step of a journey, as numbers: how often, how long, which
 * choice. The model (`activity.ts`) reads them from here and nowhere else, so a reader, and
 * a scenario file, sees every one of them in one place.
 *
 * A mix is a table of relative weights; its keys are the values the events carry, and draws
 * follow the order of the vocabulary lists below. A lognormal is given by its mean and its
 * log-space sigma (a heavy right tail). Changing a number changes the events of every seed
 * (and `test/golden.test.ts` says so).
 */

import type { EventType } from './event-types.ts';

/** Kinds of plain pages a page_view lands on; the value is the model's page id. */
export const PAGE = { HOME: 0, CATEGORY: 1, DEALS: 2, NEW_ARRIVALS: 3, HELP: 4, SHIPPING: 5, RETURNS: 6, ABOUT: 7 } as const;
export type PageKind = keyof typeof PAGE;

export const PAYMENT_METHODS = ['credit_card', 'paypal', 'apple_pay', 'google_pay', 'debit_card', 'klarna'] as const;
export const LOGIN_METHODS = ['password', 'google', 'apple', 'magic_link'] as const;
export const LOGOUT_SOURCES = ['account_menu', 'header', 'checkout_confirmation'] as const;
export const SIGNUP_METHODS = ['email', 'google', 'apple'] as const;
export const NEWSLETTER_SOURCES = ['footer', 'popup', 'checkout', 'account_page'] as const;
export const SUPPORT_CHANNELS = ['chat', 'email', 'phone'] as const;
export const SUPPORT_TOPICS = ['order_status', 'returns', 'payment', 'shipping', 'product_question', 'account'] as const;

/**
 * What a search asks for, by how it is put together from the catalog: the category's common
 * terms, a kind of product ("headphones"), a qualifier or a brand with it ("wireless
 * headphones", "voltra headphones"), a brand alone, the department, all three ("voltra
 * wireless headphones") or a colour with a kind: from broad to specific, so from many results
 * to none.
 */
export const QUERY_SHAPES = ['common', 'kind', 'qualified', 'branded', 'brand', 'department', 'long', 'colour'] as const;

export type QueryShape = (typeof QUERY_SHAPES)[number];
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type LoginMethod = (typeof LOGIN_METHODS)[number];
export type LogoutSource = (typeof LOGOUT_SOURCES)[number];
export type SignupMethod = (typeof SIGNUP_METHODS)[number];
export type NewsletterSource = (typeof NEWSLETTER_SOURCES)[number];
export type SupportChannel = (typeof SUPPORT_CHANNELS)[number];
export type SupportTopic = (typeof SUPPORT_TOPICS)[number];
export type DeviceType = 'mobile' | 'desktop' | 'tablet';
/** Device types in the order the model numbers them. */
export const DEVICE_TYPES = ['mobile', 'desktop', 'tablet'] as const satisfies readonly DeviceType[];
/** Where a session came from, in the order the model numbers them. */
export const CHANNELS = ['organic', 'direct', 'paid', 'social', 'email', 'referral'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Relative weights over a vocabulary. */
export type Mix<K extends string> = Readonly<Record<K, number>>;

export interface Lognormal {
  readonly mean: number;
  readonly sigma: number;
}

/** How a device or a channel bends a session's journey and pace. */
export interface Context {
  /**
   * Scales the journey's free steps into buying (add to cart, checkout, wishlist), on top of
   * the segment's intent: someone at a desk with a card at hand, or answering an email about
   * their cart, buys more readily than someone scrolling a feed on a phone.
   */
  readonly intent: number;
  /**
   * Chance that a session leaves after its first page when the journey would have gone on by
   * a free step (never instead of a pinned one): a small screen, a link followed by accident.
   */
  readonly bounce: number;
}

export interface DeviceBehaviour extends Context {
  /** Dwell times relative to the session's pace: a mouse and a big screen get through a page a little faster. */
  readonly pace: number;
  /** Category popularity multipliers, in catalog order: big-ticket shopping is done on a big screen. */
  readonly categoryTilt: readonly number[];
  /** Weights of adding 1, 2, 3, … units at once. */
  readonly quantity: readonly number[];
}

/** Users of a returning segment who come back about every `everyDays` days, and the share of the segment's sessions they make. */
export interface VisitTier {
  readonly everyDays: number;
  readonly share: number;
}

/** Time on a step's page relative to the session's pace (the mix of steps averages 1), and its log-space spread. */
export interface StepDwell {
  readonly factor: number;
  readonly sigma: number;
}

export interface Behaviour {
  /**
   * Time on each step's page: reading a product page or filling in the checkout form takes
   * longer than a click to add to the cart. Factors are relative: a segment's pace is divided
   * by their mean over the steps its sessions take (`SegmentJourney.dwellNorm`).
   */
  readonly dwell: Readonly<Record<EventType, StepDwell>>;
  readonly accounts: {
    /**
     * Share of each returning segment's users (returning_visitor, loyal_customer, power_user)
     * who have an account when first seen (made before the run); a new visitor has none. Only
     * a user with an account logs in; only one without creates one. These are the shares the
     * pool settles at as first-time visitors join it (measured), so a run does not drift.
     */
    readonly held: readonly number[];
    /**
     * How much likelier a first-time visitor who made an account (or bought) is to join as a
     * loyal customer or power user rather than a returning visitor.
     */
    readonly committedJoinBias: number;
    /**
     * Share of first-time visitors who neither made an account nor bought and still come back
     * (join the pool); those who did always do. Most casual first visits are the last.
     */
    readonly casualReturn: number;
    /**
     * How readily a returning user without an account makes one, relative to a first-time
     * visitor (scales the journey's steps into account_create): sign-up prompts work on a first
     * visit; whoever declined them then mostly keeps shopping as a guest.
     */
    readonly returningSignup: number;
    /** Share of each returning segment's users first seen with a purchase they have not reviewed yet. */
    readonly toReview: readonly number[];
  };
  readonly cart: {
    /**
     * A free step into begin_checkout (not the seed's pinned add_to_cart → begin_checkout) in
     * a session that added to the cart is taken this often, else another free step is drawn:
     * below 1, shoppers who have just added something keep browsing or leave it for later.
     * Carts persist per user, so the checkout comes on a later visit, as a real shop sees it.
     */
    readonly checkoutAfterAdding: number;
    /**
     * A cart kept from an earlier visit is often only looked at: a free step into
     * begin_checkout in a session that has not added to the cart is taken this often, else
     * another free step is drawn.
     */
    readonly checkoutOnReturn: number;
    /**
     * Deciding to buy takes longer than browsing: the page before an add_to_cart or a
     * begin_checkout is read this many times the step's usual dwell (comparing products,
     * reading the details, checking the cart), so a purchase comes minutes into a visit.
     */
    readonly deliberation: number;
    /**
     * Share of each returning segment's users first seen with something left in their cart from
     * before the run (one item): the share of returning visits that find a cart, as the run
     * settles at it (measured), so the first days of a run check out as often as later ones.
     */
    readonly heldAtStart: readonly number[];
    /** A cart left longer than this many days is emptied (the shop expires it), so saved carts settle within a week or so of a run's start. */
    readonly keepDays: number;
  };
  readonly visits: {
    /**
     * Visit rates of the returning segments (returning_visitor, loyal_customer, power_user):
     * a few frequent users and a long tail of occasional ones, so that over a week most
     * users are seen once and a few (power users) five times or more.
     */
    readonly tiers: readonly (readonly VisitTier[])[];
    /** A user never starts a session within this many minutes of their previous session's last event (the usual sessionization timeout). */
    readonly minGapMinutes: number;
  };
  readonly device: Readonly<Record<DeviceType, DeviceBehaviour>>;
  readonly channel: Readonly<Record<Channel, Context>>;
  readonly pageLoad: {
    /** Page load time in ms, by device type: slower phones, faster desktops. */
    readonly meanMs: Readonly<Record<DeviceType, number>>;
    readonly sigma: number;
    /** Nothing loads faster than this (ms). */
    readonly minMs: number;
  };
  /** A product viewed (or found again when acting on one) is of the session's current interest this often, else of a category drawn by popularity. */
  readonly productOfInterest: number;
  /** Adding to the cart, the wishlist or writing a review is about the product on screen this often, else about another the shopper finds. */
  readonly currentProduct: number;
  readonly pageView: {
    /** A session that starts with a page view lands on the home page this often; otherwise on a page drawn from `pages`. */
    readonly landOnHome: number;
    readonly pages: Mix<PageKind>;
    /** A category page shows the session's current interest this often (else a category drawn by popularity, which becomes the interest). */
    readonly categoryOfInterest: number;
    /** Scroll depth is uniform over `step`, 2 × `step`, … `steps` × `step` percent. */
    readonly scrollDepth: { readonly step: number; readonly steps: number };
  };
  readonly productView: {
    readonly inStock: number;
  };
  /** Where users' addresses come from (see `drawIp` in users.ts). */
  readonly network: {
    /**
     * Shares of the address ranges (10/8, 172.16/12, 192.168/16, then the three RFC 5737
     * documentation /24s); each range is cut into blocks per city, so an address belongs to
     * one city. The /24s are small: kept rare, so few users share an address.
     */
    readonly rangeShares: readonly number[];
    /** A mobile user starts a session on a new address (another cell, another carrier NAT) this often. */
    readonly mobileNewAddress: number;
  };
  readonly search: {
    /** The search is in the session's current interest this often (else a category drawn by popularity, which becomes the interest). */
    readonly categoryOfInterest: number;
    /** Share of searches by the shape of what is typed (see QUERY_SHAPES). */
    readonly queries: Mix<QueryShape>;
    /** Within a shape, the terms' popularity falls off like 1/rank^termSkew: a long tail of rare queries. */
    readonly termSkew: number;
    /** Searches typed with a slip (a letter swapped, dropped or doubled): most of them find nothing. */
    readonly misspelt: number;
    /** Time to the results page, in ms, at least `minDurationMs`. */
    readonly durationMs: Lognormal;
    readonly minDurationMs: number;
  };
  readonly completeCheckout: {
    readonly paymentMethods: Mix<PaymentMethod>;
  };
  readonly login: {
    readonly methods: Mix<LoginMethod>;
    /** Share of logins that succeed; the session is logged in only then. */
    readonly success: number;
  };
  readonly logout: {
    /** Logouts from the account menu; the rest from the header. */
    readonly fromAccountMenu: number;
  };
  readonly accountCreate: {
    readonly methods: Mix<SignupMethod>;
    readonly marketingOptIn: number;
  };
  readonly newsletterSignup: {
    readonly sources: Mix<NewsletterSource>;
    /** Share of signups that ask for a double opt-in confirmation. */
    readonly doubleOptIn: number;
  };
  readonly reviewWrite: {
    /** Weights of 1, 2, … 5 stars: mostly happy reviewers, with a small angry bump at 1. */
    readonly rating: readonly number[];
    /** Review length in characters, at least `minLengthChars`. */
    readonly lengthChars: Lognormal;
    readonly minLengthChars: number;
  };
  readonly contactSupport: {
    readonly channels: Mix<SupportChannel>;
    readonly topics: Mix<SupportTopic>;
  };
}

export const BEHAVIOUR: Behaviour = deepFreeze({
  dwell: {
    page_view: { factor: 0.7, sigma: 1 },
    product_view: { factor: 2.5, sigma: 0.7 },
    search: { factor: 0.6, sigma: 0.8 },
    add_to_cart: { factor: 0.45, sigma: 0.8 },
    begin_checkout: { factor: 2.8, sigma: 0.5 },
    login: { factor: 0.5, sigma: 0.7 },
    wishlist_add: { factor: 0.5, sigma: 0.8 },
    complete_checkout: { factor: 1, sigma: 0.8 },
    remove_from_cart: { factor: 0.5, sigma: 0.8 },
    newsletter_signup: { factor: 0.6, sigma: 0.7 },
    account_create: { factor: 1.2, sigma: 0.6 },
    logout: { factor: 0.4, sigma: 0.8 },
    review_write: { factor: 2.5, sigma: 0.7 },
    contact_support: { factor: 2, sigma: 0.9 },
  },
  accounts: { held: [0.32, 0.72, 0.8], committedJoinBias: 4, casualReturn: 0.2, returningSignup: 0.06, toReview: [0.2, 0.4, 0.5] },
  cart: { checkoutAfterAdding: 1, checkoutOnReturn: 0.6, deliberation: 5, heldAtStart: [0.2, 0.28, 0.32], keepDays: 7 },
  visits: {
    tiers: [
      [
        { everyDays: 3, share: 0.2 },
        { everyDays: 10, share: 0.35 },
        { everyDays: 45, share: 0.45 },
      ],
      [
        { everyDays: 2, share: 0.35 },
        { everyDays: 5, share: 0.4 },
        { everyDays: 14, share: 0.25 },
      ],
      [
        { everyDays: 0.6, share: 0.6 },
        { everyDays: 2, share: 0.4 },
      ],
    ],
    minGapMinutes: 30,
  },
  device: {
    // Categories: electronics, clothing, home, sports, books, beauty, toys.
    mobile: { intent: 0.78, bounce: 0, pace: 1, categoryTilt: [0.85, 1.15, 0.95, 1, 1, 1.2, 1.1], quantity: [0.84, 0.12, 0.03, 0.01] },
    desktop: {
      intent: 1.35,
      bounce: 0.035,
      pace: 0.92,
      categoryTilt: [1.2, 0.9, 1.1, 1.05, 0.9, 0.85, 0.9],
      quantity: [0.76, 0.17, 0.05, 0.02],
    },
    tablet: { intent: 1.05, bounce: 0.06, pace: 1, categoryTilt: [1, 1, 1.2, 1, 1.2, 0.9, 1.1], quantity: [0.8, 0.14, 0.04, 0.02] },
  },
  channel: {
    organic: { intent: 1, bounce: 0 },
    direct: { intent: 1.1, bounce: 0.2 },
    paid: { intent: 1, bounce: 0.05 },
    social: { intent: 0.5, bounce: 0.15 },
    email: { intent: 2.1, bounce: 0 },
    referral: { intent: 1.1, bounce: 0.04 },
  },
  pageLoad: { meanMs: { mobile: 1450, desktop: 880, tablet: 1180 }, sigma: 0.5, minMs: 80 },
  productOfInterest: 0.7,
  currentProduct: 0.85,
  pageView: {
    landOnHome: 0.5,
    pages: { HOME: 0.3, CATEGORY: 0.42, DEALS: 0.1, NEW_ARRIVALS: 0.08, HELP: 0.03, SHIPPING: 0.03, RETURNS: 0.02, ABOUT: 0.02 },
    categoryOfInterest: 0.6,
    scrollDepth: { step: 10, steps: 10 },
  },
  productView: { inStock: 0.93 },
  network: { rangeShares: [0.8, 0.07, 0.1, 0.01, 0.01, 0.01], mobileNewAddress: 0.5 },
  search: {
    categoryOfInterest: 0.75,
    queries: { common: 0.38, kind: 0.225, qualified: 0.14, branded: 0.11, brand: 0.04, department: 0.03, long: 0.045, colour: 0.03 },
    termSkew: 0.9,
    misspelt: 0.035,
    durationMs: { mean: 420, sigma: 0.6 },
    minDurationMs: 40,
  },
  completeCheckout: {
    paymentMethods: { credit_card: 0.46, paypal: 0.2, apple_pay: 0.13, google_pay: 0.08, debit_card: 0.09, klarna: 0.04 },
  },
  login: { methods: { password: 0.62, google: 0.2, apple: 0.12, magic_link: 0.06 }, success: 0.95 },
  logout: { fromAccountMenu: 0.7 },
  accountCreate: { methods: { email: 0.6, google: 0.25, apple: 0.15 }, marketingOptIn: 0.42 },
  newsletterSignup: { sources: { footer: 0.45, popup: 0.35, checkout: 0.12, account_page: 0.08 }, doubleOptIn: 0.7 },
  reviewWrite: { rating: [0.06, 0.05, 0.11, 0.26, 0.52], lengthChars: { mean: 260, sigma: 0.8 }, minLengthChars: 12 },
  contactSupport: {
    channels: { chat: 0.55, email: 0.3, phone: 0.15 },
    topics: { order_status: 0.3, returns: 0.2, payment: 0.1, shipping: 0.15, product_question: 0.18, account: 0.07 },
  },
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
