import type { Logger } from '../logger.ts';
import type { RunStatus } from '../metrics/status.ts';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** An integer with thousands separators (1,234,567), without `Intl` and the ICU data it loads. */
const n = (x: number): string => String(Math.round(x)).replace(/\B(?=(\d{3})+$)/g, ',');

export function progressLine(s: RunStatus): string {
  const sim = Number.isNaN(s.simulatedTimeMs) ? '—' : new Date(s.simulatedTimeMs).toISOString().slice(0, 19).replace('T', ' ');
  const bound = s.done === null ? '' : ` | ${(s.done * 100).toFixed(0)}% ETA ${duration(s.etaSeconds ?? NaN)}`;
  return `events ${n(s.messagesSent)} | ${n(s.achievedRate)}/s | sessions ${n(s.activeSessions)} | sim ${sim}${bound}`;
}

/**
 * Progress of a long run on stderr: one status line redrawn in place on a terminal, a log
 * line every 10 s otherwise.
 */
export function startProgress(
  status: () => RunStatus | null,
  logger: Logger,
  tty: boolean,
  intervalMs = tty ? 500 : 10_000,
): { stop(): void } {
  let drawn = false;
  const timer = setInterval(() => {
    const s = status();
    if (s === null) return;
    if (tty) {
      process.stderr.write('\r\x1b[2K' + progressLine(s));
      drawn = true;
    } else {
      logger.info(`progress: ${progressLine(s)}`, {
        messagesSent: s.messagesSent,
        achievedRate: Math.round(s.achievedRate),
        activeSessions: s.activeSessions,
        simulatedTime: Number.isNaN(s.simulatedTimeMs) ? null : new Date(s.simulatedTimeMs).toISOString(),
        done: s.done,
        etaSeconds: s.etaSeconds === null ? null : Math.round(s.etaSeconds),
      });
    }
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (drawn) process.stderr.write('\r\x1b[2K');
    },
  };
}
