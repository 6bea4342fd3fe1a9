import { Discrete } from './distributions.ts';
import type { Rng } from './rng.ts';

export interface DeviceProfile {
  readonly type: 'mobile' | 'desktop' | 'tablet';
  readonly os: 'iOS' | 'Android' | 'Windows' | 'macOS' | 'iPadOS';
  readonly browser: string;
  readonly userAgent: string;
  readonly screen: string;
  readonly viewport: string;
  /** Position in DEVICE_LIST: how the user pool stores a device in two bytes. */
  readonly index: number;
  /** A slot the serializer may use to cache this device's constant JSON. */
  cache: unknown;
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
const EDGE = ['124.0.2478.80', '126.0.2592.87', '128.0.2739.79'];
const SAFARI = ['17.5', '17.6', '18.1'];

const BROWSERS: Record<string, Browser[]> = {
  iOS: [
    { name: 'Safari', share: 0.8, ua: (v) => `Mozilla/5.0 (iPhone; CPU iPhone OS ${v.os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v.os.split('_').slice(0, 2).join('.')} Mobile/15E148 Safari/604.1` },
    { name: 'Chrome', share: 0.2, ua: (v) => `Mozilla/5.0 (iPhone; CPU iPhone OS ${v.os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/${v.model} Mobile/15E148 Safari/604.1` },
  ],
  Android: [
    { name: 'Chrome', share: 0.85, ua: (v) => `Mozilla/5.0 (Linux; Android ${v.os}; ${v.model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME[v.os.length % CHROME.length]} Mobile Safari/537.36` },
    { name: 'Samsung Internet', share: 0.15, ua: (v) => `Mozilla/5.0 (Linux; Android ${v.os}; ${v.model}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36` },
  ],
  Windows: [
    { name: 'Chrome', share: 0.65, ua: (v) => `Mozilla/5.0 (Windows NT ${v.os}; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v.model} Safari/537.36` },
    { name: 'Edge', share: 0.25, ua: (v) => `Mozilla/5.0 (Windows NT ${v.os}; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v.model} Safari/537.36 Edg/${EDGE[v.model.length % EDGE.length]}` },
    { name: 'Firefox', share: 0.1, ua: (v) => `Mozilla/5.0 (Windows NT ${v.os}; Win64; x64; rv:${FIREFOX[v.model.length % FIREFOX.length]}) Gecko/20100101 Firefox/${FIREFOX[v.model.length % FIREFOX.length]}` },
  ],
  macOS: [
    { name: 'Safari', share: 0.5, ua: (v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X ${v.os}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${SAFARI[v.model.length % SAFARI.length]} Safari/605.1.15` },
    { name: 'Chrome', share: 0.4, ua: (v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X ${v.os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v.model} Safari/537.36` },
    { name: 'Firefox', share: 0.1, ua: (v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X ${v.os.replace(/_/g, '.')}; rv:129.0) Gecko/20100101 Firefox/129.0` },
  ],
  iPadOS: [
    { name: 'Safari', share: 1, ua: (v) => `Mozilla/5.0 (iPad; CPU OS ${v.os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v.os.split('_').slice(0, 2).join('.')} Mobile/15E148 Safari/604.1` },
  ],
};

/** Screen size and the viewport a browser leaves for the page. */
const SCREENS: Record<string, ReadonlyArray<readonly [string, string]>> = {
  iOS: [['390x844', '390x664'], ['393x852', '393x659'], ['430x932', '430x739'], ['375x667', '375x548']],
  Android: [['412x915', '412x780'], ['360x800', '360x664'], ['384x854', '384x718'], ['412x892', '412x757']],
  Windows: [['1920x1080', '1903x969'], ['1366x768', '1349x657'], ['1536x864', '1519x753'], ['2560x1440', '2543x1305']],
  macOS: [['1440x900', '1440x789'], ['1512x982', '1512x865'], ['1728x1117', '1728x1000'], ['2560x1440', '2560x1329']],
  iPadOS: [['820x1180', '820x1106'], ['810x1080', '810x1006'], ['1024x1366', '1024x1292']],
};

/** Indices of the version draws for an OS: [os version, model or browser version]. */
function versionDraws(os: string, rng: Rng): [number, number] {
  switch (os) {
    case 'iOS':
    case 'iPadOS':
      return [rng.int(IOS_VERSIONS.length), rng.int(CHROME.length)];
    case 'Android':
      return [rng.int(ANDROID_VERSIONS.length), rng.int(ANDROID_MODELS.length)];
    default:
      return [0, rng.int(CHROME.length)];
  }
}

function osVersion(os: string, [a, b]: [number, number]): OsVersion {
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

const OS_DISTRIBUTION = new Discrete(OS_MIX.map((o) => o.share));
const BROWSER_DISTRIBUTIONS: Record<string, Discrete> = Object.fromEntries(
  Object.entries(BROWSERS).map(([os, list]) => [os, new Discrete(list.map((b) => b.share))]),
);

/**
 * There are only a few hundred distinct devices: each is built once and shared by every
 * user who draws it (less memory per user, no string building per user).
 */
const DEVICES = new Map<number, DeviceProfile>();
export const DEVICE_LIST: DeviceProfile[] = [];

/** A plausible, internally consistent device for a new user. */
export function drawDevice(rng: Rng): DeviceProfile {
  const osIndex = OS_DISTRIBUTION.sample(rng);
  const { os, type } = OS_MIX[osIndex]!;
  const browserIndex = BROWSER_DISTRIBUTIONS[os]!.sample(rng);
  const screens = SCREENS[os]!;
  const screenIndex = rng.int(screens.length);
  const versions = versionDraws(os, rng);
  const key = (((osIndex * 8 + browserIndex) * 8 + screenIndex) * 16 + versions[0]) * 16 + versions[1];
  let device = DEVICES.get(key);
  if (device === undefined) {
    const [screen, viewport] = screens[screenIndex]!;
    const browser = BROWSERS[os]![browserIndex]!;
    device = { type, os, browser: browser.name, userAgent: browser.ua(osVersion(os, versions)), screen, viewport, index: DEVICE_LIST.length, cache: undefined };
    DEVICES.set(key, device);
    DEVICE_LIST.push(device);
  }
  return device;
}

/** The token every user agent of an OS carries (used by tests and `verify` to check consistency). */
export const OS_UA_MARKER: Readonly<Record<DeviceProfile['os'], string>> = {
  iOS: '(iPhone;',
  Android: '(Linux; Android',
  Windows: '(Windows NT',
  macOS: '(Macintosh;',
  iPadOS: '(iPad;',
};
