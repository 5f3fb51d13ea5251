// Display helpers: how times, statuses and kinds read to a person.
import type { KeyStatus, ProviderKind } from '../../src-preload/contract.ts';

const KIND_LABELS: Record<ProviderKind, string> = {
  rancher: 'Rancher 1.x',
  envzero: 'env zero',
  langwatch: 'LangWatch',
  onyx: 'Onyx',
  deepset: 'deepset',
};

export const kindLabel = (kind: ProviderKind): string => KIND_LABELS[kind];

export const STATUS_LABELS: Record<KeyStatus, string> = {
  active: 'Active',
  inactive: 'Inactive',
  pending: 'Pending',
  revoked: 'Revoked',
  expired: 'Expired',
};

export function relativeTime(at: number | null, now = Date.now()): string {
  if (at === null) return 'never';
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 0) return absoluteTime(at);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return absoluteTime(at);
}

// Formatters are made once: toLocale…String builds a new one on every call, which dominated
// rendering a screen of key rows.
const ABSOLUTE = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DATE = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export function absoluteTime(at: number | null): string {
  if (at === null) return '—';
  return ABSOLUTE.format(at);
}

export function shortTime(at: number): string {
  return TIME.format(at);
}

export function shortDate(at: number | null): string {
  if (at === null) return '—';
  return DATE.format(at);
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A day as a date input holds it (local time): 2026-08-22. */
export function dateInputValue(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Today, or a day so many days ahead, as a date input holds it. */
export function today(offsetDays = 0): string {
  return dateInputValue(Date.now() + offsetDays * 86_400_000);
}

/** The end of a date input's day, local time, as epoch milliseconds. */
export function endOfDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d, 23, 59, 59).getTime();
}
