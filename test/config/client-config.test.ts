import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { parseProperties, readClientConfig } from '../../src/config/client-config.ts';
import { resolveConfig } from '../../src/config/options.ts';
import { UBPError } from '../../src/errors.ts';

const env = (vars: Record<string, string> = {}) => ({ now: () => 0, randomSeed: () => 1, vars });

function tmpFile(t: { after(fn: () => void): void }, name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-client-config-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function usage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof UBPError && e.isUsage && pattern.test(e.message) && !e.message.includes('\n'));
}

/** A file as a cloud console hands it out (shape of Confluent Cloud's "Java client" download). */
const CLOUD_FILE = `# Required connection configs for Kafka producer, consumer, and admin
bootstrap.servers=pkc-abc12.us-east-1.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='ABCDEFGH12345678' password='s3cr3t/with+chars=';
# Required for correctness in Apache Kafka clients prior to 2.6
client.dns.lookup=use_all_dns_ips

# Best practice for higher availability in Apache Kafka clients prior to 3.0
session.timeout.ms=45000

# Best practice for Kafka producer to prevent data loss
acks=all

# Required connection configs for Confluent Cloud Schema Registry
schema.registry.url=https://psrc-xyz.us-east-2.aws.confluent.cloud
basic.auth.credentials.source=USER_INFO
basic.auth.user.info={{ SR_API_KEY }}:{{ SR_API_SECRET }}
`;

describe('.properties syntax', () => {
  test('separators, comments, continuations and escapes', () => {
    const p = parseProperties('# c\n! c\na=1\nb : 2\nc 3\nd = x\\\n    y\ne=\\u0041\\t\\=\nempty=\n  spaced.key = v  ');
    assert.deepEqual(Object.fromEntries(p), { a: '1', b: '2', c: '3', d: 'xy', e: 'A\t=', empty: '', 'spaced.key': 'v  ' });
  });
});

describe('client properties files', () => {
  test("a cloud console's Java file works unchanged: servers, SASL_SSL, PLAIN, the JAAS credentials", (t) => {
    const file = tmpFile(t, 'client.properties', CLOUD_FILE);
    const c = resolveConfig({ clientConfig: file }, env());
    assert.deepEqual(c.kafka.bootstrapServers, ['pkc-abc12.us-east-1.aws.confluent.cloud:9092']);
    assert.equal(c.kafka.security.protocol, 'SASL_SSL');
    assert.equal(c.kafka.security.sasl?.mechanism, 'PLAIN');
    assert.equal(c.kafka.security.sasl?.username, 'ABCDEFGH12345678');
    assert.equal(c.kafka.security.sasl?.password?.reveal(), 's3cr3t/with+chars=');
    assert.deepEqual(c.kafka.security.tls, {
      caFile: null,
      certFile: null,
      keyFile: null,
      keyPassword: null,
      verifyHostname: true,
      verifyCertificate: true,
    });
    assert.deepEqual(c.warnings, [], 'the cloud file has nothing to warn about');
  });

  test('librdkafka names, with relative paths read from the file’s directory', (t) => {
    const file = tmpFile(
      t,
      'rd.properties',
      'bootstrap.servers=b-1.msk:9096\nsecurity.protocol=SASL_SSL\nsasl.mechanisms=SCRAM-SHA-512\nsasl.username=alice\nsasl.password=pw\nssl.ca.location=ca.pem\n',
    );
    const c = resolveConfig({ clientConfig: file }, env());
    assert.equal(c.kafka.security.sasl?.mechanism, 'SCRAM-SHA-512');
    assert.equal(c.kafka.security.sasl?.username, 'alice');
    assert.equal(c.kafka.security.tls?.caFile, path.join(fs.realpathSync(path.dirname(file)), 'ca.pem'));
  });

  test('Java PEM trust and key stores; hostname verification off by an empty algorithm', (t) => {
    const file = tmpFile(
      t,
      'mtls.properties',
      'security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=/x/ca.pem\nssl.keystore.type=PEM\nssl.keystore.location=/x/client.pem\nssl.endpoint.identification.algorithm=\n',
    );
    const tls = resolveConfig({ clientConfig: file }, env()).kafka.security.tls;
    assert.deepEqual(tls, {
      caFile: '/x/ca.pem',
      certFile: '/x/client.pem',
      keyFile: '/x/client.pem',
      keyPassword: null,
      verifyHostname: false,
      verifyCertificate: true,
    });
  });

  test('flags override the file, the environment gives the password, unknown keys are named in a warning', (t) => {
    const file = tmpFile(
      t,
      'c.properties',
      'bootstrap.servers=a:1\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.username=bob\nlinger.ms=5\nfoo.bar=1\n',
    );
    const c = resolveConfig({ clientConfig: file, bootstrapServers: 'b:2', saslUsername: 'carol' }, env({ UBP_SASL_PASSWORD: 'from-env' }));
    assert.deepEqual(c.kafka.bootstrapServers, ['b:2']);
    assert.equal(c.kafka.security.sasl?.username, 'carol');
    assert.equal(c.kafka.security.sasl?.password?.reveal(), 'from-env');
    assert.deepEqual(c.warnings, [`${file}: ignoring keys this tool does not use: linger.ms, foo.bar`]);
  });

  test('a JKS store is refused with what to do; a bad value names the file and its key', (t) => {
    usage(
      () => readClientConfig(tmpFile(t, 'j.properties', 'ssl.truststore.type=JKS\n')),
      /ssl\.truststore\.type JKS is not supported; use PEM/,
    );
    const bad = tmpFile(t, 'b.properties', 'security.protocol=TLS\n');
    usage(
      () => resolveConfig({ clientConfig: bad }, env()),
      new RegExp(`^${bad}: security.protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL \\(got "TLS"\\)$`),
    );
    usage(() => resolveConfig({ clientConfig: '/no/such/file' }, env()), /clientConfig \/no\/such\/file cannot be read \(ENOENT\)/);
  });
});

