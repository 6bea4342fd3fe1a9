import { usageError } from '../errors.ts';
import { CHANNELS, DEVICE_TYPES } from './behaviour.ts';
import { DEVICE_SHARE } from './devices.ts';
import { EVENT_TYPES, EVENT_WEIGHTS, TYPE_COUNT, type EventType } from './event-types.ts';
import { DEFAULT_MIX, EVENTS_PER_SESSION_CORRECTION } from './journey-defaults.ts';
import {
  defaultJourneyTransitions,
  defaultStartWeights,
  expectedVisits,
  isPinned,
  PINNED,
  rowScales,
  typeFactor,
  variantBehaviour,
  type JourneyTransitions,
  type StartWeights,
} from './journey.ts';
import { CHANNEL_SHARE } from './referrers.ts';
import { SEGMENT_ENGAGEMENT, SEGMENT_MIX, SEGMENTS } from './segments.ts';
import type { ShopSpec } from './shop.ts';
import { Simulation, type ModelOptions } from './simulation.ts';

export interface FittedJourney {
  readonly transitions: JourneyTransitions;
  readonly startWeights: StartWeights;
}

/** The journey a fit starts from: its free transitions are rescaled, its pinned ones kept. */
export interface JourneyBase {
  readonly transitions: JourneyTransitions;
  readonly startWeights: StartWeights;
  /** The shop the journey runs in (a scenario's segments, devices, behaviour): the simulated rounds measure in it. */
  readonly shop?: ShopSpec;
}

/** Iterations of the fit at most; it usually settles in far fewer. */
const MAX_ITERATIONS = 200;
/** The fit stops once every type is this close (relative) to its aim. */
const CONVERGED = 5e-3;
/** Scaling a little past each type's ratio speeds the slow tail of proportional scaling up. */
const OVER_RELAX = 1.5;
/** A type whose share the fit cannot bring this close (relative) to its weight makes the weights infeasible. */
const FEASIBLE = 0.1;
/**
 * A type entered only through pinned transitions follows what feeds it; it may overshoot its
 * weight by this much, as the realism specification allows complete_checkout (the seed pins
 * it at 0.6 × begin_checkout, above the weights' 0.4).
 */
const PINNED_ONLY_EXCESS = 0.5;
/** Below this share a type counts as absent (for weights of zero). */
const ABSENT = 5e-4;
/** A simulated share is accepted this close (relative) to its weight, as the realism specification asks... */
const MIX_TOLERANCE = 0.15;
/** ...or, for weights under SMALL_SHARE, this close in absolute terms. */
const SMALL_TOLERANCE = 0.003;
const SMALL_SHARE = 0.01;
/** How far inside the accepted range a pinned transition's source is aimed when it must move off its weight. */
const AIM_MARGIN = 0.08;
/**
 * The runs that measure a fitted journey: a fixed seed (the fit depends on the weights only),
 * no time patterns (they change when events come, not which).
 */
const REFINE_MODEL: ModelOptions = {
  seed: 1,
  startMs: Date.UTC(2024, 2, 4),
  ratePerHour: 10_000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: false,
  userPoolSize: 0,
};
/** Events of each measure (the simulation goes on from one to the next: its users come back warmer). */
const REFINE_EVENTS = 60_000;
/** Refits on measured mixes at most. */
const REFINE_ROUNDS = 3;
/** A round's step (log of a type's scale) large enough to read the type's response from. */
const MIN_STEP = 0.05;
/** The smallest response read: a type's next step is at most 1 / MIN_RESPONSE times as large (in log). */
const MIN_RESPONSE = 0.3;
/** A measured mix this deep inside the accepted range (as a part of it) needs no further round. */
const REFINE_GOOD_ENOUGH = 0.4;

