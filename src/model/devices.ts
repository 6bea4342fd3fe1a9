import { DEVICE_TYPES } from './behaviour.ts';
import { Discrete } from './distributions.ts';
import type { Rng } from './rng.ts';

export interface DeviceProfile {
  readonly type: 'mobile' | 'desktop' | 'tablet';
  /** Linux: the crawlers of a bot wave only (see BOT_AGENTS). */
  readonly os: 'iOS' | 'Android' | 'Windows' | 'macOS' | 'iPadOS' | 'Linux';
  readonly browser: string;
  readonly userAgent: string;
  readonly screen: string;
  readonly viewport: string;
  /**
   * Its number (`deviceAt`), the same in every run: the user pool stores a device in two bytes,
   * and other layers key what they keep per device by it.
   */
  readonly index: number;
  /** Position of `type` in DEVICE_TYPES. */
  readonly typeIndex: number;
}

/** Share of users by OS: mobile 65% (iOS 35, Android 30), desktop 30% (Windows 20, macOS 10), tablet 5%. */
export const OS_MIX = [
  { os: 'iOS', type: 'mobile', share: 0.35 },
  { os: 'Android', type: 'mobile', share: 0.3 },
  { os: 'Windows', type: 'desktop', share: 0.2 },
  { os: 'macOS', type: 'desktop', share: 0.1 },
  { os: 'iPadOS', type: 'tablet', share: 0.05 },
] as const;

/**
 * When each version a user agent names came out: approximate public release dates (stable
 * channel, to the day where known, otherwise rounded late so a version never shows up before
 * it existed), oldest first. A user draws only versions out by the time they are first seen,
 * so a backfill of March 2024 shows no Chrome 130. Dates past the newest entry draw the
 * newest entries; dates before the oldest, the oldest.
 */
const CHROME_RELEASES: ReadonlyArray<readonly [major: string, released: string]> = [
  ['109', '2023-01-10'],
  ['110', '2023-02-07'],
  ['111', '2023-03-07'],
  ['112', '2023-04-04'],
  ['113', '2023-05-02'],
  ['114', '2023-05-30'],
  ['115', '2023-07-18'],
  ['116', '2023-08-15'],
  ['117', '2023-09-12'],
  ['118', '2023-10-10'],
  ['119', '2023-10-31'],
  ['120', '2023-12-05'],
  ['121', '2024-01-23'],
  ['122', '2024-02-20'],
  ['123', '2024-03-19'],
  ['124', '2024-04-16'],
  ['125', '2024-05-14'],
  ['126', '2024-06-11'],
  ['127', '2024-07-23'],
  ['128', '2024-08-20'],
  ['129', '2024-09-17'],
  ['130', '2024-10-15'],
  ['131', '2024-11-12'],
  ['132', '2025-01-14'],
  ['133', '2025-02-04'],
  ['134', '2025-03-04'],
  ['135', '2025-04-01'],
  ['136', '2025-04-29'],
  ['137', '2025-05-27'],
  ['138', '2025-06-24'],
  ['139', '2025-08-05'],
  ['140', '2025-09-02'],
  ['141', '2025-09-30'],
  ['142', '2025-10-28'],
  ['143', '2025-12-02'],
  ['144', '2026-01-13'],
];
/** Edge ships each Chromium major within about a week of Chrome, under the same major. */
const EDGE_LAG_MS = 7 * 86_400_000;
const FIREFOX_RELEASES: ReadonlyArray<readonly [major: string, released: string]> = [
  ['109', '2023-01-17'],
  ['110', '2023-02-14'],
  ['111', '2023-03-14'],
  ['112', '2023-04-11'],
  ['113', '2023-05-09'],
  ['114', '2023-06-06'],
  ['115', '2023-07-04'],
  ['116', '2023-08-01'],
  ['117', '2023-08-29'],
  ['118', '2023-09-26'],
  ['119', '2023-10-24'],
  ['120', '2023-11-21'],
  ['121', '2023-12-19'],
  ['122', '2024-01-23'],
  ['123', '2024-02-20'],
  ['124', '2024-03-19'],
  ['125', '2024-04-16'],
  ['126', '2024-05-14'],
  ['127', '2024-06-11'],
  ['128', '2024-07-09'],
  ['129', '2024-08-06'],
  ['130', '2024-09-03'],
  ['131', '2024-10-01'],
  ['132', '2024-10-29'],
  ['133', '2024-11-26'],
  ['134', '2025-01-07'],
  ['135', '2025-02-04'],
  ['136', '2025-03-04'],
  ['137', '2025-04-01'],
  ['138', '2025-04-29'],
  ['139', '2025-05-27'],
  ['140', '2025-06-24'],
  ['141', '2025-07-22'],
  ['142', '2025-08-19'],
  ['143', '2025-09-16'],
  ['144', '2025-10-14'],
  ['145', '2025-11-11'],
  ['146', '2025-12-09'],
  ['147', '2026-01-13'],
];
/**
 * iOS and iPadOS versions, and Safari's, which ship with them (on macOS too): the later of
 * the iOS and macOS dates.
 */
