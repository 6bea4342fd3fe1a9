import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../src/config/options.ts';
import { loadScenario, parseScenario } from '../src/config/scenario.ts';
import { EventSerializer } from '../src/events/serialize.ts';
import type { EventRecord } from '../src/model/activity.ts';
import { BOT_DEVICE_OFFSET } from '../src/model/devices.ts';
import type { EpisodeSpec } from '../src/model/episodes.ts';
import { T } from '../src/model/event-types.ts';
import { PINNED } from '../src/model/journey.ts';
import { Simulation } from '../src/model/simulation.ts';
import { measureJourney } from './helpers/journey-mix.ts';
import { ROOT, runCli } from './helpers/cli.ts';
import { tempDir } from './helpers/tmp.ts';

const SCENARIOS = path.join(ROOT, 'scenarios');
const START = Date.UTC(2024, 2, 4);
const MINUTE = 60_000;

function tmp(name: string, text: string): string {
  const dir = tempDir('ubp-scenario-');
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const ENV = { now: () => START, randomSeed: () => 1 };

test('scenarios/default.yaml is the printed default scenario and gives the golden bytes', async () => {
  const printed = await runCli(['--print-scenario']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal(fs.readFileSync(path.join(SCENARIOS, 'default.yaml'), 'utf8'), printed.stdout.toString());
  const r = await runCli([
    '--scenario',
    path.join(SCENARIOS, 'default.yaml'),
    ...['--sink', 'stdout', '--seed', '42', '--start', '2024-03-04T00:00:00Z', '--duration', '21600', '--speed', 'max', '--quiet'],
  ]);
  assert.equal(r.code, 0, r.stderr);
  // The golden hash of test/golden.test.ts: restating the defaults changes nothing.
  assert.equal(createHash('sha256').update(r.stdout).digest('hex'), '819a174edeb01a61fe2f8037b5c1d554df13d79f2fe5163f36143e226c125e45');
});

test('a bad scenario exits 2 with one line per error, each naming its path inside the file', async () => {
  const file = tmp(
    'bad.yaml',
    [
      'cities:',
      '  - {city: A, country: US, state: CA, timezone: America/Los_Angeles, latitude: 1, longitude: 2, share: 0.5}',
      '  - {city: B, country: US, state: CA, timezone: America/Los_Angeles, latitude: 1, longitude: 2, share: 0.5}',
      '  - {city: C, country: US, state: CA, timezone: America/Los_Angeles, latitude: 1, longitude: 2, share: 0.5}',
      '  - {city: D, country: US, state: CA, timezone: America/Los_Angeles, latitude: 91, longitude: 2, share: 1.5}',
      'segments: {new_visitor: {share: -1}}',
      'colour: blue',
    ].join('\n'),
  );
  const r = await runCli(['--scenario', file, '--sink', 'stdout']);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0]!, /^user-behavior-producer: scenario .*bad\.yaml is not valid:$/);
  assert.ok(lines.includes('  cities[3].share: must be <= 1'), r.stderr);
  assert.ok(lines.includes('  cities[3].latitude: must be <= 90'), r.stderr);
  assert.ok(lines.includes('  segments.new_visitor.share: must be >= 0'), r.stderr);
  assert.ok(lines.includes('  colour: unknown key'), r.stderr);
  assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/);

  // What the schema cannot see: time zones, behaviour keys, run options, episode times.
  const second = tmp(
    'bad2.yaml',
    [
      'cities: [{city: A, country: US, state: CA, timezone: Mars/Olympus, latitude: 1, longitude: 2, share: 1}]',
      'behaviour: {pageLoad: {sigma: wide, spread: 1}}',
      'run: {bogus: 1}',
      'episodes: [{kind: outage, duration: 1h}]',
    ].join('\n'),
  );
  const r2 = await runCli(['--scenario', second, '--sink', 'stdout']);
  assert.equal(r2.code, 2);
  for (const line of [
    '  cities[0].timezone: Mars/Olympus is not a known IANA time zone (America/New_York, Europe/Berlin, ...)',
    '  behaviour.pageLoad.sigma: must be a number',
    '  behaviour.pageLoad.spread: unknown key; known: meanMs, sigma, minMs',
    "  episodes[0]: give start (an ISO time) or after (a duration from the run's start), one of them",
  ]) {
    assert.ok(r2.stderr.includes(line + '\n'), r2.stderr);
  }
  assert.match(r2.stderr, /run\.bogus: unknown run option/);

  const yaml = await runCli(['--scenario', tmp('broken.yaml', 'name: [x\n'), '--sink', 'stdout']);
  assert.equal(yaml.code, 2);
  assert.match(yaml.stderr, /is not valid YAML or JSON/);
  const value = await runCli(['--scenario', tmp('rate.yaml', 'run: {rate: -5}\n'), '--sink', 'stdout']);
  assert.equal(value.code, 2);
  assert.match(value.stderr, /run\.rate in .*rate\.yaml must be a positive number/);
});