/**
 * Fit the journey so a simulation's event mix matches `weights`, in a few tenths of a second.
 *
 * The free transitions and start weights of `base` (the defaults if not given) are rescaled:
 * each type's inflow (its column of free transitions and its start weight) by iterative
 * proportional scaling, each row's free transitions then back to the row's sum in `base`, so
 * every row's exit (and so the session length) stays as in `base`. The PINNED transitions
 * keep `base`'s values exactly; transitions `base` lacks are not added. The fit is made on
 * the journey's Markov chain (every segment × device × channel, with bounces), aimed at the
 * weights times the ratio of the chain's mix to the simulated mix at the defaults
 * (`DEFAULT_MIX`): that ratio holds what the chain does not see (coherence rules such as a
 * checkout needing a cart, time budgets). Up to REFINE_ROUNDS short simulations with a
 * fixed seed then measure the fitted journey and scale each type's inflow by its weight over
 * its measured share, a larger step for a type whose share answered the last step less than
 * in proportion; the best measured journey is returned, so the fit
 * depends on the weights and base only. begin_checkout is aimed a little under its weight
 * when complete_checkout (pinned at 0.6 of it) would otherwise pass its allowed excess.
 *
 * Weights equal to EVENT_WEIGHTS (after normalizing) with the default base give back the
 * defaults unchanged, so the default output does not change.
 *
 * @param weights every event type's relative weight (non-negative; normalized to sum 1)
 * @throws UBPError (USAGE) for malformed weights, and for weights the journey cannot reach
 *   within 10% relative (a type entered only by pinned transitions may be up to 50% above),
 *   naming the type, its weight, the closest share, and the pinned transitions to blame
 */
export function fitJourney(weights: Readonly<Record<EventType, number>>, base?: JourneyBase): FittedJourney {
  const target = normalizedWeights(weights);
  const from = base ?? { transitions: defaultJourneyTransitions(), startWeights: defaultStartWeights() };
  if (from.transitions === undefined || from.startWeights === undefined)
    throw usageError('fitJourney: base needs transitions and startWeights');
  const chain = toChain(from.transitions, from.startWeights);
  if (sameAsDefaults(target, chain)) return { transitions: structuredClone(from.transitions), startWeights: { ...from.startWeights } };

  const variants = journeyVariants();
  const scalable = EVENT_TYPES.map((_, j) => chain.start[j]! > 0 || chain.free.some((p, k) => k % TYPE_COUNT === j && p > 0));
  const fit = new ChainFit(chain, variants, scalable);
  // What the simulation makes of each type relative to the chain, measured at the defaults.
  const atDefaults = analyticMix(toChain(defaultJourneyTransitions(), defaultStartWeights()), variants).share;
  const bias = EVENT_TYPES.map((t, j) => (atDefaults[j]! > 0 ? DEFAULT_MIX[t] / atDefaults[j]! : 1));
  const aimed = aimFor(
    target,
    EVENT_TYPES.map((t) => DEFAULT_MIX[t]),
    scalable,
  );
  const mix = fit.scaleTo(aimed, bias);
  checkReached(target, aimed, normalize(mix.share.map((m, j) => m * bias[j]!)), mix, scalable);

  // The chain misses coherence rules whose effect depends on the journey (a logout needs a
  // login, a checkout a cart): short simulations of the fitted journey measure it again.
  const first = fromChain(chain, from.transitions, from.startWeights);
  const sim = new Simulation({
    ...REFINE_MODEL,
    ...(from.shop === undefined ? {} : { shop: from.shop }),
    journeyTransitions: first.transitions,
    startWeights: first.startWeights,
  });
  let best = { miss: Infinity, chain: fit.snapshot() };
  let last: { measured: number[]; factor: number[] } | undefined;
  for (let round = 0; ; round++) {
    const measured = simulatedMix(sim, chain, from, REFINE_EVENTS);
    const miss = worstMiss(target, measured, scalable);
    if (miss < best.miss) best = { miss, chain: fit.snapshot() };
    if (round === REFINE_ROUNDS || miss < REFINE_GOOD_ENOUGH) break;
    // Straight on the simulation: refitting the chain to a re-measured bias overshoots, as
    // the rules it misses respond more steeply than it does.
    // A type whose share answered the last round's scaling less than in proportion (a
    // checkout needs a cart, and empties it) takes a step as much larger.
    const aim = aimFor(target, measured, scalable);
    const factor = aim.map((w, j) => {
      if (!scalable[j] || !(measured[j]! > 0)) return 1;
      const step = Math.log(last?.factor[j] ?? 1);
      const answered = Math.abs(step) > MIN_STEP && last!.measured[j]! > 0 ? Math.log(measured[j]! / last!.measured[j]!) / step : 1;
      return (w / measured[j]!) ** (1 / Math.min(1, Math.max(MIN_RESPONSE, answered)));
    });
    fit.scale(factor);
    last = { measured, factor };
  }
  fit.restore(best.chain);
  return fromChain(chain, from.transitions, from.startWeights);
}

