/** What the progress line and the Prometheus endpoint show about a run in progress. */
export interface RunStatus {
  eventsGenerated: number;
  messagesSent: number;
  activeSessions: number;
  /** Simulated time of the latest event (Unix ms), NaN before the first. */
  simulatedTimeMs: number;
  /** Delivered events per wall second over the last few seconds. */
  achievedRate: number;
  /** Events per wall second the model asks for now (time patterns × speed); Infinity at --speed max. */
  targetRate: number;
  /** The time-pattern multiplier in effect now (share-weighted over cities). */
  multiplier: number;
  /** Paced runs: how far the next event is behind its due time, in simulated seconds. */
  lagSeconds: number;
  /** Share of a bounded run done (0–1), or null when unbounded. */
  done: number | null;
  /** Wall seconds left for a bounded run, or null. */
  etaSeconds: number | null;
}
