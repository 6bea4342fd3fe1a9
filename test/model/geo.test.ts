import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CITIES, intlOffsetMs, ZoneClock, zoneFormat } from '../../src/model/geo.ts';
import { SeedSource } from '../../src/model/rng.ts';
import { ZONE_TABLE, ZONE_TABLE_END_HOUR } from '../../src/model/zone-table.ts';

const HOUR_MS = 3_600_000;
const STALE = 'the zone table differs from Intl: run scripts/zone-table.ts again';

test("the zone table covers every city's zone, 1970 to 2099", () => {
  assert.deepEqual(Object.keys(ZONE_TABLE).sort(), [...new Set(CITIES.map((c) => c.timezone))].sort());
  assert.equal(ZONE_TABLE_END_HOUR, Date.UTC(2100, 0, 1) / HOUR_MS);
  for (const t of Object.values(ZONE_TABLE)) {
    assert.equal(t.fromHour[0], 0);
    assert.equal(t.fromHour.length, t.offsetMinutes.length);
    for (let k = 1; k < t.fromHour.length; k++)
      assert.ok(t.fromHour[k]! > t.fromHour[k - 1]! && t.offsetMinutes[k] !== t.offsetMinutes[k - 1]);
  }
});

test("a table zone's offsets are Intl's: at each transition and the hour before, every hour of 2024, 20,000 random hours, and outside the table", () => {
  const rng = new SeedSource(5).fork('zones');
  for (const [zone, t] of Object.entries(ZONE_TABLE)) {
    const format = zoneFormat(zone);
    const hours = [...t.fromHour.flatMap((h) => [h - 1, h]), -24 * 365 * 5, ZONE_TABLE_END_HOUR, ZONE_TABLE_END_HOUR + 24 * 200];
    for (let h = Date.UTC(2024, 0, 1) / HOUR_MS; h < Date.UTC(2025, 0, 1) / HOUR_MS; h++) hours.push(h);
    for (let i = 0; i < 20_000; i++) hours.push(rng.int(ZONE_TABLE_END_HOUR));
    // A fresh clock per order: in turn (as a run asks), and shuffled (the stretch kept from the last lookup must not stick).
    const inTurn = new ZoneClock(zone);
    const shuffled = new ZoneClock(zone);
    const order = hours.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const got = new Map<number, number>();
    for (const i of order) got.set(i, shuffled.offsetMs(hours[i]! * HOUR_MS + 1_800_000));
    for (const [i, h] of hours.entries()) {
      const want = intlOffsetMs(format, h * HOUR_MS);
      assert.equal(inTurn.offsetMs(h * HOUR_MS), want, `${zone} at ${new Date(h * HOUR_MS).toISOString()}: ${STALE}`);
      assert.equal(got.get(i), want, `${zone} at ${new Date(h * HOUR_MS).toISOString()}, asked out of order`);
    }
  }
});

test("a zone outside the table (a scenario's city) asks Intl: half-hour offsets and their DST", () => {
  for (const zone of ['Asia/Kolkata', 'America/St_Johns', 'Australia/Adelaide']) {
    const clock = new ZoneClock(zone);
    const format = zoneFormat(zone);
    for (let h = Date.UTC(2024, 0, 1) / HOUR_MS; h < Date.UTC(2025, 0, 1) / HOUR_MS; h += 7) {
      assert.equal(clock.offsetMs(h * HOUR_MS + 59 * 60_000), intlOffsetMs(format, h * HOUR_MS), `${zone} hour ${h}`);
    }
  }
  assert.equal(new ZoneClock('Asia/Kolkata').offsetMs(Date.UTC(2024, 5, 1)), 5.5 * HOUR_MS);
});
