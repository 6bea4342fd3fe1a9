import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject } from 'ajv/dist/2020.js';
import type Yaml from 'yaml';
import { usageError } from '../errors.ts';
import { parseBlock } from '../model/addresses.ts';
import type { Behaviour } from '../model/behaviour.ts';
import { EVENT_TYPES, type EventType } from '../model/event-types.ts';
import { defaultJourneyTransitions, defaultStartWeights, type JourneyTransitions, type StartWeights } from '../model/journey.ts';
import { DEFAULT_SHOP, type ShopSpec } from '../model/shop.ts';
import type { EpisodeSpec } from '../model/episodes.ts';
import { RUN_OPTIONS } from './option-table.ts';

// The validator and the YAML parser are loaded when a scenario is first read: most runs have
// none, and loading both cost every run's start-up about 45 ms.
const require = createRequire(import.meta.url);
let yamlLib: typeof Yaml | undefined;
const YAML = (): typeof Yaml => (yamlLib ??= require('yaml') as typeof Yaml);

/**
 * A scenario file: the shop to simulate as data (every part optional, merged into the
 * defaults), episodes in simulated time, and run options by flag name. One file describes a
 * run; flags given on the command line win over its `run` section.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string | null;
  /** Run options by option key (`generationRate`), read from the file's flag names. */
  readonly run: Readonly<Record<string, unknown>>;
  /** Option key → `run.rate in FILE`, for messages. */
  readonly runNames: Readonly<Record<string, string>>;
  readonly shop: ShopSpec;
  /** The journey as the file gives it (defaults where it is silent), before fitting to the weights. */
  readonly transitions: JourneyTransitions;
  readonly start: StartWeights;
  /** True when the file changes the weights or the journey: the journey is fitted at start. */
  readonly journeyEdited: boolean;
  readonly episodes: readonly EpisodeSpec[];
  /** The file as given, parsed (for printing the effective scenario). */
  readonly source: Readonly<Record<string, unknown>>;
}

const SCHEMA_URL = ['../../schema/scenario.schema.json', '../../../schema/scenario.schema.json'];

let validator: ReturnType<Ajv2020['compile']> | undefined;

function validate(doc: unknown): readonly ErrorObject[] {
  if (validator === undefined) {
    const url = SCHEMA_URL.map((u) => new URL(u, import.meta.url)).find((u) => fs.existsSync(u));
    if (!url) throw new Error('schema/scenario.schema.json not found next to the package');
    const schema = JSON.parse(fs.readFileSync(url, 'utf8')) as object;
    // Dates are checked by the loader (`start`), not by a format plugin.
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
    validator = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  }
  return validator(doc) ? [] : (validator.errors ?? []);
}

/** `/cities/3/share` → `cities[3].share`. */
function dotted(pointer: string): string {
  let out = '';
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out === '' ? '(top level)' : out;
}

function describe(e: ErrorObject): string {
  const where = dotted(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return `${where === '(top level)' ? '' : where + '.'}${extra}: unknown key`;
    }
    case 'required':
      return `${where}: missing ${(e.params as { missingProperty: string }).missingProperty}`;
    case 'enum':
      return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'pattern':
      return `${where}: ${e.parentSchema?.description ?? `must match ${(e.params as { pattern: string }).pattern}`}`;
    default:
      return `${where}: ${e.message}`;
  }
}

/** One line per error, at most this many. */
const MAX_ERRORS = 20;

function fail(file: string, problems: readonly string[]): never {
  const shown = problems.slice(0, MAX_ERRORS);
  const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  throw usageError(`scenario ${file} is not valid:\n  ${shown.join('\n  ')}${more}`);
}

