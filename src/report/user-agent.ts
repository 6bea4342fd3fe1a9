import { RELEASES } from '../model/devices.ts';

type Product = keyof typeof RELEASES;

/** One version a user agent names, and when the release table says it came out (undefined: not in the table). */
export interface NamedVersion {
  readonly product: Product;
  readonly version: string;
  readonly releasedMs: number | undefined;
}

/**
 * The versions a shopper's user agent names, read off the text (not from how the model built
 * it): browser, OS and phone model. A Chromium browser's own `Chrome/` token is checked
 * against the browser (Edge, Samsung Internet) by the tests, not here.
 */
export function namedVersions(ua: string): NamedVersion[] {
  const found: [Product, string][] = [];
  const samsung = /SamsungBrowser\/(\d+\.\d+)/.exec(ua);
  const edge = /Edg\/(\d+)\.0\.0\.0/.exec(ua);
  const chrome = /(?:Chrome|CriOS)\/(\d+)\.0\.0\.0/.exec(ua);
  if (samsung) found.push(['samsungInternet', samsung[1]!]);
  else if (edge) found.push(['edge', edge[1]!]);
  else if (chrome) found.push(['chrome', chrome[1]!]);
  const firefox = /Firefox\/(\d+)\.0$/.exec(ua);
  if (firefox) found.push(['firefox', firefox[1]!]);
  const safari = /Version\/(\d+\.\d+)/.exec(ua);
  if (safari) found.push(['apple', safari[1]!]);
  const apple = /(?:iPhone OS|CPU OS) (\d+)_(\d+)/.exec(ua);
  if (apple) found.push(['apple', `${apple[1]}.${apple[2]}`]);
  const android = /Android (\d+); ([^)]+)\)/.exec(ua);
  if (android) found.push(['android', android[1]!], ['phone', android[2]!]);
  return found.map(([product, version]) => ({
    product,
    version,
    releasedMs: RELEASES[product].find((r) => r.version === version)?.releasedMs,
  }));
}

/** When the newest thing a user agent names came out: NaN when it names none, or one the table lacks. */
export function newestReleaseMs(ua: string): number {
  return newestOf(namedVersions(ua));
}

/** When the newest of these versions came out: NaN for none, or for one the table lacks. */
export function newestOf(named: readonly NamedVersion[]): number {
  if (named.length === 0) return Number.NaN;
  return named.reduce((a, n) => Math.max(a, n.releasedMs ?? Number.NaN), Number.NEGATIVE_INFINITY);
}
