// A schema registry with basic auth: a real Apicurio Registry that lets a request in only with
// a user and password it checks against a real Keycloak (both started here). The producer,
// `verify` and Confluent's Python client each log in; a wrong password or no user at all stops
// the producer with one line that says what to check.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ensureReaderVenv } from '../../scripts/confluent-reader/venv.ts';
import { startRegistry, type OidcUser, type RegistryHandle } from '../../scripts/kafka-local/index.ts';
import { runCli } from '../helpers/cli.ts';
import { readWithConfluentPython } from '../helpers/confluent-reader.ts';
import { getBroker, type Broker } from '../helpers/kafka.ts';

const USER: OidcUser = { name: 'shop-events', password: randomBytes(9).toString('hex') };
const COUNT = 1500;
const RUN = ['--seed', '7', '--start', '2024-03-04T09:00:00Z', '--count', String(COUNT), '--speed', 'max', '--quiet'];

let broker: Broker;
let registry: RegistryHandle;
let python: string;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-registry-auth-'));
  [broker, registry, python] = await Promise.all([
    getBroker(),
    startRegistry({ ephemeral: true, auth: { users: [USER] }, timeoutMs: 180_000 }),
    ensureReaderVenv({ log: (m) => process.stderr.write(`confluent-reader: ${m}\n`) }),
  ]);
});

after(async () => {
  await registry?.stop();
  await broker?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const produce = (topic: string, extra: string[], env: NodeJS.ProcessEnv = process.env) =>
  runCli(
    ['--topic', topic, '--bootstrap-servers', broker.bootstrap, '--format', 'avro', '--schema-registry', registry.url, ...RUN, ...extra],
    {
      env,
    },
  );

test('the registry lets nobody in without a password', { timeout: 30_000 }, async () => {
  const anonymous = await fetch(`${registry.url}/subjects`);
  assert.equal(anonymous.status, 401);
  const wrong = await fetch(`${registry.url}/subjects`, {
    headers: { authorization: `Basic ${Buffer.from(`${USER.name}:not-it`).toString('base64')}` },
  });
  assert.equal(wrong.status, 401);
});

test('Avro with the password from the environment: produced, verified and read by Confluent’s client, each logging in', {
  timeout: 240_000,
}, async () => {
  const topic = `registry-auth-${randomUUID().slice(0, 8)}`;
  const env = { ...process.env, UBP_SCHEMA_REGISTRY_PASSWORD: USER.password };
  const res = await produce(topic, ['--schema-registry-user', USER.name], env);
  assert.equal(res.code, 0, res.stderr);

  const verify = await runCli(
    [
      'verify',
      '--bootstrap-servers',
      broker.bootstrap,
      '--topic',
      topic,
      '--schema-registry',
      registry.url,
      '--schema-registry-user',
      USER.name,
      '--expected',
      String(COUNT),
    ],
    { env },
  );
  assert.equal(verify.code, 0, verify.stdout.toString() + verify.stderr);
  assert.match(verify.stdout.toString(), /all checks passed/);

  const records = await readWithConfluentPython(python, {
    bootstrap: broker.bootstrap,
    topic,
    registry: registry.url,
    format: 'avro',
    userInfo: `${USER.name}:${USER.password}`,
  });
  assert.equal(records.length, COUNT);
  assert.equal(new Set(records.map((r) => r.value.event_id)).size, COUNT);
});

test('the password from the client config file (basic.auth.user.info), as Confluent’s clients take it', { timeout: 120_000 }, async () => {
  const topic = `registry-auth-${randomUUID().slice(0, 8)}`;
  const config = path.join(tmp, 'client.properties');
  fs.writeFileSync(config, `basic.auth.user.info=${USER.name}:${USER.password}\n`, { mode: 0o600 });
  const res = await produce(topic, ['--client-config', config]);
  assert.equal(res.code, 0, res.stderr);
});

for (const [what, extra, env] of [
  ['a wrong password', ['--schema-registry-user', USER.name], { UBP_SCHEMA_REGISTRY_PASSWORD: 'not-it' }],
  ['no user at all', [], {}],
] as const) {
  test(`${what}: exit 1 with one line that names the registry and what to check`, { timeout: 120_000 }, async () => {
    const topic = `registry-auth-${randomUUID().slice(0, 8)}`;
    const res = await produce(topic, [...extra], { ...process.env, UBP_SCHEMA_REGISTRY_PASSWORD: undefined, ...env });
    assert.equal(res.code, 1, res.stderr);
    const lines = res.stderr.trim().split('\n');
    assert.equal(lines.length, 1, res.stderr);
    assert.match(lines[0]!, /refused us \(HTTP 401\)/);
    assert.match(lines[0]!, /--schema-registry-user/);
  });
}