const APPLE_RELEASES: ReadonlyArray<readonly [version: string, released: string]> = [
  ['16.3', '2023-01-23'],
  ['16.4', '2023-03-27'],
  ['16.5', '2023-05-18'],
  ['16.6', '2023-07-24'],
  ['17.0', '2023-09-26'],
  ['17.1', '2023-10-25'],
  ['17.2', '2023-12-11'],
  ['17.3', '2024-01-22'],
  ['17.4', '2024-03-05'],
  ['17.5', '2024-05-13'],
  ['17.6', '2024-07-29'],
  ['18.0', '2024-09-16'],
  ['18.1', '2024-10-28'],
  ['18.2', '2024-12-11'],
  ['18.3', '2025-01-27'],
  ['18.4', '2025-03-31'],
  ['18.5', '2025-05-12'],
  ['18.6', '2025-07-29'],
  ['26.0', '2025-09-15'],
  ['26.1', '2025-11-03'],
  ['26.2', '2025-12-12'],
];
const ANDROID_RELEASES: ReadonlyArray<readonly [version: string, released: string]> = [
  ['12', '2021-10-04'],
  ['13', '2022-08-15'],
  ['14', '2023-10-04'],
  ['15', '2024-10-15'],
  ['16', '2025-06-10'],
];
/** Phones by launch, each with the Android it launched on (it runs that or newer). */
const PHONE_RELEASES: ReadonlyArray<readonly [model: string, released: string, android: string]> = [
  ['SM-A536B', '2022-04-01', '12'],
  ['Pixel 7', '2022-10-13', '13'],
  ['SM-S911B', '2023-02-17', '13'],
  ['SM-A546B', '2023-03-24', '13'],
  ['Pixel 7a', '2023-05-11', '13'],
  ['Pixel 8', '2023-10-12', '14'],
  ['SM-S921B', '2024-01-31', '14'],
  ['SM-A556B', '2024-03-20', '14'],
  ['Pixel 9', '2024-08-22', '14'],
  ['SM-S931B', '2025-02-07', '15'],
  ['Pixel 10', '2025-08-28', '16'],
];
/** Samsung Internet versions and the Chromium major each is built on (its user agent's `Chrome/`). */
const SAMSUNG_RELEASES: ReadonlyArray<readonly [version: string, released: string, chromium: string]> = [
  ['20.0', '2023-02-01', '106'],
  ['21.0', '2023-05-01', '110'],
  ['22.0', '2023-08-01', '111'],
  ['23.0', '2023-11-01', '115'],
  ['24.0', '2024-02-01', '117'],
  ['25.0', '2024-05-01', '121'],
  ['26.0', '2024-08-01', '122'],
  ['27.0', '2024-12-01', '125'],
  ['28.0', '2025-05-01', '130'],
  ['29.0', '2025-10-01', '136'],
];

/** A release: what a user agent calls it, and when it came out (Unix ms). */
export interface Release {
  readonly version: string;
  readonly releasedMs: number;
}

const releases = (rows: ReadonlyArray<readonly [string, string, ...string[]]>, lagMs = 0): readonly Release[] =>
  Object.freeze(rows.map(([version, date]) => Object.freeze({ version, releasedMs: Date.parse(`${date}T00:00:00Z`) + lagMs })));

/** The release table by product, oldest first (tests read a user agent's versions against it). */
export const RELEASES = Object.freeze({
  chrome: releases(CHROME_RELEASES),
  edge: releases(CHROME_RELEASES, EDGE_LAG_MS),
  firefox: releases(FIREFOX_RELEASES),
  apple: releases(APPLE_RELEASES),
  android: releases(ANDROID_RELEASES),
  phone: releases(PHONE_RELEASES),
  samsungInternet: releases(SAMSUNG_RELEASES),
});

