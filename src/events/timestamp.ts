/** ISO 8601 UTC with milliseconds and `Z`, e.g. 2024-03-04T09:15:02.250Z. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

const MINUTE_MS = 60_000;

/**
 * The same format, faster for times that arrive mostly in order: the text up to the minute
 * is computed once per minute and the seconds and milliseconds are appended.
 */
export class TimestampFormatter {
  private minute = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    const minute = Math.floor(ms / MINUTE_MS);
    if (minute !== this.minute) {
      this.minute = minute;
      this.prefix = new Date(minute * MINUTE_MS).toISOString().slice(0, 17);
    }
    const rest = ms - minute * MINUTE_MS;
    const s = Math.floor(rest / 1000);
    const m = rest - s * 1000;
    return this.prefix + (s < 10 ? '0' : '') + s + '.' + (m < 10 ? '00' : m < 100 ? '0' : '') + m + 'Z';
  }
}