/** Read, check and merge a scenario file (YAML or JSON). Every problem is a usage error naming the path inside the file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read scenario ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    // YAML 1.2 reads JSON too.
    doc = YAML().parse(text, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    const e = err as Error & { linePos?: { line: number; col: number }[] };
    const at = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : '';
    throw usageError(`scenario ${file} is not valid YAML or JSON: ${at}${e.message.split('\n')[0]}`);
  }
  return parseScenario(doc ?? {}, file);
}

/** Check and merge a scenario given as data (a parsed file, or the library's `scenario` object). */
export function parseScenario(doc: unknown, file = 'scenario'): Scenario {
  const errors = validate(doc);
  if (errors.length > 0) fail(file, [...new Set(errors.map(describe))]);
  const d = doc as ScenarioDocument;
  const problems: string[] = [];
  const run = readRun(d.run ?? {}, file, problems);
  const shop = mergeShop(d, problems);
  checkShop(shop, d, problems);
  const transitions = defaultJourneyTransitions();
  for (const [from, row] of Object.entries(d.journey?.transitions ?? {})) Object.assign(transitions[from as EventType], row);
  const start = { ...defaultStartWeights(), ...d.journey?.start };
  if (!(Object.values(start).reduce((a, b) => a + (b ?? 0), 0) > 0)) problems.push('journey.start: the start weights must not all be zero');
  const episodes = (d.episodes ?? []).map((e, k) => readEpisode(e, k, problems));
  if (problems.length > 0) fail(file, problems);
  // A file that restates the defaults changes nothing: no fit, the defaults' bytes.
  const journeyEdited = !(
    sameJourney(transitions, defaultJourneyTransitions()) &&
    sameNumbers(start, defaultStartWeights()) &&
    sameNumbers(shop.eventWeights, DEFAULT_SHOP.eventWeights)
  );
  return {
    name: d.name ?? 'custom',
    description: d.description ?? null,
    run: run.values,
    runNames: run.names,
    shop,
    transitions,
    start,
    journeyEdited,
    episodes,
    source: d as Record<string, unknown>,
  };
}

interface ScenarioDocument {
  name?: string;
  description?: string;
  run?: Record<string, string | number | boolean>;
  eventWeights?: Partial<Record<EventType, number>>;
  journey?: { transitions?: Partial<Record<EventType, Partial<Record<EventType, number>>>>; start?: StartWeights };
  segments?: Record<string, Record<string, number>>;
  devices?: Record<string, number>;
  channels?: Record<string, number>;
  campaigns?: Record<string, string[]>;
  cities?: ShopSpec['cities'];
  catalog?: Partial<ShopSpec['catalog']>;
  time?: Partial<ShopSpec['time']>;
  behaviour?: Record<string, unknown>;
  episodes?: EpisodeDocument[];
}

interface EpisodeDocument {
  kind: EpisodeSpec['kind'];
  name?: string;
  start?: string;
  after?: number | string;
  duration: number | string;
  traffic?: number;
  campaign?: string;
  discount?: number;
  stockOut?: number;
  backlog?: boolean;
  share?: number;
}

/** The name of each run option in a file: its flag, or for switch-only options the key in kebab case (`time-patterns`). */
export function runOptionNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, r] of Object.entries(RUN_OPTIONS)) {
    names.set(r.flag ?? key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()), key);
  }
  return names;
}

/** Options a scenario must not set: they name other files or secrets of the machine that runs it. */
const NOT_IN_SCENARIO = new Set(['clientConfig', 'saslPassword', 'saslToken', 'sslKeyPassword', 'schemaRegistryPassword']);

function readRun(
  run: Record<string, string | number | boolean>,
  file: string,
  problems: string[],
): { values: Record<string, unknown>; names: Record<string, string> } {
  const known = runOptionNames();
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  for (const [flag, value] of Object.entries(run)) {
    const key = known.get(flag);
    if (key === undefined || NOT_IN_SCENARIO.has(key) || flag === 'scenario') {
      problems.push(`run.${flag}: unknown run option; use a flag name without the dashes (rate, duration, topic, ...)`);
      continue;
    }
    values[key] = value;
    names[key] = `run.${flag} in ${file}`;
  }
  return { values, names };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into `base` key by key (lists and numbers replace), checked against the base's shape. */
function mergeChecked(base: unknown, over: unknown, path: string, problems: string[]): unknown {
  if (over === undefined) return base;
  if (isObject(base)) {
    if (!isObject(over)) {
      problems.push(`${path}: must be an object`);
      return base;
    }
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
      if (!Object.hasOwn(base, k)) problems.push(`${path}.${k}: unknown key; known: ${Object.keys(base).join(', ')}`);
      else out[k] = mergeChecked(base[k], v, `${path}.${k}`, problems);
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over) || over.some((x, i) => typeof x !== typeof base[Math.min(i, base.length - 1)])) {
      problems.push(`${path}: must be a list of ${typeof base[0]}s`);
      return base;
    }
    return over;
  }
  if (typeof over !== typeof base) {
    problems.push(`${path}: must be a ${typeof base}`);
    return base;
  }
  if (typeof over === 'number' && !(over >= 0 && Number.isFinite(over))) problems.push(`${path}: must be a number ≥ 0`);
  return over;
}

