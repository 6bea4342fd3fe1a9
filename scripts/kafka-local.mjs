#!/usr/bin/env node
// Local single-node Apache Kafka (KRaft, broker+controller in one JVM) for
// development, tests and CI, on machines that have a JDK and Maven but no
// Docker and no Kafka distribution: the jars come from Maven Central through
// kafka/pom.xml.
//
// CLI:  node scripts/kafka-local.mjs start|stop|status|reset|fetch|tool <MainClass> [args...]
// env:  KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_LOCAL_DIR (<repo>/.kafka),
//       KAFKA_HEAP_OPTS (-Xms256m -Xmx512m), KAFKA_START_TIMEOUT_MS (90000), JAVA_HOME
//
// Plain Node ESM without dependencies on purpose: it has to work before
// `npm install` and on Node 20 as well as 24.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync, renameSync,
  realpathSync,
} from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..');
const POM = path.join(REPO_ROOT, 'kafka', 'pom.xml');
const MURMUR_SRC = path.join(HERE, 'java', 'Murmur2Partitions.java');
const HOST = '127.0.0.1';
const DEFAULT_HEAP = '-Xms256m -Xmx512m';
const STAMP = '.complete';

/** Error whose message is meant for the user as-is (one line, no stack). */
export class KafkaLocalError extends Error {
  constructor(message, detail) {
    super(message);
    this.name = 'KafkaLocalError';
    this.detail = detail;
  }
}

// ---------------------------------------------------------------- paths & config

function defaultDir() {
  return path.resolve(process.env.KAFKA_LOCAL_DIR || path.join(REPO_ROOT, '.kafka'));
}

function defaultLibDir() {
  return path.join(defaultDir(), 'lib');
}

function layout(dir) {
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    logsDir: path.join(dir, 'logs'),
    configDir: path.join(dir, 'config'),
    serverProps: path.join(dir, 'config', 'server.properties'),
    serverLog4j: path.join(dir, 'config', 'log4j2-server.properties'),
    toolsLog4j: path.join(dir, 'config', 'log4j2-tools.properties'),
    stateFile: path.join(dir, 'broker.json'),
    stdoutLog: path.join(dir, 'logs', 'stdout.log'),
    serverLog: path.join(dir, 'logs', 'server.log'),
  };
}

function envPort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new KafkaLocalError(`${name} must be a port number 0-65535, got "${raw}"`);
  }
  return n;
}

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function classpath(libDir) {
  return path.join(libDir, '*');
}

// ---------------------------------------------------------------- jars

function pomHash() {
  return createHash('sha256').update(readFileSync(POM)).digest('hex');
}

/**
 * Makes sure the Kafka jars for the current kafka/pom.xml are in libDir.
 * Skips Maven when the stamp matches the pom, so repeated starts cost nothing;
 * downloads into a temporary folder and renames it so that an interrupted or
 * concurrent fetch never leaves a half-filled lib folder behind.
 * @param {{ libDir?: string, log?: (msg: string) => void }} [opts]
 * @returns {Promise<string>} the lib folder (classpath is `<libDir>/*`)
 */
export async function ensureJars(opts = {}) {
  const libDir = path.resolve(opts.libDir ?? defaultLibDir());
  const log = opts.log ?? (() => {});
  const want = pomHash();
  const stampFile = path.join(libDir, STAMP);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === want) return libDir;

  log('fetching Kafka jars with Maven (first run only)...');
  mkdirSync(path.dirname(libDir), { recursive: true });
  const tmp = `${libDir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  const args = [
    '-q', '-B', '-Dstyle.color=never', '-f', POM,
    'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`, '-DincludeScope=runtime',
  ];
  const res = await run('mvn', args, { cwd: path.dirname(POM) });
  if (res.error?.code === 'ENOENT') {
    rmSync(tmp, { recursive: true, force: true });
    throw new KafkaLocalError('mvn not found on PATH: install Maven 3 (e.g. apt-get install maven) to fetch the Kafka jars');
  }
  if (res.code !== 0 || !existsSync(tmp)) {
    rmSync(tmp, { recursive: true, force: true });
    throw new KafkaLocalError(`Maven could not fetch the Kafka jars (exit ${res.code}); see output above`, tail(res.output, 40));
  }
  writeFileSync(path.join(tmp, STAMP), `${want}\n`);
  rmSync(libDir, { recursive: true, force: true });
  try {
    renameSync(tmp, libDir);
  } catch (e) {
    // Another process finished the same fetch first; its copy is as good as ours.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(stampFile)) throw e;
  }
  return libDir;
}