/** Iterative proportional scaling of a chain's free inflows, each row's free sum kept as in the base. */
class ChainFit {
  private readonly chain: Chain;
  private readonly variants: readonly Variant[];
  private readonly scalable: readonly boolean[];
  private readonly rowSums = new Float64Array(TYPE_COUNT);
  private readonly startSum: number;

  constructor(chain: Chain, variants: readonly Variant[], scalable: readonly boolean[]) {
    [this.chain, this.variants, this.scalable] = [chain, variants, scalable];
    for (let i = 0; i < TYPE_COUNT; i++) for (let j = 0; j < TYPE_COUNT; j++) this.rowSums[i]! += chain.free[i * TYPE_COUNT + j]!;
    this.startSum = chain.start.reduce((a, b) => a + b, 0);
  }

  /** Scale the chain (from where it is) until its mix times `bias` matches `target`; the chain's own mix. */
  scaleTo(target: readonly number[], bias: readonly number[]): Mix {
    const { chain, scalable } = this;
    const aim = normalize(target.map((w, j) => w / bias[j]!));
    let mix = analyticMix(chain, this.variants);
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      // Compared among the scalable types only: the others' shares follow from theirs.
      let mixed = 0;
      let aimed = 0;
      for (let j = 0; j < TYPE_COUNT; j++) if (scalable[j]) [mixed, aimed] = [mixed + mix.share[j]!, aimed + aim[j]!];
      let worst = 0;
      const factor = new Float64Array(TYPE_COUNT).fill(1);
      for (let j = 0; j < TYPE_COUNT; j++) {
        if (!scalable[j]) continue;
        const want = aim[j]! / aimed;
        const have = mix.share[j]! / mixed;
        if (have <= 0) continue;
        factor[j] = (want / have) ** OVER_RELAX;
        if (want > 0) worst = Math.max(worst, Math.abs(have / want - 1));
      }
      if (worst < CONVERGED) break;
      if (!this.scale(factor)) break;
      mix = analyticMix(chain, this.variants);
    }
    return mix;
  }

  /** Scale each type's inflow by its factor, rows back to their free sums in the base; false if no start weight is left. */
  scale(factor: ArrayLike<number>): boolean {
    const { chain, rowSums } = this;
    for (let i = 0; i < TYPE_COUNT; i++) {
      let sum = 0;
      for (let j = 0; j < TYPE_COUNT; j++) sum += chain.free[i * TYPE_COUNT + j]! *= factor[j]!;
      // Back to the row's continuation in `base`, so exits (and session lengths) stay.
      if (sum > 0) for (let j = 0; j < TYPE_COUNT; j++) chain.free[i * TYPE_COUNT + j]! *= rowSums[i]! / sum;
    }
    let sum = 0;
    for (let j = 0; j < TYPE_COUNT; j++) sum += chain.start[j]! *= factor[j]!;
    if (!(sum > 0)) return false;
    for (let j = 0; j < TYPE_COUNT; j++) chain.start[j]! *= this.startSum / sum;
    return true;
  }

  snapshot(): { free: Float64Array; start: Float64Array } {
    return { free: this.chain.free.slice(), start: this.chain.start.slice() };
  }

  restore(from: { free: Float64Array; start: Float64Array }): void {
    this.chain.free.set(from.free);
    this.chain.start.set(from.start);
  }
}

/**
 * The weights with each type fed only by a pinned transition's source re-aimed: the source
 * (begin_checkout) is aimed a little under its weight when the pinned share of it would
 * carry the fed type (complete_checkout) past its allowed excess, so both land inside.
 * `mix` gives the ratio of fed to source.
 */