test('flags win over the run section, the run section over the defaults', () => {
  const file = tmp('run.json', JSON.stringify({ name: 'run-options', run: { rate: 1234, topic: 'shop-events', 'time-patterns': false } }));
  const fromFile = resolveConfig({ scenario: file }, ENV);
  assert.equal(fromFile.rate, 1234);
  assert.equal(fromFile.kafka.topic, 'shop-events');
  assert.equal(fromFile.timePatterns, false);
  assert.equal(fromFile.scenario?.name, 'run-options');
  const flagged = resolveConfig({ scenario: file, generationRate: '99' as unknown as number }, ENV);
  assert.equal(flagged.rate, 99);
  assert.equal(flagged.kafka.topic, 'shop-events');
  // The hash names the effective scenario: a flag that changes the run changes it.
  assert.notEqual(flagged.scenario?.hash, fromFile.scenario?.hash);
  assert.match(flagged.scenario!.text, /rate: "99"/);
});

test('every shipped scenario loads, runs and is deterministic per seed', async () => {
  for (const name of fs.readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'))) {
    const args = ['--scenario', path.join(SCENARIOS, name), '--sink', 'stdout', '--seed', '5', '--start', '2024-11-29T06:00:00Z'];
    const run = () => runCli([...args, '--duration', '1800', '--speed', 'max', '--quiet']);
    const [a, b] = [await run(), await run()];
    assert.equal(a.code, 0, `${name}: ${a.stderr}`);
    assert.ok(a.stdout.toString().split('\n').length > 100, name);
    assert.ok(a.stdout.equals(b.stdout), `${name}: same seed, same bytes`);
    assert.ok(loadScenario(path.join(SCENARIOS, name)).name.length > 0);
  }
});

/** Events of a 4-hour run at 60k events/hour, flat time, with `episodes`, in 10-minute buckets from the start. */
function runEpisodes(episodes: EpisodeSpec[], seed = 3): { buckets: number[]; events: { rec: Snapshot }[] } {
  const sim = new Simulation({
    seed,
    startMs: START,
    ratePerHour: 60_000,
    minSessionSeconds: 60,
    maxSessionSeconds: 1800,
    timePatterns: false,
    userPoolSize: 0,
    episodes,
  });
  const buckets = new Array<number>(24).fill(0);
  const events: { rec: Snapshot }[] = [];
  for (;;) {
    const rec = sim.next();
    const k = Math.floor((rec.timeMs - START) / (10 * MINUTE));
    if (k >= 24) break;
    buckets[k]!++;
    events.push({ rec: snapshot(rec) });
  }
  return { buckets, events };
}

interface Snapshot {
  timeMs: number;
  type: number;
  sessionStartMs: number;
  campaign: string | null;
  bot: boolean;
  botAgent: boolean;
  productIndex: number;
  priceCents: number;
  inStock: boolean;
}