// ---------------------------------------------------------------- process helpers

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: -1, output, error });
      return;
    }
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', (error) => resolve({ code: -1, output, error }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function tail(text, lines) {
  return String(text).trimEnd().split('\n').slice(-lines).join('\n');
}

function fileTail(file, lines) {
  try {
    return tail(readFileSync(file, 'utf8'), lines);
  } catch {
    return '';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function commandLineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    const r = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : '';
  }
}

/** A pid from our state file only counts if it is still our JVM: pids get reused. */
function isOurBroker(pid, serverProps) {
  if (!pid || !pidAlive(pid)) return false;
  const cmd = commandLineOf(pid);
  return cmd.includes('kafka.Kafka') && cmd.includes(serverProps);
}

function readState(L) {
  try {
    return JSON.parse(readFileSync(L.stateFile, 'utf8'));
  } catch {
    return null;
  }
}

/** @returns {Promise<boolean>} true when something accepts connections on host:port */
function portInUse(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (e) => resolve(e.code === 'EADDRINUSE' || e.code === 'EACCES'));
    srv.listen({ port, host: HOST, exclusive: true }, () => srv.close(() => resolve(false)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: HOST }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- Kafka wire probe
// A raw request is enough to know the broker serves clients, and avoids paying
// a JVM start (AdminClient) per poll.

function kafkaRequest(port, apiKey, apiVersion, body, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('kafka-local');
    const header = Buffer.alloc(10);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(1, 4);
    header.writeInt16BE(clientId.length, 8);
    const payload = Buffer.concat([header, clientId, body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length, 0);

    const sock = net.connect({ host: HOST, port });
    let buf = Buffer.alloc(0);
    const done = (err, val) => {
      sock.destroy();
      clearTimeout(timer);
      if (err) reject(err); else resolve(val);
    };
    const timer = setTimeout(() => done(new Error('timeout')), timeoutMs);
    sock.on('connect', () => sock.write(Buffer.concat([size, payload])));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        // Skip the size and the correlation id (response header v0).
        done(null, buf.subarray(8, 4 + buf.readInt32BE(0)));
      }
    });
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new Error('connection closed')));
  });
}

/**
 * Checks that a Kafka broker answers on 127.0.0.1:port and has registered itself
 * (Metadata lists a broker advertising this port).
 * @returns {Promise<{ ok: boolean, reason?: string, brokers?: number }>}
 */
export async function probeBroker(port, timeoutMs = 2000) {
  let versions;
  try {
    // ApiVersions v0: the one request every broker answers, whatever it supports.
    const r = await kafkaRequest(port, 18, 0, Buffer.alloc(0), timeoutMs);
    const count = r.readInt32BE(2);
    versions = new Map();
    for (let i = 0, o = 6; i < count; i++, o += 6) versions.set(r.readInt16BE(o), [r.readInt16BE(o + 2), r.readInt16BE(o + 4)]);
  } catch (e) {
    return { ok: false, reason: `no Kafka answer: ${e.message}` };
  }
  const md = versions.get(3);
  if (!md) return { ok: false, reason: 'broker does not offer Metadata' };
  // v4..v8 share a non-flexible layout that is small to write and read.
  const v = Math.min(md[1], 8);
  if (v < Math.max(md[0], 4)) return { ok: true, brokers: -1 };
  try {
    const body = Buffer.alloc(v >= 8 ? 7 : 5);
    body.writeInt32BE(0, 0); // no topics
    body.writeInt8(0, 4); // allow_auto_topic_creation
    const r = await kafkaRequest(port, 3, v, body, timeoutMs);
    let o = 4; // throttle_time_ms
    const n = r.readInt32BE(o); o += 4;
    let advertisesUs = false;
    for (let i = 0; i < n; i++) {
      o += 4; // node_id
      const hl = r.readInt16BE(o); o += 2 + hl;
      const p = r.readInt32BE(o); o += 4;
      const rl = r.readInt16BE(o); o += 2 + Math.max(rl, 0);
      if (p === port) advertisesUs = true;
    }
    if (n === 0) return { ok: false, reason: 'broker not registered yet' };
    if (!advertisesUs) return { ok: false, reason: `broker advertises another port than ${port}` };
    return { ok: true, brokers: n };
  } catch (e) {
    return { ok: false, reason: `metadata: ${e.message}` };
  }
}

