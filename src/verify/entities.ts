import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { ENTITY_STREAMS, STREAM, type EntityStream } from '../entities/records.ts';
import type { CheckResult, ReadBack } from './check.ts';

/** The JSON Schema of each entity stream, as shipped with the package. */
export function loadEntityValidators(): ValidateFunction[] {
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  return ENTITY_STREAMS.map((stream) => {
    const file = `${stream.slice(0, -1)}.schema.json`;
    for (const up of [`../../schema/${file}`, `../../../schema/${file}`]) {
      const url = new URL(up, import.meta.url);
      if (fs.existsSync(url)) return ajv.compile(JSON.parse(fs.readFileSync(url, 'utf8')));
    }
    throw new Error(`schema/${file} not found next to the package`);
  });
}

/** One product version: when, its price in cents, in stock. */
interface ProductVersion {
  t: number;
  cents: number;
  inStock: boolean;
}

interface OrderSeen {
  createdMs: number;
  status: string;
  lastMs: number;
  userId: string;
  total: number;
}

/** The statuses an order may move to from each status. */
const NEXT_STATUS: Readonly<Record<string, readonly string[]>> = {
  created: ['paid'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: ['refunded'],
  cancelled: [],
  refunded: [],
};

const MAX_EXAMPLES = 5;
const cents = (price: unknown): number => Math.round(Number(price) * 100);

/**
 * Referential integrity of a run's entity streams: every user and product an event names has
 * a record at or before the event (a product's in effect then shows the price and stock the
 * event shows), every completed checkout has its order's `created` record, and each order's
 * records follow its lifecycle. The entity streams are read first, then the events.
 */
export class EntityCheck {
  readonly streams: readonly EntityStream[];
  private readonly validators = loadEntityValidators();
  private readonly records = [0, 0, 0];
  private readonly firstUserMs = new Map<string, number>();
  private readonly products = new Map<string, ProductVersion[]>();
  private readonly orders = new Map<string, OrderSeen>();
  private readonly found = ENTITY_STREAMS.map(() => ({ count: 0, examples: [] as string[] }));
  private sorted = false;

  constructor(streams: readonly EntityStream[]) {
    this.streams = streams;
  }

  private problem(stream: number, example: string): void {
    const f = this.found[stream]!;
    f.count++;
    if (f.examples.length < MAX_EXAMPLES) f.examples.push(example);
  }

  /** One record of an entity stream, in read order. */
  addEntity(stream: EntityStream, record: ReadBack): void {
    const s = STREAM[stream];
    this.records[s]!++;
    const where = `${stream} ${record.partition === undefined ? `line ${record.position}` : `partition ${record.partition} offset ${record.position}`}`;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(record.value);
    } catch {
      this.problem(s, `${where}: not JSON`);
      return;
    }
    const validate = this.validators[s]!;
    if (!validate(value)) {
      const e = validate.errors?.[0];
      this.problem(s, `${where}: ${e ? `${e.instancePath || '/'} ${e.message}` : 'invalid'}`);
      return;
    }
    const t = Date.parse(String(value.updated_at));
    const id = String(value[stream === 'users' ? 'user_id' : stream === 'products' ? 'product_id' : 'order_id']);
    if (record.key !== undefined && record.key !== id) this.problem(s, `${where}: key ${record.key} is not the record's id ${id}`);
    if (stream === 'users') {
      const first = this.firstUserMs.get(id);
      if (first === undefined || t < first) this.firstUserMs.set(id, t);
    } else if (stream === 'products') {
      let versions = this.products.get(id);
      if (versions === undefined) this.products.set(id, (versions = []));
      versions.push({ t, cents: cents(value.price), inStock: value.in_stock === true });
    } else {
      this.addOrder(id, value, t, where);
    }
  }

  private addOrder(id: string, value: Record<string, unknown>, t: number, where: string): void {
    const status = String(value.status);
    const seen = this.orders.get(id);
    if (seen === undefined) {
      if (status !== 'created') this.problem(STREAM.orders, `${where}: order ${id} starts with ${status}, not created`);
      this.orders.set(id, { createdMs: t, status, lastMs: t, userId: String(value.user_id), total: cents(value.total) });
      return;
    }
    if (!NEXT_STATUS[seen.status]!.includes(status) || t < seen.lastMs) {
      this.problem(STREAM.orders, `${where}: order ${id} goes from ${seen.status} to ${status} at ${String(value.updated_at)}`);
    }
    seen.status = status;
    seen.lastMs = t;
  }

  /** One distinct event (parsed), after every entity record has been added. */
  addEvent(
    event: {
      event_type?: unknown;
      user_id?: unknown;
      timestamp?: unknown;
      page_info?: { product_id?: unknown };
      event_data?: { product_id?: unknown; price?: unknown; in_stock?: unknown; order_id?: unknown; order_value?: unknown };
    },
    where: string,
  ): void {
    if (!this.sorted) {
      for (const versions of this.products.values()) versions.sort((a, b) => a.t - b.t);
      this.sorted = true;
    }
    const t = Date.parse(String(event.timestamp));
    if (this.streams.includes('users')) {
      const first = this.firstUserMs.get(String(event.user_id));
      if (first === undefined || first > t) {
        this.problem(STREAM.users, `${where}: user ${String(event.user_id)} has no record at or before ${String(event.timestamp)}`);
      }
    }
    const data = event.event_data ?? {};
    if (this.streams.includes('products')) {
      const id = data.product_id ?? event.page_info?.product_id;
      if (id !== undefined) this.checkProduct(String(id), t, data, where, String(event.timestamp));
    }
    if (this.streams.includes('orders') && event.event_type === 'complete_checkout') {
      const order = this.orders.get(String(data.order_id));
      if (order === undefined || order.createdMs > t) {
        this.problem(
          STREAM.orders,
          `${where}: order ${String(data.order_id)} has no created record at or before ${String(event.timestamp)}`,
        );
      } else if (order.userId !== event.user_id || order.total !== cents(data.order_value)) {
        this.problem(STREAM.orders, `${where}: order ${String(data.order_id)} is not the checkout's user and total`);
      }
    }
  }

  private checkProduct(id: string, t: number, data: { price?: unknown; in_stock?: unknown }, where: string, time: string): void {
    const versions = this.products.get(id);
    // The last version at or before t: the one in effect (or, at the same millisecond, any of those made then).
    let hi = versions === undefined ? 0 : versions.length;
    for (let lo = 0; lo < hi; ) {
      const mid = (lo + hi) >>> 1;
      if (versions![mid]!.t <= t) lo = mid + 1;
      else hi = mid;
    }
    if (versions === undefined || hi === 0) {
      this.problem(STREAM.products, `${where}: product ${id} has no record at or before ${time}`);
      return;
    }
    const shows = (v: ProductVersion): boolean =>
      (data.price === undefined || cents(data.price) === v.cents) && (data.in_stock === undefined || data.in_stock === v.inStock);
    for (let i = hi - 1; i >= 0; i--) {
      const v = versions[i]!;
      if (shows(v)) return;
      if (v.t < t) break;
    }
    this.problem(STREAM.products, `${where}: product ${id} at ${time} shows a price or stock that no record in effect then has`);
  }

  results(): CheckResult[] {
    const f = this.found;
    const out: CheckResult[] = [];
    if (this.streams.includes('users')) {
      out.push({
        check: 'users',
        ok: f[0]!.count === 0,
        count: f[0]!.count,
        examples: f[0]!.examples,
        detail: `${this.records[0]} user records of ${this.firstUserMs.size} users; ${f[0]!.count} problems (an event's user without a record at or before it, or an invalid record)`,
      });
    }
    if (this.streams.includes('products')) {
      out.push({
        check: 'products',
        ok: f[1]!.count === 0,
        count: f[1]!.count,
        examples: f[1]!.examples,
        detail: `${this.records[1]} product records of ${this.products.size} products; ${f[1]!.count} problems (an event's product without a record in effect, another price or stock, or an invalid record)`,
      });
    }
    if (this.streams.includes('orders')) {
      out.push({
        check: 'orders',
        ok: f[2]!.count === 0,
        count: f[2]!.count,
        examples: f[2]!.examples,
        detail: `${this.records[2]} order records of ${this.orders.size} orders; ${f[2]!.count} problems (a checkout without its created record, a step out of lifecycle order, or an invalid record)`,
      });
    }
    return out;
  }
}
