import { usageError } from '../errors.ts';
import { EVENT_TYPES, T, TYPE_COUNT, type EventType } from './event-types.ts';
import { CHANNELS, DEVICE_TYPES } from './behaviour.ts';
import { S, SEGMENTS } from './segments.ts';
import { defaultShopModel, type ShopModel } from './shop.ts';
import { DURATION_CORRECTION, EVENTS_PER_SESSION_CORRECTION, JOURNEY_DEFAULTS, START_DEFAULTS } from './journey-defaults.ts';

/** journeyTransitions[current][next] = probability of `next`; the rest of the row is the chance of exit. */
export type JourneyTransitions = Record<EventType, Partial<Record<EventType, number>>>;
export type StartWeights = Partial<Record<EventType, number>>;

/** The seed's four transitions: they hold exactly, for every segment. */
export const PINNED: ReadonlyArray<readonly [EventType, EventType, number]> = [
  ['page_view', 'product_view', 0.25],
  ['product_view', 'add_to_cart', 0.2],
  ['add_to_cart', 'begin_checkout', 0.25],
  ['begin_checkout', 'complete_checkout', 0.6],
];

/** Types whose free transitions a segment's purchase intent scales. */
const INTENT_TYPES: ReadonlySet<number> = new Set([T.ADD_TO_CART, T.BEGIN_CHECKOUT, T.WISHLIST_ADD]);

/** A row's continuation (1 − exit) never goes above this, so every state can end a session. */
export const MAX_CONTINUATION = 0.97;

export function defaultJourneyTransitions(): JourneyTransitions {
  const out = {} as JourneyTransitions;
  for (const from of EVENT_TYPES) out[from] = { ...JOURNEY_DEFAULTS[from] };
  for (const [from, to, p] of PINNED) out[from][to] = p;
  return out;
}

export function defaultStartWeights(): StartWeights {
  return { ...START_DEFAULTS };
}

/**
 * Sampling tables derived from the transitions for one segment. In each row the pinned
 * transitions come first, so a redraw limited to `[pinnedMass, continuation)` chooses among
 * the free transitions only (see `redrawFree`).
 */
export interface SegmentJourney {
  /** order[from * TYPE_COUNT + k]: the type at position k of the row. */
  readonly order: Int8Array;
  /** cumulative[from * TYPE_COUNT + k]: cumulative probability up to position k; beyond the last, exit. */
  readonly cumulative: Float64Array;
  readonly pinnedMass: Float64Array;
  readonly start: Float64Array;
  /**
   * Expected events per session: the Markov chain's expectation times a measured correction
   * for what the chain does not see (coherence rules, time-budget cuts).
   */
  readonly expectedEvents: number;
  /** Chance to leave after the first event instead of taking a free step (see `Context.bounce`). */
  readonly bounce: number;
  /**
   * Gaps between events a session of this segment expects: its dwell times are set from it,
   * the same for every device and channel, so that their paces differ only as `pace` says.
   */
  readonly dwellGaps: number;
  /**
   * Mean of the steps' dwell factors over the pages a session of this segment shows: a
   * session's pace is divided by it, so that a segment whose sessions read more product
   * pages is not slower on average for it, and by the segment's measured pace correction
   * (`DURATION_CORRECTION`): together the segments' duration ratios hold.
   */
  readonly dwellNorm: number;
  /** Dwell factor and log-space spread by event type (see `Behaviour.dwell`). */
  readonly dwellFactor: Float64Array;
  readonly dwellSigma: Float64Array;
  /** See `Behaviour.cart.checkoutAfterAdding`. */
  readonly checkoutAfterAdding: number;
  /** See `Behaviour.cart.checkoutOnReturn`. */
  readonly checkoutOnReturn: number;
  /** See `Behaviour.cart.deliberation`. */
  readonly deliberation: number;
}

export interface CompiledJourney {
  /** By segment, for any device and channel: what the segment's own intent makes of the journey; `expectedEvents` is the mean over its variants. */
  readonly segments: readonly SegmentJourney[];
  /** By `variantIndex(segment, device type, channel)`: the journey a session walks. */
  readonly variants: readonly SegmentJourney[];
  /** Rows whose probabilities summed above 1 and were scaled down. */
  readonly normalizedRows: readonly EventType[];
  /** Dwell times relative to the session's pace, by device type (DEVICE_TYPES). */
  readonly pace: Float64Array;
}

const pinnedKey = new Set(PINNED.map(([a, b]) => a + '>' + b));

/** Whether `from` → `to` is one of the PINNED transitions. */
export function isPinned(from: EventType, to: EventType): boolean {
  return pinnedKey.has(from + '>' + to);
}

