// The secure broker's TLS material (scripts/kafka-local/tls.ts): made with openssl, reused while
// whole, made anew when broken. No broker here; test/integration/secure-broker.test.ts uses it.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { checkTlsMaterial, ensureTlsMaterial } from '../../scripts/kafka-local/index.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
const newDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-tls-'));
  dirs.push(dir);
  return path.join(dir, 'secure');
};

test('the broker certificate is signed by the CA for localhost and 127.0.0.1, the client one for CN=alice', async () => {
  const files = await ensureTlsMaterial(newDir());
  assert.equal(checkTlsMaterial(files), undefined);
  const ca = new X509Certificate(fs.readFileSync(files.caCert));
  const broker = new X509Certificate(fs.readFileSync(files.brokerKeystore));
  const client = new X509Certificate(fs.readFileSync(files.clientCert));
  assert.ok(ca.ca);
  assert.ok(broker.verify(ca.publicKey) && client.verify(ca.publicKey));
  assert.equal(broker.checkHost('localhost'), 'localhost');
  assert.equal(broker.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(broker.checkHost('example.com'), undefined);
  assert.match(client.subject, /CN=alice/);
  assert.ok(!broker.ca && !client.ca);
  // Keys are for the owner only.
  for (const key of [files.caKey, files.clientKey, files.brokerKeystore, files.clientKeystore])
    assert.equal(fs.statSync(key).mode & 0o077, 0, key);
});

test('a second call keeps the material; a missing file or a certificate of another CA makes a new CA', async () => {
  const dir = newDir();
  const first = await ensureTlsMaterial(dir);
  const ca1 = fs.readFileSync(first.caCert, 'utf8');
  await ensureTlsMaterial(dir);
  assert.equal(fs.readFileSync(first.caCert, 'utf8'), ca1);

  fs.rmSync(first.clientKey);
  assert.equal(checkTlsMaterial(first), 'missing');
  await ensureTlsMaterial(dir);
  const ca2 = fs.readFileSync(first.caCert, 'utf8');
  assert.notEqual(ca2, ca1);
  assert.equal(checkTlsMaterial(first), undefined);

  // The client keystore of another set: signed by another CA.
  const other = await ensureTlsMaterial(newDir());
  fs.copyFileSync(other.clientKeystore, first.clientKeystore);
  assert.match(checkTlsMaterial(first) ?? '', /client certificate is not signed by ca\.pem/);
  const messages: string[] = [];
  await ensureTlsMaterial(dir, (m) => messages.push(m));
  assert.match(messages[0] ?? '', /unusable \(the client certificate is not signed by ca\.pem\)/);
  assert.notEqual(fs.readFileSync(first.caCert, 'utf8'), ca2);
  assert.equal(checkTlsMaterial(first), undefined);
  // No scratch dirs left behind.
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.startsWith('.')),
    [],
  );
});
