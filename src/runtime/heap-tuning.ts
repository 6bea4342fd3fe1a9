import v8 from 'node:v8';

/**
 * How V8 keeps the heap, set by the CLI before it builds anything (process-wide, so the
 * library leaves it to its host). A run may hold a million open sessions that live for
 * minutes and die in random order; by default V8 grows its young generation to 64 MB per
 * semi-space and lets the old generation run far ahead of what is live. Both are bounded here:
 * the young generation stays at its starting size, and a full collection comes once the old
 * generation has grown 20% past what the last one kept. That halves the memory of a run with
 * many sessions for some speed at that scale (measured in the bench); a run with few sessions
 * does not notice. `lowMemory` goes further with V8's optimize-for-size mode.
 */
export function tuneHeap(lowMemory: boolean): void {
  v8.setFlagsFromString(lowMemory ? '--optimize-for-size' : '--semi-space-growth-factor=1');
  v8.setFlagsFromString('--heap-growing-percent=20');
}