/** Index of the journey of a segment on a device type (DEVICE_TYPES) from a channel (CHANNELS). */
export function variantIndex(segment: number, device: number, channel: number): number {
  return (segment * DEVICE_TYPES.length + device) * CHANNELS.length + channel;
}

/** Derive each segment's, and each segment × device × channel's, sampling tables from the shared, user-editable transitions. */
export function compileJourney(
  transitions: JourneyTransitions,
  startWeights: StartWeights,
  model: ShopModel = defaultShopModel(),
): CompiledJourney {
  const b = model.behaviour;
  const normalized = new Set<EventType>();
  const variants: SegmentJourney[] = [];
  const segments = SEGMENTS.map((_, s) => {
    let mean = 0;
    const first = variants.length;
    for (const [d, device] of DEVICE_TYPES.entries()) {
      for (const [c, channel] of CHANNELS.entries()) {
        const { intent, bounce } = variantBehaviour(s, device, channel, model);
        const v = compileOne(transitions, startWeights, s, intent, bounce, normalized, model);
        variants.push(v);
        mean += model.devices.typeShare[d]! * model.referrers.channelShare[c]! * v.expectedEvents;
      }
    }
    const dwellGaps = Math.max(0.5, mean - 1);
    const segment = compileOne(transitions, startWeights, s, model.segmentIntent[s]!, 0, normalized, model);
    const dwellNorm = segment.dwellNorm;
    for (let k = first; k < variants.length; k++) variants[k] = { ...variants[k]!, dwellGaps, dwellNorm };
    return { ...segment, expectedEvents: mean, dwellGaps };
  });
  variants.push(botJourney());
  const pace = Float64Array.from(DEVICE_TYPES, (d) => b.device[d].pace);
  return { segments, variants, normalizedRows: [...normalized], pace };
}

/** The journey of a bot wave's crawlers (the last of `CompiledJourney.variants`). */
export const BOT_VARIANT = SEGMENTS.length * DEVICE_TYPES.length * CHANNELS.length;
/** A crawler goes from product page to product page and leaves now and then; it never shops. */
const BOT_NEXT_VIEW = 0.93;

function botJourney(): SegmentJourney {
  const order = new Int8Array(TYPE_COUNT * TYPE_COUNT);
  const cumulative = new Float64Array(TYPE_COUNT * TYPE_COUNT);
  for (let i = 0; i < TYPE_COUNT; i++) {
    for (let k = 0; k < TYPE_COUNT; k++) {
      order[i * TYPE_COUNT + k] = k;
      const views = i === T.PRODUCT_VIEW || i === T.PAGE_VIEW;
      cumulative[i * TYPE_COUNT + k] = views && k >= T.PRODUCT_VIEW ? BOT_NEXT_VIEW : 0;
    }
  }
  const start = new Float64Array(TYPE_COUNT).fill(1);
  start[T.PAGE_VIEW] = 0;
  return {
    order,
    cumulative,
    pinnedMass: new Float64Array(TYPE_COUNT),
    start,
    expectedEvents: 1 / (1 - BOT_NEXT_VIEW),
    bounce: 0,
    dwellGaps: 1,
    dwellNorm: 1,
    dwellFactor: new Float64Array(TYPE_COUNT).fill(1),
    dwellSigma: new Float64Array(TYPE_COUNT).fill(0.5),
    checkoutAfterAdding: 0,
    checkoutOnReturn: 0,
    deliberation: 1,
  };
}

/** Purchase intent and bounce of a segment's sessions on a device type from a channel. */
export function variantBehaviour(
  s: number,
  device: (typeof DEVICE_TYPES)[number],
  channel: (typeof CHANNELS)[number],
  model: ShopModel = defaultShopModel(),
): { intent: number; bounce: number } {
  const dev = model.behaviour.device[device];
  const ch = model.behaviour.channel[channel];
  return { intent: model.segmentIntent[s]! * dev.intent * ch.intent, bounce: 1 - (1 - dev.bounce) * (1 - ch.bounce) };
}

/**
 * How a segment at purchase intent `intent` scales a step into type `j`, start or transition
 * (a free transition is also scaled by the segment's engagement). Never both factors at once:
 * account_create is no intent type, so the product is exact whichever way it is grouped.
 */
export function typeFactor(s: number, intent: number, j: number, model: ShopModel = defaultShopModel()): number {
  const signup = s === S.NEW ? 1 : model.behaviour.accounts.returningSignup;
  return (INTENT_TYPES.has(j) ? intent : 1) * (j === T.ACCOUNT_CREATE ? signup : 1);
}

/**
 * Scales of a row's free and pinned transitions: free transitions give way first so the
 * pinned ones keep their exact values, and the row continues at most MAX_CONTINUATION.
 */
