/**
 * Entity streams (`--entities`): written beside the events, deterministic, leaving the events'
 * bytes alone, valid against their schemas, and checked by `verify`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT, runCli } from '../helpers/cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-entities-'));
const STREAMS = ['users', 'products', 'orders'] as const;
const RUN = ['--sink', 'file', '--seed', '11', '--start', '2024-03-04T00:00:00Z', '--speed', 'max', '--rate', '600', '--quiet'];
/** Six simulated days: long enough for orders to ship, arrive, be refunded. */
const DAYS = String(6 * 86_400);

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const lines = (file: string): string[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
const sibling = (output: string, stream: string): string => output.replace(/\.ndjson$/, `.${stream}.ndjson`);

async function run(name: string, extra: string[]): Promise<string> {
  const output = path.join(dir, `${name}.ndjson`);
  const r = await runCli([...RUN, '--output', output, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return output;
}

let withEntities: string;
let metrics: { messagesSent: number; entitiesSent: Record<string, number> };

before(async () => {
  const m = path.join(dir, 'metrics.json');
  withEntities = await run('with', ['--duration', DAYS, '--entities', 'users,products,orders', '--metrics-json', m]);
  metrics = JSON.parse(fs.readFileSync(m, 'utf8'));
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('entity files', () => {
  test('the events are byte for byte those of a run without entity streams', async () => {
    const without = await run('without', ['--duration', DAYS]);
    assert.equal(sha(withEntities), sha(without));
    for (const s of STREAMS) assert.equal(fs.existsSync(sibling(without, s)), false, `${s} file without --entities`);
  });

  test('the same seed writes the same entity files, byte for byte', async () => {
    const again = await run('again', ['--duration', DAYS, '--entities', 'orders,users,products']);
    for (const s of STREAMS) {
      assert.ok(lines(sibling(withEntities, s)).length > 100, `${s} has records`);
      assert.equal(sha(sibling(again, s)), sha(sibling(withEntities, s)), s);
    }
  });

  test('only the streams asked for are written', async () => {
    const some = await run('some', ['--duration', '3600', '--entities', 'products']);
    assert.ok(fs.existsSync(sibling(some, 'products')));
    assert.equal(fs.existsSync(sibling(some, 'users')), false);
    assert.equal(fs.existsSync(sibling(some, 'orders')), false);
  });

  test('every record is valid against its stream schema', () => {
    const ajv = new Ajv2020({ strict: true });
    for (const s of STREAMS) {
      const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', `${s.slice(0, -1)}.schema.json`), 'utf8'));
      const validate = ajv.compile(schema);
      for (const line of lines(sibling(withEntities, s))) {
        assert.ok(validate(JSON.parse(line)), `${s}: ${line}: ${JSON.stringify(validate.errors)}`);
      }
    }
  });

  test('the metrics count the records of each stream, apart from the events', () => {
    assert.equal(metrics.messagesSent, lines(withEntities).length);
    for (const s of STREAMS) assert.equal(metrics.entitiesSent[s], lines(sibling(withEntities, s)).length, s);
  });

  test('each entity version is written no later than the first event that refers to it', () => {
    // Entity files are flushed before each chunk of events; within a file, records come in time order.
    for (const s of STREAMS) {
      const times = lines(sibling(withEntities, s)).map((l) => Date.parse(JSON.parse(l).updated_at));
      for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!, `${s} record ${i + 1} goes back in time`);
    }
    // The first event of each user comes at or after the user's first record.
    const firstRecord = new Map<string, number>();
    for (const l of lines(sibling(withEntities, 'users'))) {
      const u = JSON.parse(l);
      if (!firstRecord.has(u.user_id)) firstRecord.set(u.user_id, Date.parse(u.updated_at));
    }
    for (const l of lines(withEntities).slice(0, 20_000)) {
      const e = JSON.parse(l);
      const t = firstRecord.get(e.user_id);
      assert.ok(t !== undefined && t <= Date.parse(e.timestamp), `${e.event_id}: user ${e.user_id} without an earlier record`);
    }
  });

  test('a user record follows each change of segment, account or consent, and only then', () => {
    const last = new Map<string, Record<string, unknown>>();
    let registrations = 0;
    for (const l of lines(sibling(withEntities, 'users'))) {
      const u = JSON.parse(l);
      const { updated_at: _t, ...version } = u;
      const before = last.get(u.user_id);
      if (before !== undefined) {
        assert.notDeepEqual(version, before, `user ${u.user_id}: a record without a change`);
        assert.equal(u.city, before.city);
        assert.equal(u.device_type, before.device_type);
        if (before.account_status === 'registered') assert.equal(u.account_status, 'registered');
        if (before.account_status === 'guest' && u.account_status === 'registered') {
          registrations++;
          assert.equal(u.signup_date, u.updated_at.slice(0, 10), 'an account made in the run is dated that day');
        }
      }
      last.set(u.user_id, version);
    }
    assert.ok(registrations > 10, `${registrations} guests registered`);
  });

  test('a product record follows each change of stock the events show', () => {
    const versions = lines(sibling(withEntities, 'products')).map((l) => JSON.parse(l));
    const stock = new Map<string, boolean>();
    for (const v of versions) {
      const before = stock.get(v.product_id);
      if (before !== undefined) assert.notEqual(v.in_stock, before, `${v.product_id}: a version without a change`);
      stock.set(v.product_id, v.in_stock);
    }
    assert.ok(
      versions.some((v) => !v.in_stock),
      'some products go out of stock',
    );
  });

  test('orders move through their lifecycle in order, each step after it was created', () => {
    const NEXT: Record<string, string[]> = {
      created: ['paid'],
      paid: ['shipped', 'cancelled'],
      shipped: ['delivered'],
      delivered: ['refunded'],
    };
    const orders = new Map<string, { status: string; t: number; created: number }>();
    const finalStatus = new Map<string, number>();
    for (const l of lines(sibling(withEntities, 'orders'))) {
      const o = JSON.parse(l);
      const t = Date.parse(o.updated_at);
      const before = orders.get(o.order_id);
      if (before === undefined) {
        assert.equal(o.status, 'created', `${o.order_id} starts ${o.status}`);
        orders.set(o.order_id, { status: o.status, t, created: t });
        continue;
      }
      assert.ok(NEXT[before.status]?.includes(o.status), `${o.order_id}: ${before.status} → ${o.status}`);
      assert.ok(t > before.t && t > before.created, `${o.order_id}: ${o.status} at ${o.updated_at} is not after the step before`);
      if (o.status === 'paid') assert.ok(t - before.t < 30 * 60_000, 'paid within minutes');
      if (o.status === 'shipped') assert.ok(t - before.created >= 86_400_000 && t - before.created <= 2 * 86_400_000);
      before.status = o.status;
      before.t = t;
    }
    for (const o of orders.values()) finalStatus.set(o.status, (finalStatus.get(o.status) ?? 0) + 1);
    const n = orders.size;
    const cancelled = finalStatus.get('cancelled') ?? 0;
    assert.ok(n > 1000, `${n} orders`);
    assert.ok(cancelled > 0.01 * n && cancelled < 0.06 * n, `${cancelled} of ${n} cancelled`);
    assert.ok((finalStatus.get('delivered') ?? 0) > 0.1 * n, 'orders are delivered within the run');
    assert.ok((finalStatus.get('refunded') ?? 0) > 0, 'some delivered orders are refunded');
    // Steps after the end of the run are not written.
    const end = Date.parse('2024-03-04T00:00:00Z') + 6 * 86_400_000;
    for (const l of lines(sibling(withEntities, 'orders'))) assert.ok(Date.parse(JSON.parse(l).updated_at) < end);
  });

  test('every complete_checkout has its created order record, at the same time, with its user and total', () => {
    const created = new Map<string, { user_id: string; total: number; updated_at: string }>();
    for (const l of lines(sibling(withEntities, 'orders'))) {
      const o = JSON.parse(l);
      if (o.status === 'created') created.set(o.order_id, o);
    }
    let checkouts = 0;
    for (const l of lines(withEntities)) {
      if (!l.includes('"complete_checkout"')) continue;
      const e = JSON.parse(l);
      checkouts++;
      const o = created.get(e.event_data.order_id);
      assert.ok(o, `${e.event_data.order_id} has no order record`);
      assert.equal(o.updated_at, e.timestamp);
      assert.equal(o.user_id, e.user_id);
      assert.equal(o.total, e.event_data.order_value);
    }
    assert.equal(checkouts, created.size);
  });
});

describe('verify with entity files', () => {
  test('passes the referential checks of a clean run', async () => {
    const r = await runCli(['verify', '--input', withEntities, '--json']);
    assert.equal(r.code, 0, r.stdout.toString());
    const report = JSON.parse(r.stdout.toString()) as { checks: { check: string; ok: boolean; detail: string }[] };
    for (const s of STREAMS) {
      const c = report.checks.find((x) => x.check === s);
      assert.ok(c?.ok, `${s}: ${c?.detail}`);
    }
  });

  test('fails when a user record is missing, naming the user', async () => {
    const copy = path.join(dir, 'tampered.ndjson');
    fs.copyFileSync(withEntities, copy);
    for (const s of ['products', 'orders']) fs.copyFileSync(sibling(withEntities, s), sibling(copy, s));
    const users = lines(sibling(withEntities, 'users'));
    const victim = JSON.parse(users[0]!).user_id as string;
    fs.writeFileSync(sibling(copy, 'users'), users.filter((l) => !l.includes(victim)).join('\n') + '\n');
    const r = await runCli(['verify', '--input', copy]);
    assert.equal(r.code, 1);
    assert.match(r.stdout.toString(), /FAIL\s+users/);
    assert.match(r.stdout.toString(), new RegExp(`user ${victim} has no record`));
  });

  test('fails when a product record shows another stock than the events', async () => {
    const copy = path.join(dir, 'stock.ndjson');
    fs.copyFileSync(withEntities, copy);
    for (const s of ['users', 'orders']) fs.copyFileSync(sibling(withEntities, s), sibling(copy, s));
    const products = lines(sibling(withEntities, 'products'));
    const k = products.findIndex((l) => l.includes('"in_stock":false'));
    products[k] = products[k]!.replace('"in_stock":false', '"in_stock":true');
    fs.writeFileSync(sibling(copy, 'products'), products.join('\n') + '\n');
    const r = await runCli(['verify', '--input', copy]);
    assert.equal(r.code, 1);
    assert.match(r.stdout.toString(), /FAIL\s+products/);
  });
});

describe('entity files of shards', () => {
  test('each shard writes the entities of its own events, and verify passes on each', async () => {
    const users = new Set<string>();
    for (const shard of ['0/2', '1/2']) {
      const output = await run(`shard-${shard[0]}`, ['--duration', '43200', '--entities', 'users,products,orders', '--shard', shard]);
      const r = await runCli(['verify', '--input', output]);
      assert.equal(r.code, 0, r.stdout.toString());
      for (const l of lines(sibling(output, 'users'))) users.add(JSON.parse(l).user_id);
    }
    // Together the shards know the users of the whole run's first half day.
    const whole = await run('whole', ['--duration', '43200', '--entities', 'users']);
    const all = new Set(lines(sibling(whole, 'users')).map((l) => JSON.parse(l).user_id as string));
    assert.deepEqual([...users].sort(), [...all].sort());
  });
});

describe('--entities usage errors (exit 2, one line)', () => {
  const cases: [string, string[], RegExp][] = [
    ['stdout', ['--sink', 'stdout', '--entities', 'users'], /--entities needs --sink file or --sink kafka/],
    ['a value not a stream', ['--sink', 'file', '-o', 'x.ndjson', '--entities', 'users,carts'], /users, products, orders.*carts/],
    ['workers', ['--sink', 'file', '-o', 'x.ndjson', '--entities', 'users', '--workers', '2'], /--entities needs --workers 1/],
    [
      'a registry format',
      ['--sink', 'kafka', '--entities', 'users', '--format', 'avro', '--schema-registry', 'http://localhost:1'],
      /--format json/,
    ],
    ['delivery faults', ['--sink', 'file', '-o', 'x.ndjson', '--entities', 'orders', '--late', '0.1'], /delivery faults/],
    ['an answer key', ['--sink', 'file', '-o', 'x.ndjson', '--entities', 'orders', '--truth', 't.json'], /answer key/],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const r = await runCli([...args, '--count', '1', '--quiet'], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
});
