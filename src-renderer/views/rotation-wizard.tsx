// The rotation wizard, on every backend: native regenerate where it exists, otherwise a twin key →
// its one-time reveal → "deployed?" → retire the old key now or at a chosen time. Each step is
// the core's journaled operation, so closing the wizard (or Keyfleet) never loses a step: an
// unfinished rotation is offered again from the banner.
import { useCallback, useEffect, useState } from 'react';
import type { ConnectionView, KeyView, RotationPlanView, RotationView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { absoluteTime } from '../app/format.ts';
import { Banner } from '../components/banner.tsx';
import { Modal } from '../components/modal.tsx';
import { CheckedName, HiddenCharactersWarning, isolate, Name, visibleName } from '../components/name.tsx';
import { useApp } from '../state/store.ts';
import { ConfirmUncopied, RevealFields, useOneTimeReveal } from './reveal-dialog.tsx';
import { chosenExpiry, expiryReady, TwinPlan, type ExpiryChoice } from './rotation-plan.tsx';
import './rotation-wizard.css';

const STEPS = ['Plan', 'New secret', 'Deployed?', 'Retire old key'] as const;

function stepIndex(rotation: RotationView | null): number {
  if (!rotation) return 0;
  switch (rotation.step) {
    case 'creating':
    case 'awaiting-reveal':
      return 1;
    case 'revealed':
      return 2;
    default:
      return 3;
  }
}

function localInput(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function RotationWizard(props: { connection: ConnectionView; keyView?: KeyView; resume?: RotationView }) {
  const { connection } = props;
  const closeModal = useApp((s) => s.close);
  const loadKeys = useApp((s) => s.loadKeys);
  const loadRotations = useApp((s) => s.loadRotations);
  const [rotation, setRotation] = useState<RotationView | null>(props.resume ?? null);
  const [slotId, setSlotId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [storedTicked, setStored] = useState(false);
  const [deployed, setDeployed] = useState(false);
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [later, setLater] = useState(() => localInput(Date.now() + 24 * 3600_000));
  const [confirming, setConfirming] = useState(false);
  const [plan, setPlan] = useState<RotationPlanView | null>(null);
  const [expiry, setExpiry] = useState<ExpiryChoice>({ kind: 'default' });
  const reveal = useOneTimeReveal(slotId);
  // Copying or saving to the vault counts as storing it; the box is for those who typed it somewhere.
  const stored = storedTicked || Object.keys(reveal.copied).length > 0 || reveal.saved !== null;

  const keyType = props.keyView ? connection.capabilities.createForm.types.find((t) => t.id === props.keyView!.type) : undefined;
  const actions = { ...connection.capabilities.actions, ...keyType?.actions };
  const native = rotation ? rotation.mode === 'native' : actions.rotate.mode === 'native';
  const oldName = rotation?.oldKeyName ?? props.keyView?.localLabel ?? (props.keyView?.name || props.keyView?.id || 'key');
  const retireVerb = rotation?.retire === 'deactivate' || (!rotation && actions.deactivate.mode === 'native') ? 'Deactivate' : 'Delete';

  // Before anything is made: what the twin will keep, and when it will expire.
  useEffect(() => {
    if (props.resume || !props.keyView) return;
    let live = true;
    api.rotation.plan({ connectionId: connection.id, keyId: props.keyView.id }).then(
      (next) => live && setPlan(next),
      (failure: unknown) => live && setError(asCallError(failure).message),
    );
    return () => {
      live = false;
    };
  }, [connection.id, props.keyView, props.resume]);

  // Resuming a rotation whose secret was never seen: offer it again, once.
  useEffect(() => {
    if (props.resume?.step !== 'awaiting-reveal') return;
    let live = true;
    api.reveal.reopen({ operationId: props.resume.operationId }).then(
      ({ revealSlotId }) => live && setSlotId(revealSlotId),
      (failure: unknown) => live && setError(asCallError(failure).message),
    );
    return () => {
      live = false;
    };
  }, [props.resume]);

  const run = useCallback(
    async (work: () => Promise<RotationView>) => {
      setBusy(true);
      setError(null);
      try {
        const next = await work();
        setRotation(next);
        if (next.revealSlotId) setSlotId(next.revealSlotId);
      } catch (failure) {
        setError(asCallError(failure).message);
      } finally {
        setBusy(false);
        void loadKeys();
        void loadRotations();
      }
    },
    [loadKeys, loadRotations],
  );

  const finish = useCallback(() => {
    reveal.forget();
    closeModal();
  }, [reveal, closeModal]);

  const requestClose = useCallback(() => {
    if (slotId && reveal.view && !stored) setConfirming(true);
    else finish();
  }, [slotId, reveal.view, stored, finish]);

  const afterReveal = () => {
    reveal.forget();
    setSlotId(null);
    if (rotation) setRotation({ ...rotation, step: rotation.mode === 'native' ? 'done' : 'revealed', revealSlotId: null });
  };

  const current = stepIndex(rotation);
  const steps = native ? (['Plan', 'New secret'] as const) : STEPS;

  return (
    <Modal title={`Rotate “${isolate(visibleName(oldName))}”`} onRequestClose={requestClose} width="wide">
      <ol className="stepper" aria-label="Rotation steps">
        {steps.map((label, index) => (
          <li key={label} className={index === current ? 'current' : index < current ? 'done' : undefined} aria-current={index === current ? 'step' : undefined}>
            <span className="step-number">{index + 1}</span> {label}
          </li>
        ))}
      </ol>
      {error ? (
        <Banner tone="error" title="The rotation could not continue">
          {error}
        </Banner>
      ) : null}

      {!rotation ? (
        <div className="wizard-step">
          <p>
            Key <CheckedName name={oldName} /> of <Name>{connection.name}</Name>.
          </p>
          <HiddenCharactersWarning names={[oldName]} />
          {native ? (
            <>
              {/* Said once here; the backend's own note says the same and is not repeated. */}
              <p>
                <strong>The current secret stops working immediately.</strong> <Name>{connection.name}</Name> regenerates the key in place: same
                key, new secret, shown once. Anything still using the old secret fails until you deploy the new one.
              </p>
            </>
          ) : (
            <>
              <p>Keyfleet rotates this key without a gap:</p>
              <ol className="plan">
                <li>create a twin key with the same name, type, role and scope, and what is below;</li>
                <li>show the twin&apos;s secret once, for you to deploy;</li>
                <li>ask you to confirm the new key is in use;</li>
                <li>{retireVerb.toLowerCase()} the old key, now or at a time you choose.</li>
              </ol>
              {plan ? <TwinPlan plan={plan} choice={expiry} onChoice={setExpiry} /> : <p className="muted">Reading what the key holds…</p>}
              <p className="form-note">If Keyfleet stops midway, the rotation resumes where it was; nothing is lost.</p>
            </>
          )}
          <div className="form-actions">
            <button type="button" className="button" onClick={finish}>
              Cancel
            </button>
            <button
              type="button"
              className={`button ${native ? 'danger' : 'primary'}`}
              disabled={busy || !props.keyView || (!native && (!plan || !expiryReady(plan, expiry)))}
              onClick={() =>
                void run(() => api.rotation.start({ connectionId: connection.id, keyId: props.keyView!.id, ...(native ? {} : { expiresAt: chosenExpiry(expiry) }) }))
              }
            >
              {busy ? 'Working…' : native ? 'Regenerate secret' : 'Create the new key'}
            </button>
          </div>
        </div>
      ) : null}

      {rotation && current === 1 ? (
        <div className="wizard-step">
          <RevealFields reveal={reveal} keyLabel={oldName} />
          {confirming ? (
            <ConfirmUncopied onBack={() => setConfirming(false)} onClose={finish} />
          ) : (
            <>
              <label className="check">
                <input type="checkbox" checked={stored} onChange={(event) => setStored(event.target.checked)} />I have stored the new
                secret where it is needed
              </label>
              <div className="form-actions">
                <button type="button" className="button primary" disabled={!stored || !reveal.view} onClick={afterReveal}>
                  {rotation.mode === 'native' ? 'Done' : 'Next'}
                </button>
              </div>
            </>
          )}
        </div>
      ) : null}

      {rotation && rotation.step === 'revealed' ? (
        <div className="wizard-step">
          <p>Deploy the new key everywhere the old one is used, then confirm. Until you do, both keys keep working.</p>
          <label className="check">
            <input type="checkbox" checked={deployed} onChange={(event) => setDeployed(event.target.checked)} />
            The new key is deployed and in use
          </label>
          <div className="form-actions">
            <button type="button" className="button" disabled={busy} onClick={() => void run(() => api.rotation.cancel({ operationId: rotation.operationId }))}>
              Cancel rotation (delete the new key)
            </button>
            <button type="button" className="button" onClick={finish} title="Both keys keep working; continue from the banner when the new key is deployed.">
              Close for now
            </button>
            <button
              type="button"
              className="button primary"
              disabled={busy || !deployed}
              onClick={() => void run(() => api.rotation.confirmDeployed({ operationId: rotation.operationId }))}
            >
              Next
            </button>
          </div>
        </div>
      ) : null}

      {rotation && rotation.step === 'deployed' ? (
        <div className="wizard-step">
          <fieldset className="choice-set">
            <legend>
              {retireVerb} the old key, <CheckedName name={oldName} />
            </legend>
            <label className="check">
              <input type="radio" name="when" checked={when === 'now'} onChange={() => setWhen('now')} />
              Now
            </label>
            <label className="check">
              <input type="radio" name="when" checked={when === 'later'} onChange={() => setWhen('later')} />
              At a set time, after an overlap:
              <input
                type="datetime-local"
                aria-label="Retire at"
                value={later}
                disabled={when !== 'later'}
                onChange={(event) => setLater(event.target.value)}
              />
            </label>
          </fieldset>
          <div className="form-actions">
            <button type="button" className="button" onClick={finish} title="Both keys keep working; continue from the banner to retire the old one.">
              Close for now
            </button>
            <button
              type="button"
              className="button danger"
              disabled={busy}
              onClick={() =>
                void run(() =>
                  api.rotation.retire({ operationId: rotation.operationId, at: when === 'later' ? new Date(later).getTime() : undefined }),
                )
              }
            >
              {when === 'now' ? `${retireVerb} old key` : `Schedule: ${retireVerb.toLowerCase()} then`}
            </button>
          </div>
        </div>
      ) : null}

      {rotation && ['retire-scheduled', 'retiring', 'done', 'cancelled', 'failed'].includes(rotation.step) ? (
        <div className="wizard-step">
          <p role="status">
            {rotation.step === 'done' && rotation.mode === 'native' ? 'The secret was regenerated; the old secret no longer works.' : null}
            {rotation.step === 'done' && rotation.mode === 'composed'
              ? `Rotation complete: the new key is in use and the old key was ${rotation.retire === 'deactivate' ? 'deactivated' : 'deleted'}.`
              : null}
            {rotation.step === 'retire-scheduled' && rotation.retireAt
              ? `The old key will be ${rotation.retire === 'deactivate' ? 'deactivated' : 'deleted'} at ${absoluteTime(rotation.retireAt)}. Keyfleet does it while running, or at its next start.`
              : null}
            {rotation.step === 'retiring' ? 'Retiring the old key did not finish; Keyfleet retries it.' : null}
            {rotation.step === 'cancelled' ? 'Rotation cancelled: the new key was deleted; the old key is unchanged.' : null}
            {rotation.step === 'failed' ? rotation.error : null}
          </p>
          <div className="form-actions">
            <button type="button" className="button primary" onClick={finish}>
              Close
            </button>
          </div>
        </div>
      ) : null}
    </Modal>
  );
}
