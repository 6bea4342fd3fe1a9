import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';

test('--low-memory changes how V8 keeps its heap, never the events', async () => {
  const args = ['--sink', 'stdout', '--seed', '4', '--start', '2024-03-04T00:00:00Z', '--speed', 'max', '--count', '20000', '--quiet'];
  const [plain, low] = await Promise.all([runCli(args), runCli([...args, '--low-memory'])]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(low.code, 0, low.stderr);
  assert.equal(low.stdout.toString().split('\n').length, 20001);
  assert.ok(low.stdout.equals(plain.stdout));
});
