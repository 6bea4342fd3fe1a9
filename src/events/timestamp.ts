import { writeTwoDigits } from './bytes.ts';
import type { Latin1Buffer } from './bytes.ts';

/** ISO 8601 UTC with milliseconds and `Z`, e.g. 2024-03-04T09:15:02.250Z. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

const DAY_SECONDS = 86_400;

/**
 * The date part of the same format (`2024-03-04T`), worked out once per day: the serializer
 * asks for it on every event, and times arrive mostly in order.
 */
export class IsoClock {
  private day = Number.NaN;
  private dayText = '';

  /** `YYYY-MM-DDT` of the day holding `second` (Unix seconds). */
  date(second: number): string {
    const day = Math.floor(second / DAY_SECONDS);
    if (day !== this.day) {
      this.day = day;
      // Rare (once a day): the Date object does the calendar.
      this.dayText = new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 11);
    }
    return this.dayText;
  }
}

/** `HH:MM:SS.mmmZ` of `ms` (whose Unix second is `sec`) as bytes at `pos`. */
export function writeTimeOfDay(buf: Latin1Buffer, pos: number, ms: number, sec: number): number {
  let s = sec - Math.floor(sec / DAY_SECONDS) * DAY_SECONDS;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const milli = ms - sec * 1000;
  const hundreds = (milli / 100) | 0;
  pos = writeTwoDigits(buf, pos, h);
  buf[pos++] = 58; // :
  pos = writeTwoDigits(buf, pos, m);
  buf[pos++] = 58;
  pos = writeTwoDigits(buf, pos, s);
  buf[pos++] = 46; // .
  buf[pos++] = 48 + hundreds;
  pos = writeTwoDigits(buf, pos, milli - hundreds * 100);
  buf[pos++] = 90; // Z
  return pos;
}
