import { EventSerializer } from '../../src/events/serialize.ts';
import { Simulation, type ModelOptions } from '../../src/model/simulation.ts';

/** A small run of the seed's shop: a Friday evening at 200,000 events/hour. */
export const SMALL_RUN: ModelOptions = {
  seed: 11,
  startMs: Date.parse('2024-03-08T18:00:00Z'),
  ratePerHour: 200_000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: true,
  userPoolSize: 0,
};

/** Every event of a simulation of `options` before `endMs`, as its JSON line, in order. */
export function modelLines(options: ModelOptions, endMs: number): string[] {
  const sim = new Simulation(options);
  const serializer = new EventSerializer(sim.instanceTag);
  const out: string[] = [];
  while (sim.peekTimeMs() < endMs) out.push(serializer.serialize(sim.next()));
  return out;
}
