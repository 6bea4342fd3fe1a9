import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_REFERRERS, REFERRERS } from '../../src/model/referrers.ts';
import { SeedSource } from '../../src/model/rng.ts';

test('every referrer is in the table at its index; UTM fields only for paid, social and email traffic', () => {
  REFERRERS.forEach((r, i) => {
    assert.equal(r.index, i);
    const tagged = r.type === 'paid' || r.type === 'social' || r.type === 'email';
    for (const utm of [r.utmSource, r.utmMedium, r.utmCampaign]) assert.equal(utm !== null, tagged, `${r.type} ${r.source}`);
    assert.equal(r.source === null, r.type === 'direct');
  });
});

test('referrer types follow their shares (200,000 draws), drawn from the table', () => {
  const rng = new SeedSource(3).fork('referrers');
  const n = 200_000;
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = DEFAULT_REFERRERS.draw(rng);
    assert.equal(REFERRERS[r.index], r);
    counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  }
  const expected = { organic: 0.34, direct: 0.26, paid: 0.15, social: 0.12, email: 0.08, referral: 0.05 };
  for (const [type, share] of Object.entries(expected)) {
    const got = (counts.get(type) ?? 0) / n;
    assert.ok(Math.abs(got - share) < 0.005, `${type}: ${got} vs ${share}`);
  }
});
