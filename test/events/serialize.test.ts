import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toEvent } from '../../src/events/event.ts';
import { EventSerializer } from '../../src/events/serialize.ts';
import { IsoClock, writeTimeOfDay } from '../../src/events/timestamp.ts';
import { CATEGORIES, Catalog } from '../../src/model/catalog.ts';
import { SeedSource } from '../../src/model/rng.ts';
import { Simulation } from '../../src/model/simulation.ts';
import { ROOT } from '../helpers/cli.ts';

const OPTIONS = {
  seed: 11,
  startMs: Date.parse('2024-03-04T00:00:00Z'),
  ratePerHour: 100_000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: true,
  userPoolSize: 0,
};

test('the fast serializer writes exactly JSON.stringify of the reference event object', () => {
  const sim = new Simulation(OPTIONS);
  const fast = new EventSerializer(sim.instanceTag);
  const seen = new Set<number>();
  for (let i = 0; i < 200_000; i++) {
    const rec = sim.next();
    seen.add(rec.type);
    const expected = JSON.stringify(toEvent(rec, sim.instanceTag));
    const actual = fast.serialize(rec);
    if (actual !== expected) assert.equal(actual, expected);
  }
  assert.equal(seen.size, 14, 'all 14 event types were compared');
});

test('numbers past 32 bits and times past 2038 are written like JSON.stringify, and bytes equal the text', () => {
  const sim = new Simulation({ ...OPTIONS, startMs: Date.parse('2040-01-01T00:00:00Z') });
  const fast = new EventSerializer(sim.instanceTag);
  const buf = Buffer.alloc(fast.maxBytes * 2);
  for (let i = 0; i < 2_000; i++) {
    const rec = sim.next();
    if (i % 2 === 0) rec.seq += 5_000_000_000;
    if (i % 3 === 0) rec.timeOnPageMs += 2 ** 31;
    const expected = JSON.stringify(toEvent(rec, sim.instanceTag));
    assert.equal(fast.serialize(rec), expected);
    const end = fast.encodeInto(rec, buf as never, 7);
    assert.equal(buf.toString('utf8', 7, end), expected);
  }
});

test('every event of a large sample is valid against the shipped JSON Schema', () => {
  const schema = JSON.parse(fs.readFileSync(`${ROOT}/schema/event.schema.json`, 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  const sim = new Simulation({ ...OPTIONS, seed: 12 });
  const fast = new EventSerializer(sim.instanceTag);
  for (let i = 0; i < 100_000; i++) {
    const event = JSON.parse(fast.serialize(sim.next()));
    if (!validate(event)) assert.fail(`${event.event_type}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
});

test('the schema rejects what it should: a wrong type, a missing field, an unknown field', () => {
  const schema = JSON.parse(fs.readFileSync(`${ROOT}/schema/event.schema.json`, 'utf8'));
  const validate = new Ajv2020({ strict: true }).compile(schema);
  const sim = new Simulation(OPTIONS);
  const good = toEvent(sim.next(), sim.instanceTag);
  assert.ok(validate(good));
  assert.ok(!validate({ ...good, event_type: 'teleport' }));
  const { user_id: _dropped, ...missing } = good;
  assert.ok(!validate(missing));
  assert.ok(!validate({ ...good, extra: 1 }));
  assert.ok(!validate({ ...good, timestamp: '2024-03-04 00:00:00' }));
});

test('vocabulary strings need no JSON escaping (the fast path splices them in raw)', () => {
  const raw = /^[\x20-\x7e]*$/;
  const catalog = new Catalog();
  for (const products of catalog.products) {
    for (const p of products) assert.ok(raw.test(p.name) && !/["\\]/.test(p.name), p.name);
  }
  for (const c of CATEGORIES) for (const term of c.searchTerms) assert.ok(raw.test(term) && !/["\\]/.test(term), term);
  const sim = new Simulation(OPTIONS);
  const fast = new EventSerializer(sim.instanceTag);
  for (let i = 0; i < 20_000; i++) {
    const line = fast.serialize(sim.next());
    assert.ok(raw.test(line) && !line.includes('\\'), 'plain printable ASCII, nothing escaped');
  }
});

test('timestamps in pieces format like Date.toISOString, in any order', () => {
  const clock = new IsoClock();
  const buf = Buffer.alloc(16);
  const format = (t: number): string => {
    const second = Math.floor(t / 1000);
    return clock.date(second) + buf.toString('latin1', 0, writeTimeOfDay(buf as never, 0, t, second));
  };
  const times = [
    0,
    999,
    1000,
    59_999,
    60_000,
    -1,
    -86_400_001,
    Date.parse('2024-02-29T23:59:59.999Z'),
    Date.parse('2024-03-01T00:00:00.005Z'),
    1_709_510_400_123,
  ];
  const rng = new SeedSource(3).fork('times');
  for (let i = 0; i < 10_000; i++) times.push(Math.floor(rng.next() * 4_102_444_800_000)); // 1970 … 2100
  for (const t of [...times, ...times.reverse()]) assert.equal(format(t), new Date(t).toISOString());
});

test('product ids are prod_<category>_<4 digits> and unique, prices fit the kind of product; catalog is the same in every run', () => {
  const a = new Catalog();
  const b = new Catalog();
  const ids = new Set<string>();
  a.products.forEach((list, c) => {
    list.forEach((p, k) => {
      assert.match(p.id, /^prod_[a-z]+_\d{4}$/);
      assert.ok(!ids.has(p.id));
      ids.add(p.id);
      assert.equal(b.products[c]![k]!.id, p.id);
      assert.equal(p.priceCents, b.products[c]![k]!.priceCents, 'the same price in every catalog');
      const item = CATEGORIES[c]!.items.find(([name]) => p.name.includes(` ${name}`))!;
      assert.ok(
        p.priceCents >= item[1] * 100 && p.priceCents <= item[2] * 100 + 99,
        `${p.name} at ${p.priceCents / 100} is in its range ${item[1]}–${item[2]}`,
      );
    });
  });
});
