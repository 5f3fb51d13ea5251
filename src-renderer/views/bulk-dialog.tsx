// Bulk action with a dry run: pick the action and the selection, see the exact list, type the
// count to confirm, get a per-key report.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BulkAction, BulkPlanView, BulkResultView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { Banner } from '../components/banner.tsx';
import { Field } from '../components/field.tsx';
import { Icon } from '../components/icons.tsx';
import { Modal } from '../components/modal.tsx';
import { CheckedName, HiddenCharactersWarning, isolate, Name } from '../components/name.tsx';
import { useApp } from '../state/store.ts';
import './bulk-dialog.css';

const VERBS: Record<BulkAction, string> = { deactivate: 'Deactivate', activate: 'Activate', delete: 'Delete' };
const PAST: Record<BulkAction, string> = { deactivate: 'deactivated', activate: 'activated', delete: 'deleted' };
const DOING: Record<BulkAction, string> = { deactivate: 'Deactivating', activate: 'Activating', delete: 'Deleting' };

/** The run as it goes: how far, and each key's outcome so far (newest last). */
function BulkProgress({ action, progress }: { action: BulkAction; progress: { done: number; total: number; results: BulkResultView['results'] } }) {
  const failed = progress.results.filter((r) => !r.ok).length;
  return (
    <div className="wizard-step">
      <p role="status">
        {DOING[action]} {progress.done} of {progress.total} {progress.total === 1 ? 'key' : 'keys'}…{failed ? ` ${failed} failed so far.` : ''}
      </p>
      <div className="progress wide" role="progressbar" aria-label="Bulk action progress" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done}>
        <div className="progress-bar" style={{ width: `${progress.total ? (progress.done / progress.total) * 100 : 0}%` }} />
      </div>
      <ol className="result-list bulk-log" aria-label="Keys done so far">
        {progress.results.map((r) => (
          <li key={`${r.connectionId}:${r.keyId}`} className={r.ok ? 'ok' : 'failed'}>
            <Icon name={r.ok ? 'check' : 'x'} size={14} /> {r.name}
            {r.error ? <span className="muted">: {r.error}</span> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
const SHOWN = 200;

export function BulkDialog() {
  const close = useApp((s) => s.close);
  const loadKeys = useApp((s) => s.loadKeys);
  const { selection, query, connections } = useApp(useShallow((s) => ({ selection: s.selection, query: s.query, connections: s.connections })));
  const [action, setAction] = useState<BulkAction>('deactivate');
  const [idleDays, setIdleDays] = useState('');
  const [plan, setPlan] = useState<BulkPlanView | null>(null);
  const [typed, setTyped] = useState('');
  const [result, setResult] = useState<BulkResultView | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number; results: BulkResultView['results'] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = selection.connectionId ? connections.find((c) => c.id === selection.connectionId) : undefined;
  const where = chosen ? isolate(chosen.name) : selection.connectionId ? 'this connection' : `all ${connections.length} connections`;

  async function preview() {
    setBusy(true);
    setError(null);
    try {
      const days = Number(idleDays);
      setPlan(
        await api.bulk.plan({
          action,
          connectionIds: selection.connectionId ? [selection.connectionId] : undefined,
          scopeId: selection.scopeId ?? undefined,
          query: query || undefined,
          idleDays: idleDays && Number.isInteger(days) && days > 0 ? days : undefined,
        }),
      );
      setTyped('');
    } catch (failure) {
      setError(asCallError(failure).message);
    } finally {
      setBusy(false);
    }
  }

  async function run() {
    if (!plan) return;
    setBusy(true);
    setError(null);
    setProgress({ done: 0, total: plan.count, results: [] });
    // Each key as the core finishes it: the dialog shows the run as it goes.
    const stop = api.on('bulk.progress', (event) => {
      if (event.planId !== plan.planId) return;
      setProgress((p) => ({ done: event.done, total: event.total, results: [...(p?.results ?? []), event.result] }));
    });
    try {
      setResult(await api.bulk.run({ planId: plan.planId, confirmCount: Number(typed) }));
      void loadKeys();
    } catch (failure) {
      setError(asCallError(failure).message);
    } finally {
      stop();
      setBusy(false);
    }
  }

  return (
    <Modal title="Bulk action" onRequestClose={close} width="wide">
      {error ? (
        <Banner tone="error" title="The bulk action could not continue">
          {error}
        </Banner>
      ) : null}
      {result ? (
        <div className="wizard-step">
          <p role="status">
            <strong>
              {result.succeeded} of {result.succeeded + result.failed}
            </strong>{' '}
            {result.succeeded + result.failed === 1 ? 'key' : 'keys'} {PAST[result.action]}
            {result.failed ? `; ${result.failed} failed and ${result.failed === 1 ? 'is' : 'are'} unchanged` : ''}.
          </p>
          {result.failed ? (
            <ul className="result-list" aria-label="Failures">
              {result.results
                .filter((r) => !r.ok)
                .map((r) => (
                  <li key={`${r.connectionId}:${r.keyId}`}>
                    <strong>
                      <CheckedName name={r.name} />
                    </strong>
                    : <bdi>{r.error}</bdi>
                  </li>
                ))}
            </ul>
          ) : null}
          {result.succeeded ? (
            <details>
              <summary>
                {PAST[result.action][0]!.toUpperCase() + PAST[result.action].slice(1)} ({result.succeeded})
              </summary>
              <ul className="result-list">
                {result.results
                  .filter((r) => r.ok)
                  .map((r) => (
                    <li key={`${r.connectionId}:${r.keyId}`}>{r.name}</li>
                  ))}
              </ul>
            </details>
          ) : null}
          <div className="form-actions">
            <button type="button" className="button primary" onClick={close}>
              Close
            </button>
          </div>
        </div>
      ) : busy && progress ? (
        <BulkProgress action={plan?.action ?? action} progress={progress} />
      ) : (
        <>
          <p className="form-note">
            Applies to the keys shown now ({where}
            {query ? `, matching “${isolate(query)}”` : ''}).
          </p>
          <div className="form-row">
            <Field label="Action">
              <select
                value={action}
                onChange={(event) => {
                  setAction(event.target.value as BulkAction);
                  setPlan(null);
                }}
              >
                <option value="deactivate">Deactivate</option>
                <option value="activate">Activate</option>
                <option value="delete">Delete</option>
              </select>
            </Field>
            <Field label="Idle for more than (days)" optional hint="Not used within this many days, or never used and older; only where the backend reports last use.">
              <input
                inputMode="numeric"
                value={idleDays}
                onChange={(event) => {
                  setIdleDays(event.target.value.replace(/\D/g, ''));
                  setPlan(null);
                }}
              />
            </Field>
          </div>
          {!plan ? (
            <div className="form-actions">
              <button type="button" className="button" onClick={close}>
                Cancel
              </button>
              <button type="button" className="button primary" disabled={busy} onClick={() => void preview()}>
                Preview (dry run)
              </button>
            </div>
          ) : (
            <div className="wizard-step">
              <p role="status">
                <strong>{plan.count}</strong> {plan.count === 1 ? 'key' : 'keys'} would be {PAST[plan.action]}
                {plan.skipped.length ? `; ${plan.skipped.length} matching ${plan.skipped.length === 1 ? 'key is' : 'keys are'} skipped` : ''}.
              </p>
              {plan.notJudged.length ? (
                <ul className="form-note" aria-label="Not judged idle">
                  {plan.notJudged.map((note) => (
                    <li key={note}>Not selected as idle: {note}</li>
                  ))}
                </ul>
              ) : null}
              {plan.items.length ? (
                <ul className="result-list" aria-label="Keys in this action">
                  {plan.items.slice(0, SHOWN).map((item) => (
                    <li key={`${item.connectionId}:${item.keyId}`}>
                      <CheckedName name={item.name} />{' '}
                      <span className="muted">
                        · <Name>{item.connectionName}</Name>
                      </span>
                    </li>
                  ))}
                  {plan.items.length > SHOWN ? <li className="muted">and {plan.items.length - SHOWN} more</li> : null}
                </ul>
              ) : null}
              <HiddenCharactersWarning names={plan.items.slice(0, SHOWN).map((item) => item.name)} />
              {plan.skipped.length ? (
                <details>
                  <summary>Skipped ({plan.skipped.length})</summary>
                  <ul className="result-list">
                    {plan.skipped.map((item) => (
                      <li key={`${item.connectionId}:${item.keyId}`}>
                        <CheckedName name={item.name} />: <span className="muted">{item.reason}</span>
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
              {plan.count > 0 ? (
                <Field label={`Type ${plan.count} to confirm`}>
                  <input inputMode="numeric" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" />
                </Field>
              ) : null}
              <div className="form-actions">
                <button type="button" className="button" onClick={() => setPlan(null)}>
                  Back
                </button>
                <button type="button" className="button danger" disabled={busy || plan.count === 0 || typed !== String(plan.count)} onClick={() => void run()}>
                  {VERBS[plan.action]} {plan.count} {plan.count === 1 ? 'key' : 'keys'}
                </button>
              </div>
            </div>
          )}
        </>
      )}
    </Modal>
  );
}