/** The Chromium major each Samsung Internet version is built on, by version. */
export const SAMSUNG_CHROMIUM: Readonly<Record<string, string>> = Object.fromEntries(SAMSUNG_RELEASES.map(([v, , c]) => [v, c]));

/**
 * One product's releases and how users spread over them at a moment: the newest released one
 * weighs most, each older one `decay` times the next (people update), only the newest `depth`
 * are drawn, and a new release reaches its full weight `rampDays` after it comes out (updates
 * roll out over days, OS updates over weeks).
 */
class Line {
  readonly releases: readonly Release[];
  readonly decay: number;
  readonly depth: number;
  readonly rampMs: number;
  /** The latest answer of `newest`, and the times it holds for: [from, to). */
  private newestAt = 0;
  private newestFrom = Number.POSITIVE_INFINITY;
  private newestTo = Number.NEGATIVE_INFINITY;

  constructor(releases: readonly Release[], decay: number, depth: number, rampDays: number) {
    this.releases = releases;
    this.decay = decay;
    this.depth = depth;
    this.rampMs = rampDays * 86_400_000;
  }

  /**
   * The newest release out at `atMs` (the oldest if none is). Users are drawn mostly in time
   * order, so the last answer is kept until the next release comes out: most draws skip the
   * walk back from the newest release in the table.
   */
  newest(atMs: number): number {
    if (atMs >= this.newestFrom && atMs < this.newestTo) return this.newestAt;
    const r = this.releases;
    let k = r.length - 1;
    while (k > 0 && r[k]!.releasedMs > atMs) k--;
    // Before the oldest release the answer holds until it comes out; else until the next one does.
    const beforeAll = r[k]!.releasedMs > atMs;
    this.newestAt = k;
    this.newestFrom = beforeAll ? Number.NEGATIVE_INFINITY : r[k]!.releasedMs;
    this.newestTo = beforeAll ? r[k]!.releasedMs : k + 1 < r.length ? r[k + 1]!.releasedMs : Number.POSITIVE_INFINITY;
    return k;
  }
}

const CHROME = new Line(RELEASES.chrome, 0.5, 6, 14);
const EDGE = new Line(RELEASES.edge, 0.5, 6, 14);
const FIREFOX = new Line(RELEASES.firefox, 0.5, 6, 14);
const APPLE = new Line(RELEASES.apple, 0.6, 8, 21);
const ANDROID = new Line(RELEASES.android, 0.6, 4, 60);
const SAMSUNG_INTERNET = new Line(RELEASES.samsungInternet, 0.5, 4, 30);
/** Phones are kept for years: older models fade slowly. */
const PHONES = new Line(RELEASES.phone, 0.85, 8, 30);
const SAMSUNG_PHONES = new Line(
  RELEASES.phone.filter((p) => p.version.startsWith('SM-')),
  0.85,
  5,
  30,
);

/** A release of `l` for a user first seen at `atMs`, from `u` in [0, 1), no older than release `floor`. */
function pickRelease(l: Line, atMs: number, floor: number, u: number): number {
  const r = l.releases;
  const top = Math.max(floor, l.newest(atMs));
  const bottom = Math.max(floor, top - l.depth + 1);
  let total = 0;
  for (let k = top, w = 1; k >= bottom; k--, w *= l.decay) total += w * Math.min(1, Math.max(0, atMs - r[k]!.releasedMs) / l.rampMs);
  // Before the oldest release, or only just released: every weight may be 0.
  if (!(total > 0)) return bottom;
  let x = u * total;
  for (let k = top, w = 1; k > bottom; k--, w *= l.decay) {
    x -= w * Math.min(1, Math.max(0, atMs - r[k]!.releasedMs) / l.rampMs);
    if (x < 0) return k;
  }
  return bottom;
}

/** One of a user agent's versions: a line, and for each release of the dimension before it the oldest release allowed here. */
interface Dim {
  readonly line: Line;
  readonly floorAfter?: readonly number[];
}

type Browser = {
  readonly name: string;
  readonly share: number;
  readonly dims: readonly Dim[];
  /** The user agent of one release of each dimension (positions in the dimensions' lines). */
  readonly ua: (v: readonly number[]) => string;
};

const name = (l: Line, k: number): string => l.releases[k]!.version;
/** Since user-agent reduction a Chromium browser reports its major only. */
const reduced = (l: Line, k: number): string => `${name(l, k)}.0.0.0`;
/**
 * The OS version an iPhone or iPad user agent reports: Safari 26 froze it at 18.6, so newer
 * versions show in `Version/` only.
 */
