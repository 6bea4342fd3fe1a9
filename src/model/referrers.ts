import { Discrete } from './distributions.ts';
import type { Rng } from './rng.ts';

export interface Referrer {
  readonly type: 'organic' | 'direct' | 'paid' | 'social' | 'email' | 'referral';
  readonly source: string | null;
  readonly utmSource: string | null;
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
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

function one<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)]!;
}

/** Where a session came from; UTM fields are set for paid, social and email traffic only. */
export function drawReferrer(rng: Rng): Referrer {
  const type = TYPES[TYPE_SHARE.sample(rng)]!;
  switch (type) {
    case 'organic':
      return { type, source: one(rng, ORGANIC), utmSource: null, utmMedium: null, utmCampaign: null };
    case 'direct':
      return { type, source: null, utmSource: null, utmMedium: null, utmCampaign: null };
    case 'paid': {
      const p = one(rng, PAID);
      return { type, source: p.source, utmSource: p.utm, utmMedium: 'cpc', utmCampaign: one(rng, PAID_CAMPAIGNS) };
    }
    case 'social': {
      const source = one(rng, SOCIAL);
      return { type, source, utmSource: source.replace(/\.com$/, ''), utmMedium: 'social', utmCampaign: one(rng, SOCIAL_CAMPAIGNS) };
    }
    case 'email':
      return { type, source: 'newsletter', utmSource: 'newsletter', utmMedium: 'email', utmCampaign: one(rng, EMAIL_CAMPAIGNS) };
    default:
      return { type, source: one(rng, REFERRAL), utmSource: null, utmMedium: null, utmCampaign: null };
  }
}
