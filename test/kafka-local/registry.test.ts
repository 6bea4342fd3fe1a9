// The local schema registry (scripts/kafka-local/registry.ts): a second start finds the running
// one, status asks its Confluent API, stop ends it. A registry of its own in a temporary state
// dir (the run's shared one is left alone); the Apicurio app is the one .kafka/apicurio caches.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freePort, registryStatus, startRegistry, stopRegistry } from '../../scripts/kafka-local/index.ts';

test('registry start is idempotent, status sees the Confluent API, stop ends the process', { timeout: 180_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-registry-'));
  t.after(async () => {
    await stopRegistry({ dir });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const port = await freePort();
  const first = await startRegistry({ dir, port });
  assert.equal(first.reused, false);
  assert.equal(first.url, `http://127.0.0.1:${port}/apis/ccompat/v7`);
  // Apicurio's ccompat /config answers NONE whatever the global rule; its own API shows the rule.
  const res = await fetch(`http://127.0.0.1:${port}/apis/registry/v2/admin/rules/COMPATIBILITY`);
  assert.equal(((await res.json()) as { config: string }).config, 'BACKWARD');

  const second = await startRegistry({ dir, port });
  assert.equal(second.reused, true);
  assert.equal(second.pid, first.pid);
  assert.deepEqual(await registryStatus({ dir }), { running: true, answering: true, url: first.url, pid: first.pid, reason: undefined });

  assert.equal(await stopRegistry({ dir }), true);
  assert.deepEqual(await registryStatus({ dir }), { running: false, answering: false });
  assert.throws(() => process.kill(first.pid, 0));
  assert.equal(await stopRegistry({ dir }), false);
});
