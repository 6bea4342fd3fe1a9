import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HELP, parseCli } from '../../src/cli/args.ts';
import { UBPError } from '../../src/errors.ts';

/** parseCli must throw a USAGE UBPError whose one-line message names `flag`. */
function assertUsage(argv: string[], flag: string, also?: RegExp): void {
  assert.throws(
    () => parseCli(argv),
    (err: unknown) => {
      assert.ok(err instanceof UBPError, `expected a UBPError for ${argv.join(' ')}`);
      assert.equal(err.code, 'USAGE');
      assert.ok(err.isUsage);
      assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
      assert.ok(err.message.includes(flag), `"${err.message}" should name ${flag}`);
      if (also) assert.match(err.message, also);
      return true;
    },
  );
}

describe('parseCli: flags become producer options', () => {
  test('no flags gives no options and no modes', () => {
    const r = parseCli([]);
    assert.deepEqual(r.options, {});
    assert.equal(r.help, false);
    assert.equal(r.version, false);
    assert.equal(r.progress, undefined);
  });

  test('every seed and project flag maps to its option', () => {
    const r = parseCli([
      '--bootstrap-servers', 'a:1,b:2', '--topic', 't1', '--rate', '1200.5', '--duration', '60', '--count', '7',
      '--min-session', '30', '--max-session', '90', '--sink', 'file', '--output', 'out.jsonl', '--seed', '9',
      '--start', '2024-03-04T00:00:00Z', '--speed', '2.5', '--no-time-patterns', '--user-pool-size', '100',
      '--metrics-json', 'm.json', '--acks', '1', '--compression', 'gzip', '--batch-size', '1024', '--linger-ms', '0',
      '--buffer-memory', '4096', '--partitions', '3', '--replication-factor', '1',
    ]);
    assert.deepEqual(r.options, {
      bootstrapServers: 'a:1,b:2', topic: 't1', generationRate: 1200.5, durationSeconds: 60, count: 7,
      sessionDurationRange: [30, 90], sink: 'file', output: 'out.jsonl', seed: 9, start: '2024-03-04T00:00:00Z',
      speed: 2.5, timePatterns: false, userPoolSize: 100, metricsJson: 'm.json', acks: 1, compression: 'gzip',
      batchSize: 1024, lingerMs: 0, bufferMemory: 4096, partitions: 3, replicationFactor: 1,
    });
  });

  test('--min-session-duration and --max-session-duration are the long spellings', () => {
    assert.deepEqual(parseCli(['--min-session-duration', '5', '--max-session-duration', '10']).options.sessionDurationRange, [5, 10]);
  });

  test('only a minimum session length keeps the default maximum, raised to the minimum if needed', () => {
    assert.deepEqual(parseCli(['--min-session', '120']).options.sessionDurationRange, [120, 1800]);
    assert.deepEqual(parseCli(['--min-session', '4000']).options.sessionDurationRange, [4000, 4000]);
  });

  test('--speed max means no waiting; a fraction such as .5 is accepted', () => {
    assert.equal(parseCli(['--speed', 'max']).options.speed, 'max');
    assert.equal(parseCli(['--speed', '.5']).options.speed, 0.5);
    assert.equal(parseCli(['--speed', '1e2']).options.speed, 100);
  });

  test('--acks all and -1 both mean all', () => {
    assert.equal(parseCli(['--acks', 'all']).options.acks, 'all');
    assert.equal(parseCli(['--acks', '-1']).options.acks, 'all');
    assert.equal(parseCli(['--acks', '0']).options.acks, 0);
  });

  test('--verbose, --quiet and the short forms set the log level', () => {
    assert.equal(parseCli(['-v']).options.logLevel, 'debug');
    assert.equal(parseCli(['--quiet']).options.logLevel, 'warn');
    assert.equal(parseCli(['-q']).quiet, true);
  });

  test('--progress and --no-progress', () => {
    assert.equal(parseCli(['--progress']).progress, true);
    assert.equal(parseCli(['--no-progress']).progress, false);
  });

  test('-o is --output, and --flag=value works', () => {
    assert.equal(parseCli(['-o', 'x.jsonl']).options.output, 'x.jsonl');
    assert.equal(parseCli(['--rate=300']).options.generationRate, 300);
  });

  test('--help and --version are recognised, with -h for help', () => {
    assert.equal(parseCli(['-h']).help, true);
    assert.equal(parseCli(['--version']).version, true);
  });

  test('error messages name the flags the user typed', () => {
    const r = parseCli([]);
    assert.equal(r.names.generationRate, '--rate');
    assert.equal(r.names.sink, '--sink');
    assert.equal(r.names.output, '--output');
  });

  test('the help text lists every flag of the flag table', () => {
    for (const flag of ['--sink', '--output', '--bootstrap-servers', '--topic', '--rate', '--duration', '--count', '--min-session-duration',
      '--max-session-duration', '--seed', '--start', '--speed', '--no-time-patterns', '--user-pool-size', '--acks', '--compression',
      '--batch-size', '--linger-ms', '--buffer-memory', '--partitions', '--replication-factor', '--metrics-json', '--metrics-port',
      '--progress', '--no-progress', '--verbose', '--quiet', '--help', '--version']) {
      assert.ok(HELP.includes(flag), `HELP mentions ${flag}`);
    }
  });
});

