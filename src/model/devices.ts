import { DEVICE_TYPES } from './behaviour.ts';
import { Discrete } from './distributions.ts';
import type { Rng } from './rng.ts';

export interface DeviceProfile {
  readonly type: 'mobile' | 'desktop' | 'tablet';
  /** Linux: the crawlers of a bot wave only (see BOT_DEVICES). */
  readonly os: 'iOS' | 'Android' | 'Windows' | 'macOS' | 'iPadOS' | 'Linux';
  readonly browser: string;
  readonly userAgent: string;
  readonly screen: string;
  readonly viewport: string;
  /**
   * Position in DEVICES, the same in every run: the user pool stores a device in two bytes,
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

type Browser = { name: string; share: number; ua: (v: OsVersion) => string };
type OsVersion = { os: string; model: string };

const IOS_VERSIONS = ['17_5_1', '17_6', '18_1', '18_3', '18_5'];
const ANDROID_MODELS = ['Pixel 8', 'Pixel 7a', 'SM-S921B', 'SM-A546B', 'moto g 5G'];
const ANDROID_VERSIONS = ['13', '14', '15'];
const WINDOWS_VERSIONS = ['10.0'];
const MAC_VERSIONS = ['10_15_7'];
const CHROME = ['124.0.6367.118', '126.0.6478.127', '128.0.6613.137', '130.0.6723.91'];
const FIREFOX = ['125.0', '127.0', '129.0'];
/** Edge builds by the Chromium major they are built on (Edge's major is always its Chromium's). */
const EDGE: Readonly<Record<string, string>> = { 124: '124.0.2478.80', 126: '126.0.2592.87', 128: '128.0.2739.79', 130: '130.0.2849.56' };
const SAFARI = ['17.5', '17.6', '18.1'];

const BROWSERS: Record<string, Browser[]> = {
  iOS: [
    {
      name: 'Safari',
      share: 0.8,
      ua: (v) =>
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${v.os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v.os.split('_').slice(0, 2).join('.')} Mobile/15E148 Safari/604.1`,
    },
    {
      name: 'Chrome',
      share: 0.2,
      ua: (v) =>
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${v.os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/${v.model} Mobile/15E148 Safari/604.1`,
    },
  ],
  Android: [
    {
      name: 'Chrome',
      share: 0.85,
      ua: (v) =>
        `Mozilla/5.0 (Linux; Android ${v.os}; ${v.model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME[v.os.length % CHROME.length]} Mobile Safari/537.36`,
    },
    {
      name: 'Samsung Internet',
      share: 0.15,
      ua: (v) =>
        `Mozilla/5.0 (Linux; Android ${v.os}; ${v.model}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36`,
    },
  ],
  Windows: [
    {
      name: 'Chrome',
      share: 0.65,
      ua: (v) => `Mozilla/5.0 (Windows NT ${v.os}; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v.model} Safari/537.36`,
    },
    {
      name: 'Edge',
      share: 0.25,
      ua: (v) =>
        `Mozilla/5.0 (Windows NT ${v.os}; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v.model} Safari/537.36 Edg/${EDGE[v.model.split('.')[0]!]}`,
    },
    {
      name: 'Firefox',
      share: 0.1,
      ua: (v) =>
        `Mozilla/5.0 (Windows NT ${v.os}; Win64; x64; rv:${FIREFOX[v.model.length % FIREFOX.length]}) Gecko/20100101 Firefox/${FIREFOX[v.model.length % FIREFOX.length]}`,
    },
  ],
  macOS: [
    {
      name: 'Safari',
      share: 0.5,
      ua: (v) =>
        `Mozilla/5.0 (Macintosh; Intel Mac OS X ${v.os}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${SAFARI[v.model.length % SAFARI.length]} Safari/605.1.15`,
    },
    {
      name: 'Chrome',
      share: 0.4,
      ua: (v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X ${v.os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v.model} Safari/537.36`,
    },
    {
      name: 'Firefox',
      share: 0.1,
      ua: (v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X ${v.os.replace(/_/g, '.')}; rv:129.0) Gecko/20100101 Firefox/129.0`,
    },
  ],
  iPadOS: [
    {
      name: 'Safari',
      share: 1,
      ua: (v) =>
        `Mozilla/5.0 (iPad; CPU OS ${v.os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v.os.split('_').slice(0, 2).join('.')} Mobile/15E148 Safari/604.1`,
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

/** How many versions each OS's two version draws choose from: [os version, model or browser version]. */
const VERSION_COUNTS: Readonly<Record<string, readonly [number, number]>> = {
  iOS: [IOS_VERSIONS.length, CHROME.length],
  Android: [ANDROID_VERSIONS.length, ANDROID_MODELS.length],
  Windows: [WINDOWS_VERSIONS.length, CHROME.length],
  macOS: [MAC_VERSIONS.length, CHROME.length],
  iPadOS: [IOS_VERSIONS.length, CHROME.length],
};

function osVersion(os: string, a: number, b: number): OsVersion {
  switch (os) {
    case 'iOS':
    case 'iPadOS':
      return { os: IOS_VERSIONS[a]!, model: CHROME[b]! };
    case 'Android':
      return { os: ANDROID_VERSIONS[a]!, model: ANDROID_MODELS[b]! };
    case 'Windows':
      return { os: WINDOWS_VERSIONS[a]!, model: CHROME[b]! };
    default:
      return { os: MAC_VERSIONS[a]!, model: CHROME[b]! };
  }
}

/** What `drawDevice` needs of one OS: its browser mix, and where its devices start in DEVICES. */
interface OsTable {
  readonly browsers: Discrete;
  readonly screens: number;
  readonly versions: readonly [number, number];
  readonly offset: number;
}

function buildDevices(): { devices: DeviceProfile[]; tables: OsTable[] } {
  const devices: DeviceProfile[] = [];
  const tables: OsTable[] = [];
  for (const { os, type } of OS_MIX) {
    const browsers = BROWSERS[os]!;
    const screens = SCREENS[os]!;
    const versions = VERSION_COUNTS[os]!;
    tables.push({ browsers: new Discrete(browsers.map((b) => b.share)), screens: screens.length, versions, offset: devices.length });
    // Nested in the order `drawDevice` computes a position in.
    for (const browser of browsers) {
      for (const [screen, viewport] of screens) {
        for (let a = 0; a < versions[0]; a++) {
          for (let b = 0; b < versions[1]; b++) {
            const userAgent = browser.ua(osVersion(os, a, b));
            devices.push(
              Object.freeze({
                type,
                os,
                browser: browser.name,
                userAgent,
                screen,
                viewport,
                index: devices.length,
                typeIndex: DEVICE_TYPES.indexOf(type),
              }),
            );
          }
        }
      }
    }
  }
  return { devices, tables };
}

const BUILT = buildDevices();
/**
 * Every device a user can have, built once: there are only a few hundred, so each is shared
 * by every user who draws it (less memory per user, no string building per user). A device's
 * place here is the same in every run.
 */
/** Crawlers and scrapers: the user agents of a bot wave's sessions, never drawn for a shopper. */
const BOT_AGENTS: ReadonlyArray<readonly [browser: string, userAgent: string]> = [
  ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
  ['bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
  ['AhrefsBot', 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)'],
  ['HeadlessChrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.6723.91 Safari/537.36'],
  ['python-requests', 'python-requests/2.32.3'],
  ['Scrapy', 'Scrapy/2.11.2 (+https://scrapy.org)'],
];
/** First bot in DEVICES. */
export const BOT_DEVICE_OFFSET = BUILT.devices.length;
for (const [browser, userAgent] of BOT_AGENTS) {
  BUILT.devices.push(
    Object.freeze({
      type: 'desktop',
      os: 'Linux',
      browser,
      userAgent,
      screen: '1920x1080',
      viewport: '1920x1080',
      index: BUILT.devices.length,
      typeIndex: DEVICE_TYPES.indexOf('desktop'),
    }),
  );
}
export const BOT_DEVICE_COUNT = BOT_AGENTS.length;

export const DEVICES: readonly DeviceProfile[] = Object.freeze(BUILT.devices);
const OS_TABLES: readonly OsTable[] = BUILT.tables;
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

  /** A plausible, internally consistent device for a new user. */
  draw(rng: Rng): DeviceProfile {
    const t = OS_TABLES[this.os.sample(rng)]!;
    const browser = t.browsers.sample(rng);
    const screen = rng.int(t.screens);
    // An OS with a single version draws none for it.
    const a = t.versions[0] > 1 ? rng.int(t.versions[0]) : 0;
    const b = rng.int(t.versions[1]);
    return DEVICES[t.offset + ((browser * t.screens + screen) * t.versions[0] + a) * t.versions[1] + b]!;
  }
}

/** The seed's mix. */
export const DEFAULT_DEVICE_MIX = new DeviceMix();
/** Share of users by device type, in the order of DEVICE_TYPES. */
export const DEVICE_SHARE: readonly number[] = DEFAULT_DEVICE_MIX.typeShare;

/** A device from the seed's mix. */
export function drawDevice(rng: Rng): DeviceProfile {
  return DEFAULT_DEVICE_MIX.draw(rng);
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