const appleOs = (k: number): string => (Number(name(APPLE, k).split('.')[0]) >= 26 ? '18_6' : name(APPLE, k).replace('.', '_'));
/** By phone of `phones`: the position in ANDROID of the version it launched on, the oldest it runs. */
const androidAtLaunch = (phones: Line): number[] =>
  phones.releases.map((p) => ANDROID.releases.findIndex((a) => a.version === PHONE_RELEASES.find(([m]) => m === p.version)![2]));
const PHONE: Dim = { line: PHONES };
const PHONE_ANDROID: Dim = { line: ANDROID, floorAfter: androidAtLaunch(PHONES) };
const SAMSUNG_PHONE: Dim = { line: SAMSUNG_PHONES };
const SAMSUNG_PHONE_ANDROID: Dim = { line: ANDROID, floorAfter: androidAtLaunch(SAMSUNG_PHONES) };

const BROWSERS: Record<string, Browser[]> = {
  iOS: [
    {
      name: 'Safari',
      share: 0.8,
      dims: [{ line: APPLE }],
      ua: ([a]) =>
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${appleOs(a!)} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${name(APPLE, a!)} Mobile/15E148 Safari/604.1`,
    },
    {
      name: 'Chrome',
      share: 0.2,
      dims: [{ line: APPLE }, { line: CHROME }],
      ua: ([a, c]) =>
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${appleOs(a!)} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/${reduced(CHROME, c!)} Mobile/15E148 Safari/604.1`,
    },
  ],
  Android: [
    {
      name: 'Chrome',
      share: 0.85,
      dims: [PHONE, PHONE_ANDROID, { line: CHROME }],
      ua: ([p, a, c]) =>
        `Mozilla/5.0 (Linux; Android ${name(ANDROID, a!)}; ${name(PHONES, p!)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${reduced(CHROME, c!)} Mobile Safari/537.36`,
    },
    {
      name: 'Samsung Internet',
      share: 0.15,
      dims: [SAMSUNG_PHONE, SAMSUNG_PHONE_ANDROID, { line: SAMSUNG_INTERNET }],
      ua: ([p, a, s]) =>
        `Mozilla/5.0 (Linux; Android ${name(ANDROID, a!)}; ${name(SAMSUNG_PHONES, p!)}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${name(SAMSUNG_INTERNET, s!)} Chrome/${SAMSUNG_CHROMIUM[name(SAMSUNG_INTERNET, s!)]}.0.0.0 Mobile Safari/537.36`,
    },
  ],
  // Windows 10 and 11 both report NT 10.0, and macOS is frozen at 10_15_7 (10.15 in Firefox).
  Windows: [
    {
      name: 'Chrome',
      share: 0.65,
      dims: [{ line: CHROME }],
      ua: ([c]) =>
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${reduced(CHROME, c!)} Safari/537.36`,
    },
    {
      name: 'Edge',
      share: 0.25,
      dims: [{ line: EDGE }],
      ua: ([e]) =>
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${reduced(EDGE, e!)} Safari/537.36 Edg/${reduced(EDGE, e!)}`,
    },
    {
      name: 'Firefox',
      share: 0.1,
      dims: [{ line: FIREFOX }],
      ua: ([f]) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${name(FIREFOX, f!)}.0) Gecko/20100101 Firefox/${name(FIREFOX, f!)}.0`,
    },
  ],
  macOS: [
    {
      name: 'Safari',
      share: 0.5,
      dims: [{ line: APPLE }],
      ua: ([a]) =>
        `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${name(APPLE, a!)} Safari/605.1.15`,
    },
    {
      name: 'Chrome',
      share: 0.4,
      dims: [{ line: CHROME }],
      ua: ([c]) =>
        `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${reduced(CHROME, c!)} Safari/537.36`,
    },
    {
      name: 'Firefox',
      share: 0.1,
      dims: [{ line: FIREFOX }],
      ua: ([f]) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:${name(FIREFOX, f!)}.0) Gecko/20100101 Firefox/${name(FIREFOX, f!)}.0`,
    },
  ],
  iPadOS: [
    {
      name: 'Safari',
      share: 1,
      dims: [{ line: APPLE }],
      ua: ([a]) =>
        `Mozilla/5.0 (iPad; CPU OS ${appleOs(a!)} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${name(APPLE, a!)} Mobile/15E148 Safari/604.1`,
    },
  ],
};

