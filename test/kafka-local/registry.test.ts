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
  // The registry is this process's child: once it has exited, Node reaps it soon after (until
  // then its pid stays, a zombie), so look for it gone within a few seconds.
  assert.equal(await gone(first.pid, 10_000), true, `registry process ${first.pid} still exists`);
  assert.equal(await stopRegistry({ dir }), false);
});

/** Whether no process has `pid` (signal 0 fails) by `withinMs`. */
async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
