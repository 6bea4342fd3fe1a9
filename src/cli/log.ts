import { pino } from 'pino';
import type { Logger } from '../logger.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Logs go to stderr (stdout may carry the events). On a terminal they are short lines for
 * people; otherwise JSON lines (pino) for machines.
 */
export function createLogger(level: Level, json: boolean): Logger & { flush(): void } {
  if (json) {
    const destination = pino.destination({ fd: 2, sync: true });
    const p = pino({ level, base: { name: 'user-behavior-producer' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
    return {
      debug: (msg, fields) => p.debug(fields ?? {}, msg),
      info: (msg, fields) => p.info(fields ?? {}, msg),
      warn: (msg, fields) => p.warn(fields ?? {}, msg),
      error: (msg, fields) => p.error(fields ?? {}, msg),
      flush: () => destination.flushSync(),
    };
  }
  const min = ORDER[level];
  const write = (l: Level, msg: string): void => {
    if (ORDER[l] < min) return;
    const time = new Date().toISOString().slice(11, 19);
    // Start by clearing the line: a progress status line may be drawn there.
    process.stderr.write(`\r\x1b[2K${time} ${l.toUpperCase().padEnd(5)} ${msg}\n`);
  };
  return {
    debug: (msg) => write('debug', msg),
    info: (msg) => write('info', msg),
    warn: (msg) => write('warn', msg),
    error: (msg) => write('error', msg),
    flush: () => {},
  };
}
