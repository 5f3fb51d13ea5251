// How fresh a connection's cached inventory is: one claim, worded once, shown alike in the
// sidebar, the connection's header and its banner (so no two places disagree after a failed sync).
import type { ConnectionView } from '../../src-preload/contract.ts';
import { absoluteTime, relativeTime } from './format.ts';

export interface Freshness {
  /** The claim, short enough for the sidebar: "Synced 3 min ago", "Sync failed just now · as of 2 h ago". */
  label: string;
  /** The same claim with exact times, for a tooltip. */
  title: string;
  /** What the cached inventory is, as a sentence: "Showing the inventory as of 4 Dec 2025, 21:35." */
  shown: string;
  state: 'syncing' | 'never' | 'ok' | 'failed' | 'offline';
}

export function freshnessOf(connection: ConnectionView, syncing: boolean, now = Date.now()): Freshness {
  const asOf = connection.lastSuccessAt;
  const exactAsOf = asOf === null ? 'nothing is cached yet' : `the inventory shown is as of ${absoluteTime(asOf)}`;
  const shown = asOf === null ? 'Nothing is cached yet.' : `Showing the inventory as of ${absoluteTime(asOf)}.`;
  if (syncing) return { label: 'Syncing…', title: `Syncing now; ${exactAsOf}.`, shown, state: 'syncing' };
  if (connection.credential.ended) {
    return { label: 'Needs a new credential', title: `Its credential ended ${absoluteTime(connection.credential.ended.at)}; reconnect it; ${exactAsOf}.`, shown, state: 'failed' };
  }
  const last = connection.lastSync;
  if (!last) return { label: 'Not synced yet', title: 'Not synced yet; nothing is cached.', shown, state: 'never' };
  const cached = asOf === null ? 'nothing cached' : `as of ${relativeTime(asOf, now)}`;
  if (connection.reachability === 'offline') {
    return { label: `Offline · ${cached}`, title: `Could not reach it ${absoluteTime(last.at)}; ${exactAsOf}.`, shown, state: 'offline' };
  }
  if (last.result === 'failed') {
    return { label: `Sync failed ${relativeTime(last.at, now)} · ${cached}`, title: `The last sync failed ${absoluteTime(last.at)}; ${exactAsOf}.`, shown, state: 'failed' };
  }
  if (asOf === null) return { label: 'Not synced yet', title: 'Not synced yet; nothing is cached.', shown, state: 'never' };
  return { label: `Synced ${relativeTime(asOf, now)}`, title: `Synced ${absoluteTime(asOf)}.`, shown, state: 'ok' };
}