function mergeShop(d: ScenarioDocument, problems: string[]): ShopSpec {
  const base = DEFAULT_SHOP;
  const merge = <T>(value: T, over: unknown, path: string): T => mergeChecked(value, over, path, problems) as T;
  let behaviour = merge(base.behaviour, d.behaviour, 'behaviour') as Behaviour;
  const categories = d.catalog?.categories;
  if (categories !== undefined) {
    // The default tilts are for the default categories: other categories are untilted unless the file tilts them.
    const given = (d.behaviour?.device ?? {}) as Record<string, { categoryTilt?: unknown } | undefined>;
    const device = Object.fromEntries(
      Object.entries(behaviour.device).map(([k, v]) => [
        k,
        given[k]?.categoryTilt !== undefined ? v : { ...v, categoryTilt: categories.map(() => 1) },
      ]),
    ) as unknown as Behaviour['device'];
    behaviour = { ...behaviour, device };
  }
  return {
    eventWeights: merge(base.eventWeights, d.eventWeights, 'eventWeights'),
    segments: merge(base.segments, d.segments, 'segments'),
    devices: merge(base.devices, d.devices, 'devices'),
    channels: merge(base.channels, d.channels, 'channels'),
    campaigns: { ...base.campaigns, ...d.campaigns },
    cities: d.cities ?? base.cities,
    catalog: { ...base.catalog, ...d.catalog },
    time: d.time?.hourly ? { ...base.time, ...d.time, hourly: d.time.hourly } : { ...base.time, ...d.time },
    behaviour,
  };
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** What the schema cannot say: sums, time zones, sizes that must agree. */
function checkShop(shop: ShopSpec, d: ScenarioDocument, problems: string[]): void {
  const positive = (path: string, values: Iterable<number>): void => {
    if (!(sum(values) > 0)) problems.push(`${path}: the shares must not all be zero`);
  };
  positive('eventWeights', Object.values(shop.eventWeights));
  positive(
    'segments.*.share',
    Object.values(shop.segments).map((s) => s.share),
  );
  positive('devices', Object.values(shop.devices));
  positive('channels', Object.values(shop.channels));
  positive(
    'cities[*].share',
    shop.cities.map((c) => c.share),
  );
  positive(
    'catalog.categories[*].share',
    shop.catalog.categories.map((c) => c.share),
  );
  shop.cities.forEach((c, k) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: c.timezone });
    } catch {
      problems.push(`cities[${k}].timezone: ${c.timezone} is not a known IANA time zone (America/New_York, Europe/Berlin, ...)`);
    }
    c.ipBlocks?.forEach((b, i) => {
      if (parseBlock(b) === null) problems.push(`cities[${k}].ipBlocks[${i}]: ${b} is not an IPv4 CIDR block with a prefix from 8 to 30`);
    });
  });
  const ids = new Set<string>();
  shop.catalog.categories.forEach((c, k) => {
    if (ids.has(c.id)) problems.push(`catalog.categories[${k}].id: ${c.id} appears twice`);
    ids.add(c.id);
    c.items.forEach(([, min, max], i) => {
      if (min > max) problems.push(`catalog.categories[${k}].items[${i}]: the lowest price (${min}) is above the highest (${max})`);
    });
    // Names are brand + qualifier + item, with up to six colour variants each.
    const names = c.brands.length * c.qualifiers.length * c.items.length * 7;
    if (shop.catalog.productsPerCategory > names * 0.8) {
      problems.push(
        `catalog.productsPerCategory: ${shop.catalog.productsPerCategory} products need more names than category ${c.id} can make (${Math.floor(names * 0.8)}): add brands, qualifiers or items`,
      );
    }
  });
  for (const device of ['mobile', 'desktop', 'tablet'] as const) {
    if (shop.behaviour.device[device].categoryTilt.length !== shop.catalog.categories.length && d.catalog?.categories !== undefined) {
      problems.push(
        `behaviour.device.${device}.categoryTilt: ${shop.behaviour.device[device].categoryTilt.length} values for ${shop.catalog.categories.length} categories`,
      );
    }
  }
  for (const band of ['business', 'peak', 'lateNight'] as const) {
    const b = shop.time[band];
    if (b.from === b.to) problems.push(`time.${band}: from and to are the same hour`);
  }
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds of `90m`, `6h`, `2d` or a number of seconds. */
function seconds(value: number | string): number {
  if (typeof value === 'number') return value;
  return Number(value.slice(0, -1)) * UNITS[value.slice(-1)]!;
}

