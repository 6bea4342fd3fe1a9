import type { EventRecord } from '../model/activity.ts';
import { BEHAVIOUR } from '../model/behaviour.ts';
import type { Product } from '../model/catalog.ts';
import { T } from '../model/event-types.ts';
import { CITIES } from '../model/geo.ts';
import { TimeHeap } from '../model/heap.ts';
import { hashString, mix32, Sfc32 } from '../model/rng.ts';
import { SEGMENTS } from '../model/segments.ts';
import { EntityRecord, STREAM, type EntityStream } from './records.ts';
import { orderLifecycle, type OrderStep } from './orders.ts';

const DAY_MS = 86_400_000;
/** An account made before the run is up to two years old. */
const PRE_RUN_SIGNUP_DAYS = 730;

/** An order whose later steps are still to come. */
interface PendingOrder {
  timeMs: number;
  seq: number;
  readonly id: string;
  readonly userId: string;
  readonly totalCents: number;
  readonly itemCount: number;
  readonly paymentMethod: string;
  readonly steps: readonly OrderStep[];
  /** The step whose time `timeMs` is. */
  next: number;
}

/** A user's version, packed in one number: segment (2 bits), registered, opted in, signup day + 1 (0 = none). */
const pack = (segment: number, registered: boolean, optIn: boolean, signupDay: number): number =>
  segment | (registered ? 4 : 0) | (optIn ? 8 : 0) | ((signupDay + 1) * 16);

const money = (cents: number): number => cents / 100;

/**
 * Follows the events of a run and says which entity records must be delivered before each:
 * a user's first sighting and every change of what is known of them, a product's first
 * reference and every price or stock change an event shows, and each order's lifecycle as
 * simulated time passes. It only reads the events (and the session's user behind them):
 * the model and the events are the same with or without it. What it draws (an order's later
 * steps, an earlier account's signup date) comes from a hash of the seed and the id, so the
 * same seed gives the same records.
 */
export class EntityTracker {
  private readonly users: boolean;
  private readonly products: boolean;
  private readonly orders: boolean;
  private readonly seedLo: number;
  private readonly seedHi: number;
  private readonly startDay: number;
  private readonly userState = new Map<string, number>();
  /** By product id (a flash sale's discounted copy is the same product): price in cents × 2 + in stock. */
  private readonly productState = new Map<string, number>();
  private readonly pending = new TimeHeap<PendingOrder>();
  private pendingSeq = 0;
  private out: EntityRecord[] = [];
  /** Time of the latest event seen. */
  lastEventMs = Number.NEGATIVE_INFINITY;

  constructor(streams: readonly EntityStream[], seed: number, startMs: number) {
    this.users = streams.includes('users');
    this.products = streams.includes('products');
    this.orders = streams.includes('orders');
    this.seedLo = (seed % 4294967296) >>> 0;
    this.seedHi = Math.floor(seed / 4294967296) >>> 0;
    this.startDay = Math.floor(startMs / DAY_MS);
  }

  /** Order steps still in the future. */
  get pendingOrders(): number {
    return this.pending.size;
  }

  /**
   * The records to deliver before `rec`, in time order: order steps due by its time, then
   * the versions it is the first to show. The array is reused by the next call.
   */
  observe(rec: EventRecord): readonly EntityRecord[] {
    this.out = [];
    this.due(rec.timeMs);
    this.lastEventMs = rec.timeMs;
    if (this.users) this.user(rec);
    if (this.products) {
      switch (rec.type) {
        case T.PRODUCT_VIEW:
          this.product(rec.timeMs, rec.product, rec.product.priceCents, rec.inStock);
          break;
        case T.ADD_TO_CART:
        case T.REMOVE_FROM_CART:
        case T.WISHLIST_ADD:
          this.product(rec.timeMs, rec.product, rec.priceCents, null);
          break;
        case T.REVIEW_WRITE:
          this.product(rec.timeMs, rec.product, null, null);
          break;
      }
    }
    if (this.orders && rec.type === T.COMPLETE_CHECKOUT) this.placeOrder(rec.timeMs, rec.orderId, rec);
    return this.out;
  }

  /** The order steps due by `endMs` (inclusive), at the end of a run; later ones are never emitted. */
  finish(endMs: number): readonly EntityRecord[] {
    this.out = [];
    this.due(endMs);
    return this.out;
  }

  private due(timeMs: number): void {
    const heap = this.pending;
    for (let top = heap.peek(); top !== undefined && top.timeMs <= timeMs; top = heap.peek()) {
      heap.pop();
      this.orderRecord(top, top.steps[top.next]!);
      if (++top.next < top.steps.length) {
        top.timeMs = top.steps[top.next]!.timeMs;
        top.seq = this.pendingSeq++;
        heap.push(top);
      }
    }
  }