/** Screen size and the viewport a browser leaves for the page. */
const SCREENS: Record<string, ReadonlyArray<readonly [string, string]>> = {
  iOS: [
    ['390x844', '390x664'],
    ['393x852', '393x659'],
    ['430x932', '430x739'],
    ['375x667', '375x548'],
  ],
  Android: [
    ['412x915', '412x780'],
    ['360x800', '360x664'],
    ['384x854', '384x718'],
    ['412x892', '412x757'],
  ],
  Windows: [
    ['1920x1080', '1903x969'],
    ['1366x768', '1349x657'],
    ['1536x864', '1519x753'],
    ['2560x1440', '2543x1305'],
  ],
  macOS: [
    ['1440x900', '1440x789'],
    ['1512x982', '1512x865'],
    ['1728x1117', '1728x1000'],
    ['2560x1440', '2560x1329'],
  ],
  iPadOS: [
    ['820x1180', '820x1106'],
    ['810x1080', '810x1006'],
    ['1024x1366', '1024x1292'],
  ],
};

/**
 * One browser on one OS: its devices are the indexes [offset, offset + screens × combos), by
 * screen, then by release of each dimension in turn (the last dimension varies fastest).
 */
interface BrowserTable {
  readonly type: DeviceProfile['type'];
  readonly os: DeviceProfile['os'];
  readonly browser: Browser;
  readonly screens: ReadonlyArray<readonly [string, string]>;
  readonly dims: readonly Dim[];
  /** Devices per screen: the product of the dimensions' lengths. */
  readonly combos: number;
  readonly offset: number;
}

/** What `DeviceMix.draw` needs of one OS: its browser mix and its browsers' tables. */
interface OsTable {
  readonly browsers: Discrete;
  readonly screens: number;
  readonly tables: readonly BrowserTable[];
}

function buildTables(): { os: OsTable[]; browsers: BrowserTable[]; count: number } {
  const os: OsTable[] = [];
  const all: BrowserTable[] = [];
  let count = 0;
  for (const { os: name, type } of OS_MIX) {
    const screens = SCREENS[name]!;
    const tables: BrowserTable[] = [];
    for (const browser of BROWSERS[name]!) {
      const combos = browser.dims.reduce((n, d) => n * d.line.releases.length, 1);
      tables.push({ type, os: name, browser, screens, dims: browser.dims, combos, offset: count });
      count += screens.length * combos;
    }
    all.push(...tables);
    os.push({ browsers: new Discrete(BROWSERS[name]!.map((b) => b.share)), screens: screens.length, tables });
  }
  return { os, browsers: all, count };
}

