import { CHANNELS } from './behaviour.ts';
import { Discrete } from './distributions.ts';
import type { Rng } from './rng.ts';

export interface Referrer {
  readonly type: 'organic' | 'direct' | 'paid' | 'social' | 'email' | 'referral';
  readonly source: string | null;
  readonly utmSource: string | null;
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
  /** Position in REFERRERS, the same in every run: other layers key what they keep per referrer by it. */
  readonly index: number;
  /** Position of `type` in CHANNELS. */
  readonly channel: number;
}

const TYPES = CHANNELS;
/** Share of sessions by channel, in the order of CHANNELS. */
export const CHANNEL_SHARE = [0.34, 0.26, 0.15, 0.12, 0.08, 0.05] as const;

const ORGANIC = ['google.com', 'google.com', 'google.com', 'bing.com', 'duckduckgo.com', 'yahoo.com', 'ecosia.org'];
const PAID = [
  { source: 'google.com', utm: 'google' },
  { source: 'google.com', utm: 'google' },
  { source: 'bing.com', utm: 'bing' },
  { source: 'facebook.com', utm: 'meta' },
  { source: 'instagram.com', utm: 'meta' },
];
const SOCIAL = ['facebook.com', 'instagram.com', 'tiktok.com', 'pinterest.com', 'x.com', 'youtube.com', 'reddit.com'];
const REFERRAL = ['slickdeals.net', 'wirecutter.com', 'reddit.com', 'techradar.com', 'honey.com', 'rakuten.com'];

/** Campaign names (`utm_campaign`) by the channels that carry them. */
export interface Campaigns {
  readonly paid: readonly string[];
  readonly social: readonly string[];
  readonly email: readonly string[];
}

export const CAMPAIGNS: Campaigns = {
  paid: ['brand_search', 'generic_search', 'shopping_feed', 'retargeting', 'seasonal_sale', 'new_arrivals'],
  social: ['influencer_collab', 'organic_post', 'story_promo', 'holiday_gift_guide'],
  email: ['weekly_deals', 'abandoned_cart', 'welcome_series', 'loyalty_rewards', 'back_in_stock'],
};

type ReferrerType = Referrer['type'];
type Fields = Omit<Referrer, 'index' | 'channel'>;

/**
 * Where sessions come from: the channel mix and the campaigns. Every referrer a session can
 * have is built once and shared (one object per drawable value), grouped by type; within a
 * type, the index of the first draw varies slowest.
 */
export class Referrers {
  readonly all: readonly Referrer[];
  readonly channelShare: readonly number[];
  readonly campaigns: Campaigns;
  private readonly offset: Readonly<Record<ReferrerType, number>>;
  private readonly typeShare: Discrete;
  /** Referrers retagged with a flash sale's campaign, by `tagKey`. */
  private readonly retagged = new Map<string, Referrer>();

  /** `episodeCampaigns`: campaigns of flash sales, given to sessions with a campaign in their windows (see `tagged`). */
  constructor(channelShare: readonly number[] = CHANNEL_SHARE, campaigns: Campaigns = CAMPAIGNS, episodeCampaigns: readonly string[] = []) {
    this.channelShare = channelShare;
    this.campaigns = campaigns;
    this.typeShare = new Discrete([...channelShare]);
    const referrers: Referrer[] = [];
    const offsets = {} as Record<ReferrerType, number>;
    const add = (fields: Fields): void => {
      referrers.push(Object.freeze({ ...fields, index: referrers.length, channel: CHANNELS.indexOf(fields.type) }));
    };
    for (const type of TYPES) {
      offsets[type] = referrers.length;
      switch (type) {
        case 'organic':
          for (const source of ORGANIC) add({ type, source, utmSource: null, utmMedium: null, utmCampaign: null });
          break;
        case 'direct':
          add({ type, source: null, utmSource: null, utmMedium: null, utmCampaign: null });
          break;
        case 'paid':
          for (const { source, utm } of PAID)
            for (const campaign of campaigns.paid) add({ type, source, utmSource: utm, utmMedium: 'cpc', utmCampaign: campaign });
          break;
        case 'social':
          for (const source of SOCIAL) {
            for (const campaign of campaigns.social)
              add({ type, source, utmSource: source.replace(/\.com$/, ''), utmMedium: 'social', utmCampaign: campaign });
          }
          break;
        case 'email':
          for (const campaign of campaigns.email)
            add({ type, source: 'newsletter', utmSource: 'newsletter', utmMedium: 'email', utmCampaign: campaign });
          break;
        case 'referral':
          for (const source of REFERRAL) add({ type, source, utmSource: null, utmMedium: null, utmCampaign: null });
          break;
      }
    }
    // After every drawable referrer, so indexes of those stay the same with or without episodes.
    for (const [k, campaign] of episodeCampaigns.entries()) {
      for (const r of referrers.slice()) {
        if (r.utmCampaign === null || this.retagged.has(tagKey(r, k))) continue;
        const { index: _, channel: __, ...fields } = r;
        add({ ...fields, utmCampaign: campaign });
        this.retagged.set(tagKey(r, k), referrers[referrers.length - 1]!);
      }
    }
    this.all = Object.freeze(referrers);
    this.offset = Object.freeze(offsets);
  }