// ---------------------------------------------------------------- config files

function serverProperties(L, port, controllerPort) {
  return `# Written by scripts/kafka-local.mjs on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
# Static single voter rather than a formatted --standalone dynamic quorum:
# the voter endpoint then lives only here, so KAFKA_CONTROLLER_PORT can change
# between runs without reformatting.
controller.quorum.voters=1@${HOST}:${controllerPort}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${port}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${L.dataDir}
num.partitions=1
# One node: every internal topic must fit on it.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Tests join consumer groups often; the default 3 s delay would be paid each time.
group.initial.rebalance.delay.ms=0
# The producer must create its topic with the spec's settings, so a typo'd
# topic name has to fail instead of silently appearing with defaults.
auto.create.topics.enable=false
`;
}

function serverLog4j() {
  return `# Broker logs go to a file; only warnings, plus the start/stop lines we grep for.
status = error
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = \${sys:kafka.logs.dir}/server.log
appender.file.filePattern = \${sys:kafka.logs.dir}/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 2
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = INFO
logger.kafka.name = kafka.Kafka
logger.kafka.level = INFO
`;
}

function toolsLog4j() {
  return `# CLI tools: keep stdout for the tool's own output, warnings on stderr.
status = error
appender.err.type = Console
appender.err.name = err
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = err
`;
}

function writeConfigs(L, port, controllerPort) {
  mkdirSync(L.configDir, { recursive: true });
  mkdirSync(L.logsDir, { recursive: true });
  writeFileSync(L.serverProps, serverProperties(L, port, controllerPort));
  writeFileSync(L.serverLog4j, serverLog4j());
  writeFileSync(L.toolsLog4j, toolsLog4j());
}

/** Kafka's Uuid text form; a leading '-' is avoided as Kafka does, since CLI parsers take it for a flag. */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function formatIfNeeded(L, libDir) {
  if (existsSync(path.join(L.dataDir, 'meta.properties'))) return false;
  // A data dir without meta.properties is a format that died half-way.
  rmSync(L.dataDir, { recursive: true, force: true });
  const res = await run(javaBin(), [
    '-cp', classpath(libDir), `-Dlog4j2.configurationFile=${L.toolsLog4j}`,
    'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', clusterId(), '-c', L.serverProps,
  ]);
  if (res.error?.code === 'ENOENT') throw new KafkaLocalError(`java not found (${javaBin()}): install JDK 17+ or set JAVA_HOME`);
  if (res.code !== 0) throw new KafkaLocalError(`formatting the Kafka storage failed (exit ${res.code})`, tail(res.output, 30));
  return true;
}

// ---------------------------------------------------------------- broker lifecycle

function resolveOpts(opts) {
  const dir = path.resolve(opts.dir ?? defaultDir());
  return {
    L: layout(dir),
    libDir: path.resolve(opts.libDir ?? defaultLibDir()),
    port: opts.port ?? envPort('KAFKA_PORT', 9092),
    controllerPort: opts.controllerPort ?? envPort('KAFKA_CONTROLLER_PORT', 9093),
    timeoutMs: opts.timeoutMs ?? (Number(process.env.KAFKA_START_TIMEOUT_MS) || 90_000),
    heap: opts.heap ?? process.env.KAFKA_HEAP_OPTS ?? DEFAULT_HEAP,
    log: opts.log ?? (() => {}),
  };
}

