import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: {
    page_view: 0.0819,
    search: 0.03687,
    add_to_cart: 0.01275,
    begin_checkout: 0.2683,
    login: 0.01953,
    wishlist_add: 0.006607,
    newsletter_signup: 0.01137,
    account_create: 0.01137,
    logout: 0.04819,
    contact_support: 0.004734,
  },
  product_view: {
    page_view: 0.03151,
    product_view: 0.02754,
    search: 0.0104,
    begin_checkout: 0.4543,
    login: 0.005514,
    wishlist_add: 0.02237,
    newsletter_signup: 0.001604,
    review_write: 0.01227,
    contact_support: 0.002673,
  },
  search: { page_view: 0.2013, product_view: 0.4691, search: 0.1595, add_to_cart: 0.04596 },
  add_to_cart: { page_view: 0.1979, product_view: 0.1729, search: 0.05226, add_to_cart: 0.06776, remove_from_cart: 0.1598 },
  begin_checkout: { page_view: 0.06362, login: 0.06678, remove_from_cart: 0.1286, account_create: 0.05825 },
  login: { page_view: 0.07693, product_view: 0.02881, search: 0.01742, begin_checkout: 0.7164, wishlist_add: 0.007802, logout: 0.02845 },
  wishlist_add: { page_view: 0.3217, product_view: 0.2812, search: 0.102, add_to_cart: 0.08813 },
  complete_checkout: {
    page_view: 0.1238,
    product_view: 0.02164,
    newsletter_signup: 0.02269,
    logout: 0.3206,
    review_write: 0.04338,
    contact_support: 0.0126,
  },
  remove_from_cart: { page_view: 0.02124, product_view: 0.01854, search: 0.005256, add_to_cart: 0.009088, begin_checkout: 0.7389 },
  newsletter_signup: { page_view: 0.5694, product_view: 0.09949 },
  account_create: { page_view: 0.5223, product_view: 0.1711, newsletter_signup: 0.09967 },
  logout: { page_view: 0.2963 },
  review_write: { page_view: 0.3965, product_view: 0.2309 },
  contact_support: { page_view: 0.2701, logout: 0.2332 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.6162,
  product_view: 0.1563,
  search: 0.1181,
  login: 0.06521,
  wishlist_add: 0.008819,
  newsletter_signup: 0.007586,
  account_create: 0.01517,
  contact_support: 0.01264,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [0.7535, 0.642, 0.9578, 1.123] as const;
