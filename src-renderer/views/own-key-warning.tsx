// What acting on the connection's own key ends, said before the user confirms it, with the way
// to replace it without losing access.
import type { ConnectionView, KeyView } from '../../src-preload/contract.ts';
import { Icon } from '../components/icons.tsx';
import { useApp } from '../state/store.ts';
import './own-credential.css';
import { Name } from '../components/name.tsx';

export function OwnKeyWarning({ connection, keyView, doing }: { connection: ConnectionView; keyView: KeyView; doing: string }) {
  const open = useApp((s) => s.open);
  const rotatable = connection.credential.rotation.mode !== 'unavailable';
  return (
    <div className="own-warning" role="alert">
      <Icon name="alert" />
      <div>
        <strong>
          Keyfleet signs in to “<Name>{connection.name}</Name>” with this key.
        </strong>{' '}
        {doing} “<Name>{keyView.localLabel ?? (keyView.name || keyView.id)}</Name>” ends Keyfleet’s access: the
        connection will need a new credential (Reconnect) before it can sync again.
        {rotatable ? (
          <>
            {' '}
            To replace it without losing access,{' '}
            <button type="button" className="link-button" onClick={() => open({ kind: 'rotate-credential', connection })}>
              rotate Keyfleet’s credential
            </button>{' '}
            instead.
          </>
        ) : null}
      </div>
    </div>
  );
}

/** A small mark beside the key's name, in the table and the details. */
export function OwnKeyBadge() {
  return (
    <span className="own-badge" title="This connection signs in with this key: deactivating, deleting or rotating it changes Keyfleet’s own access.">
      Keyfleet’s key
    </span>
  );
}
