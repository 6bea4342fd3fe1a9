// Our client against real secured listeners of the project's broker: every SASL mechanism, mutual
// TLS, client config files in both spellings, the failures a user meets first, and no loss through
// SIGTERM and a broker restart over SASL_SSL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTlsMaterial } from '../../scripts/kafka-local/index.ts';
import { CLI, runCli, type CliResult } from '../helpers/cli.ts';
import { checkRun, getSecureBroker, readAll, startRestartableBroker, type SecureBroker } from '../helpers/kafka.ts';

let broker: SecureBroker;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-security-'));
  broker = await getSecureBroker();
});

after(async () => {
  await broker?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const CLEAN = { duplicates: 0, sessionsSplit: 0, outOfOrder: 0, keyMismatches: 0 };

/** Run the CLI with the password in the environment (never a flag). */
function cli(args: string[], password?: string): Promise<CliResult> {
  const env = { ...process.env, ...(password === undefined ? {} : { UBP_SASL_PASSWORD: password }) };
  return runCli(args, { env, timeoutMs: 90_000 });
}

/** Produce 2,000 events with `connection` flags, then verify the topic with the same flags. */
async function roundTrip(connection: string[], password?: string): Promise<void> {
  const topic = `ubp-secure-${randomUUID()}`;
  const metrics = path.join(tmp, `${randomUUID()}.json`);
  const run = await cli(
    [...connection, '--topic', topic, '--seed', '3', '--speed', 'max', '--count', '2000', '--metrics-json', metrics, '--no-progress'],
    password,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /"security":"[A-Z_]+/, 'the connection log names the security in use');
  if (password !== undefined) assert.ok(!run.stderr.includes(password), 'the password never appears in the logs');
  assert.ok(!fs.readFileSync(metrics, 'utf8').includes(broker.user.password), 'nor in --metrics-json');
  const check = await cli(['verify', ...connection, '--topic', topic, '--metrics-json', metrics], password);
  assert.equal(check.code, 0, check.stdout.toString() + check.stderr);
  assert.match(check.stdout.toString(), /2000 records, 2000 distinct events/);
  // Read back over the plaintext listener too: the records are really there.
  assert.deepEqual(checkRun(await readAll(broker.bootstrapPlain, topic)), { count: 2000, ...CLEAN });
}

describe('every mechanism against real listeners', () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    test(`SASL_SSL with ${mechanism}, flags and UBP_SASL_PASSWORD`, () =>
      roundTrip(
        [
          '--bootstrap-servers',
          broker.bootstrap.saslSsl,
          '--security-protocol',
          'SASL_SSL',
          '--sasl-mechanism',
          mechanism,
          '--sasl-username',
          broker.user.username,
          '--ssl-ca-location',
          broker.files.caCert,
        ],
        broker.user.password,
      ));
  }

  test('SASL_PLAINTEXT with SCRAM-SHA-256', () =>
    roundTrip(
      [
        '--bootstrap-servers',
        broker.bootstrap.saslPlaintext,
        '--security-protocol',
        'SASL_PLAINTEXT',
        '--sasl-mechanism',
        'SCRAM-SHA-256',
        '--sasl-username',
        broker.user.username,
      ],
      broker.user.password,
    ));

  test('the generated Java client.properties (SCRAM-SHA-512), bootstrap.servers included, unchanged', () =>
    roundTrip(['--client-config', broker.files.clientProperties]));
  test('the generated librdkafka properties, unchanged', () => roundTrip(['--client-config', broker.files.clientLibrdkafkaProperties]));
  test('mutual TLS with the Java PEM keystore file', () => roundTrip(['--client-config', broker.files.clientMtlsProperties]));
  test('mutual TLS with librdkafka certificate and key files', () =>
    roundTrip(['--client-config', broker.files.clientMtlsLibrdkafkaProperties]));
});

describe('failures end within 30 s with exit 1 and one line naming the broker and what to check', () => {
  async function fails(args: string[], pattern: RegExp, password?: string): Promise<void> {
    const started = Date.now();
    const run = await cli([...args, '--topic', `ubp-fail-${randomUUID()}`, '--count', '10', '--speed', 'max', '--quiet'], password);
    assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, pattern);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    if (password !== undefined) assert.ok(!run.stderr.includes(password), 'the password is not in the message');
  }

  test('a wrong password', () =>
    fails(
      ['--client-config', broker.files.clientProperties],
      /Kafka at 127\.0\.0\.1:\d+ refused the SASL_SSL\/SCRAM-SHA-512 as alice login .*check the user name and the password/,
      'not-the-password',
    ));

  test('TLS to a plaintext port', () =>
    fails(
      ['--bootstrap-servers', broker.bootstrapPlain, '--security-protocol', 'SSL'],
      /TLS handshake with Kafka at 127\.0\.0\.1:\d+ .*check that this port is a TLS listener/,
    ));

  test('plaintext to a TLS port', () =>
    fails(
      ['--bootstrap-servers', broker.bootstrap.saslSsl],
      /Kafka at 127\.0\.0\.1:\d+ .*(TLS|closed the connection).*security\.protocol/,
    ));

  test('a CA the broker was not signed by', async () => {
    const other = await ensureTlsMaterial(path.join(tmp, 'other-ca'));
    await fails(
      [
        '--bootstrap-servers',
        broker.bootstrap.saslSsl,
        '--security-protocol',
        'SASL_SSL',
        '--sasl-mechanism',
        'SCRAM-SHA-512',
        '--sasl-username',
        broker.user.username,
        '--ssl-ca-location',
        other.caCert,
      ],
      /The TLS certificate of Kafka at 127\.0\.0\.1:\d+ is not trusted .*ssl\.ca\.location/,
      broker.user.password,
    );
  });
});

