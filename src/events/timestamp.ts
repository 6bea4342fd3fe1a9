/** ISO 8601 UTC with milliseconds and `Z`, e.g. 2024-03-04T09:15:02.250Z. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

const DAY_SECONDS = 86_400;
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
/** "000Z" … "999Z": the millisecond part of a timestamp. */
export const MILLIS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0') + 'Z');

/**
 * The same format in pieces, fast for times that arrive mostly in order, as the serializer
 * wants them: the date part (`2024-03-04T`) is worked out once per day, the time of day
 * (`09:15:02.`) from two-digit tables, and the milliseconds (`250Z`) come from `MILLIS`.
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

  /** `HH:MM:SS.` of `second`; short enough that V8 builds it as one flat string. */
  time(second: number): string {
    let s = second - Math.floor(second / DAY_SECONDS) * DAY_SECONDS;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    return TWO_DIGITS[h] + ':' + TWO_DIGITS[m] + ':' + TWO_DIGITS[s - m * 60] + '.';
  }
}