async function waitReady(port, timeoutMs, isDead) {
  const deadline = Date.now() + timeoutMs;
  let last = 'not started';
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) return { ok: false, reason: dead };
    const p = await probeBroker(port, 1500);
    if (p.ok) return p;
    last = p.reason;
    await sleep(250);
  }
  return { ok: false, reason: `not ready after ${Math.round(timeoutMs / 1000)} s (${last})` };
}

async function terminate(pid, timeoutMs = 30_000) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid) || isZombie(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch { /* gone meanwhile */ }
  while (pidAlive(pid) && !isZombie(pid)) await sleep(50);
}

// A child that died while its spawning Node process still runs stays a zombie
// until Node reaps it, and kill(pid, 0) succeeds on zombies.
function isZombie(pid) {
  try {
    return /\)\s+Z\s/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Starts (or finds already running) the local broker for `dir`.
 *
 * With `ephemeral: true` it uses a fresh temporary dir and free ports, is not
 * detached (it dies with the calling process, even on Ctrl-C) and `stop()`
 * deletes its dir: the shape a test run wants.
 *
 * @param {{
 *   dir?: string, libDir?: string, port?: number, controllerPort?: number,
 *   ephemeral?: boolean, timeoutMs?: number, heap?: string, log?: (msg: string) => void,
 * }} [opts] port 0 picks a free port.
 * @returns {Promise<{ bootstrap: string, port: number, controllerPort: number, pid: number,
 *   dir: string, reused: boolean, stop: () => Promise<void> }>}
 */
export async function startBroker(opts = {}) {
  if (opts.ephemeral) {
    opts = {
      ...opts,
      dir: opts.dir ?? await mkdtemp(path.join(os.tmpdir(), 'kafka-local-')),
      port: opts.port ?? 0,
      controllerPort: opts.controllerPort ?? 0,
    };
  }
  let stopped = false;
  const o = resolveOpts(opts);
  const { L } = o;
  const handle = (pid, port, controllerPort, reused) => ({
    bootstrap: `${HOST}:${port}`, port, controllerPort, pid, dir: L.dir, reused,
    stop: async () => {
      stopped = true;
      await stopBroker({ dir: L.dir });
      if (opts.ephemeral) rmSync(L.dir, { recursive: true, force: true });
    },
  });

  const state = readState(L);
  if (state && isOurBroker(state.pid, L.serverProps)) {
    const wanted = opts.port ?? envPort('KAFKA_PORT', 9092);
    if (wanted !== 0 && wanted !== state.port) {
      throw new KafkaLocalError(`local Kafka is already running on ${HOST}:${state.port} (pid ${state.pid}); run "stop" before changing KAFKA_PORT`);
    }
    const r = await waitReady(state.port, o.timeoutMs, () => (isOurBroker(state.pid, L.serverProps) ? null : 'broker process exited'));
    if (!r.ok) throw new KafkaLocalError(`local Kafka (pid ${state.pid}) is running but not answering: ${r.reason}`, fileTail(L.serverLog, 30));
    return handle(state.pid, state.port, state.controllerPort, true);
  }

  const libDir = await ensureJars({ libDir: o.libDir, log: o.log });
  const port = o.port === 0 ? await freePort() : o.port;
  let controllerPort = o.controllerPort === 0 ? await freePort() : o.controllerPort;
  while (controllerPort === port) controllerPort = await freePort();
  if (await portInUse(port)) {
    throw new KafkaLocalError(`port ${port} is already in use by another process; set KAFKA_PORT to a free port`);
  }
  if (await portInUse(controllerPort)) {
    throw new KafkaLocalError(`port ${controllerPort} is already in use by another process; set KAFKA_CONTROLLER_PORT to a free port`);
  }

  writeConfigs(L, port, controllerPort);
  if (await formatIfNeeded(L, libDir)) o.log(`formatted new storage in ${L.dataDir}`);

  const out = openSync(L.stdoutLog, 'a');
  writeFileSync(L.serverLog, '', { flag: 'a' });
  const startOffset = readFileSync(L.serverLog).length;
  const args = [
    ...o.heap.split(/\s+/).filter(Boolean),
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${L.serverLog4j}`, `-Dkafka.logs.dir=${L.logsDir}`,
    '-cp', classpath(libDir), 'kafka.Kafka', L.serverProps,
  ];
  const child = spawn(javaBin(), args, { cwd: L.dir, detached: !opts.ephemeral, stdio: ['ignore', out, out] });
  closeSync(out);
  const spawnError = await new Promise((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(null));
  });
  if (spawnError) {
    throw new KafkaLocalError(spawnError.code === 'ENOENT'
      ? `java not found (${javaBin()}): install JDK 17+ or set JAVA_HOME`
      : `could not start java: ${spawnError.message}`);
  }
  child.unref();
  writeFileSync(L.stateFile, `${JSON.stringify({ pid: child.pid, port, controllerPort, startedAt: new Date().toISOString() })}\n`);
  if (opts.ephemeral) {
    // The broker must not outlive a test run that crashed or forgot stop().
    process.once('exit', () => {
      if (stopped) return;
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
      try { rmSync(L.dir, { recursive: true, force: true }); } catch { /* best effort */ }
    });
  }
  o.log(`starting Kafka on ${HOST}:${port} (pid ${child.pid}, logs in ${L.logsDir})`);

  const r = await waitReady(port, o.timeoutMs, () => {
    if (child.exitCode !== null || child.signalCode !== null) return `broker exited (${child.exitCode ?? child.signalCode})`;
    return null;
  });
  if (!r.ok) {
    await terminate(child.pid, 5_000);
    rmSync(L.stateFile, { force: true });
    const logTail = [fileTail(L.stdoutLog, 15), tail(readFileSync(L.serverLog, 'utf8').slice(startOffset), 25)]
      .filter(Boolean).join('\n');
    throw new KafkaLocalError(`local Kafka did not come up: ${r.reason} (logs in ${L.logsDir})`, logTail);
  }
  return handle(child.pid, port, controllerPort, false);
}

/**
 * Stops the broker of `dir` if it runs (SIGTERM, SIGKILL after timeoutMs).
 * @param {{ dir?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<boolean>} whether a running broker was stopped
 */
export async function stopBroker(opts = {}) {
  const L = layout(path.resolve(opts.dir ?? defaultDir()));
  const state = readState(L);
  const running = !!state && isOurBroker(state.pid, L.serverProps) && !isZombie(state.pid);
  if (running) await terminate(state.pid, opts.timeoutMs ?? 30_000);
  rmSync(L.stateFile, { force: true });
  return running;
}

/**
 * @param {{ dir?: string }} [opts]
 * @returns {Promise<{ running: boolean, answering: boolean, bootstrap?: string, pid?: number }>}
 */
export async function brokerStatus(opts = {}) {
  const L = layout(path.resolve(opts.dir ?? defaultDir()));
  const state = readState(L);
  if (!state || !isOurBroker(state.pid, L.serverProps)) return { running: false, answering: false };
  const p = await probeBroker(state.port);
  return { running: true, answering: p.ok, bootstrap: `${HOST}:${state.port}`, pid: state.pid };
}

/** Stops the broker and deletes its data, logs and config (the jars stay). */
export async function resetBroker(opts = {}) {
  const L = layout(path.resolve(opts.dir ?? defaultDir()));
  await stopBroker(opts);
  for (const p of [L.dataDir, L.logsDir, L.configDir, L.stateFile]) rmSync(p, { recursive: true, force: true });
}

/**
 * Runs a Java main class on the Kafka classpath, e.g. org.apache.kafka.tools.TopicCommand.
 * @param {string} mainClass
 * @param {string[]} args
 * @param {{ stdio?: import('node:child_process').StdioOptions, libDir?: string, dir?: string }} [opts]
 * @returns {Promise<number>} exit code
 */
export async function runTool(mainClass, args = [], opts = {}) {
  const libDir = await ensureJars({ libDir: opts.libDir, log: (m) => process.stderr.write(`${m}\n`) });
  const L = layout(path.resolve(opts.dir ?? defaultDir()));
  mkdirSync(L.configDir, { recursive: true });
  writeFileSync(L.toolsLog4j, toolsLog4j());
  const child = spawn(javaBin(), ['-cp', classpath(libDir), `-Dlog4j2.configurationFile=${L.toolsLog4j}`, mainClass, ...args],
    { stdio: opts.stdio ?? 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise((resolve, reject) => {
      child.once('error', (e) => reject(e.code === 'ENOENT'
        ? new KafkaLocalError(`java not found (${javaBin()}): install JDK 17+ or set JAVA_HOME`) : e));
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

/**
 * Partitions the Java producer's default partitioner picks for `keys`
 * (murmur2 of the UTF-8 bytes), computed by the real kafka-clients code.
 * @param {string[]} keys no key may contain '\n'
 * @param {number} numPartitions
 * @param {{ libDir?: string }} [opts]
 * @returns {Promise<number[]>}
 */
export async function javaPartitions(keys, numPartitions, opts = {}) {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new KafkaLocalError('numPartitions must be a positive integer');
  if (keys.some((k) => k.includes('\n'))) throw new KafkaLocalError('keys for javaPartitions cannot contain a newline');
  const libDir = await ensureJars({ libDir: opts.libDir });
  const child = spawn(javaBin(), ['-cp', classpath(libDir), MURMUR_SRC, String(numPartitions)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  child.stdin.on('error', () => { /* reported through the exit code */ });
  child.stdin.end(keys.map((k) => `${k}\n`).join(''));
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new KafkaLocalError(`Murmur2Partitions failed (exit ${code}): ${tail(err, 1)}`, err);
  const parts = out.split('\n').filter((l) => l !== '').map(Number);
  if (parts.length !== keys.length) throw new KafkaLocalError(`Murmur2Partitions returned ${parts.length} results for ${keys.length} keys`);
  return parts;
}

// ---------------------------------------------------------------- CLI

const USAGE = 'usage: kafka-local.mjs start|stop|status|reset|fetch|tool <MainClass> [args...]';

async function main(argv) {
  const [cmd, ...rest] = argv;
  const log = (m) => process.stderr.write(`kafka-local: ${m}\n`);
  switch (cmd) {
    case 'start': {
      const t0 = Date.now();
      const b = await startBroker({ log });
      log(b.reused ? `already running (pid ${b.pid})` : `ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${b.pid})`);
      process.stdout.write(`${b.bootstrap}\n`);
      return 0;
    }
    case 'stop': {
      const stopped = await stopBroker();
      log(stopped ? 'stopped' : 'not running');
      return 0;
    }
    case 'status': {
      const s = await brokerStatus();
      if (!s.running) {
        process.stdout.write('stopped\n');
        return 0;
      }
      process.stdout.write(`running ${s.bootstrap} pid ${s.pid}${s.answering ? '' : ' (not answering)'}\n`);
      return 0;
    }
    case 'reset': {
      await resetBroker();
      log('stopped and removed data, logs and config');
      return 0;
    }
    case 'tool': {
      if (!rest[0]) throw new KafkaLocalError('usage: kafka-local.mjs tool <MainClass> [args...]');
      return runTool(rest[0], rest.slice(1));
    }
    case 'fetch': {
      process.stdout.write(`${await ensureJars({ log })}\n`);
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

function invokedDirectly() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => {
      if (e instanceof KafkaLocalError) {
        if (e.detail) process.stderr.write(`${e.detail}\n`);
        process.stderr.write(`kafka-local: ${e.message}\n`);
      } else {
        process.stderr.write(`kafka-local: ${e?.message ?? e}\n`);
      }
      process.exitCode = 1;
    },
  );
}
