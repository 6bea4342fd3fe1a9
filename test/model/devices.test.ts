import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BOT_DEVICE_COUNT,
  BOT_DEVICE_OFFSET,
  allDevices,
  DEVICE_COUNT,
  deviceAt,
  OS_MIX,
  OS_UA_MARKER,
  RELEASES,
  SAMSUNG_CHROMIUM,
  drawDevice,
  type DeviceProfile,
} from '../../src/model/devices.ts';
import { SeedSource } from '../../src/model/rng.ts';
import { namedVersions, newestReleaseMs } from '../../src/report/user-agent.ts';

/** The devices a shopper can have (a bot wave's crawlers come after them). */
const DEVICES = allDevices();
const SHOPPERS = DEVICES.slice(0, BOT_DEVICE_OFFSET);
/** The golden run's start: a date the mix's shares are judged at. */
const AT = Date.parse('2024-03-04T00:00:00Z');

const TYPE_OF_OS: Record<DeviceProfile['os'], DeviceProfile['type']> = {
  iOS: 'mobile',
  Android: 'mobile',
  Windows: 'desktop',
  macOS: 'desktop',
  iPadOS: 'tablet',
  Linux: 'desktop',
};

/** What a user agent of each browser must and must not say, by OS where it differs. */
function browserMatchesAgent(d: DeviceProfile): boolean {
  const ua = d.userAgent;
  switch (d.browser) {
    case 'Safari':
      return ua.includes(' Safari/') && ua.includes('Version/') && !/Chrome\/|CriOS\/|Firefox\//.test(ua);
    case 'Chrome':
      return d.os === 'iOS' ? ua.includes('CriOS/') : ua.includes('Chrome/') && !/Edg\/|SamsungBrowser\//.test(ua);
    case 'Edge':
      return ua.includes('Chrome/') && ua.includes(' Edg/');
    case 'Firefox':
      return ua.includes('Firefox/') && ua.includes('Gecko/') && !ua.includes('Chrome/');
    case 'Samsung Internet':
      return ua.includes('SamsungBrowser/');
    default:
      return false;
  }
}

function size(text: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(text);
  assert.ok(m, `${text} is WIDTHxHEIGHT`);
  return [Number(m[1]), Number(m[2])];
}

test('every device is consistent: type fits the OS, the user agent names the OS and the browser, the viewport fits the screen', () => {
  assert.ok(SHOPPERS.length >= 100, `${SHOPPERS.length} devices`);
  SHOPPERS.forEach((d, i) => {
    assert.equal(d.index, i, 'index is the number deviceAt was asked for');
    assert.equal(d.type, TYPE_OF_OS[d.os], `${d.os} is a ${TYPE_OF_OS[d.os]}`);
    assert.ok(d.userAgent.startsWith('Mozilla/5.0 ('), d.userAgent);
    assert.ok(d.userAgent.includes(OS_UA_MARKER[d.os]), `${d.os}: ${d.userAgent}`);
    for (const [os, marker] of Object.entries(OS_UA_MARKER))
      if (os !== d.os && marker !== '') assert.ok(!d.userAgent.includes(marker), `${d.os} agent carries ${os}'s marker: ${d.userAgent}`);
    assert.ok(browserMatchesAgent(d), `${d.os} ${d.browser}: ${d.userAgent}`);
    const [sw, sh] = size(d.screen);
    const [vw, vh] = size(d.viewport);
    assert.ok(vw <= sw && vh < sh, `viewport ${d.viewport} fits screen ${d.screen}`);
    assert.equal(d.type === 'desktop', sw > sh, `${d.type} ${d.screen} is ${d.type === 'desktop' ? 'landscape' : 'portrait'}`);
  });
});

test('devices are made once each, and each number stands for its own browser, releases and screen', () => {
  assert.equal(DEVICES.length, DEVICE_COUNT);
  for (const d of DEVICES) assert.equal(deviceAt(d.index), d, 'the same object every time');
  // Alike only where a user agent hides a release: Chrome on an iPhone or iPad past iOS 26 says 18_6, whatever the OS is.
  const seen = new Map<string, DeviceProfile>();
  for (const d of SHOPPERS) {
    const key = `${d.os}|${d.browser}|${d.userAgent}|${d.screen}|${d.viewport}`;
    const twin = seen.get(key);
    if (twin === undefined) seen.set(key, d);
    else assert.ok(d.userAgent.includes(' OS 18_6 ') && d.browser === 'Chrome', `${twin.index} and ${d.index} are alike: ${key}`);
  }
  assert.ok(seen.size > SHOPPERS.length * 0.9, `${seen.size} distinct devices of ${SHOPPERS.length}`);
  assert.throws(() => deviceAt(DEVICE_COUNT), /no device/);
});

