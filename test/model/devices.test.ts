import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BOT_DEVICE_COUNT,
  BOT_DEVICE_OFFSET,
  DEVICES,
  OS_MIX,
  OS_UA_MARKER,
  drawDevice,
  type DeviceProfile,
} from '../../src/model/devices.ts';

/** The devices a shopper can have (a bot wave's crawlers come after them). */
const SHOPPERS = DEVICES.slice(0, BOT_DEVICE_OFFSET);
import { SeedSource } from '../../src/model/rng.ts';

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
    assert.equal(d.index, i, 'index is the position in DEVICES');
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
    assert.match(d.userAgent, /bot|Headless|python-requests|Scrapy/i);
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
    const d = drawDevice(rng);
    assert.equal(DEVICES[d.index], d);
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
    return Array.from({ length: 1000 }, () => drawDevice(rng).index);
  };
  assert.deepEqual(draw(1), draw(1));
  assert.notDeepEqual(draw(1), draw(2));
  assert.ok(new Set(draw(1)).size > 200, 'a thousand draws reach most of the table');
});

test("Edge's major version is its Chromium's", () => {
  let edge = 0;
  for (const d of DEVICES) {
    const e = /Edg\/(\d+)\./.exec(d.userAgent);
    if (!e) continue;
    edge++;
    assert.equal(/Chrome\/(\d+)\./.exec(d.userAgent)?.[1], e[1], d.userAgent);
  }
  assert.ok(edge > 0);
});