function aimFor(target: readonly number[], mix: readonly number[], scalable: readonly boolean[]): number[] {
  const out = [...target];
  for (const [a, b] of PINNED) {
    const [ai, bi] = [EVENT_TYPES.indexOf(a), EVENT_TYPES.indexOf(b)];
    if (scalable[bi] || PINNED.some(([x, y]) => y === b && x !== a)) continue;
    const ratio = mix[bi]! / mix[ai]!;
    if (!(ratio > 0) || !(target[bi]! > 0)) continue;
    const lo = Math.max(target[ai]! * (1 - AIM_MARGIN), (target[bi]! * (1 - AIM_MARGIN)) / ratio);
    const hi = Math.min(target[ai]! * (1 + AIM_MARGIN), (target[bi]! * (1 + PINNED_ONLY_EXCESS - 1.5 * AIM_MARGIN)) / ratio);
    out[ai] = lo <= hi ? Math.min(hi, Math.max(lo, target[ai]!)) : (lo + hi) / 2;
  }
  return out;
}

/** Run the chain's journey on `sim` for `events` events; each type's share of them. */
function simulatedMix(sim: Simulation, chain: Chain, base: JourneyBase, events: number): number[] {
  const fitted = fromChain(chain, base.transitions, base.startWeights);
  for (const t of EVENT_TYPES) Object.assign(sim.journeyTransitions[t], fitted.transitions[t]);
  Object.assign(sim.startWeights, fitted.startWeights);
  sim.journeyChanged();
  const counts = new Float64Array(TYPE_COUNT);
  for (let i = 0; i < events; i++) counts[sim.next().type]!++;
  return Array.from(counts, (c) => c / events);
}

/**
 * The largest miss of a mix against the weights, as a part of what is accepted (1 at the
 * edge): ±MIX_TOLERANCE relative, or ±SMALL_TOLERANCE absolute for shares under SMALL_SHARE;
 * a type fed only by a pinned transition may be up to PINNED_ONLY_EXCESS above.
 */
function worstMiss(target: readonly number[], mix: readonly number[], scalable: readonly boolean[]): number {
  let worst = 0;
  for (let j = 0; j < TYPE_COUNT; j++) {
    const [w, m] = [target[j]!, mix[j]!];
    let miss: number;
    if (w === 0) miss = m / ABSENT;
    else if (!scalable[j] && m > w) miss = (m / w - 1) / PINNED_ONLY_EXCESS;
    else {
      miss = Math.abs(m / w - 1) / MIX_TOLERANCE;
      if (w < SMALL_SHARE) miss = Math.min(miss, Math.abs(m - w) / SMALL_TOLERANCE);
    }
    worst = Math.max(worst, miss);
  }
  return worst;
}

/** Validated weights, normalized to sum 1, in EVENT_TYPES order. */
function normalizedWeights(weights: Readonly<Record<EventType, number>>): number[] {
  if (weights === null || typeof weights !== 'object')
    throw usageError(`event weights must be an object of event types (got ${JSON.stringify(weights)})`);
  for (const k of Object.keys(weights)) {
    if (!(EVENT_TYPES as readonly string[]).includes(k))
      throw usageError(`event weights: unknown event type ${k}; use ${EVENT_TYPES.join(', ')}`);
  }
  const missing = EVENT_TYPES.filter((t) => weights[t] === undefined);
  if (missing.length > 0)
    throw usageError(`event weights: ${missing.join(', ')} missing; give a weight (0 or more) for each of the ${TYPE_COUNT} types`);
  for (const t of EVENT_TYPES) {
    const w = weights[t];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      throw usageError(`event weights: ${t} must be a number of 0 or more (got ${JSON.stringify(w)})`);
  }
  const sum = EVENT_TYPES.reduce((a, t) => a + weights[t], 0);
  if (!(sum > 0)) throw usageError('event weights must not all be zero');
  return EVENT_TYPES.map((t) => weights[t] / sum);
}

function normalize(xs: readonly number[]): number[] {
  const sum = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => x / sum);
}

/** The user-level journey as flat tables: free and pinned transitions (row × TYPE_COUNT + column), start weights. */
interface Chain {
  readonly free: Float64Array;
  readonly pinned: Float64Array;
  readonly start: Float64Array;
}