function snapshot(rec: EventRecord): Snapshot {
  const r = rec as EventRecord & { product?: { index: number; priceCents: number }; priceCents?: number; inStock?: boolean };
  return {
    timeMs: rec.timeMs,
    type: rec.type,
    sessionStartMs: rec.session.startMs,
    campaign: rec.session.referrer.utmCampaign,
    bot: rec.session.bot,
    botAgent: rec.session.user.device.index >= BOT_DEVICE_OFFSET,
    productIndex: r.product?.index ?? -1,
    priceCents: rec.type === T.ADD_TO_CART ? r.priceCents! : 0,
    inStock: rec.type === T.PRODUCT_VIEW ? r.inStock! : true,
  };
}

const hours = (h: number): number => h * 3600;

test('a flash sale brings ×N traffic in its window, its campaign, its prices and its stock-outs', () => {
  const sale: EpisodeSpec = {
    kind: 'flash_sale',
    name: 'spring',
    startMs: null,
    afterSeconds: hours(1),
    durationSeconds: hours(1),
    traffic: 3,
    campaign: 'spring_sale',
    discount: 0.25,
    stockOut: 0.5,
    backlog: true,
    share: 0,
  };
  const { buckets, events } = runEpisodes([sale]);
  const before = (buckets[2]! + buckets[3]! + buckets[4]! + buckets[5]!) / 4;
  // The window's last 40 minutes (its first ten fill up with sessions).
  const inside = (buckets[7]! + buckets[8]! + buckets[9]! + buckets[10]!) / 4;
  assert.ok(inside / before > 2.6 && inside / before < 3.4, `×${(inside / before).toFixed(2)}`);
  const from = START + hours(1) * 1000;
  const to = from + hours(1) * 1000;
  const tagged = events.filter((e) => e.rec.campaign === 'spring_sale');
  assert.ok(tagged.length > 1000);
  for (const e of tagged) assert.ok(e.rec.sessionStartMs >= from && e.rec.sessionStartMs < to);
  // Products found in the window are at the sale's price; outside it, at list price.
  const prices = new Map<number, Set<number>>();
  for (const e of events)
    if (e.rec.type === T.ADD_TO_CART)
      (prices.get(e.rec.productIndex) ?? prices.set(e.rec.productIndex, new Set()).get(e.rec.productIndex)!).add(e.rec.priceCents);
  const sim = new Simulation({
    seed: 3,
    startMs: START,
    ratePerHour: 1,
    minSessionSeconds: 60,
    maxSessionSeconds: 60,
    timePatterns: false,
    userPoolSize: 1,
    episodes: [sale],
  });
  let discounted = 0;
  for (const [index, seen] of prices) {
    const p = sim.catalog.byIndex(index);
    const list = sim.catalog.byIndex(index % sim.catalog.listed).priceCents;
    for (const cents of seen) assert.equal(cents, index >= sim.catalog.listed ? Math.round(list * 0.75) : list, p.id);
    if (index >= sim.catalog.listed) discounted++;
  }
  assert.ok(discounted > 50);
  // Stock is a state of each product and day, so the share is of the products seen (a view
  // share would swing with whether a best-seller is out that day); 0.93 × 0.5 in the window.
  const products = (a: number, b: number): Map<number, boolean> => {
    const seen = new Map<number, boolean>();
    for (const e of events)
      if (e.rec.type === T.PRODUCT_VIEW && e.rec.timeMs >= a && e.rec.timeMs < b)
        seen.set(e.rec.productIndex % sim.catalog.listed, e.rec.inStock);
    return seen;
  };
  const stocked = (seen: Map<number, boolean>): number => [...seen.values()].filter((x) => x).length / seen.size;
  assert.ok(Math.abs(stocked(products(START, from)) - 0.93) < 0.025, `before ${stocked(products(START, from))}`);
  assert.ok(Math.abs(stocked(products(from, to)) - 0.93 * 0.5) < 0.035, `in the window ${stocked(products(from, to))}`);
  // Sold out for the rest of the day (shelves are refilled overnight): a product's stock changes once at most.
  assert.ok(Math.abs(stocked(products(to, to + hours(1) * 1000)) - 0.93 * 0.5) < 0.035);
  const changes = new Map<number, { inStock: boolean; n: number }>();
  for (const e of events) {
    if (e.rec.type !== T.PRODUCT_VIEW) continue;
    const k = e.rec.productIndex % sim.catalog.listed;
    const c = changes.get(k);
    if (c === undefined) changes.set(k, { inStock: e.rec.inStock, n: 0 });
    else if (c.inStock !== e.rec.inStock) [c.inStock, c.n] = [e.rec.inStock, c.n + 1];
  }
  assert.ok([...changes.values()].every((c) => c.n <= 1));
  assert.ok([...changes.values()].filter((c) => c.n === 1).length > 300);
});

