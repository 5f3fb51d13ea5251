// When a rotation's twin expires. A rotation never silently drops an expiry: the twin gets the old
// key's lifetime where it is known (created … expires), else what the old key had left, else the
// organization's longest allowed lifetime; where none of these can be told, the user must choose
// (an explicit "never" included). The wizard shows this default before the twin is created.
import type { KeyTypeOption, TwinExpiryView } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { RemoteKey } from '../model.ts';
import type { PolicyRecord } from '../store/policies.ts';

const DAY = 86_400_000;

export type ExpiryPlan = TwinExpiryView;
type ExpiryBasis = ExpiryPlan['basis'];

export function planExpiry(key: Pick<RemoteKey, 'createdAt' | 'expiresAt'>, type: KeyTypeOption | undefined, policy: PolicyRecord, now: number): ExpiryPlan {
  const oldExpiresAt = key.expiresAt;
  if (!type || type.expiry === 'unsupported') return { supported: false, default: null, basis: 'unsupported', oldExpiresAt, expiryRequired: false };
  // The shorter of the policy's maximum lifetime and the backend's own cap, where either is set.
  let maxLifetime: number | null = null;
  for (const days of [policy.maxLifetimeDays, type.expiryInDays?.max]) {
    if (typeof days === 'number') maxLifetime = Math.min(maxLifetime ?? Infinity, days * DAY);
  }
  const expiryRequired = type.expiry === 'required' || policy.requireExpiry || policy.maxLifetimeDays !== null;
  const capped = (at: number, basis: ExpiryBasis): Pick<ExpiryPlan, 'default' | 'basis'> =>
    maxLifetime !== null && at - now > maxLifetime ? { default: now + maxLifetime, basis: 'policy' } : { default: at, basis };
  const byPolicy = (): Pick<ExpiryPlan, 'default' | 'basis'> => (maxLifetime !== null ? { default: now + maxLifetime, basis: 'policy' } : { default: null, basis: 'choose' });

  let chosen: Pick<ExpiryPlan, 'default' | 'basis'>;
  if (oldExpiresAt !== null) {
    const lifetime = key.createdAt !== null ? oldExpiresAt - key.createdAt : null;
    if (lifetime !== null && lifetime > 0) chosen = capped(now + lifetime, 'lifetime');
    else if (oldExpiresAt > now) chosen = capped(oldExpiresAt, 'remaining');
    else chosen = byPolicy();
  } else {
    chosen = expiryRequired ? byPolicy() : { default: null, basis: 'never' };
  }
  return { supported: true, ...chosen, oldExpiresAt, expiryRequired };
}

/**
 * The twin's expiry: the user's choice (null: never) or the plan's default. Without a choice and
 * without a default for a key that did expire, the rotation stops and asks, rather than make a key
 * that never expires.
 */
export function twinExpiry(plan: ExpiryPlan, chosen: number | null | undefined): number | undefined {
  if (!plan.supported) return undefined;
  if (chosen !== undefined) return chosen ?? undefined;
  // An old key without expiry loses nothing: the rule that wants one (the policy, the backend)
  // refuses the twin in its own words when the create is checked.
  if (plan.basis === 'choose' && plan.oldExpiresAt !== null) {
    throw new AppError(
      'validation',
      'Keyfleet cannot tell how long the old key was meant to last (it has expired and the backend does not say when it was made). Choose when the new key expires.',
      { fields: { expiresAt: 'Choose when the new key expires.' } },
    );
  }
  return plan.default ?? undefined;
}
