import type { EventType } from './event-types.ts';

/**
 * Default free transitions (the seed's four pinned ones are added by journey.ts). These
 * numbers are calibrated by `scripts/calibrate-journeys.ts` so that a default backfill
 * reproduces the event-type weights; change them by re-running it, not by hand.
 */
export const JOURNEY_DEFAULTS: Record<EventType, Partial<Record<EventType, number>>> = {
  page_view: {
    page_view: 0.07589,
    search: 0.03568,
    add_to_cart: 0.02294,
    begin_checkout: 0.1196,
    login: 0.0556,
    wishlist_add: 0.01696,
    newsletter_signup: 0.01083,
    account_create: 0.04096,
    logout: 0.0475,
    contact_support: 0.007686,
  },
  product_view: {
    page_view: 0.08542,
    product_view: 0.0638,
    search: 0.04019,
    begin_checkout: 0.1349,
    login: 0.06258,
    wishlist_add: 0.01908,
    newsletter_signup: 0.01218,
    review_write: 0.0779,
    contact_support: 0.008656,
  },
  search: { page_view: 0.3339, product_view: 0.2496, search: 0.1574, add_to_cart: 0.101 },
  add_to_cart: { page_view: 0.1745, product_view: 0.1305, search: 0.08208, add_to_cart: 0.05276, remove_from_cart: 0.1836 },
  begin_checkout: { page_view: 0.08855, login: 0.06487, remove_from_cart: 0.09333, account_create: 0.0478 },
  login: { page_view: 0.1813, product_view: 0.1354, search: 0.08523, begin_checkout: 0.2859, wishlist_add: 0.04049, logout: 0.1135 },
  wishlist_add: { page_view: 0.2922, product_view: 0.2182, search: 0.1376, add_to_cart: 0.08837 },
  complete_checkout: {
    page_view: 0.1188,
    product_view: 0.08891,
    newsletter_signup: 0.017,
    logout: 0.07455,
    review_write: 0.1087,
    contact_support: 0.01206,
  },
  remove_from_cart: { page_view: 0.1799, product_view: 0.1341, search: 0.08456, add_to_cart: 0.05437, begin_checkout: 0.2834 },
  newsletter_signup: { page_view: 0.3309, product_view: 0.2473 },
  account_create: { page_view: 0.3896, product_view: 0.2911, newsletter_signup: 0.05565 },
  logout: { page_view: 0.1037 },
  review_write: { page_view: 0.3009, product_view: 0.2246 },
  contact_support: { page_view: 0.2259, logout: 0.1414 },
};

/** Relative weights of a session's first event. */
export const START_DEFAULTS: Partial<Record<EventType, number>> = {
  page_view: 0.5253,
  product_view: 0.1479,
  search: 0.05589,
  login: 0.2192,
  wishlist_add: 0.00512,
  newsletter_signup: 0.0009303,
  account_create: 0.04516,
  contact_support: 0.0005102,
};

/** Measured events per session ÷ the Markov chain's expectation, per segment (see journey.ts). */
export const EVENTS_PER_SESSION_CORRECTION = [0.973, 1.006, 1.12, 1.251] as const;

/** Pace of each segment's dwell times, so mean durations keep the segments' ratios despite budget cuts (see journey.ts). */
export const DURATION_CORRECTION = [0.9424, 1, 1.065, 1.068] as const;

/**
 * The event mix a simulation of the defaults shows (the calibration's final measure, after
 * days of warm-up): what the fit of the journey to other weights measures the Markov chain against.
 */
export const DEFAULT_MIX: Record<EventType, number> = {
  page_view: 0.3716,
  product_view: 0.2316,
  search: 0.09335,
  add_to_cart: 0.08947,
  begin_checkout: 0.04673,
  login: 0.03744,
  wishlist_add: 0.02837,
  complete_checkout: 0.02816,
  remove_from_cart: 0.01819,
  newsletter_signup: 0.01347,
  account_create: 0.01372,
  logout: 0.009293,
  review_write: 0.009387,
  contact_support: 0.009222,
};
