import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metrics } from '../../src/metrics/metrics.ts';
import { EVENT_TYPES, T } from '../../src/model/event-types.ts';
import { TAG_COUNT } from '../../src/sinks/sink.ts';

const extra = { activeSessions: 3, sessionsStarted: 4, usersCreated: 5, usersInPool: 6, seed: 7 };

function tags(entries: Record<number, number>): Uint32Array {
  const out = new Uint32Array(TAG_COUNT);
  for (const [t, n] of Object.entries(entries)) out[Number(t)] = n;
  return out;
}

test('only delivered records count as sent; failures count by type; success rate over finished deliveries', () => {
  const m = new Metrics();
  assert.equal(m.snapshot(extra).successRate, 100, 'nothing finished yet');
  for (let i = 0; i < 5; i++) m.generated(T.PAGE_VIEW, 1_000 + i);
  m.generated(T.SEARCH, 2_000);
  m.delivered(3, 300, tags({ [T.PAGE_VIEW]: 3 }));
  m.failed(1, new Error('gone'), tags({ [T.SEARCH]: 1 }));
  const s = m.snapshot(extra);
  assert.equal(s.eventsGenerated, 6);
  assert.equal(s.messagesSent, 3);
  assert.equal(s.bytesSent, 300);
  assert.equal(s.messagesFailed, 1);
  assert.equal(s.successRate, 75);
  assert.equal(s.eventsByType.page_view, 5);
  assert.equal(s.sentByType.page_view, 3);
  assert.equal(s.failedByType.search, 1);
  assert.equal(s.simulatedTime, new Date(2_000).toISOString());
  assert.deepEqual(Object.keys(s.eventsByType), [...EVENT_TYPES]);
  assert.equal(s.activeSessions, 3);
  assert.equal(s.seed, 7);
});

test('request durations reach every observer', () => {
  const m = new Metrics();
  const seen: number[] = [];
  m.requestObservers.push(
    (s) => seen.push(s),
    (s) => seen.push(-s),
  );
  m.requestCompleted(0.25);
  assert.deepEqual(seen, [0.25, -0.25]);
});

test('before the first event the simulated time is null', () => {
  assert.equal(new Metrics().snapshot(extra).simulatedTime, null);
});
