// A vault row's link and check cells: which key it is (connection, scope, name) and what the
// inventory says of it, and what "check it still works" found, with the reason when they disagree.
import type { VaultEntryView } from '../../src-preload/contract.ts';
import { absoluteTime, relativeTime, shortDate } from '../app/format.ts';
import { StatusPill } from '../components/status-pill.tsx';
import { isolate, Name } from '../components/name.tsx';

const VERIFY_LABELS: Record<NonNullable<VaultEntryView['verifyResult']>, string> = {
  valid: 'Works',
  revoked: 'Refused',
  expired: 'Expired',
  unreachable: 'Unreachable',
};

/** Why the check and the inventory disagree, in a person's words. */
export function checkNoteText(entry: VaultEntryView): string | null {
  const link = entry.link;
  if (!entry.checkNote || !link) return null;
  const listed = link.state === 'gone' ? 'gone from the backend' : (link.key?.status ?? 'unknown');
  const synced = link.syncedAt ? `the sync of ${absoluteTime(link.syncedAt)}` : 'the last sync';
  switch (entry.checkNote) {
    case 'check-older-than-sync':
      return `Checked before ${synced}, which lists the key as ${listed}: check again.`;
    case 'accepted-though-not-active':
      return `The backend still accepted this secret after ${synced} listed the key as ${listed}. Some backends accept a deleted key for a while (env zero: up to an hour), or the key changed since: sync to see.`;
    case 'refused-though-active':
      return `The backend refused this secret, though ${synced} lists the key as active. The secret saved here may be an old one (rotated, or mistyped), or the key changed since: sync to see.`;
  }
}

export function LinkCell({ entry }: { entry: VaultEntryView }) {
  const link = entry.link;
  if (!link) return <span className="muted">not linked</span>;
  const key = link.key;
  const where = [link.connectionName ? isolate(link.connectionName) : 'removed connection', link.scopeName && isolate(link.scopeName)].filter(Boolean).join(' · ');
  return (
    <div className="vault-link">
      <div className="key-name">{link.keyName ? <Name>{link.keyName}</Name> : 'a key no longer cached'}</div>
      <div className="key-sub">{where}</div>
      <div className="key-sub">
        {link.connectionName === null ? (
          <span className="pill pill-revoked">Connection removed</span>
        ) : link.state === 'missing' ? (
          <span className="pill pill-revoked">Not in the inventory</span>
        ) : link.state === 'gone' ? (
          <span className="pill pill-revoked" title={key?.goneSince ? `A sync found it gone ${absoluteTime(key.goneSince)}` : undefined}>
            <span className="pill-dot" aria-hidden="true" />
            Gone{key?.goneSince ? ` since ${shortDate(key.goneSince)}` : ''}
          </span>
        ) : key ? (
          <StatusPill status={key.status} detail={key.statusDetail} />
        ) : null}
        {key?.expiresAt ? <span title={absoluteTime(key.expiresAt)}>expires {shortDate(key.expiresAt)}</span> : null}
      </div>
      {link.syncedAt ? (
        <div className="key-sub" title={absoluteTime(link.syncedAt)}>
          inventory synced {relativeTime(link.syncedAt)}
        </div>
      ) : null}
    </div>
  );
}

export function CheckCell({ entry }: { entry: VaultEntryView }) {
  const note = checkNoteText(entry);
  if (!entry.verifyResult) return <span className="muted">{entry.expiresAt ? `expires ${shortDate(entry.expiresAt)}` : '—'}</span>;
  const tone = entry.verifyResult === 'valid' ? 'active' : entry.verifyResult === 'unreachable' ? 'pending' : 'revoked';
  return (
    <div className="vault-check">
      <span className={`pill pill-${tone}`} title={entry.verifiedAt ? `Checked ${absoluteTime(entry.verifiedAt)}` : undefined}>
        {VERIFY_LABELS[entry.verifyResult]}
      </span>
      {entry.verifiedAt ? <span className="key-sub"> {relativeTime(entry.verifiedAt)}</span> : null}
      {note ? (
        <p className="vault-check-note" role="note">
          {note}
        </p>
      ) : null}
    </div>
  );
}
