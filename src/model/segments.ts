export const SEGMENTS = ['new_visitor', 'returning_visitor', 'loyal_customer', 'power_user'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const S = { NEW: 0, RETURNING: 1, LOYAL: 2, POWER: 3 } as const;

/** Share of sessions by segment. */
export const SEGMENT_MIX = [0.35, 0.4, 0.2, 0.05] as const;

/** Session time budget relative to returning visitors. */
export const SEGMENT_DURATION = [0.6, 1.0, 1.5, 2.0] as const;

/**
 * How a segment bends the shared journey matrix. `engagement` scales every free transition
 * (longer journeys), `intent` scales the free transitions into buying steps (product pages,
 * cart, checkout, wishlist): together they make conversion rise from new visitors to power
 * users, while the seed's pinned transitions stay exactly as given for everyone.
 */
export const SEGMENT_ENGAGEMENT = [0.9, 1.0, 1.06, 1.12] as const;
export const SEGMENT_INTENT = [0.55, 1.0, 1.45, 1.9] as const;
