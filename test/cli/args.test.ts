import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { CLI_OPTIONS, HELP, parseCli } from '../../src/cli/args.ts';
import { markdownFlagTable } from '../../src/cli/flags.ts';
import { flagsOf } from '../../src/config/option-table.ts';
import { resolveConfig, type ProducerConfig } from '../../src/config/options.ts';
import { UBPError } from '../../src/errors.ts';

const env = { now: () => Date.parse('2030-01-01T00:00:00Z'), randomSeed: () => 77 };

/** What a command line resolves to, as the CLI resolves it. */
function configOf(argv: string[]): ProducerConfig {
  const r = parseCli(argv);
  return resolveConfig(r.options, env, r.names);
}

/** Parsing and resolving `argv` must throw a USAGE UBPError whose one-line message names `flag`. */
function assertUsage(argv: string[], flag: string, also?: RegExp): void {
  assert.throws(
    () => configOf(argv),
    (err: unknown) => {
      assert.ok(err instanceof UBPError, `expected a UBPError for ${argv.join(' ')}`);
      assert.equal(err.code, 'USAGE');
      assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
      assert.ok(err.message.includes(flag), `"${err.message}" should name ${flag}`);
      if (also) assert.match(err.message, also);
      return true;
    },
  );
}

describe('the command line reads the option table', () => {
  test('no flags: every option at its default, the seed drawn and start = now', () => {
    const c = configOf([]);
    assert.equal(c.sink, 'kafka');
    assert.deepEqual(c.kafka.bootstrapServers, ['localhost:9092']);
    assert.equal(c.kafka.topic, 'user-events');
    assert.equal(c.rate, 5000);
    assert.equal(c.durationSeconds, null);
    assert.equal(c.minSessionSeconds, 60);
    assert.equal(c.maxSessionSeconds, 1800);
    assert.equal(c.speed, 1);
    assert.equal(c.seed, 77);
    assert.equal(c.seedWasRandom, true);
    assert.equal(c.startMs, env.now());
    assert.equal(c.kafka.acks, 'all');
    assert.equal(c.kafka.compression, 'lz4');
    assert.equal(c.logLevel, 'info');
  });

  test('every flag reaches its option, converted from text', () => {
    const c = configOf([
      '--bootstrap-servers',
      'a:1, b:2',
      '--topic',
      't1',
      '--rate',
      '1200.5',
      '--duration',
      '60',
      '--count',
      '7',
      '--min-session',
      '30',
      '--max-session',
      '90',
      '--sink',
      'file',
      '--output',
      'out.jsonl',
      '--seed',
      '9',
      '--start',
      '2024-03-04T00:00:00Z',
      '--speed',
      '2.5',
      '--no-time-patterns',
      '--user-pool-size',
      '100',
      '--shard',
      '3/8',
      '--workers',
      '2',
      '--metrics-json',
      'm.json',
      '--metrics-port',
      '0',
      '--acks',
      '1',
      '--compression',
      'gzip',
      '--batch-size',
      '1024',
      '--linger-ms',
      '0',
      '--buffer-memory',
      '4096',
      '--partitions',
      '3',
      '--replication-factor',
      '1',
      '--quiet',
      '--no-progress',
      '--key',
      'user_id',
      '--record-timestamp',
      'send',
      '--headers',
      '--topic-per-type',
      '--retention-ms',
      '-1',
      '--security-protocol',
      'SSL',
      '--ssl-ca-location',
      '/ca.pem',
      '--schema-registry',
      'https://r:8081/',
      '--schema-registry-ca-location',
      '/sr-ca.pem',
      '--no-auto-register',
    ]);
    assert.deepEqual(
      { ...c, kafka: { ...c.kafka } },
      {
        sink: 'file',
        output: 'out.jsonl',
        entities: [],
        scenario: null,
        printScenario: false,
        format: 'json',
        registry: { url: 'https://r:8081', username: null, password: null, caFile: '/sr-ca.pem', certFile: null, keyFile: null },
        autoRegister: false,
        rate: 1200.5,
        durationSeconds: 60,
        count: 7,
        minSessionSeconds: 30,
        maxSessionSeconds: 90,
        seed: 9,
        seedWasRandom: false,
        startMs: Date.parse('2024-03-04T00:00:00Z'),
        speed: 2.5,
        timePatterns: false,
        userPoolSize: 100,
        shard: { index: 3, count: 8 },
        workers: 2,
        metricsJson: 'm.json',
        metricsPort: 0,
        logLevel: 'warn',
        progress: false,
        kafka: {
          bootstrapServers: ['a:1', 'b:2'],
          topic: 't1.{event_type}',
          acks: 1,
          compression: 'gzip',
          batchSizeBytes: 1024,
          lingerMs: 0,
          bufferMemoryBytes: 4096,
          partitions: 3,
          replicationFactor: 1,
          key: 'user_id',
          recordTimestamp: 'send',
          headers: true,
          retentionMs: -1,
          security: {
            protocol: 'SSL',
            sasl: null,
            tls: { caFile: '/ca.pem', certFile: null, keyFile: null, keyPassword: null, verifyHostname: true, verifyCertificate: true },
          },
        },
        delivery: {
          late: 0,
          lateDelaySeconds: 30,
          lateMaxSeconds: 3600,
          duplicates: 0,
          truth: null,
          truthSessions: null,
          truthWindowSeconds: 60,
        },
        warnings: [],
      },
    );
  });

  test('--min-session-duration and --max-session-duration are the long spellings', () => {
    const c = configOf(['--min-session-duration', '5', '--max-session-duration', '10']);
    assert.deepEqual([c.minSessionSeconds, c.maxSessionSeconds], [5, 10]);
  });

  test('only a minimum session length keeps the default maximum, raised to the minimum if needed', () => {
    assert.equal(configOf(['--min-session', '120']).maxSessionSeconds, 1800);
    assert.equal(configOf(['--min-session', '4000']).maxSessionSeconds, 4000);
  });

  test('--speed max means no waiting; a fraction such as .5 is accepted', () => {
    assert.equal(configOf(['--speed', 'max']).speed, Infinity);
    assert.equal(configOf(['--speed', '.5']).speed, 0.5);
    assert.equal(configOf(['--speed', '1e2']).speed, 100);
  });

  test('--acks all and -1 both mean all', () => {
    assert.equal(configOf(['--acks', 'all']).kafka.acks, 'all');
    assert.equal(configOf(['--acks', '-1']).kafka.acks, 'all');
    assert.equal(configOf(['--acks', '0']).kafka.acks, 0);
  });

  test('--verbose, --quiet and the short forms set the log level', () => {
    assert.equal(configOf(['-v']).logLevel, 'debug');
    assert.equal(configOf(['--quiet']).logLevel, 'warn');
    assert.equal(parseCli(['-q']).quiet, true);
  });

  test('--progress and --no-progress; neither leaves it to the terminal', () => {
    assert.equal(parseCli(['--progress']).progress, true);
    assert.equal(parseCli(['--no-progress']).progress, false);
    assert.equal(parseCli([]).progress, undefined);
  });

  test('-o is --output, and --flag=value works', () => {
    assert.equal(configOf(['--sink', 'file', '-o', 'x.jsonl']).output, 'x.jsonl');
    assert.equal(configOf(['--rate=300']).rate, 300);
  });

  test('--help, -h and --version are recognised; --low-memory is for the process only', () => {
    assert.equal(parseCli(['-h']).help, true);
    assert.equal(parseCli(['--version']).version, true);
    assert.equal(parseCli(['--low-memory']).lowMemory, true);
    assert.equal('lowMemory' in parseCli(['--low-memory']).options, false);
  });

  test('the help text lists every flag of every row, and each default', () => {
    for (const row of Object.values(CLI_OPTIONS)) {
      for (const flag of flagsOf(row)) assert.ok(HELP.includes(`--${flag}`), `HELP mentions --${flag}`);
    }
    assert.match(HELP, /--rate N\s+events per hour at time multiplier 1\.0 \(default 5000\)/);
    assert.match(HELP, /--min-session-duration S\s+.*alias --min-session\)/);
  });

  test("the README's flag table is the table's", () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(markdownFlagTable(CLI_OPTIONS)), 'README.md holds markdownFlagTable(CLI_OPTIONS) verbatim; regenerate it');
  });
});