describe('no loss over SASL_SSL', () => {
  test('SIGTERM during an endless run: exit 0, the topic holds exactly the events counted as sent', async () => {
    const topic = `ubp-secure-sigterm-${randomUUID()}`;
    const metrics = path.join(tmp, `${randomUUID()}.json`);
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--client-config',
        broker.files.clientProperties,
        '--topic',
        topic,
        '--rate',
        '2000000',
        '--speed',
        '60',
        '--metrics-json',
        metrics,
        '--no-progress',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!/connected to Kafka at/.test(err)) await sleep(50);
    await sleep(2_000);
    child.kill('SIGTERM');
    assert.equal(await closed, 0, err);
    const sent = (JSON.parse(fs.readFileSync(metrics, 'utf8')) as { messagesSent: number }).messagesSent;
    assert.ok(sent > 100, `${sent} sent`);
    assert.deepEqual(checkRun(await readAll(broker.bootstrapPlain, topic)), { count: sent, ...CLEAN });
  });

  test('a broker killed (SIGKILL) and restarted mid-run: nothing lost, nothing duplicated', async () => {
    const restartable = await startRestartableBroker({ secure: true });
    try {
      const secure = restartable.secure!;
      const topic = `ubp-secure-restart-${randomUUID()}`;
      const metrics = path.join(tmp, `${randomUUID()}.json`);
      const child = spawn(
        process.execPath,
        [
          CLI,
          '--client-config',
          secure.files.clientProperties,
          '--topic',
          topic,
          '--rate',
          '10000000',
          '--count',
          '100000',
          '--speed',
          'max',
          '--metrics-json',
          metrics,
          '--no-progress',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      while (!/connected to Kafka at/.test(err)) await sleep(50);
      await sleep(1_000);
      await restartable.pause({ crash: true });
      await sleep(5_000);
      await restartable.resume();
      assert.equal(await closed, 0, err);
      assert.match(err, /lost the connection to Kafka broker/, 'the broker went away mid-run');
      const m = JSON.parse(fs.readFileSync(metrics, 'utf8')) as { messagesSent: number; messagesFailed: number };
      assert.deepEqual({ sent: m.messagesSent, failed: m.messagesFailed }, { sent: 100_000, failed: 0 });
      assert.deepEqual(checkRun(await readAll(restartable.bootstrap, topic)), { count: 100_000, ...CLEAN });
    } finally {
      await restartable.stop();
    }
  });
});
