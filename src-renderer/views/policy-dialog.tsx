// One organization's client-side policy: checked in its create forms, flagged in the inventory.
import { useEffect, useState, type FormEvent } from 'react';
import type { ConnectionView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { Field } from '../components/field.tsx';
import { Modal } from '../components/modal.tsx';
import { isolate } from '../components/name.tsx';
import { useApp } from '../state/store.ts';

export function PolicyDialog({ connection }: { connection: ConnectionView }) {
  const close = useApp((s) => s.close);
  const loadKeys = useApp((s) => s.loadKeys);
  const [maxDays, setMaxDays] = useState('');
  const [requireExpiry, setRequireExpiry] = useState(false);
  const [noAdminKeys, setNoAdminKeys] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.policy.get({ connectionId: connection.id }).then(
      (policy) => {
        if (!live) return;
        setMaxDays(policy.maxLifetimeDays ? String(policy.maxLifetimeDays) : '');
        setRequireExpiry(policy.requireExpiry);
        setNoAdminKeys(policy.noAdminKeys);
        setLoaded(true);
      },
      (failure: unknown) => live && setError(asCallError(failure).message),
    );
    return () => {
      live = false;
    };
  }, [connection.id]);

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      await api.policy.set({ connectionId: connection.id, maxLifetimeDays: maxDays ? Number(maxDays) : null, requireExpiry, noAdminKeys });
      void loadKeys();
      close();
    } catch (failure) {
      setError(asCallError(failure).message);
    }
  }

  const expiry = connection.capabilities.createForm.types.some((t) => t.expiry !== 'unsupported');
  return (
    <Modal title={`Policy for “${isolate(connection.name)}”`} onRequestClose={close}>
      <form className="form" onSubmit={(event) => void save(event)}>
        {error ? (
          <div className="form-error" role="alert">
            {error}
          </div>
        ) : null}
        <p className="form-note">Keyfleet checks these rules in this organization’s create forms and flags cached keys that break them. The backend itself does not enforce them.</p>
        <Field label="Maximum key lifetime (days)" optional hint={expiry ? 'New keys must expire within this many days; older keys are flagged.' : 'Keys older than this are flagged (this backend has no expiry dates).'}>
          <input inputMode="numeric" value={maxDays} onChange={(event) => setMaxDays(event.target.value.replace(/\D/g, ''))} disabled={!loaded} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={requireExpiry} onChange={(event) => setRequireExpiry(event.target.checked)} disabled={!loaded || !expiry} />
          Require an expiry date{expiry ? '' : ' (this backend has no expiry dates)'}
        </label>
        <label className="check">
          <input type="checkbox" checked={noAdminKeys} onChange={(event) => setNoAdminKeys(event.target.checked)} disabled={!loaded} />
          No admin keys
        </label>
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={!loaded}>
            Save policy
          </button>
        </div>
      </form>
    </Modal>
  );
}