function toChain(transitions: JourneyTransitions, startWeights: StartWeights): Chain {
  const free = new Float64Array(TYPE_COUNT * TYPE_COUNT);
  const pinned = new Float64Array(TYPE_COUNT * TYPE_COUNT);
  for (const [i, a] of EVENT_TYPES.entries()) {
    const row = transitions[a] ?? {};
    for (const [j, b] of EVENT_TYPES.entries()) (isPinned(a, b) ? pinned : free)[i * TYPE_COUNT + j] = row[b] ?? 0;
  }
  const start = Float64Array.from(EVENT_TYPES, (t) => startWeights[t] ?? 0);
  if (!(start.reduce((a, b) => a + b, 0) > 0)) throw usageError('fitJourney: the start weights of the journey must not all be zero');
  return { free, pinned, start };
}

/** The fitted tables in `base`'s shape: its keys (pinned values untouched), the fitted free values. */
function fromChain(chain: Chain, transitions: JourneyTransitions, startWeights: StartWeights): FittedJourney {
  const out = {} as JourneyTransitions;
  for (const [i, a] of EVENT_TYPES.entries()) {
    const row: Partial<Record<EventType, number>> = {};
    for (const [b, p] of Object.entries(transitions[a] ?? {}) as [EventType, number][]) {
      row[b] = isPinned(a, b) ? p : chain.free[i * TYPE_COUNT + EVENT_TYPES.indexOf(b)]!;
    }
    out[a] = row;
  }
  const start: StartWeights = {};
  for (const t of Object.keys(startWeights) as EventType[]) start[t] = chain.start[EVENT_TYPES.indexOf(t)]!;
  return { transitions: out, startWeights: start };
}

function sameAsDefaults(target: readonly number[], chain: Chain): boolean {
  const defaults = normalize(EVENT_TYPES.map((t) => EVENT_WEIGHTS[t]));
  if (EVENT_TYPES.some((_, j) => Math.abs(target[j]! - defaults[j]!) > 1e-12)) return false;
  const d = toChain(defaultJourneyTransitions(), defaultStartWeights());
  const dStart = d.start.reduce((a, b) => a + b, 0);
  const start = chain.start.reduce((a, b) => a + b, 0);
  return (
    d.free.every((p, k) => p === chain.free[k]) &&
    d.pinned.every((p, k) => p === chain.pinned[k]) &&
    d.start.every((p, k) => Math.abs(p / dStart - chain.start[k]! / start) < 1e-12)
  );
}

/** One kind of session: a segment on a device type from a channel, and its share of the events. */
interface Variant {
  readonly segment: number;
  readonly intent: number;
  readonly bounce: number;
  readonly weight: number;
}

function journeyVariants(): Variant[] {
  const out: Variant[] = [];
  for (let s = 0; s < SEGMENTS.length; s++) {
    for (const [d, device] of DEVICE_TYPES.entries()) {
      for (const [c, channel] of CHANNELS.entries()) {
        const { intent, bounce } = variantBehaviour(s, device, channel);
        // Sessions of the kind, times how much shorter than the chain says the segment's sessions are.
        const weight = SEGMENT_MIX[s]! * DEVICE_SHARE[d]! * CHANNEL_SHARE[c]! * EVENTS_PER_SESSION_CORRECTION[s]!;
        out.push({ segment: s, intent, bounce, weight });
      }
    }
  }
  return out;
}

interface Mix {
  /** Each type's share of the chain's events. */
  readonly share: number[];
  /** Share of the chain's events that each PINNED transition leads into. */
  readonly pinnedFlow: number[];
}

