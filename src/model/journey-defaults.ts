import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: {
    page_view: 0.00002106,
    search: 0.00002874,
    add_to_cart: 0.00001133,
    begin_checkout: 0.7054,
    login: 0.00007073,
    wishlist_add: 0.00002428,
    newsletter_signup: 0.00001613,
    account_create: 0.00003725,
    logout: 0.00006143,
    contact_support: 0.000004739,
  },
  product_view: {
    page_view: 0.00001018,
    product_view: 0.0000204,
    search: 0.00001018,
    begin_checkout: 0.7584,
    login: 0.00002508,
    wishlist_add: 0.0001033,
    newsletter_signup: 0.000002858,
    review_write: 0.00007801,
    contact_support: 0.000003365,
  },
  search: { page_view: 0.104, product_view: 0.5426, search: 0.2492, add_to_cart: 0.08202 },
  add_to_cart: { page_view: 0.1045, product_view: 0.2096, search: 0.08374, add_to_cart: 0.1239, remove_from_cart: 0.2105 },
  begin_checkout: { page_view: 0.01186, login: 0.1753, remove_from_cart: 0.05974, account_create: 0.1383 },
  login: { page_view: 0.04925, product_view: 0.04229, search: 0.0338, begin_checkout: 0.6906, wishlist_add: 0.07147, logout: 0.0904 },
  wishlist_add: { page_view: 0.1959, product_view: 0.3929, search: 0.1887, add_to_cart: 0.1855 },
  complete_checkout: {
    page_view: 0.04901,
    product_view: 0.01966,
    newsletter_signup: 0.04952,
    logout: 0.6291,
    review_write: 0.1521,
    contact_support: 0.0194,
  },
  remove_from_cart: { page_view: 0.05231, product_view: 0.1046, search: 0.03914, add_to_cart: 0.07719, begin_checkout: 0.6899 },
  newsletter_signup: { page_view: 0.8407, product_view: 0.1002 },
  account_create: { page_view: 0.3635, product_view: 0.2734, newsletter_signup: 0.3262 },
  logout: { page_view: 0.8745 },
  review_write: { page_view: 0.8491, product_view: 0.08445 },
  contact_support: { page_view: 0.6025, logout: 0.3089 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.2317,
  product_view: 0.1346,
  search: 0.1345,
  login: 0.3448,
  wishlist_add: 0.04744,
  newsletter_signup: 0.01573,
  account_create: 0.07278,
  contact_support: 0.01848,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [0.464, 0.401, 0.3689, 0.3253] as const;

/** Pace of each segment's dwell times, so mean durations keep the segments' ratios despite budget cuts (see journey.ts). */
export const DURATION_CORRECTION = [1.255, 1, 0.997, 1.037] as const;

/**
 * The event mix a simulation of the defaults shows (4 million events, with and without days of
 * warm-up): what the fit of the journey to other weights measures the Markov chain against.
 */
export const DEFAULT_MIX: Record<EventType, number> = {
  page_view: 0.3761,
  product_view: 0.2361,
  search: 0.09414,
  add_to_cart: 0.07593,
  begin_checkout: 0.04785,
  login: 0.03731,
  wishlist_add: 0.0285,
  complete_checkout: 0.02864,
  remove_from_cart: 0.01871,
  newsletter_signup: 0.014,
  account_create: 0.01394,
  logout: 0.009669,
  review_write: 0.009681,
  contact_support: 0.009431,
};
