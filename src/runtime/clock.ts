/** Wall-clock seam: the runner paces against this, tests may give it a fake one. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Let I/O callbacks and signal handlers run during a long synchronous stretch. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The pacing rule, from an absolute schedule so that waits never add up to drift: the event
 * simulated at `simMs` is due at `wallStart + (simMs − simStart) / speed` (wall ms).
 */
export function dueAt(wallStart: number, simStart: number, speed: number, simMs: number): number {
  return wallStart + (simMs - simStart) / speed;
}
