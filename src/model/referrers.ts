import { Discrete } from './distributions.ts';
import type { Rng } from './rng.ts';

export interface Referrer {
  readonly type: 'organic' | 'direct' | 'paid' | 'social' | 'email' | 'referral';
  readonly source: string | null;
  readonly utmSource: string | null;
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
  /** A slot the serializer may use to cache this referrer's constant JSON. */
  cache: unknown;
}

const TYPES = ['organic', 'direct', 'paid', 'social', 'email', 'referral'] as const;
const TYPE_SHARE = new Discrete([0.34, 0.26, 0.15, 0.12, 0.08, 0.05]);

const ORGANIC = ['google.com', 'google.com', 'google.com', 'bing.com', 'duckduckgo.com', 'yahoo.com', 'ecosia.org'];
const PAID = [
  { source: 'google.com', utm: 'google' },
  { source: 'google.com', utm: 'google' },
  { source: 'bing.com', utm: 'bing' },
  { source: 'facebook.com', utm: 'meta' },
  { source: 'instagram.com', utm: 'meta' },
];
const PAID_CAMPAIGNS = ['brand_search', 'generic_search', 'shopping_feed', 'retargeting', 'seasonal_sale', 'new_arrivals'];
const SOCIAL = ['facebook.com', 'instagram.com', 'tiktok.com', 'pinterest.com', 'x.com', 'youtube.com', 'reddit.com'];
const SOCIAL_CAMPAIGNS = ['influencer_collab', 'organic_post', 'story_promo', 'holiday_gift_guide'];
const EMAIL_CAMPAIGNS = ['weekly_deals', 'abandoned_cart', 'welcome_series', 'loyalty_rewards', 'back_in_stock'];
const REFERRAL = ['slickdeals.net', 'wirecutter.com', 'reddit.com', 'techradar.com', 'honey.com', 'rakuten.com'];

/** Referrers are shared: one object per distinct value, drawn by index. */
const INTERNED = new Map<number, Referrer>();

function intern(key: number, make: () => Omit<Referrer, 'cache'>): Referrer {
  let r = INTERNED.get(key);
  if (r === undefined) {
    r = { ...make(), cache: undefined };
    INTERNED.set(key, r);
  }
  return r;
}

/** Where a session came from; UTM fields are set for paid, social and email traffic only. */
export function drawReferrer(rng: Rng): Referrer {
  const t = TYPE_SHARE.sample(rng);
  const type = TYPES[t]!;
  switch (type) {
    case 'organic': {
      const i = rng.int(ORGANIC.length);
      return intern(t * 4096 + i, () => ({ type, source: ORGANIC[i]!, utmSource: null, utmMedium: null, utmCampaign: null }));
    }
    case 'direct':
      return intern(t * 4096, () => ({ type, source: null, utmSource: null, utmMedium: null, utmCampaign: null }));
    case 'paid': {
      const i = rng.int(PAID.length);
      const j = rng.int(PAID_CAMPAIGNS.length);
      return intern(t * 4096 + i * 64 + j, () => ({ type, source: PAID[i]!.source, utmSource: PAID[i]!.utm, utmMedium: 'cpc', utmCampaign: PAID_CAMPAIGNS[j]! }));
    }
    case 'social': {
      const i = rng.int(SOCIAL.length);
      const j = rng.int(SOCIAL_CAMPAIGNS.length);
      const source = SOCIAL[i]!;
      return intern(t * 4096 + i * 64 + j, () => ({ type, source, utmSource: source.replace(/\.com$/, ''), utmMedium: 'social', utmCampaign: SOCIAL_CAMPAIGNS[j]! }));
    }
    case 'email': {
      const j = rng.int(EMAIL_CAMPAIGNS.length);
      return intern(t * 4096 + j, () => ({ type, source: 'newsletter', utmSource: 'newsletter', utmMedium: 'email', utmCampaign: EMAIL_CAMPAIGNS[j]! }));
    }
    default: {
      const i = rng.int(REFERRAL.length);
      return intern(t * 4096 + i, () => ({ type, source: REFERRAL[i]!, utmSource: null, utmMedium: null, utmCampaign: null }));
    }
  }
}
