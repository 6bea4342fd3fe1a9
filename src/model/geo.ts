export interface City {
  readonly city: string;
  readonly country: string;
  readonly state: string;
  readonly timezone: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Share of sessions. */
  readonly share: number;
}

export const CITIES: readonly City[] = [
  {
    city: 'San Francisco',
    country: 'US',
    state: 'CA',
    timezone: 'America/Los_Angeles',
    latitude: 37.7749,
    longitude: -122.4194,
    share: 0.15,
  },
  { city: 'New York', country: 'US', state: 'NY', timezone: 'America/New_York', latitude: 40.7128, longitude: -74.006, share: 0.2 },
  { city: 'Austin', country: 'US', state: 'TX', timezone: 'America/Chicago', latitude: 30.2672, longitude: -97.7431, share: 0.15 },
  { city: 'Toronto', country: 'CA', state: 'ON', timezone: 'America/Toronto', latitude: 43.6532, longitude: -79.3832, share: 0.1 },
  { city: 'London', country: 'GB', state: 'ENG', timezone: 'Europe/London', latitude: 51.5074, longitude: -0.1278, share: 0.15 },
  { city: 'Berlin', country: 'DE', state: 'BE', timezone: 'Europe/Berlin', latitude: 52.52, longitude: 13.405, share: 0.15 },
  { city: 'Sydney', country: 'AU', state: 'NSW', timezone: 'Australia/Sydney', latitude: -33.8688, longitude: 151.2093, share: 0.1 },
];

const HOUR_MS = 3_600_000;
/** Hours a ZoneClock keeps: ten years. */
const HOURS_KEPT = 87_600;

/**
 * UTC offsets of a time zone, kept per UTC hour. Offsets only change on the hour or half
 * hour in the zones we use, and DST transitions happen on the hour there, so the offset at
 * the start of a UTC hour holds for the whole hour. Every hour asked for is kept (a year is
 * under 9,000 entries; emptied past HOURS_KEPT): the lanes' next arrivals straddle each hour
 * boundary for a while, asking for two hours in turn, and the zone's formatter is slow.
 */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(timezone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  offsetMs(utcMs: number): number {
    const hour = Math.floor(utcMs / HOUR_MS);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      if (this.offsets.size >= HOURS_KEPT) this.offsets.clear();
      offset = this.computeOffset(hour * HOUR_MS);
      this.offsets.set(hour, offset);
    }
    return offset;
  }

  /** Local wall-clock time, as milliseconds of a fake UTC date (read with getUTC*). */
  localMs(utcMs: number): number {
    return utcMs + this.offsetMs(utcMs);
  }

  private computeOffset(utcMs: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(new Date(utcMs))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    return asUtc - utcMs;
  }
}
