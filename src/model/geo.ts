import { ZONE_TABLE, ZONE_TABLE_END_HOUR, type ZoneTransitions } from './zone-table.ts';

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
/** Hours a ZoneClock keeps of what it asked `Intl` for: ten years. */
const HOURS_KEPT = 87_600;

/**
 * UTC offsets of a time zone, by UTC hour. Offsets only change on the hour or half hour in
 * the zones we use, and DST transitions happen on the hour there, so the offset at the start
 * of a UTC hour holds for the whole hour.
 *
 * The seed's zones are read from a table of their transitions (src/model/zone-table.ts, made
 * from the time zone database by scripts/zone-table.ts) for 1970–2099: the same offsets as
 * `Intl` gives (tested), without loading the ICU data `Intl` needs (about 10 MB of memory),
 * and the same in every Node build, whichever version of the database it carries. Any other
 * zone (a scenario's cities), and hours outside the table, ask `Intl`, and every hour asked
 * for is kept (emptied past HOURS_KEPT): the lanes' next arrivals straddle each hour boundary
 * for a while, asking for two hours in turn, and the zone's formatter is slow.
 */
export class ZoneClock {
  private readonly timezone: string;
  private readonly table: ZoneTransitions | undefined;
  /** The table's stretch last looked up: hours [from, to) have `offset`. */
  private from = 1;
  private to = 0;
  private offset = 0;
  private format: Intl.DateTimeFormat | undefined;
  private readonly offsets = new Map<number, number>();

  constructor(timezone: string) {
    this.timezone = timezone;
    this.table = ZONE_TABLE[timezone];
  }

  offsetMs(utcMs: number): number {
    const hour = Math.floor(utcMs / HOUR_MS);
    return hour >= this.from && hour < this.to ? this.offset : this.lookUp(hour);
  }

  /** Local wall-clock time, as milliseconds of a fake UTC date (read with getUTC*). */
  localMs(utcMs: number): number {
    return utcMs + this.offsetMs(utcMs);
  }

  private lookUp(hour: number): number {
    const t = this.table;
    if (t !== undefined && hour >= t.fromHour[0]! && hour < ZONE_TABLE_END_HOUR) {
      // The last transition at or before `hour`.
      let lo = 0;
      let hi = t.fromHour.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (t.fromHour[mid]! <= hour) lo = mid;
        else hi = mid - 1;
      }
      this.from = t.fromHour[lo]!;
      this.to = lo + 1 < t.fromHour.length ? t.fromHour[lo + 1]! : ZONE_TABLE_END_HOUR;
      this.offset = t.offsetMinutes[lo]! * 60_000;
      return this.offset;
    }
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      if (this.offsets.size >= HOURS_KEPT) this.offsets.clear();
      this.format ??= zoneFormat(this.timezone);
      offset = intlOffsetMs(this.format, hour * HOUR_MS);
      this.offsets.set(hour, offset);
    }
    return offset;
  }
}

/** A formatter that reads a zone's wall-clock time (for `intlOffsetMs`). */
export function zoneFormat(timezone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
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

/** The zone's UTC offset at `utcMs`, from `Intl` (slow: microseconds a call). */
export function intlOffsetMs(format: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - utcMs;
}
