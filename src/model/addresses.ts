import { Discrete } from './distributions.ts';

type Draw = { next(): number; int(n: number): number };

/** An address block: `size` addresses from `base` (packed in 32 bits, unsigned). */
interface Block {
  readonly base: number;
  readonly size: number;
}

const octets = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** `10.20.0.0/16` → its block; null when it is not an IPv4 CIDR block (with a prefix of 8 to 30). */
export function parseBlock(text: string): Block | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (parts.some((p) => p > 255) || prefix < 8 || prefix > 30) return null;
  const size = 2 ** (32 - prefix);
  const base = octets(parts[0]!, parts[1]!, parts[2]!, parts[3]!);
  return { base: base - (base % size), size };
}

/**
 * Where users' addresses come from. Each private (RFC 1918) and documentation (RFC 5737)
 * range is cut into blocks per city, so an address belongs to one city, as a geolocation
 * database would say: with 7 cities, 36 /16s of 10/8, 2 /16s of 172.16/12, 36 /24s of
 * 192.168/16, 36 hosts of each documentation /24. A city may instead list its own blocks.
 */
export class AddressPlan {
  private readonly range: Discrete;
  private readonly cityCount: number;
  private readonly own: readonly (readonly Block[] | null)[];
  private readonly ownPick: readonly (Discrete | null)[];

  constructor(rangeShares: readonly number[], cityBlocks: readonly (readonly string[] | undefined)[]) {
    this.range = new Discrete([...rangeShares]);
    this.cityCount = cityBlocks.length;
    this.own = cityBlocks.map((blocks) => (blocks && blocks.length > 0 ? blocks.map((b) => parseBlock(b)!) : null));
    this.ownPick = this.own.map((blocks) => (blocks ? new Discrete(blocks.map((b) => b.size)) : null));
  }

  /** An address of `city`, packed in 32 bits. */
  draw(rng: Draw, city: number): number {
    const own = this.own[city];
    if (own) {
      const block = own[this.ownPick[city]!.pick(rng.next())]!;
      // Neither the block's first nor its last address (network and broadcast).
      return (block.base + 1 + rng.int(block.size - 2)) >>> 0;
    }
    const n = this.cityCount;
    const per = Math.max(1, Math.floor(256 / n));
    const hosts = Math.max(1, Math.floor(254 / n));
    switch (this.range.pick(rng.next())) {
      case 0:
        return octets(10, (city * per + rng.int(per)) & 255, rng.int(256), 1 + rng.int(254));
      case 1: {
        const per172 = Math.max(1, Math.floor(16 / n));
        return octets(172, 16 + ((city * per172 + rng.int(per172)) & 15), rng.int(256), 1 + rng.int(254));
      }
      case 2:
        return octets(192, 168, (city * per + rng.int(per)) & 255, 1 + rng.int(254));
      case 3:
        return octets(192, 0, 2, 1 + ((city * hosts + rng.int(hosts)) % 254));
      case 4:
        return octets(198, 51, 100, 1 + ((city * hosts + rng.int(hosts)) % 254));
      default:
        return octets(203, 0, 113, 1 + ((city * hosts + rng.int(hosts)) % 254));
    }
  }
}

export function ipText(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
}