function readEpisode(e: EpisodeDocument, k: number, problems: string[]): EpisodeSpec {
  const at = `episodes[${k}]`;
  if ((e.start === undefined) === (e.after === undefined))
    problems.push(`${at}: give start (an ISO time) or after (a duration from the run's start), one of them`);
  let startMs: number | null = null;
  if (e.start !== undefined) {
    startMs = Date.parse(e.start);
    if (!Number.isFinite(startMs)) problems.push(`${at}.start: ${e.start} is not an ISO 8601 time`);
  }
  const allowed: Record<EpisodeSpec['kind'], readonly string[]> = {
    flash_sale: ['traffic', 'campaign', 'discount', 'stockOut'],
    outage: ['backlog'],
    bot_wave: ['share'],
  };
  for (const key of ['traffic', 'campaign', 'discount', 'stockOut', 'backlog', 'share'] as const) {
    if (e[key] !== undefined && !allowed[e.kind].includes(key))
      problems.push(`${at}.${key}: not a setting of ${e.kind} (it takes ${allowed[e.kind].join(', ')})`);
  }
  return {
    kind: e.kind,
    name: e.name ?? `${e.kind}_${k}`,
    startMs,
    afterSeconds: e.after === undefined ? null : seconds(e.after),
    durationSeconds: seconds(e.duration),
    traffic: e.traffic ?? (e.kind === 'flash_sale' ? 3 : 1),
    campaign: e.campaign ?? null,
    discount: e.discount ?? 0,
    stockOut: e.stockOut ?? 0,
    backlog: e.backlog ?? true,
    share: e.share ?? (e.kind === 'bot_wave' ? 0.3 : 0),
  };
}

function sameNumbers(a: Readonly<Record<string, number | undefined>>, b: Readonly<Record<string, number | undefined>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

function sameJourney(a: JourneyTransitions, b: JourneyTransitions): boolean {
  return EVENT_TYPES.every((t) => sameNumbers(a[t], b[t]));
}

/**
 * The effective scenario as a file: every part of the shop as the run uses it (defaults where
 * the file is silent), the run options given, the episodes. Restating it gives the same run.
 */
export function effectiveScenario(
  s: Scenario,
  run: Readonly<Record<string, unknown>>,
  transitions: JourneyTransitions,
  start: StartWeights,
): Record<string, unknown> {
  const shop = s.shop;
  const doc: Record<string, unknown> = { name: s.name };
  if (s.description !== null) doc.description = s.description;
  doc.run = run;
  doc.eventWeights = shop.eventWeights;
  doc.journey = { transitions, start };
  doc.segments = shop.segments;
  doc.devices = shop.devices;
  doc.channels = shop.channels;
  doc.campaigns = shop.campaigns;
  doc.cities = shop.cities;
  doc.catalog = {
    productsPerCategory: shop.catalog.productsPerCategory,
    popularitySkew: shop.catalog.popularitySkew,
    categories: shop.catalog.categories.map(({ id, title, share, brands, qualifiers, items, searchTerms }) => ({
      id,
      title,
      share,
      brands,
      qualifiers,
      items,
      searchTerms,
    })),
  };
  doc.time = shop.time;
  doc.behaviour = shop.behaviour;
  if (s.source.episodes !== undefined) doc.episodes = s.source.episodes;
  return doc;
}

/** The effective scenario as YAML, lists of numbers and short lists on one line. */
export function scenarioText(doc: Record<string, unknown>): string {
  const lib = YAML();
  const yaml = new lib.Document(JSON.parse(JSON.stringify(doc)) as unknown);
  lib.visit(yaml, {
    Seq(_, node) {
      if (node.items.every((i) => lib.isScalar(i))) node.flow = true;
    },
  });
  yaml.commentBefore =
    ' A user-behavior-producer scenario: every part is optional (what a file leaves out keeps its default).\n Reference: schema/scenario.schema.json; README, "Scenarios".';
  return yaml.toString({ lineWidth: 0 });
}

/** The first 12 hex digits of the scenario text's SHA-256: what the start-up log names it by. */
export function scenarioHash(text: string): string {
  // Loaded here, not with the module: a run without a scenario does not pay for node:crypto (a few MB).
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
