import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { UBPError, UserBehaviorProducer } from '../src/index.ts';

const BASE = { seed: 3, start: '2024-03-04T00:00:00Z', speed: 'max' as const, sink: 'stdout' as const };

test('generateMessage returns events of one stream, the same for the same seed', () => {
  const a = new UserBehaviorProducer(BASE);
  const b = new UserBehaviorProducer(BASE);
  for (let i = 0; i < 500; i++) assert.deepEqual(a.generateMessage(), b.generateMessage());
  const event = a.generateMessage();
  assert.match(event.event_id, /^evt_\d+_[0-9a-f]{8}_\d{6,}$/);
  assert.equal(typeof event.session_info.events_in_session, 'number');
  assert.ok(a.activeSessions > 0);
  assert.equal(a.getMetrics().eventsGenerated, 501);
});

test("editing journeyTransitions (the seed's example) changes later events", () => {
  const countPair = (p: UserBehaviorProducer, n: number): number => {
    const last = new Map<string, string>();
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      const e = p.generateMessage();
      if (last.get(e.session_id) === 'page_view' && e.event_type === 'add_to_cart') pairs++;
      last.set(e.session_id, e.event_type);
    }
    return pairs;
  };
  const plain = new UserBehaviorProducer(BASE);
  const edited = new UserBehaviorProducer(BASE);
  edited.journeyTransitions.page_view.add_to_cart = 0.15;
  assert.equal(edited.journeyTransitions.page_view.add_to_cart, 0.15);
  const before = countPair(plain, 100_000);
  const after = countPair(edited, 100_000);
  assert.ok(after > before * 2, `page_view → add_to_cart: ${before} before the edit, ${after} after`);
});

test('a bad journey edit is refused with a message naming the entry', () => {
  const p = new UserBehaviorProducer(BASE);
  assert.throws(
    () => (p.journeyTransitions.page_view.search = 1.5),
    (e: unknown) => e instanceof UBPError && /journeyTransitions\.page_view\.search/.test(e.message),
  );
  assert.throws(() => ((p.journeyTransitions.page_view as Record<string, number>).teleport = 0.1), /unknown event type teleport/);
});

test('bad options throw a usage error naming the option', () => {
  assert.throws(
    () => new UserBehaviorProducer({ generationRate: -1 }),
    (e: unknown) => e instanceof UBPError && e.code === 'USAGE' && /generationRate/.test(e.message),
  );
  assert.throws(() => new UserBehaviorProducer({ sessionDurationRange: [100, 10] }), /sessionDurationRange\[1\] \(10\) must not be below/);
  assert.throws(() => new UserBehaviorProducer({ start: 'soon' }), /ISO 8601/);
});

test('runContinuous writes a bounded run to a file and counts only what was written', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-api-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.ndjson');
  const p = new UserBehaviorProducer({ ...BASE, sink: 'file', output: file, generationRate: 50_000 });
  const result = await p.runContinuous({ durationSeconds: 600 });
  await p.close();
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(result.stopReason, 'duration');
  assert.equal(result.messagesSent, lines.length);
  assert.equal(result.messagesFailed, 0);
  assert.equal(result.successRate, 100);
  assert.equal(result.bytesSent, Buffer.byteLength(lines.join('')));
  const end = Date.parse(BASE.start) + 600_000;
  for (const line of lines) assert.ok(Date.parse(JSON.parse(line).timestamp) < end);
});

test('runContinuous stops on abort and still delivers everything it generated', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-api-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.ndjson');
  const p = new UserBehaviorProducer({ ...BASE, speed: 60, sink: 'file', output: file, generationRate: 200_000 });
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 300);
  const result = await p.runContinuous({ signal: stop.signal });
  await p.close();
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(result.stopReason, 'signal');
  assert.ok(lines.length > 10);
  assert.equal(result.messagesSent, lines.length);
  assert.equal(result.eventsGenerated, lines.length);
});

test('the async iterator yields the same events as generateMessage', async () => {
  const iterated = [];
  for await (const e of new UserBehaviorProducer(BASE).events({ count: 300 })) iterated.push(e);
  const direct = new UserBehaviorProducer(BASE);
  assert.equal(iterated.length, 300);
  for (const e of iterated) assert.deepEqual(e, direct.generateMessage());
});

test('the async iterator paces events by speed', async () => {
  const p = new UserBehaviorProducer({ ...BASE, speed: 600, generationRate: 36_000 });
  const began = performance.now();
  let first = 0;
  let last = 0;
  for await (const e of p.events({ durationSeconds: 300 })) {
    last = Date.parse(e.timestamp);
    first ||= last;
  }
  const wall = performance.now() - began;
  // 300 simulated seconds at 600× take half a second of wall time.
  assert.ok(wall >= ((last - first) / 600) * 0.9, `${wall} ms for ${(last - first) / 1000} simulated seconds`);
});
