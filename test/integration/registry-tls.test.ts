// A schema registry that speaks HTTPS only (a real Apicurio Registry with the dev CA's
// certificate): the producer and verify reach it with --schema-registry-ca-location, and
// without the CA they stop with one line that says what to check.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ensureTlsMaterial, startRegistry, type RegistryHandle, type TlsFiles } from '../../scripts/kafka-local/index.ts';
import { runCli } from '../helpers/cli.ts';
import { getBroker, type Broker } from '../helpers/kafka.ts';

let broker: Broker;
let registry: RegistryHandle;
let tls: TlsFiles;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-registry-tls-'));
  tls = await ensureTlsMaterial(path.join(tmp, 'secure'));
  [broker, registry] = await Promise.all([
    getBroker(),
    startRegistry({ ephemeral: true, tls: { keystore: tls.brokerKeystore, ca: tls.caCert } }),
  ]);
});

after(async () => {
  await registry?.stop();
  await broker?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const RUN = ['--seed', '12', '--start', '2024-03-04T09:00:00Z', '--count', '2000', '--speed', 'max', '--quiet'];

test('Avro through a registry over TLS: produced and verified with the CA to trust', { timeout: 180_000 }, async () => {
  assert.match(registry.url, /^https:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7$/);
  const topic = `registry-tls-${randomUUID().slice(0, 8)}`;
  const trust = ['--schema-registry', registry.url, '--schema-registry-ca-location', tls.caCert];
  const res = await runCli(['--topic', topic, '--bootstrap-servers', broker.bootstrap, '--format', 'avro', '--headers', ...trust, ...RUN]);
  assert.equal(res.code, 0, res.stderr);
  // --headers: verify checks each record's headers, content-type avro/binary included.
  const verify = await runCli([
    'verify',
    '--bootstrap-servers',
    broker.bootstrap,
    '--topic',
    topic,
    ...trust,
    '--expected',
    '2000',
    '--headers',
  ]);
  assert.equal(verify.code, 0, verify.stdout.toString() + verify.stderr);
  assert.match(verify.stdout.toString(), /all checks passed/);
});

test('a registry certificate nobody said to trust: exit 1 with one line naming the registry', { timeout: 120_000 }, async () => {
  const topic = `registry-tls-${randomUUID().slice(0, 8)}`;
  const res = await runCli([
    '--topic',
    topic,
    '--bootstrap-servers',
    broker.bootstrap,
    '--format',
    'avro',
    '--schema-registry',
    registry.url,
    ...RUN,
  ]);
  assert.equal(res.code, 1, res.stderr);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0]!, /127\.0\.0\.1/);
  assert.match(lines[0]!, /certificate|CA|TLS/i);
});

test('Avro with delivery faults: late and repeated events are kept as their wire bytes, and verify checks them against the answer key', {
  timeout: 180_000,
}, async () => {
  const topic = `registry-faults-${randomUUID().slice(0, 8)}`;
  const trust = ['--schema-registry', registry.url, '--schema-registry-ca-location', tls.caCert];
  const truth = path.join(tmp, `${topic}.truth.json`);
  const faults = ['--late', '0.05', '--late-delay', '30', '--late-max', '300', '--duplicates', '0.03', '--truth', truth];
  const res = await runCli(['--topic', topic, '--bootstrap-servers', broker.bootstrap, '--format', 'avro', ...trust, ...faults, ...RUN]);
  assert.equal(res.code, 0, res.stderr);
  const key = JSON.parse(fs.readFileSync(truth, 'utf8')) as {
    totals: { events: number; records: number; late: number; duplicates: number };
  };
  assert.equal(key.totals.events, 2000);
  assert.ok(key.totals.late > 30 && key.totals.duplicates > 20, JSON.stringify(key.totals));
  const verify = await runCli(['verify', '--bootstrap-servers', broker.bootstrap, '--topic', topic, ...trust, '--truth', truth]);
  assert.equal(verify.code, 0, verify.stdout.toString() + verify.stderr);
  assert.match(verify.stdout.toString(), /all checks passed/);
});
