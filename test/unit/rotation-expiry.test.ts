// When a rotation's twin expires: never "not at all" by accident. Each basis of the default, the
// caps of the policy and of the backend, and the refusal to guess.
import { describe, expect, it } from 'vitest';
import type { KeyTypeOption } from '../../src-preload/contract.ts';
import { AppError } from '../../src-main/errors.ts';
import { planExpiry, twinExpiry } from '../../src-main/services/rotation-expiry.ts';
import { NO_POLICY } from '../../src-main/store/policies.ts';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

const type = (expiry: KeyTypeOption['expiry'], maxDays?: number): KeyTypeOption => ({
  id: 't',
  label: 'T',
  scopeKinds: ['org'],
  name: { required: false, maxLength: 10 },
  description: { supported: false, maxLength: 0 },
  expiry,
  ...(maxDays ? { expiryInDays: { max: maxDays } } : {}),
});

describe('a rotation twin’s expiry', () => {
  it('gives the twin the old key’s lifetime where the backend says when the key was made', () => {
    const plan = planExpiry({ createdAt: NOW - 10 * DAY, expiresAt: NOW + 20 * DAY }, type('optional'), NO_POLICY, NOW);
    expect(plan).toEqual({ supported: true, default: NOW + 30 * DAY, basis: 'lifetime', oldExpiresAt: NOW + 20 * DAY, expiryRequired: false });
  });

  it('gives it the old key’s remaining time where the creation date is unknown (deepset)', () => {
    const plan = planExpiry({ createdAt: null, expiresAt: NOW + 20 * DAY }, type('optional'), NO_POLICY, NOW);
    expect(plan).toMatchObject({ default: NOW + 20 * DAY, basis: 'remaining' });
    expect(twinExpiry(plan, undefined)).toBe(NOW + 20 * DAY);
  });

  it('falls back on the policy’s longest lifetime, and caps every default by it and by the backend', () => {
    const policy = { ...NO_POLICY, maxLifetimeDays: 30 };
    expect(planExpiry({ createdAt: null, expiresAt: NOW - DAY }, type('optional'), policy, NOW)).toMatchObject({ default: NOW + 30 * DAY, basis: 'policy', expiryRequired: true });
    expect(planExpiry({ createdAt: NOW - 100 * DAY, expiresAt: NOW + 100 * DAY }, type('optional'), policy, NOW)).toMatchObject({ default: NOW + 30 * DAY, basis: 'policy' });
    expect(planExpiry({ createdAt: NOW - 100 * DAY, expiresAt: NOW + 100 * DAY }, type('optional', 7), NO_POLICY, NOW)).toMatchObject({ default: NOW + 7 * DAY, basis: 'policy' });
  });

  it('asks, rather than make a key that never expires, when nothing tells how long it should last', () => {
    const plan = planExpiry({ createdAt: null, expiresAt: NOW - DAY }, type('optional'), NO_POLICY, NOW);
    expect(plan).toMatchObject({ default: null, basis: 'choose' });
    expect(() => twinExpiry(plan, undefined)).toThrow(AppError);
    expect(() => twinExpiry(plan, undefined)).toThrow(/Choose when the new key expires/);
    // The user's own choice stands, "never" included: it is not silent.
    expect(twinExpiry(plan, NOW + 5 * DAY)).toBe(NOW + 5 * DAY);
    expect(twinExpiry(plan, null)).toBeUndefined();
    // A policy that requires an expiry of a key that had none asks too (the wizard's plan); left
    // unanswered, the policy's own check refuses the twin in its words.
    const required = planExpiry({ createdAt: null, expiresAt: null }, type('optional'), { ...NO_POLICY, requireExpiry: true }, NOW);
    expect(required).toMatchObject({ basis: 'choose', expiryRequired: true });
    expect(twinExpiry(required, undefined)).toBeUndefined();
  });

  it('keeps "never" for a key that never expired, and says when expiry does not apply', () => {
    expect(planExpiry({ createdAt: NOW - DAY, expiresAt: null }, type('optional'), NO_POLICY, NOW)).toMatchObject({ default: null, basis: 'never' });
    const unsupported = planExpiry({ createdAt: NOW - DAY, expiresAt: null }, type('unsupported'), NO_POLICY, NOW);
    expect(unsupported).toMatchObject({ supported: false, basis: 'unsupported' });
    expect(twinExpiry(unsupported, NOW + DAY)).toBeUndefined();
  });
});
