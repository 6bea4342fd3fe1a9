import { EVENT_TYPES, type EventType } from '../../src/model/event-types.ts';
import { PINNED } from '../../src/model/journey.ts';
import { Simulation, type ModelOptions } from '../../src/model/simulation.ts';

/** The runs that measure a journey: a default backfill's shape at 10,000 events an hour, from 2024-03-04. */
const MEASURE_MODEL: Omit<ModelOptions, 'seed'> = {
  startMs: Date.UTC(2024, 2, 4),
  ratePerHour: 10_000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: true,
  userPoolSize: 0,
};

/**
 * The event mix of a seeded simulation's first `events` events, and each PINNED transition as
 * measured: out of every event of its source type, those that ended their session included (as
 * test/realism.test.ts measures them). `options`: the seed and what the journey runs in (its
 * transitions, start weights, shop), over MEASURE_MODEL.
 */
export function measureJourney(
  options: Partial<ModelOptions> & { seed: number },
  events: number,
): { share: Record<EventType, number>; pinned: number[] } {
  const sim = new Simulation({ ...MEASURE_MODEL, ...options });
  const counts = new Array<number>(EVENT_TYPES.length).fill(0);
  const previous = new Map<object, number>();
  const pairs = new Map<number, number>();
  for (let i = 0; i < events; i++) {
    const r = sim.next();
    counts[r.type]!++;
    const before = previous.get(r.session);
    if (before !== undefined) pairs.set(before * 100 + r.type, (pairs.get(before * 100 + r.type) ?? 0) + 1);
    if (r.last) previous.delete(r.session);
    else previous.set(r.session, r.type);
  }
  const share = Object.fromEntries(EVENT_TYPES.map((t, j) => [t, counts[j]! / events])) as Record<EventType, number>;
  const pinned = PINNED.map(([a, b]) => {
    const i = EVENT_TYPES.indexOf(a);
    return (pairs.get(i * 100 + EVENT_TYPES.indexOf(b)) ?? 0) / counts[i]!;
  });
  return { share, pinned };
}
