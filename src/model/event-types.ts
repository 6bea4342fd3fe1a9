/** The 14 event types, in the order of the weight table; the index is the model's type id. */
export const EVENT_TYPES = [
  'page_view',
  'product_view',
  'search',
  'add_to_cart',
  'begin_checkout',
  'login',
  'wishlist_add',
  'complete_checkout',
  'remove_from_cart',
  'newsletter_signup',
  'account_create',
  'logout',
  'review_write',
  'contact_support',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Target share of each type in the overall event mix (fractions; sums to 1). */
export const EVENT_WEIGHTS: Readonly<Record<EventType, number>> = {
  page_view: 0.4,
  product_view: 0.25,
  search: 0.1,
  add_to_cart: 0.08,
  begin_checkout: 0.05,
  login: 0.04,
  wishlist_add: 0.03,
  complete_checkout: 0.02,
  remove_from_cart: 0.02,
  newsletter_signup: 0.015,
  account_create: 0.015,
  logout: 0.01,
  review_write: 0.01,
  contact_support: 0.01,
};

export const T = {
  PAGE_VIEW: 0,
  PRODUCT_VIEW: 1,
  SEARCH: 2,
  ADD_TO_CART: 3,
  BEGIN_CHECKOUT: 4,
  LOGIN: 5,
  WISHLIST_ADD: 6,
  COMPLETE_CHECKOUT: 7,
  REMOVE_FROM_CART: 8,
  NEWSLETTER_SIGNUP: 9,
  ACCOUNT_CREATE: 10,
  LOGOUT: 11,
  REVIEW_WRITE: 12,
  CONTACT_SUPPORT: 13,
} as const;

export const TYPE_COUNT = EVENT_TYPES.length;
