import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RUN_OPTIONS, VERIFY_OPTIONS } from '../../src/config/option-table.ts';
import { DEFAULTS, resolveConfig, resolveTable } from '../../src/config/options.ts';
import { UBPError } from '../../src/errors.ts';

const env = { now: () => 1_000, randomSeed: () => 5 };

function usage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof UBPError && e.code === 'USAGE' && pattern.test(e.message) && !e.message.includes('\n'));
}

describe('resolveConfig: library options', () => {
  test('typed values pass through; errors name the option key when no other name is given', () => {
    const c = resolveConfig(
      { generationRate: 42, speed: 'max', start: new Date('2024-03-04T00:00:00Z'), acks: -1 as never, bootstrapServers: ['h:1'] },
      env,
    );
    assert.equal(c.rate, 42);
    assert.equal(c.speed, Infinity);
    assert.equal(c.startMs, Date.parse('2024-03-04T00:00:00Z'));
    assert.equal(c.kafka.acks, 'all');
    assert.deepEqual(c.kafka.bootstrapServers, ['h:1']);
    usage(() => resolveConfig({ generationRate: -1 }, env), /^generationRate must be a positive number of events per hour \(got -1\)$/);
    usage(() => resolveConfig({ sink: 'kafak' as never }, env), /^sink must be one of kafka, stdout, file \(got "kafak"\)$/);
  });

  test('an option the table does not know is refused by name (a typo does not pass silently)', () => {
    usage(() => resolveConfig({ generationrate: 10 } as never, env), /^unknown option generationrate; known options: .*generationRate/);
  });

  test("sessionDurationRange is the seed's spelling of the two session bounds, checked by the same rows", () => {
    const c = resolveConfig({ sessionDurationRange: [10, 20] }, env);
    assert.deepEqual([c.minSessionSeconds, c.maxSessionSeconds], [10, 20]);
    usage(() => resolveConfig({ sessionDurationRange: [0, 20] }, env), /^sessionDurationRange\[0\] must be a positive number/);
    usage(
      () => resolveConfig({ sessionDurationRange: [30, 20] }, env),
      /sessionDurationRange\[1\] \(20\) must not be below sessionDurationRange\[0\] \(30\)/,
    );
  });

  test('null and undefined mean the default; the seed is drawn and marked random only when absent', () => {
    const c = resolveConfig({ durationSeconds: null, count: undefined, seed: 0 }, env);
    assert.equal(c.durationSeconds, null);
    assert.equal(c.count, null);
    assert.equal(c.seed, 0);
    assert.equal(c.seedWasRandom, false);
    assert.equal(resolveConfig({}, env).seedWasRandom, true);
  });

  test('the config is frozen, and DEFAULTS are the rows’ defaults', () => {
    const c = resolveConfig({}, env);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.kafka));
    for (const [key, row] of Object.entries(RUN_OPTIONS)) assert.deepEqual(DEFAULTS[key as keyof typeof DEFAULTS], row.default);
    assert.equal(c.kafka.batchSizeBytes, DEFAULTS.batchSize);
  });
});

describe('resolveTable: any table, any source of values', () => {
  test('flag texts and typed values give the same result', () => {
    const fromText = resolveTable(VERIFY_OPTIONS, { expected: '12', timeoutSeconds: '30', json: true });
    const typed = resolveTable(VERIFY_OPTIONS, { expected: 12, timeoutSeconds: 30, json: true });
    assert.deepEqual(fromText, typed);
    assert.equal(typed.topic, 'user-events');
  });

  test('a name given by the caller is used in the message', () => {
    usage(
      () => resolveTable(VERIFY_OPTIONS, { timeoutSeconds: '0' }, { timeoutSeconds: 'verify: --timeout' }),
      /^verify: --timeout must be a positive whole number of seconds \(got "0"\)$/,
    );
  });
});