const TABLES = buildTables();
const OS_TABLES: readonly OsTable[] = TABLES.os;
/** Crawlers and scrapers: the user agents of a bot wave's sessions, never drawn for a shopper. */
// Versions out before the release table begins (January 2023), so a crawler is never newer than its date either.
const BOT_AGENTS: ReadonlyArray<readonly [browser: string, userAgent: string]> = [
  ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
  ['bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
  ['AhrefsBot', 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)'],
  ['YandexBot', 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)'],
  ['python-requests', 'python-requests/2.28.1'],
  ['Scrapy', 'Scrapy/2.7.1 (+https://scrapy.org)'],
];
/** First bot: the shoppers' devices are the indexes before it. */
export const BOT_DEVICE_OFFSET = TABLES.count;
export const BOT_DEVICE_COUNT = BOT_AGENTS.length;
/** Devices in all, shoppers' and bots'. */
export const DEVICE_COUNT = BOT_DEVICE_OFFSET + BOT_DEVICE_COUNT;

/**
 * Every device a user can have, by index: the whole release table (a user draws among those
 * released by then) × screens, the same in every run. Each is made the first time it is asked
 * for and then shared by every user who has it (less memory per user, no string building per
 * user); a run meets a few hundred of the 13,000, so they are not all built up front.
 */
const DEVICES: (DeviceProfile | undefined)[] = new Array<DeviceProfile | undefined>(DEVICE_COUNT).fill(undefined);

/** The device at `index` (0 ≤ index < DEVICE_COUNT). */
export function deviceAt(index: number): DeviceProfile {
  return DEVICES[index] ?? makeDevice(index);
}

/** All devices, in index order (for tests and tools: it builds every one). */
export function allDevices(): DeviceProfile[] {
  return Array.from({ length: DEVICE_COUNT }, (_, i) => deviceAt(i));
}

function makeDevice(index: number): DeviceProfile {
  if (!(Number.isInteger(index) && index >= 0 && index < DEVICE_COUNT)) throw new RangeError(`no device ${index} (0–${DEVICE_COUNT - 1})`);
  let device: DeviceProfile;
  if (index >= BOT_DEVICE_OFFSET) {
    const [browser, userAgent] = BOT_AGENTS[index - BOT_DEVICE_OFFSET]!;
    const type = 'desktop';
    device = {
      type,
      os: 'Linux',
      browser,
      userAgent,
      screen: '1920x1080',
      viewport: '1920x1080',
      index,
      typeIndex: DEVICE_TYPES.indexOf(type),
    };
  } else {
    let t = TABLES.browsers[0]!;
    for (const table of TABLES.browsers) if (table.offset <= index) t = table;
    const at = index - t.offset;
    const [screen, viewport] = t.screens[Math.floor(at / t.combos)]!;
    // The release of each dimension, the last varying fastest.
    const v = t.dims.map(() => 0);
    for (let d = t.dims.length - 1, rest = at % t.combos; d >= 0; d--) {
      const n = t.dims[d]!.line.releases.length;
      v[d] = rest % n;
      rest = Math.floor(rest / n);
    }
    device = {
      type: t.type,
      os: t.os,
      browser: t.browser.name,
      userAgent: t.browser.ua(v),
      screen,
      viewport,
      index,
      typeIndex: DEVICE_TYPES.indexOf(t.type),
    };
  }
  DEVICES[index] = Object.freeze(device);
  return device;
}
/** The operating systems, in the order of OS_MIX. */
export const OPERATING_SYSTEMS = OS_MIX.map((o) => o.os);
export type OperatingSystem = DeviceProfile['os'];

/** Who shops on what: the share of users by OS (each OS is of one device type). */
export class DeviceMix {
  /** Share of users by OS, in the order of OS_MIX. */
  readonly osShare: readonly number[];
  /** Share of users by device type, in the order of DEVICE_TYPES. */
  readonly typeShare: readonly number[];
  private readonly os: Discrete;

  constructor(osShare: readonly number[] = OS_MIX.map((o) => o.share)) {
    this.osShare = osShare;
    this.os = new Discrete([...osShare]);
    const sum = osShare.reduce((a, b) => a + b, 0);
    const norm = Math.abs(sum - 1) < 1e-9 ? 1 : sum;
    this.typeShare = DEVICE_TYPES.map((t) => OS_MIX.reduce((a, o, k) => a + (o.type === t ? osShare[k]! : 0), 0) / norm);
  }

  /**
   * A plausible, internally consistent device for a user first seen at `atMs` (Unix ms): its
   * OS and browser versions are out by then, mostly the latest.
   */
  draw(rng: Rng, atMs: number): DeviceProfile {
    const t = OS_TABLES[this.os.sample(rng)]!;
    const b = t.tables[t.browsers.sample(rng)]!;
    const screen = rng.int(t.screens);
    let combo = 0;
    let picked = 0;
    for (let d = 0; d < b.dims.length; d++) {
      const dim = b.dims[d]!;
      picked = pickRelease(dim.line, atMs, dim.floorAfter === undefined ? 0 : dim.floorAfter[picked]!, rng.next());
      combo = combo * dim.line.releases.length + picked;
    }
    return deviceAt(b.offset + screen * b.combos + combo);
  }
}

/** The seed's mix. */
export const DEFAULT_DEVICE_MIX = new DeviceMix();
/** Share of users by device type, in the order of DEVICE_TYPES. */
export const DEVICE_SHARE: readonly number[] = DEFAULT_DEVICE_MIX.typeShare;

/** A device from the seed's mix for a user first seen at `atMs`. */
export function drawDevice(rng: Rng, atMs: number): DeviceProfile {
  return DEFAULT_DEVICE_MIX.draw(rng, atMs);
}

/** The token every user agent of an OS carries (the realism test checks each event's user agent against it). */
export const OS_UA_MARKER: Readonly<Record<DeviceProfile['os'], string>> = {
  iOS: '(iPhone;',
  Android: '(Linux; Android',
  Windows: '(Windows NT',
  macOS: '(Macintosh;',
  iPadOS: '(iPad;',
  Linux: '',
};
