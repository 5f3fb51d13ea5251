// A connection's own credential, where the user lives with it: which key it is and how old, the
// one-step rotation, and — when it no longer works — a Reconnect where the problem is shown.
import { useState } from 'react';
import type { ConnectionView } from '../../src-preload/contract.ts';
import { absoluteTime, relativeTime } from '../app/format.ts';
import { Banner } from '../components/banner.tsx';
import { Icon } from '../components/icons.tsx';
import { useApp } from '../state/store.ts';
import './own-credential.css';
import { isolate, Name } from '../components/name.tsx';

const DAY = 86_400_000;
/** Past this age a credential is shown as due for rotation. */
const OLD_AFTER_DAYS = 90;

function ageOf(at: number, now: number): string {
  const days = Math.floor((now - at) / DAY);
  return days < 1 ? 'less than a day' : days === 1 ? '1 day' : `${days} days`;
}

export function ReconnectButton({ connection }: { connection: ConnectionView }) {
  const open = useApp((s) => s.open);
  const review = useApp((s) => s.status?.mode === 'review');
  if (review) return null;
  return (
    <div className="banner-actions">
      <button type="button" className="button" onClick={() => open({ kind: 'edit-connection', connection, reconnect: true })}>
        Reconnect
      </button>
    </div>
  );
}

export function CredentialStrip({ connection }: { connection: ConnectionView }) {
  const open = useApp((s) => s.open);
  // Ages are told in days: the time the pane opened is now enough.
  const [now] = useState(Date.now);
  const { ownKey, rotation, rotating, storedAt, ended } = connection.credential;
  if (ended) return null;
  const since = ownKey?.createdAt ?? storedAt;
  const old = now - since > OLD_AFTER_DAYS * DAY;
  return (
    <div className="credential-strip" role="group" aria-label="Keyfleet’s credential">
      <span className="icon-inline">
        <Icon name="key" size={13} />
        {ownKey ? (
          <span>
            Signs in with{' '}
            <strong>
              “<Name>{ownKey.name}</Name>”
            </strong>
          </span>
        ) : (
          <span title={rotation.note}>Signs in with a credential Keyfleet cannot find among these keys</span>
        )}
      </span>
      <span className={old ? 'credential-old' : undefined} title={`${ownKey?.createdAt ? 'Created' : 'Stored in Keyfleet'} ${absoluteTime(since)}`}>
        {ownKey?.createdAt ? 'created' : 'stored'} {ageOf(since, now)} ago{old ? ' — due for rotation' : ''}
      </span>
      {ownKey?.createdAt ? <span title={absoluteTime(storedAt)}>stored {relativeTime(storedAt)}</span> : null}
      {rotating ? (
        <span role="status">Rotating ({rotating.step})… it finishes by itself{rotating.error ? `: ${rotating.error}` : ''}</span>
      ) : rotation.mode !== 'unavailable' ? (
        <span>
          <button type="button" className="link-button" title={rotation.note} onClick={() => open({ kind: 'rotate-credential', connection })}>
            Rotate credential
          </button>
        </span>
      ) : null}
    </div>
  );
}

/** The credential stopped working (an action ended it, or the backend refuses it): say so, offer Reconnect. */
export function CredentialBanner({ connection }: { connection: ConnectionView }) {
  const ended = connection.credential.ended;
  if (!ended) return null;
  return (
    <Banner tone="warning" title={`“${isolate(connection.name)}” needs a new credential`}>
      {ended.reason} {relativeTime(ended.at)}. The inventory is shown as Keyfleet last saw it. <ReconnectButton connection={connection} />
    </Banner>
  );
}