/** The chain's event mix over all session kinds, as `compileJourney` would sample it. */
function analyticMix(chain: Chain, variants: readonly Variant[]): Mix {
  const n = TYPE_COUNT;
  const visits = new Float64Array(n);
  const pinnedFlow = new Array<number>(PINNED.length).fill(0);
  const matrix = new Float64Array(n * n);
  const firstStep = new Float64Array(n * n);
  const start = new Float64Array(n);
  const pins = PINNED.map(([a, b]) => EVENT_TYPES.indexOf(a) * n + EVENT_TYPES.indexOf(b));
  for (const v of variants) {
    const engagement = SEGMENT_ENGAGEMENT[v.segment]!;
    for (let i = 0; i < n; i++) {
      let pinnedSum = 0;
      let freeSum = 0;
      for (let j = 0; j < n; j++) {
        pinnedSum += chain.pinned[i * n + j]!;
        freeSum += matrix[i * n + j] = chain.free[i * n + j]! * engagement * typeFactor(v.segment, v.intent, j);
      }
      const { freeScale, pinScale } = rowScales(pinnedSum, freeSum);
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        const pinned = chain.pinned[k]! * pinScale;
        const free = matrix[k]! * freeScale;
        matrix[k] = pinned + free;
        // A bounce ends the session in place of the first step's free transitions, never a pinned one.
        firstStep[k] = pinned + (1 - v.bounce) * free;
      }
    }
    let startSum = 0;
    for (let j = 0; j < n; j++) startSum += start[j] = chain.start[j]! * typeFactor(v.segment, v.intent, j);
    const second = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) second[j]! += (start[i]! / startSum) * firstStep[i * n + j]!;
    const later = expectedVisits(matrix, second);
    for (let j = 0; j < n; j++) visits[j]! += v.weight * (start[j]! / startSum + later[j]!);
    // Into b through a pinned a → b: from a's first events (at the first step's rate) and later ones.
    for (const [p, k] of pins.entries()) {
      const a = Math.floor(k / n);
      pinnedFlow[p]! += v.weight * ((start[a]! / startSum) * firstStep[k]! + later[a]! * matrix[k]!);
    }
  }
  const total = visits.reduce((a, b) => a + b, 0);
  return { share: Array.from(visits, (x) => x / total), pinnedFlow: pinnedFlow.map((x) => x / total) };
}

/**
 * Throw if a type's reachable share is too far from its weight, naming what stands in the way.
 * A type aimed away from its weight to feed a pinned transition (`aimed`) may land between the two.
 */
function checkReached(
  target: readonly number[],
  aimed: readonly number[],
  reached: readonly number[],
  mix: Mix,
  scalable: readonly boolean[],
): void {
  let worst = -1;
  let worstMiss = 0;
  for (let j = 0; j < TYPE_COUNT; j++) {
    const w = target[j]!;
    const [lo, hi] = [Math.min(w, aimed[j]!), Math.max(w, aimed[j]!)];
    const r = reached[j]!;
    const over = scalable[j] ? FEASIBLE : PINNED_ONLY_EXCESS;
    const miss = w === 0 ? (r > ABSENT ? Infinity : 0) : r < lo * (1 - FEASIBLE) ? 1 - r / lo : r > hi * (1 + over) ? r / hi - 1 : 0;
    if (miss > worstMiss) [worst, worstMiss] = [j, miss];
  }
  if (worst < 0) return;
  const type = EVENT_TYPES[worst]!;
  const w = target[worst]!;
  const r = reached[worst]!;
  const fmt = (x: number): string => String(Number(x.toPrecision(2)));
  // Pinned transitions into the type: each holds its share to a fixed part of its source's.
  for (const [p, [a, b, value]] of PINNED.entries()) {
    if (b !== type) continue;
    const ai = EVENT_TYPES.indexOf(a);
    // A pinned transition holds as measured: `value` of the source's events are followed by the type.
    const perSource = value;
    if (!(mix.pinnedFlow[p]! > 0)) continue;
    if (r > w) {
      throw usageError(
        `event weights: ${type} ${fmt(w)} needs ${a} ≤ ${fmt(w / perSource)} (${a} → ${type} is pinned at ${value}); got ${a} ${fmt(target[ai]!)}`,
      );
    }
    if (!scalable[worst]) {
      throw usageError(
        `event weights: ${type} ${fmt(w)} needs ${a} ≥ ${fmt(w / perSource)} (${a} → ${type} is pinned at ${value}); got ${a} ${fmt(target[ai]!)}`,
      );
    }
  }
  const pins = PINNED.filter(([a, b]) => a === type || b === type).map(([a, b, value]) => `${a} → ${b} is pinned at ${value}`);
  const why = !scalable[worst] && r === 0 ? 'no transition or start weight leads to it' : `the closest the journey comes is ${fmt(r)}`;
  throw usageError(`event weights: ${type} ${fmt(w)} cannot be met: ${why}${pins.length > 0 ? ` (${pins.join('; ')})` : ''}`);
}