describe('parseCli: bad flags and values are one-line usage errors naming the flag', () => {
  test('an unknown flag', () => assertUsage(['--bogus'], '--bogus', /--help/));
  test('a missing value at the end', () => assertUsage(['--rate'], '--rate', /needs a value/));
  test('a missing value before another flag', () => assertUsage(['--output', '--quiet'], '--output', /needs a value/));
  test('a missing value of -o names --output', () => assertUsage(['-o'], '--output', /needs a value/));
  test('a value given to a boolean flag', () => assertUsage(['--help=yes'], '--help', /does not take a value/));
  test('--rate abc', () => assertUsage(['--rate', 'abc'], '--rate', /positive number/));
  test('--rate -5 is a range error, not a parse error', () => assertUsage(['--rate', '-5'], '--rate', /positive number.*"-5"/));
  test('--rate 1e999 (not finite)', () => assertUsage(['--rate', '1e999'], '--rate', /positive number.*"1e999"/));
  test('--speed fast', () => assertUsage(['--speed', 'fast'], '--speed', /"max"/));
  test('--speed -1', () => assertUsage(['--speed', '-1'], '--speed', /"max"/));
  test('--seed -1', () => assertUsage(['--seed', '-1'], '--seed', /non-negative whole number/));
  test('--seed 1.5', () => assertUsage(['--seed', '1.5'], '--seed', /whole number/));
  test('--count -3', () => assertUsage(['--count', '-3'], '--count', /positive whole number/));
  test('--count 2.5', () => assertUsage(['--count', '2.5'], '--count', /whole number/));
  test('--duration -1', () => assertUsage(['--duration', '-1'], '--duration', /positive number/));
  test('--acks 2', () => assertUsage(['--acks', '2'], '--acks', /all, 1, 0/));
  test('--min-session 100 --max-session 50', () => assertUsage(['--min-session', '100', '--max-session', '50'], '--max-session'));
  test('--min-session 0', () => assertUsage(['--min-session', '0'], '--min-session', /positive/));
  test('--min-session with --min-session-duration', () => assertUsage(['--min-session', '10', '--min-session-duration', '10'], '--min-session-duration'));
  test('--max-session with --max-session-duration', () => assertUsage(['--max-session', '10', '--max-session-duration', '10'], '--max-session-duration'));
  test('a positional argument', () => assertUsage(['extra'], 'extra', /flags start with --/));
  test('--verbose --quiet', () => assertUsage(['--verbose', '--quiet'], '--quiet'));
  test('--metrics-port abc', () => assertUsage(['--metrics-port', 'abc'], '--metrics-port'));
});