  /** The direct referrer (no source, no campaign). */
  get direct(): Referrer {
    return this.all[this.offset.direct]!;
  }

  /** `r` with the campaign of flash sale `k` instead of its own (one without a campaign stays as it is). */
  tagged(r: Referrer, k: number): Referrer {
    return r.utmCampaign === null ? r : this.retagged.get(tagKey(r, k))!;
  }

  /** Where a session came from; UTM fields are set for paid, social and email traffic only. */
  draw(rng: Rng): Referrer {
    const type = TYPES[this.typeShare.sample(rng)]!;
    const all = this.all;
    const c = this.campaigns;
    switch (type) {
      case 'organic':
        return all[this.offset.organic + rng.int(ORGANIC.length)]!;
      case 'direct':
        return all[this.offset.direct]!;
      case 'paid': {
        const i = rng.int(PAID.length);
        return all[this.offset.paid + i * c.paid.length + rng.int(c.paid.length)]!;
      }
      case 'social': {
        const i = rng.int(SOCIAL.length);
        return all[this.offset.social + i * c.social.length + rng.int(c.social.length)]!;
      }
      case 'email':
        return all[this.offset.email + rng.int(c.email.length)]!;
      default:
        return all[this.offset.referral + rng.int(REFERRAL.length)]!;
    }
  }

  /**
   * The referrer as it fits the user and the date: an abandoned-cart email goes only to someone
   * with something in their cart (and a loyalty email not to a first-time visitor), a holiday
   * campaign runs only in November and December. Otherwise the campaign becomes the next one of
   * its kind that fits (same source and medium).
   */
  fit(r: Referrer, hasCart: boolean, segment: number, startMs: number): Referrer {
    if (r.utmCampaign === null || fits(r, hasCart, segment, startMs)) return r;
    const campaigns = (r.type === 'email' ? this.campaigns.email : r.type === 'social' ? this.campaigns.social : this.campaigns.paid)
      .length;
    const k = r.index - this.offset[r.type];
    const first = r.index - (k % campaigns);
    for (let step = 1; step < campaigns; step++) {
      const other = this.all[first + ((k + step) % campaigns)]!;
      if (fits(other, hasCart, segment, startMs)) return other;
    }
    return r;
  }
}

/** The seed's referrers. */
export const DEFAULT_REFERRERS = new Referrers();
export const REFERRERS: readonly Referrer[] = DEFAULT_REFERRERS.all;

function tagKey(r: Referrer, k: number): string {
  return `${k}|${r.type}|${r.source}|${r.utmSource}|${r.utmMedium}`;
}

const HOLIDAY_CAMPAIGNS: ReadonlySet<string> = new Set(['holiday_gift_guide']);
/** Months (0 = January) of the holiday season, when holiday campaigns run. */
const HOLIDAY_MONTHS: ReadonlySet<number> = new Set([10, 11]);

function fits(r: Referrer, hasCart: boolean, segment: number, startMs: number): boolean {
  const campaign = r.utmCampaign!;
  if (campaign === 'abandoned_cart') return hasCart;
  if (campaign === 'loyalty_rewards' || campaign === 'back_in_stock') return segment !== 0;
  if (HOLIDAY_CAMPAIGNS.has(campaign)) return HOLIDAY_MONTHS.has(new Date(startMs).getUTCMonth());
  return true;
}
