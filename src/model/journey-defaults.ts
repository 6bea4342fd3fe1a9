import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: {
    page_view: 0.07631,
    search: 0.03578,
    add_to_cart: 0.02314,
    begin_checkout: 0.1169,
    login: 0.05612,
    wishlist_add: 0.01702,
    newsletter_signup: 0.01091,
    account_create: 0.04126,
    logout: 0.04902,
    contact_support: 0.00775,
  },
  product_view: {
    page_view: 0.0861,
    product_view: 0.06414,
    search: 0.04041,
    begin_checkout: 0.1321,
    login: 0.06332,
    wishlist_add: 0.01919,
    newsletter_signup: 0.0123,
    review_write: 0.07892,
    contact_support: 0.00875,
  },
  search: { page_view: 0.3342, product_view: 0.2493, search: 0.1572, add_to_cart: 0.1014 },
  add_to_cart: { page_view: 0.1744, product_view: 0.1301, search: 0.08181, add_to_cart: 0.05288, remove_from_cart: 0.1846 },
  begin_checkout: { page_view: 0.08834, login: 0.06497, remove_from_cart: 0.09367, account_create: 0.04777 },
  login: { page_view: 0.1827, product_view: 0.1361, search: 0.08562, begin_checkout: 0.2798, wishlist_add: 0.04069, logout: 0.1173 },
  wishlist_add: { page_view: 0.2926, product_view: 0.218, search: 0.1375, add_to_cart: 0.08876 },
  complete_checkout: {
    page_view: 0.1184,
    product_view: 0.08843,
    newsletter_signup: 0.01697,
    logout: 0.07628,
    review_write: 0.1089,
    contact_support: 0.01205,
  },
  remove_from_cart: { page_view: 0.1821, product_view: 0.1354, search: 0.08538, add_to_cart: 0.05521, begin_checkout: 0.2787 },
  newsletter_signup: { page_view: 0.3317, product_view: 0.2473 },
  account_create: { page_view: 0.3902, product_view: 0.2909, newsletter_signup: 0.05581 },
  logout: { page_view: 0.1053 },
  review_write: { page_view: 0.3016, product_view: 0.2247 },
  contact_support: { page_view: 0.2243, logout: 0.1441 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.5251,
  product_view: 0.1474,
  search: 0.05573,
  login: 0.22,
  wishlist_add: 0.005106,
  newsletter_signup: 0.0009312,
  account_create: 0.04523,
  contact_support: 0.0005114,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [0.974, 1.005, 1.115, 1.262] as const;

/** Pace of each segment's dwell times, so mean durations keep the segments' ratios despite budget cuts (see journey.ts). */
export const DURATION_CORRECTION = [0.9531, 1, 1.049, 1.055] as const;

/**
 * The event mix a simulation of the defaults shows (the calibration's final measure, after
 * days of warm-up): what the fit of the journey to other weights measures the Markov chain against.
 */
export const DEFAULT_MIX: Record<EventType, number> = {
  page_view: 0.372,
  product_view: 0.232,
  search: 0.09309,
  add_to_cart: 0.08869,
  begin_checkout: 0.04671,
  login: 0.03726,
  wishlist_add: 0.02782,
  complete_checkout: 0.02804,
  remove_from_cart: 0.01861,
  newsletter_signup: 0.01401,
  account_create: 0.0138,
  logout: 0.009453,
  review_write: 0.009113,
  contact_support: 0.009372,
};