export function rowScales(pinnedSum: number, freeSum: number): { freeScale: number; pinScale: number } {
  const room = Math.max(0, Math.min(MAX_CONTINUATION, 1) - pinnedSum);
  return { freeScale: freeSum > room ? room / freeSum : 1, pinScale: pinnedSum > 1 ? 1 / pinnedSum : 1 };
}

function compileOne(
  transitions: JourneyTransitions,
  startWeights: StartWeights,
  s: number,
  intent: number,
  bounce: number,
  normalized: Set<EventType>,
  model: ShopModel,
): SegmentJourney {
  const b = model.behaviour;
  const matrix = new Float64Array(TYPE_COUNT * TYPE_COUNT);
  for (let i = 0; i < TYPE_COUNT; i++) {
    const from = EVENT_TYPES[i]!;
    const row = transitions[from] ?? {};
    let pinnedSum = 0;
    let freeSum = 0;
    for (let j = 0; j < TYPE_COUNT; j++) {
      const to = EVENT_TYPES[j]!;
      const p = row[to] ?? 0;
      if (pinnedKey.has(from + '>' + to)) {
        matrix[i * TYPE_COUNT + j] = p;
        pinnedSum += p;
      } else {
        const q = p * model.segmentEngagement[s]! * typeFactor(s, intent, j, model);
        matrix[i * TYPE_COUNT + j] = q;
        freeSum += q;
      }
    }
    const baseSum = EVENT_TYPES.reduce((a, to) => a + (row[to] ?? 0), 0);
    if (baseSum > 1 + 1e-9) normalized.add(from);
    const { freeScale, pinScale } = rowScales(pinnedSum, freeSum);
    for (let j = 0; j < TYPE_COUNT; j++) {
      const pinned = pinnedKey.has(from + '>' + EVENT_TYPES[j]!);
      matrix[i * TYPE_COUNT + j]! *= pinned ? pinScale : freeScale;
    }
  }
  const start = new Float64Array(TYPE_COUNT);
  let startSum = 0;
  for (let j = 0; j < TYPE_COUNT; j++) {
    const w = (startWeights[EVENT_TYPES[j]!] ?? 0) * typeFactor(s, intent, j);
    start[j] = w;
    startSum += w;
  }
  if (!(startSum > 0)) throw new RangeError('the start weights of the journey must not all be zero');
  for (let j = 0; j < TYPE_COUNT; j++) start[j]! /= startSum;

  const order = new Int8Array(TYPE_COUNT * TYPE_COUNT);
  const cumulative = new Float64Array(TYPE_COUNT * TYPE_COUNT);
  const pinnedMass = new Float64Array(TYPE_COUNT);
  for (let i = 0; i < TYPE_COUNT; i++) {
    const from = EVENT_TYPES[i]!;
    const isPinned = (j: number): boolean => pinnedKey.has(from + '>' + EVENT_TYPES[j]!);
    const types = [...Array(TYPE_COUNT).keys()].sort((a, b) => Number(isPinned(b)) - Number(isPinned(a)) || a - b);
    let acc = 0;
    types.forEach((j, k) => {
      acc += matrix[i * TYPE_COUNT + j]!;
      order[i * TYPE_COUNT + k] = j;
      cumulative[i * TYPE_COUNT + k] = acc;
      if (isPinned(j)) pinnedMass[i] = acc;
    });
  }
  const startCumulative = new Float64Array(TYPE_COUNT);
  let acc = 0;
  for (let j = 0; j < TYPE_COUNT; j++) startCumulative[j] = acc += start[j]!;
  startCumulative[TYPE_COUNT - 1] = 1;
  const visits = expectedVisits(matrix, start);
  let dwellNorm = 0;
  for (let j = 0; j < TYPE_COUNT; j++) dwellNorm += visits[j]! * b.dwell[EVENT_TYPES[j]!].factor;
  // Divided by the measured pace correction of the segment (faster dwell means a larger norm).
  dwellNorm /= visits.reduce((a, b) => a + b, 0) * DURATION_CORRECTION[s]!;
  // A bounce cuts the free part of the first step: the rest of the session is that much less likely.
  const lengths = expectedLengths(matrix);
  let expected = 0;
  for (let i = 0; i < TYPE_COUNT; i++) {
    const go = cumulative[i * TYPE_COUNT + TYPE_COUNT - 1]!;
    const kept = go > 0 ? (go - bounce * (go - pinnedMass[i]!)) / go : 0;
    expected += start[i]! * (1 + kept * (lengths[i]! - 1));
  }
  return {
    order,
    cumulative,
    pinnedMass,
    start: startCumulative,
    expectedEvents: EVENTS_PER_SESSION_CORRECTION[s]! * expected,
    bounce,
    dwellGaps: 0,
    dwellNorm,
    dwellFactor: Float64Array.from(EVENT_TYPES, (t) => b.dwell[t].factor),
    dwellSigma: Float64Array.from(EVENT_TYPES, (t) => b.dwell[t].sigma),
    checkoutAfterAdding: b.cart.checkoutAfterAdding,
    checkoutOnReturn: b.cart.checkoutOnReturn,
    deliberation: b.cart.deliberation,
  };
}

