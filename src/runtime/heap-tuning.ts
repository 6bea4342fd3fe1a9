import v8 from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';

/** The young generation's semi-space when its growth is bounded (see `tuneHeap`). */
const SEMI_SPACE_MB = 16;

/**
 * How V8 keeps the heap, set by the CLI once the configuration says which sink the run has,
 * before the run starts (process-wide, so the library leaves it to its host). A run may hold
 * a million open sessions that live for minutes and die in random order; by default V8 grows
 * its young generation to 64 MB per semi-space and lets the old generation run far ahead of
 * what is live. Both are bounded here: the young generation stays at 16 MB per semi-space,
 * and a full collection comes once the old generation has grown 20% past what the last one
 * kept. That halves the memory of a run with many sessions for some speed at that scale
 * (measured in the bench); a run with few sessions does not notice. `lowMemory` goes further
 * with V8's optimize-for-size mode.
 *
 * The young generation's size is set, not left where it starts: the main thread's was 8 MB
 * when this ran in the CLI (so it grows to 16 first, see `holdYoungGeneration`; held at 8 it
 * made 338 scavenges in 3M events instead of 101, and one thread was 1-2% slower), and a
 * worker thread's heap starts at 1 MB and would stay there
 * (about 900 scavenges per million events instead of 50; two workers took a sixth longer). With
 * workers, V8 also stops moving allocation sites to the old generation on its own: with the
 * young generation held at its size it did so for short-lived objects in some runs and not
 * in others (a worker made 2 full collections in one run of 3 million events, 8 in the
 * next), and runs with workers were about 5% faster without it (8 interleaved rounds; a
 * one-thread run gained 3% at the default rate and lost 2% at 40M events/hour, so it keeps it).
 *
 * Not for Kafka (unless `lowMemory`): the client's batches live a round trip, and with a
 * small young generation they would all be promoted and collected as old objects, which cost
 * a fifth of the throughput in the bench. Kafka, not memory, bounds such a run.
 */
export function tuneHeap(lowMemory: boolean, kafka = false, workers = 1): void {
  if (lowMemory) v8.setFlagsFromString('--optimize-for-size');
  else if (kafka) return;
  else {
    holdYoungGeneration();
    v8.setFlagsFromString(`--min-semi-space-size=${SEMI_SPACE_MB}`);
    if (workers > 1) v8.setFlagsFromString('--no-allocation-site-pretenuring');
  }
  v8.setFlagsFromString('--heap-growing-percent=20');
}

/** The main thread's semi-space now, in MB (V8 reports the two semi-spaces together). */
function semiSpaceMb(): number {
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return young === undefined ? SEMI_SPACE_MB : young.space_size / 2 / 1048576;
}

/**
 * Stop the young generation growing once the main thread's is SEMI_SPACE_MB. V8 sizes the
 * main thread's when the process starts, before any flag here is set, so if it is smaller it
 * may grow (by the factor that reaches the size in one step) until a collection finds it
 * there; then growth stops. The factor is process-wide: a worker starting meanwhile could grow
 * too, but its young generation starts at SEMI_SPACE_MB and grows only once as much survives.
 */
function holdYoungGeneration(): void {
  const now = semiSpaceMb();
  if (now >= SEMI_SPACE_MB) {
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    return;
  }
  v8.setFlagsFromString(`--semi-space-growth-factor=${Math.ceil(SEMI_SPACE_MB / now)}`);
  const watch = new PerformanceObserver(() => {
    if (semiSpaceMb() < SEMI_SPACE_MB) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    watch.disconnect();
  });
  watch.observe({ entryTypes: ['gc'] });
}
