/**
 * Writes src/model/zone-table.ts: the UTC offset transitions of the seed's cities' time zones
 * from 1970 to 2099, read from `Intl` (the time zone database of the Node that runs this).
 * Run it again when a zone's rules change (test/model/geo.test.ts compares the table with
 * `Intl` and says so).
 *
 *   node scripts/zone-table.ts > src/model/zone-table.ts && npx biome format --write src/model/zone-table.ts
 */
import { CITIES, intlOffsetMs, zoneFormat } from '../src/model/geo.ts';

const HOUR_MS = 3_600_000;
const FROM_HOUR = Date.UTC(1970, 0, 1) / HOUR_MS;
const END_HOUR = Date.UTC(2100, 0, 1) / HOUR_MS;
/** Hours between looks: no zone here changes its offset twice within six hours. */
const STEP = 6;

const zones = [...new Set(CITIES.map((c) => c.timezone))].sort();
const rows: string[] = [];
for (const zone of zones) {
  const format = zoneFormat(zone);
  const minutes = (hour: number): number => intlOffsetMs(format, hour * HOUR_MS) / 60_000;
  const fromHour = [FROM_HOUR];
  const offsetMinutes = [minutes(FROM_HOUR)];
  for (let h = FROM_HOUR + STEP; h < END_HOUR + STEP; h += STEP) {
    const at = Math.min(h, END_HOUR - 1);
    if (minutes(at) === offsetMinutes.at(-1)) continue;
    // The first hour of the new offset, between the last look and this one.
    let lo = at - STEP;
    let hi = at;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (minutes(mid) === offsetMinutes.at(-1)) lo = mid;
      else hi = mid;
    }
    fromHour.push(hi);
    offsetMinutes.push(minutes(hi));
  }
  rows.push(`  '${zone}': {\n    fromHour: [${fromHour.join(', ')}],\n    offsetMinutes: [${offsetMinutes.join(', ')}],\n  },`);
}

process.stdout.write(`// Made by scripts/zone-table.ts from the time zone database ${process.versions.tz ?? '(version unknown)'}; do not edit.

/** A zone's offsets: \`offsetMinutes[k]\` holds from UTC hour \`fromHour[k]\` (hours since 1970) until the next. */
export interface ZoneTransitions {
  readonly fromHour: readonly number[];
  readonly offsetMinutes: readonly number[];
}

/** The first UTC hour the table does not cover (2100-01-01); it begins at 1970-01-01. */
export const ZONE_TABLE_END_HOUR = ${END_HOUR};

export const ZONE_TABLE: Readonly<Record<string, ZoneTransitions>> = {
${rows.join('\n')}
};
`);
