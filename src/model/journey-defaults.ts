import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: {
    page_view: 0.000007548,
    search: 0.00001086,
    add_to_cart: 0.000004316,
    begin_checkout: 0.7229,
    login: 0.00002637,
    wishlist_add: 0.000009414,
    newsletter_signup: 0.000006732,
    account_create: 0.00001454,
    logout: 0.00003544,
    contact_support: 0.000001852,
  },
  product_view: {
    page_view: 0.0000046,
    product_view: 0.00001048,
    search: 0.00000485,
    begin_checkout: 0.7746,
    login: 0.00001179,
    wishlist_add: 0.00005049,
    newsletter_signup: 0.000001504,
    review_write: 0.0001339,
    contact_support: 0.000001658,
  },
  search: { page_view: 0.09581, product_view: 0.5683, search: 0.2421, add_to_cart: 0.08032 },
  add_to_cart: { page_view: 0.08966, product_view: 0.2045, search: 0.07576, add_to_cart: 0.113, remove_from_cart: 0.2563 },
  begin_checkout: { page_view: 0.01079, login: 0.1659, remove_from_cart: 0.07716, account_create: 0.1371 },
  login: { page_view: 0.02668, product_view: 0.02604, search: 0.0193, begin_checkout: 0.7938, wishlist_add: 0.04188, logout: 0.07882 },
  wishlist_add: { page_view: 0.1844, product_view: 0.4204, search: 0.1872, add_to_cart: 0.1856 },
  complete_checkout: {
    page_view: 0.03307,
    product_view: 0.01508,
    newsletter_signup: 0.03891,
    logout: 0.6832,
    review_write: 0.166,
    contact_support: 0.01427,
  },
  remove_from_cart: { page_view: 0.02894, product_view: 0.06579, search: 0.02283, add_to_cart: 0.0454, begin_checkout: 0.8146 },
  newsletter_signup: { page_view: 0.8388, product_view: 0.1252 },
  account_create: { page_view: 0.3371, product_view: 0.2882, newsletter_signup: 0.3523 },
  logout: { page_view: 0.9236 },
  review_write: { page_view: 0.8532, product_view: 0.1064 },
  contact_support: { page_view: 0.5183, logout: 0.4278 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.2198,
  product_view: 0.1451,
  search: 0.1345,
  login: 0.3402,
  wishlist_add: 0.04868,
  newsletter_signup: 0.01738,
  account_create: 0.0752,
  contact_support: 0.01912,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [0.3974, 0.3367, 0.3192, 0.297] as const;

/** Pace of each segment's dwell times, so mean durations keep the segments' ratios despite budget cuts (see journey.ts). */
export const DURATION_CORRECTION = [0.9964, 1, 1.02, 0.996] as const;

/**
 * The event mix a simulation of the defaults shows (the calibration's final measure, after
 * days of warm-up): what the fit of the journey to other weights measures the Markov chain against.
 */
export const DEFAULT_MIX: Record<EventType, number> = {
  page_view: 0.379,
  product_view: 0.2351,
  search: 0.09403,
  add_to_cart: 0.07647,
  begin_checkout: 0.04568,
  login: 0.0376,
  wishlist_add: 0.02819,
  complete_checkout: 0.02735,
  remove_from_cart: 0.01932,
  newsletter_signup: 0.01431,
  account_create: 0.01397,
  logout: 0.009563,
  review_write: 0.009973,
  contact_support: 0.009517,
};
