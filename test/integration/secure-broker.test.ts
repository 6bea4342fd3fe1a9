// The secure listeners of the local broker, checked with Kafka's own Java tools (not our client):
// the client config files that `kafka:start --secure` writes work as they are, and the broker
// refuses what it should. Each tool run is a JVM start, so the tests are few.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { brokerStatus, checkSecureListeners, freePort, startBroker, stopBroker } from '../../scripts/kafka-local/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { getSecureBroker, type SecureBroker } from '../helpers/kafka.ts';

const KAFKA_LOCAL = path.join(ROOT, 'scripts/kafka-local/cli.ts');

// Every JVM this file starts (tools, kafka-configs, the brokers of its own) lives for seconds:
// the C1 compiler alone cuts their CPU time by about a third.
process.env.JAVA_TOOL_OPTIONS = '-XX:TieredStopAtLevel=1';

let broker: SecureBroker;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-secure-'));
  broker = await getSecureBroker();
});

after(async () => {
  await broker?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A Kafka tool through `npm run kafka:tool` (scripts/kafka-local), as the README shows it. */
function kafkaTool(mainClass: string, args: string[], input = ''): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KAFKA_LOCAL, 'tool', mainClass, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

async function createTopic(): Promise<string> {
  const topic = `ubp-secure-${randomUUID()}`;
  const admin = new Admin({ clientId: 'secure-broker-test', bootstrapBrokers: [broker.bootstrapPlain] });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  } finally {
    await admin.close();
  }
  return topic;
}

/** Writes a record with kafka-console-producer and reads it back with kafka-console-consumer, both with `config`. */
async function roundTrip(bootstrap: string, config: string): Promise<void> {
  const topic = await createTopic();
  const value = `secure-${randomUUID()}`;
  const common = ['--bootstrap-server', bootstrap, '--command-config', config, '--topic', topic];
  const produced = await kafkaTool('org.apache.kafka.tools.ConsoleProducer', common, `${value}\n`);
  // The console producer logs a failed send and still exits 0: the consumer below is the check.
  assert.equal(produced.code, 0, produced.stderr);
  // Assigned partition, no group: skips the group join a few seconds long.
  const consumed = await kafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
    ...common,
    '--partition',
    '0',
    '--offset',
    'earliest',
    '--max-messages',
    '1',
    '--timeout-ms',
    '30000',
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.equal(consumed.stdout, `${value}\n`, `${produced.stderr}\n${consumed.stderr}`);
}

/** A copy of a client config file with some lines changed. */
function variant(file: string, name: string, edit: (text: string) => string): string {
  const out = path.join(tmp, name);
  const text = fs.readFileSync(file, 'utf8');
  const edited = edit(text);
  assert.notEqual(edited, text, `the edit of ${name} changed nothing`);
  fs.writeFileSync(out, edited);
  return out;
}

test('client.properties (SCRAM-SHA-512 over SASL_SSL) round-trips a record through the console producer and consumer', async () => {
  const text = fs.readFileSync(broker.files.clientProperties, 'utf8');
  assert.match(text, new RegExp(`^bootstrap\\.servers=${broker.bootstrap.saslSsl}$`, 'm'));
  assert.match(text, /^sasl\.mechanism=SCRAM-SHA-512$/m);
  await roundTrip(broker.bootstrap.saslSsl, broker.files.clientProperties);
});

test('client-mtls.properties (client certificate, mutual TLS) round-trips a record through the console producer and consumer', async () => {
  await roundTrip(broker.bootstrap.mtls, broker.files.clientMtlsProperties);
});

test('a wrong password is refused on the SASL_SSL listener: kafka-topics exits 1 with the authentication error', async () => {
  const wrong = variant(broker.files.clientProperties, 'wrong-password.properties', (t) =>
    t.replace(/password="[^"]*"/, 'password="not-the-password"'),
  );
  const result = await kafkaTool('org.apache.kafka.tools.TopicCommand', [
    '--bootstrap-server',
    broker.bootstrap.saslSsl,
    '--command-config',
    wrong,
    '--list',
  ]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/);
});

test('the mTLS listener refuses a client without a certificate', async () => {
  const noCert = variant(broker.files.clientMtlsProperties, 'no-certificate.properties', (t) => t.replace(/^ssl\.keystore\..*\n/gm, ''));
  const result = await kafkaTool('org.apache.kafka.tools.TopicCommand', [
    '--bootstrap-server',
    broker.bootstrap.mtls,
    '--command-config',
    noCert,
    '--list',
  ]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /SslAuthenticationException[\s\S]*bad_certificate/);
});

// The path of a developer who ran `kafka:start` before and now wants --secure: the data dir was
// formatted without SCRAM users, so they are added through the admin API on the first secure start.
test('a broker first started without secure listeners is refused as secure while it runs, then gets its SCRAM users when restarted with them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-secure-lifecycle-'));
  const taken = new Set<number>();
  const port = async (): Promise<number> => {
    let p = await freePort();
    while (taken.has(p)) p = await freePort();
    taken.add(p);
    return p;
  };
  const ports = { port: await port(), controllerPort: await port() };
  const securePorts = { saslSsl: await port(), mtls: await port(), saslPlaintext: await port() };
  const logs: string[] = [];
  const log = (m: string): void => {
    logs.push(m);
  };
  try {
    const plain = await startBroker({ ephemeral: true, dir, ...ports, log });
    assert.equal(plain.secure, undefined);
    await assert.rejects(
      startBroker({ ephemeral: true, dir, ...ports, secure: true, securePorts }),
      /already running .* without the secure listeners/,
    );
    await stopBroker({ dir });

    const secure = await startBroker({ ephemeral: true, dir, ...ports, secure: true, securePorts, log });
    assert.ok(
      logs.some((m) => m.startsWith('adding SCRAM credentials')),
      logs.join('\n'),
    );
    assert.deepEqual(secure.secure?.ports, securePorts);
    const failing = (await checkSecureListeners(secure.secure)).filter((c) => !c.result.ok);
    assert.deepEqual(failing, []);

    const again = await startBroker({ ephemeral: true, dir, ...ports, secure: true, securePorts });
    assert.deepEqual({ reused: again.reused, pid: again.pid }, { reused: true, pid: secure.pid });
    const status = await brokerStatus({ dir });
    assert.deepEqual(
      status.secure?.checks.map((c) => [c.name, c.result.ok]),
      status.secure?.checks.map((c) => [c.name, true]),
    );
    // Three mechanisms on each SASL listener, and the client certificate.
    assert.equal(status.secure?.checks.length, 7);
    await secure.stop();
  } finally {
    await stopBroker({ dir });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