test('every OS and browser of the mix has devices, and no browser appears on an OS it does not run on', () => {
  const browsers = new Map<string, Set<string>>();
  for (const d of SHOPPERS) (browsers.get(d.os) ?? browsers.set(d.os, new Set()).get(d.os)!).add(d.browser);
  assert.deepEqual([...browsers.keys()].sort(), OS_MIX.map((o) => o.os).sort());
  assert.deepEqual([...browsers.get('iPadOS')!], ['Safari']);
  assert.ok(!browsers.get('iOS')!.has('Edge') && !browsers.get('macOS')!.has('Edge'));
  assert.ok(browsers.get('Android')!.has('Samsung Internet') && !browsers.get('Windows')!.has('Samsung Internet'));
});

test("a bot wave's crawlers come after the shoppers' devices: Linux, desktop, their own agents", () => {
  const bots = DEVICES.slice(BOT_DEVICE_OFFSET);
  assert.equal(bots.length, BOT_DEVICE_COUNT);
  bots.forEach((d, k) => {
    assert.equal(d.index, BOT_DEVICE_OFFSET + k);
    assert.deepEqual([d.os, d.type], ['Linux', 'desktop']);
    assert.match(d.userAgent, /bot|python-requests|Scrapy/i);
  });
  assert.equal(new Set(bots.map((d) => d.userAgent)).size, bots.length);
});

test('drawn devices come from the table and follow the shares (200,000 draws)', () => {
  const rng = new SeedSource(7).fork('devices');
  const n = 200_000;
  const byOs = new Map<string, number>();
  const byType = new Map<string, number>();
  const byBrowser = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const d = drawDevice(rng, AT);
    assert.equal(deviceAt(d.index), d);
    byOs.set(d.os, (byOs.get(d.os) ?? 0) + 1);
    byType.set(d.type, (byType.get(d.type) ?? 0) + 1);
    byBrowser.set(`${d.os} ${d.browser}`, (byBrowser.get(`${d.os} ${d.browser}`) ?? 0) + 1);
  }
  const share = (m: Map<string, number>, k: string, of = n): number => (m.get(k) ?? 0) / of;
  // One standard error is at most 0.0011 for n = 200,000: 0.005 is over four.
  for (const { os, share: expected } of OS_MIX)
    assert.ok(Math.abs(share(byOs, os) - expected) < 0.005, `${os}: ${share(byOs, os)} vs ${expected}`);
  assert.ok(Math.abs(share(byType, 'mobile') - 0.65) < 0.005, `mobile ${share(byType, 'mobile')}`);
  assert.ok(Math.abs(share(byType, 'desktop') - 0.3) < 0.005, `desktop ${share(byType, 'desktop')}`);
  assert.ok(Math.abs(share(byType, 'tablet') - 0.05) < 0.003, `tablet ${share(byType, 'tablet')}`);
  // Browser shares within an OS (fewer draws each: wider bounds).
  const within = (os: string, browser: string): number => share(byBrowser, `${os} ${browser}`, byOs.get(os));
  for (const [os, browser, expected] of [
    ['iOS', 'Safari', 0.8],
    ['Android', 'Chrome', 0.85],
    ['Windows', 'Chrome', 0.65],
    ['Windows', 'Edge', 0.25],
    ['macOS', 'Safari', 0.5],
  ] as const) {
    assert.ok(Math.abs(within(os, browser) - expected) < 0.015, `${browser} on ${os}: ${within(os, browser)} vs ${expected}`);
  }
});

test('the same seed draws the same devices; another seed draws others', () => {
  const draw = (seed: number): number[] => {
    const rng = new SeedSource(seed).fork('devices');
    return Array.from({ length: 1000 }, () => drawDevice(rng, AT).index);
  };
  assert.deepEqual(draw(1), draw(1));
  assert.notDeepEqual(draw(1), draw(2));
  assert.ok(new Set(draw(1)).size > 200, 'a thousand draws reach hundreds of devices');
});

test("every shopper's user agent names versions of the release table, consistently: Edge's major is its Chromium's, Samsung Internet's Chromium is its own, Firefox's rv: its version", () => {
  let edge = 0;
  for (const d of SHOPPERS) {
    const named = namedVersions(d.userAgent);
    assert.ok(named.length > 0, d.userAgent);
    for (const n of named) assert.ok(n.releasedMs !== undefined, `${n.product} ${n.version} is not in the release table: ${d.userAgent}`);
    const chromium = /(?:Chrome|CriOS)\/(\d+)\.0\.0\.0 /.exec(d.userAgent)?.[1];
    const e = /Edg\/(\d+)\.0\.0\.0$/.exec(d.userAgent);
    if (e) {
      edge++;
      assert.equal(chromium, e[1], d.userAgent);
    }
    const samsung = /SamsungBrowser\/(\d+\.\d+)/.exec(d.userAgent);
    if (samsung) assert.equal(chromium, SAMSUNG_CHROMIUM[samsung[1]!], d.userAgent);
    const firefox = /rv:(\d+\.0)\) Gecko\/20100101 Firefox\/(\d+\.0)$/.exec(d.userAgent);
    if (d.browser === 'Firefox') assert.equal(firefox?.[1], firefox?.[2], d.userAgent);
    // iPhones and iPads report the OS Safari ships with, frozen at 18.6 from Safari 26 on.
    const ios = /OS (\d+)_(\d+) like Mac OS X.*Version\/(\d+)\.(\d+)/.exec(d.userAgent);
    if (ios) assert.equal(`${ios[1]}.${ios[2]}`, Number(ios[3]) >= 26 ? '18.6' : `${ios[3]}.${ios[4]}`, d.userAgent);
  }
  assert.ok(edge > 0);
});

