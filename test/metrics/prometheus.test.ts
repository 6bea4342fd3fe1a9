import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserBehaviorProducer } from '../../src/index.ts';
import { runCli } from '../helpers/cli.ts';
import { getBroker, type Broker } from '../helpers/kafka.ts';

/** Prometheus text → { 'name{labels}': value }. */
async function scrape(port: number): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const sumOf = (m: Map<string, number>, name: string): number =>
  [...m].filter(([k]) => k.startsWith(name + '{')).reduce((a, [, v]) => a + v, 0);

let broker: Broker;
before(async () => {
  broker = await getBroker();
});
after(() => broker?.stop());

test('the endpoint serves live counters during a real Kafka run and matches getMetrics() at the end', async () => {
  const producer = new UserBehaviorProducer({
    sink: 'kafka',
    bootstrapServers: broker.bootstrap,
    topic: `prom-${randomUUID()}`,
    replicationFactor: 1,
    seed: 8,
    start: '2024-03-04T19:00:00Z',
    speed: 20,
    generationRate: 1_000_000,
    metricsPort: 0,
  });
  const run = producer.runContinuous({ durationSeconds: 200 });
  let port: number | null = null;
  while ((port = producer.metricsPort) === null) await sleep(20);
  // Connecting and creating the topic come first; scrape once deliveries are flowing.
  while (producer.getMetrics().messagesSent === 0) await sleep(50);
  await sleep(1500);
  const mid = await scrape(port);
  const midSent = sumOf(mid, 'ubp_events_sent_total');
  assert.ok(midSent > 0, 'events were sent while the run was going');
  assert.ok(sumOf(mid, 'ubp_events_generated_total') >= midSent);
  assert.ok(mid.get('ubp_active_sessions')! > 0);
  assert.ok(mid.get('ubp_target_rate_events_per_second')! > 0, 'a paced run has a target rate');
  assert.ok(mid.get('ubp_achieved_rate_events_per_second')! > 0);
  assert.ok(mid.get('ubp_time_multiplier')! > 0);
  assert.ok(mid.has('ubp_simulated_lag_seconds'));
  assert.ok(mid.has('process_resident_memory_bytes'), 'standard process metrics are there too');

  const result = await run;
  const end = await scrape(port);
  const m = producer.getMetrics();
  assert.ok(m.messagesSent > midSent);
  assert.equal(sumOf(end, 'ubp_events_sent_total'), m.messagesSent);
  assert.equal(sumOf(end, 'ubp_events_generated_total'), m.eventsGenerated);
  assert.equal(sumOf(end, 'ubp_events_failed_total'), 0);
  for (const [type, n] of Object.entries(m.sentByType)) assert.equal(end.get(`ubp_events_sent_total{event_type="${type}"}`), n, type);
  assert.equal(end.get('ubp_bytes_sent_total'), m.bytesSent);
  assert.equal(end.get('ubp_delivery_success_ratio'), 1);
  assert.equal(end.get('ubp_users_in_pool'), m.usersInPool);
  assert.equal(end.get('ubp_users_created_total'), m.usersCreated);
  assert.ok(end.get('ubp_kafka_request_duration_seconds_count')! > 0, 'Kafka request latencies were observed');
  assert.equal(result.messagesSent, m.messagesSent);
  await producer.close();
  await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the endpoint closes with the producer');
});

test('a metrics port in use is a one-line error naming the flag', async () => {
  const holder = new UserBehaviorProducer({ sink: 'stdout', seed: 1 });
  const port = await holder.serveMetrics(0);
  const r = await runCli(['--sink', 'stdout', '--count', '10', '--speed', 'max', '--metrics-port', String(port)]);
  await holder.close();
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('{')).length,
    1,
  );
  assert.match(r.stderr, new RegExp(`--metrics-port ${port} is already in use`));
});
