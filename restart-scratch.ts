import { createKafkaSink, KAFKA_SINK_DEFAULTS } from '/work/main/src/sinks/kafka.ts';
import { Consumer, ListOffsetTimestamps } from '@platformatic/kafka';
import { randomUUID } from 'node:crypto';
const local: any = await import('/work/main/scripts/kafka-local.mjs');
const dir = '/tmp/ksink/kdir'; const port = 19092;
const KILL = process.env.KILL === '1';
const acks = process.env.ACKS === '1' ? 1 : 'all';
const b = await local.startBroker({ dir, port, controllerPort: 19093 });
const bootstrap = `127.0.0.1:${port}`;
const topic = `restart-${Date.now()}`;
let d = 0, f = 0;
const t0 = Date.now(); const ts = () => ((Date.now() - t0) / 1000).toFixed(1);
const log = (lvl: string) => (m: string) => console.log(ts(), lvl, m);
const sink = await createKafkaSink({ ...KAFKA_SINK_DEFAULTS, acks, idempotent: acks === 'all', bootstrapServers: [bootstrap], topic, clientId: 'restart', replicationFactor: 1 },
  { delivered(c) { d += c; }, failed(c, e) { f += c; console.log(ts(), 'FAILED', c, e.message); } }, { debug() {}, info: log('info'), warn: log('warn'), error: log('error') });
let stop = false; let n = 0;
const writer = (async () => {
  while (!stop) {
    for (let i = 0; i < 200; i++, n++) if (!sink.write(`sess_${n % 4000}`, JSON.stringify({ n, pad: 'y'.repeat(300) }))) await sink.ready();
    await new Promise(r => setTimeout(r, 10));
  }
})();
setTimeout(async () => {
  console.log(ts(), 'stopping broker', KILL ? '(SIGKILL)' : '', 'written', n, 'delivered', d);
  if (KILL) { const st = JSON.parse((await import('node:fs')).readFileSync(dir + '/broker.json', 'utf8')); process.kill(st.pid, 'SIGKILL'); await new Promise(r => setTimeout(r, 500)); }
  else await local.stopBroker({ dir });
  console.log(ts(), 'broker down');
  await new Promise(r => setTimeout(r, Number(process.env.DOWN ?? 20000)));
  await local.startBroker({ dir, port, controllerPort: 19093 });
  console.log(ts(), 'broker up again, delivered', d);
  setTimeout(() => { stop = true; }, 5000);
}, 3000);
await writer;
console.log(ts(), 'flushing; written', n);
await sink.flush(); await sink.close();
console.log(ts(), 'written', n, 'delivered', d, 'failed', f);
const consumer = new Consumer({ clientId: 'rd', groupId: randomUUID(), bootstrapBrokers: [bootstrap], autocommit: false, maxWaitTime: 500 });
const end = (await consumer.listOffsets({ topics: [topic] })).get(topic)!;
const remaining = new Set(end.map((_, p) => p).filter(p => end[p]! > 0n));
const seen = new Map<number, number>(); let total = 0; let orderViolations = 0; const last = new Map<string, number>();
const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
for await (const m of stream) {
  const v = JSON.parse(m.value.toString()); total++; seen.set(v.n, (seen.get(v.n) ?? 0) + 1);
  const k = m.key.toString(); if ((last.get(k) ?? -1) > v.n) orderViolations++; last.set(k, v.n);
  if (m.offset + 1n >= end[m.partition]!) remaining.delete(m.partition); if (remaining.size === 0) break;
}
await stream.close(); await consumer.close();
let dup = 0; for (const c of seen.values()) if (c > 1) dup += c - 1;
let missing = 0; for (let i = 0; i < n; i++) if (!seen.has(i)) missing++;
console.log(JSON.stringify({ written: n, delivered: d, failed: f, inTopic: total, duplicates: dup, missing, orderViolations }));
await local.stopBroker({ dir });