test('the release table: oldest first, known releases in their month, each Samsung Internet on a Chromium out before it', () => {
  for (const [product, releases] of Object.entries(RELEASES))
    for (let k = 1; k < releases.length; k++)
      assert.ok(releases[k]!.releasedMs >= releases[k - 1]!.releasedMs, `${product} ${releases[k]!.version} out of order`);
  const month = (product: keyof typeof RELEASES, version: string): string =>
    new Date(RELEASES[product].find((r) => r.version === version)!.releasedMs).toISOString().slice(0, 7);
  assert.equal(month('chrome', '114'), '2023-05');
  assert.equal(month('chrome', '122'), '2024-02');
  assert.equal(month('chrome', '130'), '2024-10');
  assert.equal(month('chrome', '140'), '2025-09');
  assert.equal(month('firefox', '128'), '2024-07');
  assert.equal(month('apple', '17.0'), '2023-09');
  assert.equal(month('apple', '18.0'), '2024-09');
  assert.equal(month('apple', '26.0'), '2025-09');
  assert.equal(month('android', '14'), '2023-10');
  assert.equal(month('android', '15'), '2024-10');
  assert.equal(month('phone', 'Pixel 8'), '2023-10');
  for (const s of RELEASES.samsungInternet) {
    const chromium = Number(SAMSUNG_CHROMIUM[s.version]);
    const chrome = RELEASES.chrome.find((c) => Number(c.version) === chromium);
    assert.ok(chrome === undefined ? chromium < Number(RELEASES.chrome[0]!.version) : chrome.releasedMs < s.releasedMs, s.version);
  }
});

/** Dates at least two weeks after a Chrome release, so its rollout is done. */
for (const date of ['2023-06-20', '2024-03-12', '2025-09-25']) {
  test(`devices drawn on ${date} name only versions out by then (phones on an Android no older than their own), the newest Chrome is common, and Edge's major is its Chromium's (100,000 draws)`, () => {
    const at = Date.parse(`${date}T12:00:00Z`);
    const rng = new SeedSource(11).fork('devices', at);
    const newestChrome = RELEASES.chrome.filter((r) => r.releasedMs <= at).at(-1)!.version;
    let chrome = 0;
    let onNewest = 0;
    let edge = 0;
    const phones = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const d = drawDevice(rng, at);
      const ua = d.userAgent;
      assert.ok(newestReleaseMs(ua) <= at, `${date}: ${ua}`);
      if (d.browser === 'Chrome') {
        chrome++;
        if (/(?:Chrome|CriOS)\/(\d+)\./.exec(ua)![1] === newestChrome) onNewest++;
      }
      const e = /Edg\/(\d+)\./.exec(ua);
      if (e) {
        edge++;
        assert.equal(/Chrome\/(\d+)\./.exec(ua)![1], e[1], ua);
      }
      const phone = /Android (\d+); ([^)]+)\)/.exec(ua);
      if (phone) {
        phones.add(phone[2]!);
        // A phone runs the Android that was current when it came out, or a newer one.
        const launched = RELEASES.phone.find((p) => p.version === phone[2])!.releasedMs;
        const current = RELEASES.android.filter((a) => a.releasedMs <= launched).at(-1)!;
        assert.ok(Number(phone[1]) >= Number(current.version), ua);
      }
    }
    assert.ok(onNewest / chrome >= 0.2, `${date}: Chrome ${newestChrome} on ${((100 * onNewest) / chrome).toFixed(1)}% of Chrome users`);
    assert.ok(edge > 1000, `${edge} Edge users`);
    assert.ok(phones.size >= 4, `${date}: ${[...phones].join(', ')}`);
  });
}

test('a date before the release table draws its oldest versions; one after it, its newest ones', () => {
  const rng = new SeedSource(3).fork('devices');
  for (let i = 0; i < 2000; i++) {
    const old = drawDevice(rng, Date.parse('2020-01-01T00:00:00Z'));
    for (const n of namedVersions(old.userAgent))
      if (n.product !== 'phone' && n.product !== 'android') assert.equal(n.version, RELEASES[n.product][0]!.version, old.userAgent);
  }
  const late = Date.parse('2030-01-01T00:00:00Z');
  const newest = RELEASES.chrome.at(-1)!.version;
  const majors = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const m = /Chrome\/(\d+)\./.exec(drawDevice(rng, late).userAgent);
    if (m) majors.add(m[1]!);
  }
  assert.ok(majors.has(newest), [...majors].join(', '));
});
