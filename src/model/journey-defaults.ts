import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: { page_view: 0.08066, search: 0.0367, add_to_cart: 0.01247, begin_checkout: 0.2845, login: 0.02892, wishlist_add: 0.006586, newsletter_signup: 0.01092, account_create: 0.01807, logout: 0.015, contact_support: 0.004525 },
  product_view: { page_view: 0.02939, product_view: 0.02602, search: 0.009807, begin_checkout: 0.4562, login: 0.007729, wishlist_add: 0.02112, newsletter_signup: 0.001459, review_write: 0.011, contact_support: 0.002419 },
  search: { page_view: 0.1992, product_view: 0.4703, search: 0.1595, add_to_cart: 0.04517 },
  add_to_cart: { page_view: 0.1966, product_view: 0.174, search: 0.05247, add_to_cart: 0.06685, remove_from_cart: 0.1594 },
  begin_checkout: { page_view: 0.05196, login: 0.08198, remove_from_cart: 0.1054, account_create: 0.07681 },
  login: { page_view: 0.0677, product_view: 0.02568, search: 0.01549, begin_checkout: 0.7504, wishlist_add: 0.006949, logout: 0.007915 },
  wishlist_add: { page_view: 0.319, product_view: 0.2824, search: 0.1022, add_to_cart: 0.08679 },
  complete_checkout: { page_view: 0.2064, product_view: 0.03654, newsletter_signup: 0.03687, logout: 0.1689, review_write: 0.0695, contact_support: 0.02038 },
  remove_from_cart: { page_view: 0.01911, product_view: 0.01691, search: 0.004781, add_to_cart: 0.008123, begin_checkout: 0.7414 },
  newsletter_signup: { page_view: 0.5645, product_view: 0.09995 },
  account_create: { page_view: 0.5206, product_view: 0.1728, newsletter_signup: 0.09687 },
  logout: { page_view: 0.287 },
  review_write: { page_view: 0.3915, product_view: 0.231 },
  contact_support: { page_view: 0.3903, logout: 0.1065 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.5897,
  product_view: 0.1515,
  search: 0.1142,
  login: 0.09378,
  wishlist_add: 0.008542,
  newsletter_signup: 0.007079,
  account_create: 0.02343,
  contact_support: 0.01174,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [1, 1, 1, 1] as const;
