/** ISO 8601 UTC with milliseconds and `Z`, e.g. 2024-03-04T09:15:02.250Z. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** "000" … "999": the millisecond part, without building it per event. */
const MILLIS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0') + 'Z');

/**
 * The same format, faster for times that arrive mostly in order: the text up to the second
 * is computed once per second, and the milliseconds come from a table.
 */
export class TimestampFormatter {
  private second = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      // Flat, so each event's rope gets one leaf for it instead of several.
      this.prefix = new Date(second * 1000).toISOString().slice(0, 20);
    }
    return this.prefix + MILLIS[ms - second * 1000];
  }
}
