// Deactivate and activate ask first, with the key's name and what stops (or starts) working; for
// the key the connection itself signs in with, that this ends Keyfleet's access — and the safer way.
import type { ConnectionView, KeyView } from '../../src-preload/contract.ts';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';
import { OwnKeyWarning } from './own-key-warning.tsx';
import { displayNameOf } from './key-actions.tsx';
import { Name } from '../components/name.tsx';

export function SetActiveDialog({ keyView, connection, active }: { keyView: KeyView; connection: ConnectionView; active: boolean }) {
  const close = useApp((s) => s.close);
  const setKeyActive = useApp((s) => s.setKeyActive);
  const name = displayNameOf(keyView);
  const own = connection.credential.ownKey?.id === keyView.id && !active;
  const note = connection.capabilities.actions[active ? 'activate' : 'deactivate'].note;
  const article = /^[aeiou]/i.test(keyView.type) ? 'an' : 'a';
  const what = [keyView.type && `${article} ${keyView.type} key`, keyView.role && `role ${keyView.role}`].filter(Boolean).join(', ');
  return (
    <Modal
      title={`${active ? 'Activate' : 'Deactivate'} “${name}”?`}
      onRequestClose={close}
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="button" className={`button ${active ? 'primary' : 'danger'}`} onClick={() => void setKeyActive(keyView, active, own)}>
            {active ? 'Activate key' : own ? 'Deactivate anyway' : 'Deactivate key'}
          </button>
        </>
      }
    >
      {active ? (
        <p>
          “<Name>{name}</Name>” of <Name>{connection.name}</Name>
          {what ? ` (${what})` : ''} authenticates again: anything still holding its secret regains that access at once.
        </p>
      ) : (
        <p>
          Whatever uses “<Name>{name}</Name>” of <Name>{connection.name}</Name>
          {what ? ` (${what})` : ''} stops authenticating at once: its calls fail until the key is activated again.
        </p>
      )}
      {note ? <p className="form-note">{note}</p> : null}
      {own ? <OwnKeyWarning connection={connection} keyView={keyView} doing="Deactivating" /> : null}
    </Modal>
  );
}