describe('bad flags and values are one-line usage errors naming the flag the user typed', () => {
  test('an unknown flag', () => assertUsage(['--bogus'], '--bogus', /--help/));
  test('a missing value at the end', () => assertUsage(['--rate'], '--rate', /needs a value/));
  test('a missing value before another flag', () => assertUsage(['--output', '--quiet'], '--output', /needs a value/));
  test('a missing value of -o names --output', () => assertUsage(['-o'], '--output', /needs a value/));
  test('a value given to a boolean flag', () => assertUsage(['--help=yes'], '--help', /does not take a value/));
  test('--rate abc', () => assertUsage(['--rate', 'abc'], '--rate', /positive number of events per hour \(got "abc"\)/));
  test('--rate -5 is a range error, not a parse error', () => assertUsage(['--rate', '-5'], '--rate', /positive number.*"-5"/));
  test('--rate 1e999 (not finite)', () => assertUsage(['--rate', '1e999'], '--rate', /positive number.*"1e999"/));
  test('--rate 0x10 (no hex)', () => assertUsage(['--rate', '0x10'], '--rate', /"0x10"/));
  test('--speed fast', () => assertUsage(['--speed', 'fast'], '--speed', /"max"/));
  test('--speed -1', () => assertUsage(['--speed', '-1'], '--speed', /"max"/));
  test('--seed -1', () => assertUsage(['--seed', '-1'], '--seed', /non-negative whole number/));
  test('--seed 1.5', () => assertUsage(['--seed', '1.5'], '--seed', /whole number/));
  test('--count -3', () => assertUsage(['--count', '-3'], '--count', /positive whole number/));
  test('--count 2.5', () => assertUsage(['--count', '2.5'], '--count', /whole number/));
  test('--duration -1', () => assertUsage(['--duration', '-1'], '--duration', /positive number/));
  test('--acks 2', () => assertUsage(['--acks', '2'], '--acks', /one of all, 1, 0/));
  test('--compression brotli', () => assertUsage(['--compression', 'brotli'], '--compression', /none, gzip, snappy, lz4, zstd/));
  test('--partitions 0', () => assertUsage(['--partitions', '0'], '--partitions', /from 1 to 10000/));
  test('--bootstrap-servers without a port', () => assertUsage(['--bootstrap-servers', 'kafka'], '--bootstrap-servers', /host:port/));
  test('--start yesterday', () => assertUsage(['--start', 'yesterday'], '--start', /ISO 8601/));
  test('--sink file without --output', () => assertUsage(['--sink', 'file'], '--sink', /--output FILE/));
  test('--min-session 100 --max-session 50', () =>
    assertUsage(['--min-session', '100', '--max-session', '50'], '--max-session', /--min-session \(100\)/));
  test('--min-session 0', () => assertUsage(['--min-session', '0'], '--min-session', /positive/));
  test('--min-session with --min-session-duration', () =>
    assertUsage(['--min-session', '10', '--min-session-duration', '10'], '--min-session-duration'));
  test('--max-session with --max-session-duration', () =>
    assertUsage(['--max-session', '10', '--max-session-duration', '10'], '--max-session-duration'));
  test('a positional argument', () => assertUsage(['extra'], 'extra', /flags start with --/));
  test('--verbose --quiet', () => assertUsage(['--verbose', '--quiet'], '--quiet', /not both/));
  test('--progress --no-progress', () => assertUsage(['--progress', '--no-progress'], '--no-progress', /not both/));
  test('--metrics-port abc', () => assertUsage(['--metrics-port', 'abc'], '--metrics-port', /TCP port/));
});
