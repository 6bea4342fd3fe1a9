// The registry formats end to end: the built CLI writes the same seed as Avro, Protobuf and JSON
// Schema records to a real broker, registering its schemas in a real schema registry (Apicurio,
// started by the test run), and two readers decode them: Confluent's Python client with its
// Schema Registry deserializers (independent of our code), and our own `verify`. Both must give
// the events of the JSON run, field for field.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureReaderVenv } from '../../scripts/confluent-reader/venv.ts';
import type { RegistryFormat } from '../../src/events/formats.ts';
import { readRun } from '../../src/verify/run.ts';
import { runCli } from '../helpers/cli.ts';
import { readWithConfluentPython } from '../helpers/confluent-reader.ts';
import { freePort, getBroker, getRegistry, type Broker, type Registry } from '../helpers/kafka.ts';

const COUNT = 3000;
const RUN = ['--seed', '42', '--start', '2024-03-04T00:00:00Z', '--count', String(COUNT), '--speed', 'max', '--quiet'];
const FORMATS: readonly RegistryFormat[] = ['avro', 'protobuf', 'json-schema'];

let broker: Broker;
let registry: Registry;
let python: string;
let tmp: string;
/** The JSON run of the same seed: its lines, and its events by event_id. */
let jsonLines: string[];
let jsonEvents: Map<string, Record<string, unknown>>;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-registry-formats-'));
  [broker, registry, python] = await Promise.all([
    getBroker(),
    getRegistry(),
    ensureReaderVenv({ log: (m) => process.stderr.write(`confluent-reader: ${m}\n`) }),
  ]);
  const file = path.join(tmp, 'json.ndjson');
  const res = await runCli(['--sink', 'file', '--output', file, ...RUN]);
  assert.equal(res.code, 0, res.stderr);
  jsonLines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  jsonEvents = new Map(jsonLines.map((line) => [(JSON.parse(line) as { event_id: string }).event_id, JSON.parse(line)]));
  assert.equal(jsonEvents.size, COUNT);
});

after(async () => {
  await broker?.stop();
  await registry?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Null and absent are one thing across formats (Protobuf leaves unset optional fields out). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

const produce = (topic: string, format: string, extra: string[] = []) =>
  runCli([
    '--topic',
    topic,
    '--bootstrap-servers',
    broker.bootstrap,
    '--format',
    format,
    '--schema-registry',
    registry.url,
    ...RUN,
    ...extra,
  ]);

describe('registry formats through Kafka and a real schema registry', () => {
  for (const format of FORMATS) {
    test(`${format}: Confluent's Python deserializers, verify and report read the JSON run's events`, { timeout: 240_000 }, async () => {
      const topic = `registry-${format}-${randomUUID().slice(0, 8)}`;
      const res = await produce(topic, format);
      assert.equal(res.code, 0, res.stderr);

      const records = await readWithConfluentPython(python, { bootstrap: broker.bootstrap, topic, registry: registry.url, format });
      assert.equal(records.length, COUNT);
      const seen = new Set<string>();
      for (const r of records) {
        const id = r.value.event_id as string;
        const expected = jsonEvents.get(id);
        assert.ok(expected, `${id} is an event of the JSON run`);
        assert.deepEqual(withoutNulls(r.value), withoutNulls(expected), id);
        assert.equal(r.key, r.value.session_id);
        seen.add(id);
      }
      assert.equal(seen.size, COUNT);

      // Our decoder gives the JSON format's very text of each event.
      const texts: string[] = [];
      for await (const r of readRun({ bootstrapServers: [broker.bootstrap], topic, registry: registryConfig() })) texts.push(r.value);
      assert.deepEqual(texts.sort(), [...jsonLines].sort());

      const verify = await runCli(['verify', '--bootstrap-servers', broker.bootstrap, '--topic', topic, '--schema-registry', registry.url]);
      assert.equal(verify.code, 0, verify.stdout.toString() + verify.stderr);
      assert.match(verify.stdout.toString(), /all checks passed/);

      const html = path.join(tmp, `${format}.html`);
      const report = await runCli([
        'report',
        '--bootstrap-servers',
        broker.bootstrap,
        '--topic',
        topic,
        '--schema-registry',
        registry.url,
        '--output',
        html,
      ]);
      assert.equal(report.code, 0, report.stderr);
      assert.match(fs.readFileSync(html, 'utf8'), new RegExp(`${COUNT.toLocaleString('en-US')}|${COUNT}`));
    });
  }

  test('one topic per event type registers one subject per topic, and verify reads them all', { timeout: 240_000 }, async () => {
    const base = `registry-per-type-${randomUUID().slice(0, 8)}`;
    const res = await produce(base, 'avro', ['--topic-per-type']);
    assert.equal(res.code, 0, res.stderr);
    const subjects = (await (await fetch(`${registry.url}/subjects`)).json()) as string[];
    assert.equal(subjects.filter((s) => s.startsWith(`${base}.`) && s.endsWith('-value')).length, 14);
    const verify = await runCli([
      'verify',
      '--bootstrap-servers',
      broker.bootstrap,
      '--topic',
      base,
      '--topic-per-type',
      '--schema-registry',
      registry.url,
    ]);
    assert.equal(verify.code, 0, verify.stdout.toString() + verify.stderr);
  });

  test('a schema the subject cannot take (BACKWARD) stops the run with exit 1 and one line saying so', { timeout: 120_000 }, async () => {
    const topic = `registry-incompatible-${randomUUID().slice(0, 8)}`;
    const older = { type: 'record', name: 'UserEvent', namespace: 'dev.user_behavior_producer', fields: [{ name: 'x', type: 'int' }] };
    const put = await fetch(`${registry.url}/subjects/${topic}-value/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(older) }),
    });
    assert.equal(put.status, 200, await put.text());
    const res = await produce(topic, 'avro');
    assert.equal(res.code, 1, res.stderr);
    const lines = res.stderr.trim().split('\n');
    assert.equal(lines.length, 1, res.stderr);
    assert.match(lines[0]!, new RegExp(`refused schema/event\\.avsc for subject ${topic}-value: it is not compatible`));
  });

  test('--no-auto-register takes the id already registered, and fails with exit 1 when there is none', { timeout: 120_000 }, async () => {
    const topic = `registry-lookup-${randomUUID().slice(0, 8)}`;
    const missing = await produce(topic, 'protobuf', ['--no-auto-register']);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, new RegExp(`schema/event\\.proto is not registered under subject ${topic}-value`));

    assert.equal((await produce(topic, 'protobuf')).code, 0);
    const again = await produce(`${topic}`, 'protobuf', ['--no-auto-register', '--metrics-json', path.join(tmp, 'm.json')]);
    assert.equal(again.code, 0, again.stderr);
  });

  test('a registry that does not answer is a one-line exit 1 before anything is sent', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const res = await runCli([
      '--topic',
      'never',
      '--bootstrap-servers',
      broker.bootstrap,
      '--format',
      'avro',
      '--schema-registry',
      url,
      ...RUN,
    ]);
    assert.equal(res.code, 1);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.match(res.stderr, new RegExp(`cannot reach the schema registry at ${url} \\(ECONNREFUSED\\)`));
  });
});

function registryConfig() {
  return { url: registry.url, username: null, password: null, caFile: null, certFile: null, keyFile: null };
}
