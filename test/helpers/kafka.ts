import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { freePort, startBroker, startRegistry, stopBroker, type SecureInfo } from '../../scripts/kafka-local/index.ts';
import { readTopic, type ReadRecord } from '../../src/verify/kafka-reader.ts';
import { BROKER_FAILED_ENV, REGISTRY_ENV, REGISTRY_FAILED_ENV, SECURE_BROKER_ENV } from './global-setup.ts';

export type { ReadRecord, SecureInfo };
export { freePort };

export interface Broker {
  /** host:port[,host:port] */
  bootstrap: string;
  /** Stops the broker if this call started it; a broker given through the environment is left alone. */
  stop(): Promise<void>;
}

/**
 * The broker of KAFKA_BOOTSTRAP_SERVERS when set (`npm test` starts one for the whole run and sets
 * it), else a fresh single-node broker of our own, so that a test file also runs on its own.
 */
export async function getBroker(): Promise<Broker> {
  throwIfRunBrokerFailed();
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (given !== undefined && given !== '') return { bootstrap: given, stop: async () => {} };
  const broker = await startBroker({ ephemeral: true });
  return { bootstrap: broker.bootstrap, stop: () => broker.stop() };
}

export interface Registry {
  /** The Confluent API's base URL. */
  url: string;
  /** Stops the registry if this call started it. */
  stop(): Promise<void>;
}

/**
 * The schema registry of SCHEMA_REGISTRY_URL when set (`npm test` starts an Apicurio Registry for
 * the whole run and sets it), else a fresh one of our own, so that a test file also runs alone.
 */
export async function getRegistry(): Promise<Registry> {
  const failed = process.env[REGISTRY_FAILED_ENV];
  if (failed !== undefined && failed !== '') throw new Error(`the test run's schema registry did not start: ${failed}`);
  const given = process.env[REGISTRY_ENV];
  if (given !== undefined && given !== '') return { url: given, stop: async () => {} };
  const registry = await startRegistry({ ephemeral: true });
  return { url: registry.url, stop: () => registry.stop() };
}

function throwIfRunBrokerFailed(): void {
  const failed = process.env[BROKER_FAILED_ENV];
  // Starting another one per file would fail the same way, only slower.
  if (failed !== undefined && failed !== '') throw new Error(`the test run's Kafka broker did not start: ${failed}`);
}

export interface SecureBroker extends SecureInfo {
  /** The plaintext listener of the same broker: for setting up topics and reading back without credentials. */
  bootstrapPlain: string;
  /** Stops the broker if this call started it; the run's shared broker is left alone. */
  stop(): Promise<void>;
}

/**
 * A broker with the secure listeners (SASL_SSL with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512;
 * mutual TLS; SASL_PLAINTEXT): the run's shared one under `npm test`, else a fresh one of our own
 * (also when KAFKA_BOOTSTRAP_SERVERS names an outside broker, which has none of our users).
 * `files` holds the CA, the client certificate and key, and client config files in the Java
 * (client.properties, client-mtls.properties) and librdkafka spellings.
 */
export async function getSecureBroker(): Promise<SecureBroker> {
  throwIfRunBrokerFailed();
  const shared = process.env[SECURE_BROKER_ENV];
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (shared !== undefined && shared !== '' && given !== undefined && given !== '') {
    return { ...(JSON.parse(shared) as SecureInfo), bootstrapPlain: given, stop: async () => {} };
  }
  const broker = await startBroker({ ephemeral: true, secure: true });
  return { ...broker.secure!, bootstrapPlain: broker.bootstrap, stop: () => broker.stop() };
}

export interface RestartableBroker {
  bootstrap: string;
  /** With `secure`: the secure listeners, on the same ports after each resume(). */
  secure?: SecureInfo;
  /**
   * Stops the JVM and keeps its data: a clean shutdown (SIGTERM), or with `crash` a SIGKILL, which
   * drops requests the broker has written but not answered, so the producer has to re-send them.
   */
  pause(options?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port with the same data; a broker that runs is left as it is. */
  resume(): Promise<void>;
  /** Stops it for good and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A broker on a fixed port and data dir, for tests that take it away mid-run. Started as
 * "ephemeral" with our own dir and ports, so it is not detached and dies with the test process
 * even when a test crashes; pausing goes through stopBroker, which, unlike the handle's stop(),
 * leaves the data dir in place.
 */
export async function startRestartableBroker(options: { secure?: boolean } = {}): Promise<RestartableBroker> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kafka-restartable-'));
  const ports = new Set<number>();
  const distinctPort = async (): Promise<number> => {
    let p = await freePort();
    while (ports.has(p)) p = await freePort();
    ports.add(p);
    return p;
  };
  const port = await distinctPort();
  const controllerPort = await distinctPort();
  const secure = options.secure === true;
  const securePorts = secure
    ? { saslSsl: await distinctPort(), mtls: await distinctPort(), saslPlaintext: await distinctPort() }
    : undefined;
  // The same dir keeps the CA, the user and the SCRAM credentials across resume().
  const start = () => startBroker({ ephemeral: true, dir, port, controllerPort, secure, securePorts });
  let handle = await start();
  return {
    bootstrap: handle.bootstrap,
    secure: handle.secure,
    pause: async ({ crash = false } = {}) => {
      await stopBroker({ dir, kill: crash });
    },
    resume: async () => {
      handle = await start();
    },
    stop: () => handle.stop(),
  };
}

/** Every record of the topic, up to its end at the time of the call. */
export async function readAll(bootstrap: string, topic: string): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  for await (const record of readTopic({ bootstrapServers: bootstrap.split(','), topic, timeoutMs: 120_000 })) records.push(record);
  return records;
}

export interface RunCheck {
  count: number;
  /** Records whose event_id was already seen. */
  duplicates: number;
  /** Sessions found in more than one partition. */
  sessionsSplit: number;
  /** Records that, in offset order within their session, do not raise events_in_session or move the timestamp back. */
  outOfOrder: number;
  /** Records whose key is not their session_id. */
  keyMismatches: number;
}

interface EventFields {
  event_id: string;
  session_id: string;
  timestamp: string;
  session_info: { events_in_session: number };
}

/** Checks the delivery guarantees of SPEC §6 on records read back from a topic. */
export function checkRun(records: readonly ReadRecord[]): RunCheck {
  // Read order interleaves partitions; per-session order is only defined by offsets in one partition.
  const sorted = [...records].sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  const ids = new Set<string>();
  const partitionOf = new Map<string, number>();
  const split = new Set<string>();
  const last = new Map<string, { n: number; t: number }>();
  let duplicates = 0;
  let outOfOrder = 0;
  let keyMismatches = 0;
  for (const record of sorted) {
    const event = JSON.parse(record.value) as EventFields;
    if (ids.has(event.event_id)) duplicates++;
    else ids.add(event.event_id);
    if (record.key !== event.session_id) keyMismatches++;

    const session = event.session_id;
    const partition = partitionOf.get(session);
    if (partition === undefined) partitionOf.set(session, record.partition);
    else if (partition !== record.partition) split.add(session);

    const n = event.session_info.events_in_session;
    const t = Date.parse(event.timestamp);
    const previous = last.get(session);
    if (previous !== undefined && (n <= previous.n || t < previous.t)) outOfOrder++;
    last.set(session, { n, t });
  }
  return { count: records.length, duplicates, sessionsSplit: split.size, outOfOrder, keyMismatches };
}