test('an outage stops every visit for its window, then the held-back visits arrive in a burst', () => {
  const outage: EpisodeSpec = {
    kind: 'outage',
    name: 'down',
    startMs: START + hours(1) * 1000,
    afterSeconds: null,
    durationSeconds: 1800,
    traffic: 1,
    campaign: null,
    discount: 0,
    stockOut: 0,
    backlog: true,
    share: 0,
  };
  const { buckets } = runEpisodes([outage]);
  assert.deepEqual(buckets.slice(6, 9), [0, 0, 0]);
  const usual = (buckets[2]! + buckets[3]! + buckets[4]! + buckets[5]!) / 4;
  // A 30-minute outage: its visits come back over the next 10 minutes, on top of the usual ones.
  assert.ok(buckets[9]! > 2 * usual, `after: ${buckets[9]} vs ${usual}`);
  assert.ok(buckets[13]! / usual > 0.8 && buckets[13]! / usual < 1.2);
});

test('a bot wave adds crawler sessions in its window only: bot user agents, product pages, never a cart', async () => {
  const wave: EpisodeSpec = {
    kind: 'bot_wave',
    name: 'scrapers',
    startMs: null,
    afterSeconds: hours(1),
    durationSeconds: hours(1),
    traffic: 1,
    campaign: null,
    discount: 0,
    stockOut: 0,
    backlog: true,
    share: 0.2,
  };
  const { events } = runEpisodes([wave]);
  const bots = events.filter((e) => e.rec.bot);
  assert.ok(bots.length > 1000);
  const from = START + hours(1) * 1000;
  for (const e of bots) {
    assert.ok(e.rec.sessionStartMs >= from && e.rec.sessionStartMs < from + hours(1) * 1000);
    assert.equal(e.rec.type, T.PRODUCT_VIEW);
    assert.ok(e.rec.botAgent);
  }
  assert.ok(events.filter((e) => !e.rec.bot).every((e) => !e.rec.botAgent));
  const sessions = new Set(bots.map((e) => e.rec.sessionStartMs)).size;
  const humans = new Set(
    events
      .filter((e) => !e.rec.bot && e.rec.sessionStartMs >= from && e.rec.sessionStartMs < from + hours(1) * 1000)
      .map((e) => e.rec.sessionStartMs),
  ).size;
  assert.ok(Math.abs(sessions / (sessions + humans) - 0.2) < 0.03, `bot share ${sessions / (sessions + humans)}`);

  // The answer key names them; the events do not.
  const file = tmp(
    'bots.yaml',
    'run: {start: "2024-03-04T00:00:00Z", duration: 3600, rate: 20000}\nepisodes: [{kind: bot_wave, after: 10m, duration: 20m, share: 0.3}]\n',
  );
  const dir = path.dirname(file);
  const r = await runCli([
    '--scenario',
    file,
    '--sink',
    'file',
    '--output',
    path.join(dir, 'e.ndjson'),
    '--seed',
    '2',
    '--speed',
    'max',
    '--truth',
    path.join(dir, 'truth.json'),
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8')) as {
    faults: { bots: string[] };
    totals: { bot_sessions: number };
  };
  assert.ok(truth.totals.bot_sessions > 50);
  assert.equal(truth.faults.bots.length, truth.totals.bot_sessions);
  const botSessions = new Set(truth.faults.bots);
  const lines = fs.readFileSync(path.join(dir, 'e.ndjson'), 'utf8').trim().split('\n');
  const botEvents = lines
    .map((l) => JSON.parse(l) as { session_id: string; event_type: string })
    .filter((e) => botSessions.has(e.session_id));
  assert.ok(botEvents.length > 200);
  assert.ok(botEvents.every((e) => e.event_type === 'product_view'));
  assert.ok(lines.every((l) => !l.includes('"bot"')));
});

test('a scenario that changes the event weights gets the new mix: the journey is fitted at start, pinned transitions kept', () => {
  const weights = { page_view: 0.3, product_view: 0.25, search: 0.2 };
  const file = tmp('weights.yaml', `eventWeights: {page_view: 0.3, search: 0.2}\n`);
  const config = resolveConfig({ scenario: file }, ENV);
  const s = config.scenario!;
  const { share, pinned } = measureJourney(
    {
      seed: 11,
      shop: s.shop,
      journeyTransitions: structuredClone(s.transitions),
      startWeights: s.startWeights,
    },
    300_000,
  );
  const target = { ...s.shop.eventWeights };
  const total = Object.values(target).reduce((a, b) => a + b, 0);
  for (const type of Object.keys(target) as (keyof typeof target)[]) {
    const want = target[type] / total;
    if (type === 'complete_checkout') {
      // Pinned at 0.6 of begin_checkout: it follows begin_checkout, whatever its weight says (as in the seed's own mix).
      assert.ok(Math.abs(share[type] / share.begin_checkout - 0.6) < 0.05, `${type} ${share[type]}`);
      continue;
    }
    // The realism specification's tolerance: ±15% relative, or ±0.3 pp for weights under 1%.
    assert.ok(
      Math.abs(share[type] / want - 1) <= 0.15 || (want < 0.01 && Math.abs(share[type] - want) <= 0.003),
      `${type}: ${(share[type] * 100).toFixed(2)}% for a weight of ${(want * 100).toFixed(2)}%`,
    );
  }
  assert.equal(target.search / total, weights.search / total);
  // The four pinned transitions, measured as next-event shares out of every event of the source type.
  for (const [k, [from, to, p]] of PINNED.entries()) {
    assert.ok(Math.abs(pinned[k]! - p) < 0.03, `${from}→${to}: ${pinned[k]}`);
  }
});

test('weights the pinned transitions cannot meet are refused with the numbers in conflict', async () => {
  const file = tmp('conflict.yaml', 'eventWeights: {begin_checkout: 0.01, complete_checkout: 0.08}\n');
  const r = await runCli(['--scenario', file, '--sink', 'stdout']);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^user-behavior-producer: event weights: complete_checkout 0\.075 needs begin_checkout ≥ 0\.12 \(begin_checkout → complete_checkout is pinned at 0\.6\); got begin_checkout 0\.0093\n$/,
  );
});

