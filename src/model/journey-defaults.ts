import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: {
    page_view: 0.00001061,
    search: 0.00001613,
    add_to_cart: 0.000007901,
    begin_checkout: 0.7159,
    login: 0.00003841,
    wishlist_add: 0.00001606,
    newsletter_signup: 0.000009717,
    account_create: 0.00002072,
    logout: 0.00007016,
    contact_support: 0.000002698,
  },
  product_view: {
    page_view: 0.000004853,
    product_view: 0.00001103,
    search: 0.000005405,
    begin_checkout: 0.7681,
    login: 0.00001289,
    wishlist_add: 0.00006463,
    newsletter_signup: 0.000001629,
    review_write: 0.00006131,
    contact_support: 0.000001813,
  },
  search: { page_view: 0.09207, product_view: 0.5447, search: 0.2457, add_to_cart: 0.1005 },
  add_to_cart: { page_view: 0.08976, product_view: 0.2042, search: 0.08012, add_to_cart: 0.1473, remove_from_cart: 0.215 },
  begin_checkout: { page_view: 0.01086, login: 0.173, remove_from_cart: 0.06503, account_create: 0.1398 },
  login: { page_view: 0.01426, product_view: 0.01389, search: 0.0109, begin_checkout: 0.8575, wishlist_add: 0.02717, logout: 0.05934 },
  wishlist_add: { page_view: 0.1717, product_view: 0.3906, search: 0.1842, add_to_cart: 0.2251 },
  complete_checkout: {
    page_view: 0.02512,
    product_view: 0.01143,
    newsletter_signup: 0.03035,
    logout: 0.7311,
    review_write: 0.1285,
    contact_support: 0.01124,
  },
  remove_from_cart: { page_view: 0.01765, product_view: 0.04002, search: 0.01471, add_to_cart: 0.03606, begin_checkout: 0.8633 },
  newsletter_signup: { page_view: 0.8523, product_view: 0.1024 },
  account_create: { page_view: 0.3321, product_view: 0.2833, newsletter_signup: 0.3564 },
  logout: { page_view: 0.9038 },
  review_write: { page_view: 0.8559, product_view: 0.09319 },
  contact_support: { page_view: 0.431, logout: 0.5011 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.2129,
  product_view: 0.1403,
  search: 0.1377,
  login: 0.3415,
  wishlist_add: 0.05724,
  newsletter_signup: 0.01728,
  account_create: 0.07384,
  contact_support: 0.01919,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [0.4833, 0.3613, 0.3317, 0.3111] as const;

/** Pace of each segment's dwell times, so mean durations keep the segments' ratios despite budget cuts (see journey.ts). */
export const DURATION_CORRECTION = [1.184, 1, 1.033, 1.001] as const;
