// The registry options: a registry format's needs and the rules between the registry settings,
// each a one-line usage error (exit 2) naming the flag and what is allowed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../src/config/options.ts';
import { UBPError } from '../../src/errors.ts';
import { runCli } from '../helpers/cli.ts';

const env = { now: () => 1_000, randomSeed: () => 5, vars: {} };
const FLAGS = {
  format: '--format',
  schemaRegistry: '--schema-registry',
  schemaRegistryUser: '--schema-registry-user',
  schemaRegistryCaLocation: '--schema-registry-ca-location',
  sink: '--sink',
};

function usage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof UBPError && e.code === 'USAGE' && pattern.test(e.message) && !e.message.includes('\n'));
}

test('json stays the default format and needs no registry', () => {
  const c = resolveConfig({}, env);
  assert.equal(c.format, 'json');
  assert.equal(c.registry, null);
  assert.equal(c.autoRegister, true);
});

test('a registry format needs a registry and the Kafka sink; delivery faults combine with it', () => {
  usage(() => resolveConfig({ format: 'avro' }, env, FLAGS), /^--format avro needs --schema-registry URL/);
  usage(
    () => resolveConfig({ format: 'protobuf', schemaRegistry: 'http://r:8081', sink: 'stdout' }, env, FLAGS),
    /^--format protobuf writes Kafka records in the Confluent wire format; use --sink kafka/,
  );
  const faulty = resolveConfig({ format: 'avro', schemaRegistry: 'http://r:8081', late: 0.1, truth: 'truth.json' }, env, FLAGS);
  assert.equal(faulty.delivery.late, 0.1);
  assert.equal(faulty.format, 'avro');
  usage(
    () => resolveConfig({ format: 'xml' as never }, env, FLAGS),
    /^--format must be one of json, avro, protobuf, json-schema \(got "xml"\)$/,
  );
  usage(() => resolveConfig({ schemaRegistry: 'localhost:8081' }, env, FLAGS), /^--schema-registry must be an http:\/\/ or https:\/\/ URL/);
});

test('basic auth: the user from a flag, the password from the environment or the client config file, never shown', () => {
  usage(
    () => resolveConfig({ schemaRegistry: 'http://r:8081', schemaRegistryUser: 'bob' }, env, FLAGS),
    /--schema-registry-user needs a password/,
  );
  const fromEnv = resolveConfig(
    { schemaRegistry: 'http://r:8081/', schemaRegistryUser: 'bob' },
    { ...env, vars: { UBP_SCHEMA_REGISTRY_PASSWORD: 's3cret' } },
    FLAGS,
  );
  assert.equal(fromEnv.registry?.url, 'http://r:8081');
  assert.equal(fromEnv.registry?.password?.reveal(), 's3cret');
  assert.ok(!JSON.stringify(fromEnv).includes('s3cret'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-registry-config-'));
  try {
    const file = path.join(dir, 'client.properties');
    fs.writeFileSync(
      file,
      'schema.registry.url=https://r.example:443\nbasic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=alice:pa:ss\n',
    );
    const fromFile = resolveConfig({ clientConfig: file }, env);
    assert.equal(fromFile.registry?.url, 'https://r.example:443');
    assert.equal(fromFile.registry?.username, 'alice');
    assert.equal(fromFile.registry?.password?.reveal(), 'pa:ss');
    assert.deepEqual(fromFile.warnings, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('TLS files need an https registry', () => {
  usage(
    () => resolveConfig({ schemaRegistry: 'http://r:8081', schemaRegistryCaLocation: '/ca.pem' }, env, FLAGS),
    /^--schema-registry-ca-location needs an https:\/\/ --schema-registry \(got http:\/\/r:8081\)$/,
  );
  usage(() => resolveConfig({ schemaRegistryUser: 'bob' }, env, FLAGS), /^--schema-registry-user needs --schema-registry URL$/);
});

test('the CLI exits 2 with one line for a registry format without a registry', async () => {
  const res = await runCli(['--format', 'avro', '--count', '1']);
  assert.equal(res.code, 2);
  assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  assert.match(res.stderr, /--format avro needs --schema-registry URL/);
});