  private user(rec: EventRecord): void {
    const session = rec.session;
    const id = session.user.id;
    const before = this.userState.get(id);
    let registered = session.hasAccount;
    let optIn: boolean;
    let signupDay: number;
    if (before === undefined) {
      if (registered && rec.type !== T.ACCOUNT_CREATE) {
        // An account from before the run: its date and consent come from the user's own hash.
        const rng = this.stream('user', id);
        signupDay = this.startDay - 1 - Math.floor(rng.next() * PRE_RUN_SIGNUP_DAYS);
        optIn = rng.next() < BEHAVIOUR.accountCreate.marketingOptIn;
      } else {
        signupDay = -1;
        optIn = false;
      }
    } else {
      registered ||= (before & 4) !== 0;
      optIn = (before & 8) !== 0;
      signupDay = Math.floor(before / 16) - 1;
    }
    if (rec.type === T.ACCOUNT_CREATE && (before === undefined || (before & 4) === 0)) {
      signupDay = Math.floor(rec.timeMs / DAY_MS);
      optIn ||= rec.marketingOptIn;
    }
    if (rec.type === T.NEWSLETTER_SIGNUP) optIn = true;
    const now = pack(session.segment, registered, optIn, signupDay);
    if (now === before) return;
    this.userState.set(id, now);
    const user = session.user;
    const city = CITIES[user.city]!;
    const value = JSON.stringify({
      user_id: id,
      updated_at: new Date(rec.timeMs).toISOString(),
      segment: SEGMENTS[session.segment],
      account_status: registered ? 'registered' : 'guest',
      signup_date: signupDay < 0 ? null : new Date(signupDay * DAY_MS).toISOString().slice(0, 10),
      marketing_opt_in: optIn,
      city: city.city,
      country: city.country,
      device_type: user.device.type,
      os: user.device.os,
    });
    this.out.push(new EntityRecord(STREAM.users, id, rec.timeMs, value));
  }

  /** A product as an event shows it: its price and stock (null = the event does not show it). */
  private product(timeMs: number, product: Product, priceCents: number | null, inStock: boolean | null): void {
    const before = this.productState.get(product.id);
    // Before any event says otherwise, a product is in stock at its catalog price.
    const price = priceCents ?? (before === undefined ? product.priceCents : Math.floor(before / 2));
    const stock = inStock ?? (before === undefined ? true : (before & 1) === 1);
    const now = price * 2 + (stock ? 1 : 0);
    if (now === before) return;
    this.productState.set(product.id, now);
    const value = JSON.stringify({
      product_id: product.id,
      updated_at: new Date(timeMs).toISOString(),
      name: product.name,
      category: product.category,
      price: money(price),
      in_stock: stock,
    });
    this.out.push(new EntityRecord(STREAM.products, product.id, timeMs, value));
  }

  private placeOrder(timeMs: number, id: string, rec: EventRecord & { type: typeof T.COMPLETE_CHECKOUT }): void {
    const order: PendingOrder = {
      timeMs,
      seq: this.pendingSeq++,
      id,
      userId: rec.session.user.id,
      totalCents: rec.orderValueCents,
      itemCount: rec.itemCount,
      paymentMethod: rec.paymentMethod,
      steps: orderLifecycle(this.stream('order', id), timeMs),
      next: 1,
    };
    this.orderRecord(order, order.steps[0]!);
    order.timeMs = order.steps[1]!.timeMs;
    this.pending.push(order);
  }

  private orderRecord(order: PendingOrder, step: OrderStep): void {
    const value = JSON.stringify({
      order_id: order.id,
      updated_at: new Date(step.timeMs).toISOString(),
      status: step.status,
      user_id: order.userId,
      total: money(order.totalCents),
      item_count: order.itemCount,
      payment_method: order.paymentMethod,
    });
    this.out.push(new EntityRecord(STREAM.orders, order.id, step.timeMs, value));
  }

  /** A random stream of its own for `id`, from the seed: the same id in the same run draws the same. */
  private stream(label: string, id: string): Sfc32 {
    const h1 = hashString(id, hashString(label));
    const h2 = hashString(id, 0x9747b28c);
    return new Sfc32(
      mix32(this.seedLo ^ h1),
      mix32(this.seedHi ^ h2),
      mix32(h1 ^ 0x165667b1),
      mix32(this.seedLo ^ Math.imul(h2, 0x61c88647)),
    );
  }
}
