import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { runCli } from './helpers/cli.ts';

/**
 * Golden output: six simulated hours of seed 42, hashed. Optimisations must keep these bytes;
 * a deliberate change of the model or the format updates the hash in the same commit.
 */
const GOLDEN_SHA256 = '819a174edeb01a61fe2f8037b5c1d554df13d79f2fe5163f36143e226c125e45';

test('seed 42 still produces the same bytes (golden hash of six simulated hours)', async () => {
  const r = await runCli([
    '--sink',
    'stdout',
    '--seed',
    '42',
    '--start',
    '2024-03-04T00:00:00Z',
    '--duration',
    '21600',
    '--speed',
    'max',
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.length > 1_000_000);
  assert.equal(createHash('sha256').update(r.stdout).digest('hex'), GOLDEN_SHA256);
});