/** Expected events of a session from each type on (that type included): (I − P) L = 1. */
function expectedLengths(matrix: Float64Array): number[] {
  const n = TYPE_COUNT;
  const a: number[][] = [];
  for (let r = 0; r < n; r++) {
    const row: number[] = [];
    for (let c = 0; c < n; c++) row.push((r === c ? 1 : 0) - matrix[r * n + c]!);
    row.push(1);
    a.push(row);
  }
  return solve(a);
}

/** Next type after `from` for a uniform draw `u`, or -1 for exit. */
export function nextType(journey: SegmentJourney, from: number, u: number): number {
  const c = journey.cumulative;
  const base = from * TYPE_COUNT;
  if (u >= c[base + TYPE_COUNT - 1]!) return -1;
  let k = 0;
  while (u >= c[base + k]!) k++;
  return journey.order[base + k]!;
}

/**
 * A redraw after an impossible step: among the free transitions only, in their proportions,
 * so the possible ones share the chance of the impossible one and the row's exit keeps its
 * value (or -1 for a row without free transitions). Pinned transitions are never redrawn
 * into, so they keep their exact values.
 */
export function redrawFree(journey: SegmentJourney, from: number, u: number): number {
  const pinned = journey.pinnedMass[from]!;
  const go = journey.cumulative[from * TYPE_COUNT + TYPE_COUNT - 1]!;
  return go > pinned ? nextType(journey, from, pinned + u * (go - pinned)) : -1;
}

export function firstType(journey: SegmentJourney, u: number): number {
  const c = journey.start;
  let j = 0;
  while (j < TYPE_COUNT - 1 && u >= c[j]!) j++;
  return j;
}

/**
 * Expected visits to each type per session: v = s (I − P)⁻¹, solved by Gauss–Jordan
 * elimination on the transposed system (I − P)ᵀ vᵀ = sᵀ.
 */
export function expectedVisits(matrix: Float64Array, start: Float64Array): number[] {
  const n = TYPE_COUNT;
  const a: number[][] = [];
  for (let r = 0; r < n; r++) {
    const row: number[] = [];
    for (let c = 0; c < n; c++) row.push((r === c ? 1 : 0) - matrix[c * n + r]!);
    row.push(start[r]!);
    a.push(row);
  }
  return solve(a);
}

/** Solve the augmented n × (n + 1) system by Gauss–Jordan elimination with partial pivoting. */
function solve(a: number[][]): number[] {
  const n = a.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    for (let c = col; c <= n; c++) a[col]![c]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row) => row[n]!);
}

/**
 * A view of `transitions` for callers to edit in place: each edit is checked (a known type, a
 * probability from 0 to 1) and `changed` recompiles the sampling tables at once, so later
 * events follow it. `onScaled` hears of rows that now sum above 1 (they are scaled down).
 */
export function editableTransitions(
  transitions: JourneyTransitions,
  changed: () => CompiledJourney,
  onScaled: (row: EventType) => void,
): JourneyTransitions {
  const rows = new Map<string, object>();
  const isType = (k: string | symbol): k is EventType => typeof k === 'string' && (EVENT_TYPES as readonly string[]).includes(k);
  const rowView = (from: EventType): object =>
    new Proxy(transitions[from], {
      set(row, to, value) {
        if (!isType(to))
          throw usageError(`journeyTransitions.${from}: unknown event type ${String(to)}; use one of ${EVENT_TYPES.join(', ')}`);
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
          throw usageError(`journeyTransitions.${from}.${to} must be a probability from 0 to 1 (got ${JSON.stringify(value)})`);
        }
        row[to] = value;
        if (changed().normalizedRows.includes(from)) onScaled(from);
        return true;
      },
      deleteProperty(row, to) {
        delete row[to as EventType];
        changed();
        return true;
      },
    });
  return new Proxy(transitions, {
    get(target, from) {
      if (!isType(from)) return Reflect.get(target, from);
      let row = rows.get(from);
      if (!row) rows.set(from, (row = rowView(from)));
      return row;
    },
    set(_target, from) {
      throw usageError(`journeyTransitions.${String(from)} cannot be replaced; set its entries instead`);
    },
  });
}
