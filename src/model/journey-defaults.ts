import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: {
    page_view: 0.07188,
    search: 0.03347,
    add_to_cart: 0.01073,
    begin_checkout: 0.328,
    login: 0.01825,
    wishlist_add: 0.006089,
    newsletter_signup: 0.01051,
    account_create: 0.01079,
    logout: 0.03492,
    contact_support: 0.004353,
  },
  product_view: {
    page_view: 0.02493,
    product_view: 0.02221,
    search: 0.008509,
    begin_checkout: 0.5006,
    login: 0.004645,
    wishlist_add: 0.01857,
    newsletter_signup: 0.001336,
    review_write: 0.01075,
    contact_support: 0.002218,
  },
  search: { page_view: 0.2017, product_view: 0.4787, search: 0.165, add_to_cart: 0.04416 },
  add_to_cart: { page_view: 0.199, product_view: 0.1772, search: 0.05437, add_to_cart: 0.06543, remove_from_cart: 0.1656 },
  begin_checkout: { page_view: 0.06288, login: 0.07026, remove_from_cart: 0.131, account_create: 0.06224 },
  login: { page_view: 0.1646, product_view: 0.06284, search: 0.03856, begin_checkout: 0.5556, wishlist_add: 0.01754, logout: 0.05032 },
  wishlist_add: { page_view: 0.3287, product_view: 0.2928, search: 0.108, add_to_cart: 0.08639 },
  complete_checkout: {
    page_view: 0.1486,
    product_view: 0.02647,
    newsletter_signup: 0.02868,
    logout: 0.3177,
    review_write: 0.0576,
    contact_support: 0.01585,
  },
  remove_from_cart: { page_view: 0.07298, product_view: 0.06484, search: 0.01865, add_to_cart: 0.02992, begin_checkout: 0.6295 },
  newsletter_signup: { page_view: 0.5989, product_view: 0.1065 },
  account_create: { page_view: 0.5315, product_view: 0.1776, newsletter_signup: 0.1068 },
  logout: { page_view: 0.3739 },
  review_write: { page_view: 0.4197, product_view: 0.2488 },
  contact_support: { page_view: 0.3258, logout: 0.2323 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.6078,
  product_view: 0.157,
  search: 0.1205,
  login: 0.06845,
  wishlist_add: 0.009145,
  newsletter_signup: 0.007882,
  account_create: 0.0162,
  contact_support: 0.01306,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [0.6938, 0.6952, 0.9086, 0.9641] as const;

/** Pace of each segment's dwell times, so mean durations keep the segments' ratios despite budget cuts (see journey.ts). */
export const DURATION_CORRECTION = [1.11, 1, 0.9994, 0.9297] as const;
