import type { Rng } from '../model/rng.ts';

export const ORDER_STATUSES = ['created', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderStep {
  readonly status: OrderStatus;
  readonly timeMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What becomes of an order after it is placed (simulated time; see `orderLifecycle`). */
export const ORDER_LIFECYCLE = {
  /** Paid this long after it was placed: 1 to 20 minutes, mostly the first few. */
  paidMinutes: [1, 20],
  /** Shipped 1–2 days after it was placed. */
  shippedDays: [1, 2],
  /** Delivered 2–6 days after it was placed, and at least half a day after shipping. */
  deliveredDays: [2, 6],
  minTransitMs: 12 * HOUR,
  /** Share cancelled between payment and shipping. */
  cancelled: 0.03,
  /** Share of delivered orders refunded, 1–14 days after delivery. */
  refunded: 0.05,
  refundedDays: [1, 14],
} as const;

const between = (rng: Rng, [lo, hi]: readonly [number, number], unit: number): number => (lo + rng.next() * (hi - lo)) * unit;

/**
 * The steps of an order placed at `createdMs`, drawn from the order's own stream: created,
 * paid, then shipped and delivered (perhaps refunded later), or cancelled before shipping.
 * Times strictly increase.
 */
export function orderLifecycle(rng: Rng, createdMs: number): OrderStep[] {
  const L = ORDER_LIFECYCLE;
  const u = rng.next();
  const paid = createdMs + Math.round(MINUTE * (L.paidMinutes[0] + (L.paidMinutes[1] - L.paidMinutes[0]) * u * u));
  const shipped = createdMs + Math.round(between(rng, L.shippedDays, DAY));
  const delivered = Math.max(shipped + L.minTransitMs, createdMs + Math.round(between(rng, L.deliveredDays, DAY)));
  const steps: OrderStep[] = [
    { status: 'created', timeMs: createdMs },
    { status: 'paid', timeMs: paid },
  ];
  if (rng.next() < L.cancelled) {
    steps.push({ status: 'cancelled', timeMs: paid + 1 + Math.floor(rng.next() * (shipped - paid - 1)) });
    return steps;
  }
  steps.push({ status: 'shipped', timeMs: shipped }, { status: 'delivered', timeMs: delivered });
  if (rng.next() < L.refunded) steps.push({ status: 'refunded', timeMs: delivered + Math.round(between(rng, L.refundedDays, DAY)) });
  return steps;
}