test('episodes and entity streams together pass verify: sale prices reach the products stream, crawlers the users stream', async () => {
  const file = tmp(
    'sale.yaml',
    [
      'run: {start: "2024-03-04T08:00:00Z", duration: 7200, rate: 30000}',
      'episodes:',
      '  - {kind: flash_sale, after: 30m, duration: 45m, traffic: 2, campaign: spring_sale, discount: 0.2}',
      '  - {kind: bot_wave, after: 1h, duration: 30m, share: 0.2}',
    ].join('\n'),
  );
  const out = path.join(path.dirname(file), 'events.ndjson');
  const r = await runCli([
    '--scenario',
    file,
    '--sink',
    'file',
    '--output',
    out,
    '--entities',
    'users,products,orders',
    '--seed',
    '8',
    '--speed',
    'max',
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const v = await runCli(['verify', '--input', out]);
  assert.equal(v.code, 0, v.stdout.toString() + v.stderr);
  const products = fs
    .readFileSync(path.join(path.dirname(file), 'events.products.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { product_id: string; price: number });
  const prices = new Map<string, Set<number>>();
  for (const p of products) (prices.get(p.product_id) ?? prices.set(p.product_id, new Set()).get(p.product_id)!).add(p.price);
  // A product seen before, in and after the sale has had two prices.
  assert.ok([...prices.values()].filter((s) => s.size >= 2).length > 20);
});

test('a scenario shop: its own cities and address blocks, catalog, devices and hourly curve reach the events', () => {
  const hourly = Array.from({ length: 7 }, () => Array.from({ length: 24 }, (_, h) => (h === 12 ? 4 : 1)));
  const s = parseScenario({
    cities: [
      {
        city: 'Lisbon',
        country: 'PT',
        state: 'LI',
        timezone: 'Europe/Lisbon',
        latitude: 38.72,
        longitude: -9.14,
        share: 0.6,
        ipBlocks: ['100.64.0.0/16'],
      },
      { city: 'Porto', country: 'PT', state: 'PO', timezone: 'Europe/Lisbon', latitude: 41.15, longitude: -8.61, share: 0.4 },
    ],
    devices: { iOS: 0, Android: 1, Windows: 0, macOS: 0, iPadOS: 0 },
    catalog: {
      productsPerCategory: 20,
      categories: [
        {
          id: 'tea',
          title: 'Tea',
          share: 1,
          brands: ['Leafy', 'Steep'],
          qualifiers: ['Green', 'Black', 'Herbal'],
          items: [
            ['Loose Tea', 4, 12],
            ['Tea Bags', 2, 6],
          ],
          searchTerms: ['green tea'],
        },
      ],
    },
    time: { hourly },
  });
  const sim = new Simulation({
    seed: 4,
    startMs: Date.UTC(2024, 2, 4, 0, 0),
    ratePerHour: 2500,
    minSessionSeconds: 60,
    maxSessionSeconds: 600,
    timePatterns: true,
    userPoolSize: 0,
    shop: s.shop,
  });
  const serializer = new EventSerializer(sim.instanceTag, sim.model);
  const byHour = new Array<number>(24).fill(0);
  let lisbon = 0;
  for (let i = 0; i < 60_000; i++) {
    const rec = sim.next();
    const e = JSON.parse(serializer.serialize(rec)) as {
      timestamp: string;
      location: { city: string };
      device_info: { os: string };
      technical_info: { ip_address: string };
      page_info: { product_category?: string };
    };
    byHour[new Date(e.timestamp).getUTCHours()]!++;
    assert.ok(['Lisbon', 'Porto'].includes(e.location.city));
    assert.equal(e.device_info.os, 'Android');
    if (e.page_info.product_category !== undefined) assert.equal(e.page_info.product_category, 'tea');
    if (e.location.city === 'Lisbon') {
      lisbon++;
      assert.match(e.technical_info.ip_address, /^100\.64\./);
    } else assert.doesNotMatch(e.technical_info.ip_address, /^100\.64\./);
  }
  assert.ok(Math.abs(lisbon / 60_000 - 0.6) < 0.03);
  // Lisbon is UTC+0 in March: noon local is four times the other hours (ramps aside).
  assert.ok(byHour[12]! > 2.5 * byHour[9]!, `noon ${byHour[12]} vs 9h ${byHour[9]}`);
});