describe('security rules and secrets', () => {
  test('SASL needs a mechanism, a user and a password; OAUTHBEARER a token', () => {
    usage(() => resolveConfig({ securityProtocol: 'SASL_SSL' }, env()), /needs a SASL mechanism/);
    usage(() => resolveConfig({ saslMechanism: 'SCRAM-SHA-512' }, env()), /SASL SCRAM-SHA-512 needs a user name/);
    usage(() => resolveConfig({ saslMechanism: 'PLAIN', saslUsername: 'u' }, env()), /needs a password: .*UBP_SASL_PASSWORD/);
    usage(() => resolveConfig({ saslMechanism: 'OAUTHBEARER' }, env()), /needs a token: saslTokenFile or the UBP_SASL_TOKEN/);
    usage(() => resolveConfig({ securityProtocol: 'SSL', saslMechanism: 'PLAIN' }, env()), /needs a SASL security protocol/);
    usage(
      () => resolveConfig({ securityProtocol: 'SSL', sslCertificateLocation: '/c.pem' }, env()),
      /mutual TLS needs both a certificate and its key/,
    );
  });

  test('a mechanism alone means SASL_SSL, the usual cloud setting', () => {
    const c = resolveConfig({ saslMechanism: 'OAUTHBEARER' }, env({ UBP_SASL_TOKEN: 'tok' }));
    assert.equal(c.kafka.security.protocol, 'SASL_SSL');
    assert.ok(c.kafka.security.tls !== null);
  });

  test('secrets print as [secret] in JSON, strings and inspect, and bad ones are never echoed', (t) => {
    const c = resolveConfig({ saslMechanism: 'PLAIN', saslUsername: 'u', saslPassword: 'hunter2' }, env());
    for (const text of [JSON.stringify(c), String(c.kafka.security.sasl?.password), inspect(c, { depth: 10 })])
      assert.doesNotMatch(text, /hunter2/);
    const file = tmpFile(t, 's.properties', 'sasl.password=\n');
    assert.equal(readClientConfig(file).properties.saslPassword, '');
    assert.throws(
      () => resolveConfig({ clientConfig: file, saslMechanism: 'PLAIN', saslUsername: 'u' }, env()),
      (e: unknown) => e instanceof UBPError && /sasl\.password must be a password \(the value is not shown\)/.test(e.message),
    );
  });
});
