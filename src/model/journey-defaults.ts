import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: {
    page_view: 0.0921,
    search: 0.04166,
    add_to_cart: 0.01324,
    begin_checkout: 0.256,
    login: 0.0219,
    wishlist_add: 0.006714,
    newsletter_signup: 0.01273,
    account_create: 0.0128,
    logout: 0.05139,
    contact_support: 0.005157,
  },
  product_view: {
    page_view: 0.03677,
    product_view: 0.03232,
    search: 0.0122,
    begin_checkout: 0.4498,
    login: 0.006416,
    wishlist_add: 0.02359,
    newsletter_signup: 0.001863,
    review_write: 0.01346,
    contact_support: 0.003022,
  },
  search: { page_view: 0.2027, product_view: 0.4751, search: 0.1613, add_to_cart: 0.04274 },
  add_to_cart: { page_view: 0.2008, product_view: 0.1764, search: 0.05327, add_to_cart: 0.0635, remove_from_cart: 0.1614 },
  begin_checkout: { page_view: 0.06456, login: 0.06757, remove_from_cart: 0.1299, account_create: 0.05915 },
  login: { page_view: 0.08948, product_view: 0.0337, search: 0.02036, begin_checkout: 0.6987, wishlist_add: 0.008199, logout: 0.03138 },
  wishlist_add: { page_view: 0.3277, product_view: 0.2881, search: 0.1044, add_to_cart: 0.08291 },
  complete_checkout: {
    page_view: 0.1336,
    product_view: 0.02349,
    newsletter_signup: 0.02438,
    logout: 0.328,
    review_write: 0.04399,
    contact_support: 0.01317,
  },
  remove_from_cart: { page_view: 0.0259, product_view: 0.02273, search: 0.006438, add_to_cart: 0.01023, begin_checkout: 0.7377 },
  newsletter_signup: { page_view: 0.5825, product_view: 0.1023 },
  account_create: { page_view: 0.5285, product_view: 0.1742, newsletter_signup: 0.1004 },
  logout: { page_view: 0.3303 },
  review_write: { page_view: 0.407, product_view: 0.2384 },
  contact_support: { page_view: 0.2899, logout: 0.2374 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.6162,
  product_view: 0.1572,
  search: 0.1186,
  login: 0.06502,
  wishlist_add: 0.007969,
  newsletter_signup: 0.007552,
  account_create: 0.01519,
  contact_support: 0.01225,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [0.7646, 0.7518, 0.9597, 1.087] as const;
