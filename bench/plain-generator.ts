/**
 * The bench's yardstick: the plainest generator of the same kind of event — an object shaped
 * like ours, its fields drawn with Math.random, written with JSON.stringify in 64 KB writes.
 * No sessions, no journeys, no users: what any quick generator script does.
 *
 *   node bench/plain-generator.ts N > /dev/null
 */
import fs from 'node:fs';

const n = Number(process.argv[2] ?? 1_000_000);
const TYPES = ['page_view', 'product_view', 'search', 'add_to_cart', 'remove_from_cart', 'begin_checkout', 'complete_checkout', 'login'];
const SEGMENTS = ['new_visitor', 'returning_visitor', 'loyal_customer', 'power_user'];
const CITIES = [
  ['US', 'CA', 'San Francisco', 'America/Los_Angeles', 37.7749, -122.4194],
  ['US', 'NY', 'New York', 'America/New_York', 40.7128, -74.006],
  ['GB', 'England', 'London', 'Europe/London', 51.5074, -0.1278],
] as const;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const digits = (k: number): string => String(Math.floor(Math.random() * 10 ** k)).padStart(k, '0');

let t = Date.parse('2024-03-04T00:00:00Z');
let pending: string[] = [];
let size = 0;
for (let i = 0; i < n; i++) {
  t += Math.floor(Math.random() * 20);
  const city = pick(CITIES);
  const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
  const event = {
    event_id: `evt_${Math.floor(t / 1000)}_${digits(8)}_${i}`,
    event_type: pick(TYPES),
    timestamp: new Date(t).toISOString(),
    session_id: `sess_${Math.floor(t / 1000)}_user_${digits(9)}`,
    user_id: `user_${digits(9)}`,
    user_segment: pick(SEGMENTS),
    page_info: { page_url: `https://shop.example.com/products/prod_${digits(5)}`, page_title: 'Product', page_category: 'product' },
    event_data: { product_id: `prod_${digits(5)}`, product_category: 'electronics', price: Math.round(Math.random() * 50000) / 100 },
    device_info: {
      type: 'desktop',
      os: 'Windows',
      browser: 'Chrome',
      user_agent: ua,
      screen_resolution: '1920x1080',
      viewport_size: '1536x864',
    },
    location: { country: city[0], state: city[1], city: city[2], timezone: city[3], latitude: city[4], longitude: city[5] },
    referrer: { type: 'organic', source: 'google.com', utm_source: null, utm_medium: null, utm_campaign: null },
    session_info: {
      session_start: new Date(t - 60_000).toISOString(),
      events_in_session: 1 + Math.floor(Math.random() * 10),
      session_duration_so_far: Math.floor(Math.random() * 600),
      is_new_session: Math.random() < 0.3,
    },
    technical_info: {
      ip_address: `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`,
      user_agent: ua,
      page_load_time_ms: Math.floor(200 + Math.random() * 3000),
      time_on_page_ms: Math.floor(Math.random() * 120_000),
    },
  };
  const line = JSON.stringify(event) + '\n';
  pending.push(line);
  size += line.length;
  if (size >= 65_536) {
    fs.writeSync(1, pending.join(''));
    pending = [];
    size = 0;
  }
}
if (pending.length > 0) fs.writeSync(1, pending.join(''));
