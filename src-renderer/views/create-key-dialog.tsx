// The create form, built from what the connection's backend offers (CreateFormSpec): type and
// where, name and description, role, per-scope roles, limiting scopes, groups, the backend's
// further fields (key-fields.tsx) and expiry.
// Backend field errors land on the matching fields.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ConnectionView, CreateFormSpec, KeyTypeOption, ScopeView } from '../../src-preload/contract.ts';
import { api, asCallError, type CallError } from '../app/bridge.ts';
import { endOfDay, today } from '../app/format.ts';
import { Banner } from '../components/banner.tsx';
import { Field } from '../components/field.tsx';
import { Icon } from '../components/icons.tsx';
import { Modal } from '../components/modal.tsx';
import { isolate, Name } from '../components/name.tsx';
import { useApp } from '../state/store.ts';
import { fieldInput, KeyFields, offeredFields, type FieldValues } from './key-fields.tsx';
import './create-key-dialog.css';

const NO_SCOPES: ScopeView[] = [];

export function CreateKeyDialog({ connection, initialScopeId }: { connection: ConnectionView; initialScopeId: string | null }) {
  const close = useApp((s) => s.close);
  const [form, setForm] = useState<CreateFormSpec | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.keys.createForm({ connectionId: connection.id }).then(
      (spec) => live && setForm(spec),
      (error: unknown) => live && setLoadError(asCallError(error).message),
    );
    return () => {
      live = false;
    };
  }, [connection.id]);

  return (
    <Modal title="Create a key" onRequestClose={close} width="wide">
      {loadError ? (
        <Banner tone="error" title="The create form could not be loaded">
          {loadError}
        </Banner>
      ) : form ? (
        <CreateKeyForm connection={connection} form={form} initialScopeId={initialScopeId} />
      ) : (
        <p className="muted">
          Asking <Name>{connection.name}</Name> what it offers…
        </p>
      )}
    </Modal>
  );
}

function CreateKeyForm({ connection, form, initialScopeId }: { connection: ConnectionView; form: CreateFormSpec; initialScopeId: string | null }) {
  const close = useApp((s) => s.close);
  const createKey = useApp((s) => s.createKey);
  const scopes = useApp((s) => s.scopes[connection.id] ?? NO_SCOPES);
  const fitting = useMemo(() => scopes.filter((scope) => form.types.some((t) => t.scopeKinds.includes(scope.kind))), [scopes, form.types]);
  // Scopes the backend would refuse a new key in (inactive, or the connection's role is read-only).
  const creatable = useMemo(() => fitting.filter((scope) => !scope.inactive && !scope.readOnly), [fitting]);
  const withheld = fitting.filter((scope) => scope.inactive || scope.readOnly);

  const [scopeId, setScopeId] = useState(creatable.find((s) => s.id === initialScopeId)?.id ?? creatable[0]?.id ?? '');
  const scope = creatable.find((s) => s.id === scopeId);
  const types = form.types.filter((t) => scope && t.scopeKinds.includes(scope.kind));
  const [chosenType, setChosenType] = useState<string | null>(null);
  const type: KeyTypeOption | undefined = types.find((t) => t.id === chosenType) ?? types[0];

  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [role, setRole] = useState<string | null>(null);
  const [grants, setGrants] = useState<Record<string, string>>({});
  const [scopeIds, setScopeIds] = useState<string[]>([]);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [fieldValues, setFieldValues] = useState<FieldValues>({});
  const [expiry, setExpiry] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<CallError | null>(null);

  const effectiveRole = role ?? type?.role?.default ?? type?.role?.options[0]?.id;
  const scopeSet = type?.scopeSet && scope && (!type.scopeSet.forScopeKinds || type.scopeSet.forScopeKinds.includes(scope.kind)) ? type.scopeSet : undefined;
  const grantsOffered = type?.grants && (!type.grants.whenRoles || (effectiveRole !== undefined && type.grants.whenRoles.includes(effectiveRole)));
  const fields = offeredFields(type, type?.role ? effectiveRole : undefined);
  const scopesOf = (kinds: string[]) => scopes.filter((s) => kinds.includes(s.kind));
  const fieldError = (name: string) => error?.fields?.[name];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!scope || !type) return;
    setSubmitting(true);
    setError(null);
    const failure = await createKey({
      connectionId: connection.id,
      scopeId: scope.id,
      type: type.id,
      name: name.trim(),
      description: type.description.supported && description.trim() ? description.trim() : undefined,
      role: type.role ? effectiveRole : undefined,
      grants: grantsOffered ? Object.entries(grants).map(([grantScope, grantRole]) => ({ scopeId: grantScope, role: grantRole })) : undefined,
      scopeIds: scopeSet ? scopeIds : undefined,
      groupIds: type.groups ? groupIds : undefined,
      fields: fieldInput(fields, fieldValues),
      expiresAt: type.expiry !== 'unsupported' && expiry ? endOfDay(expiry) : undefined,
    });
    setSubmitting(false);
    if (failure) setError(failure);
  }

  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

  return (
    <form className="form" onSubmit={(event) => void submit(event)} aria-busy={submitting}>
      {error ? (
        <div className="form-error" role="alert">
          {error.message}
        </div>
      ) : null}
      <div className="form-row">
        <Field
          label="Where"
          error={fieldError('scopeId')}
          hint={withheld.length ? `Not offered: ${withheld.map((s) => `${isolate(s.name)} (${s.inactive ? 'inactive' : 'read-only for you'})`).join(', ')}.` : undefined}
        >
          <select value={scopeId} onChange={(event) => setScopeId(event.target.value)}>
            {creatable.map((s) => (
              <option key={s.id} value={s.id}>
                {isolate(s.name)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Type" hint={type?.hint} error={fieldError('type')}>
          <select value={type?.id ?? ''} onChange={(event) => setChosenType(event.target.value)} disabled={types.length < 2}>
            {types.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {type ? (
        <>
          <div className={type.role ? 'form-row' : undefined}>
            <Field label="Name" optional={!type.name.required} error={fieldError('name')} hint="Say where the key is used, so the next person knows what breaks if it goes.">
              <input
                value={name}
                onChange={(event) => setName(event.target.value)}
                required={type.name.required}
                maxLength={type.name.maxLength + 1}
                autoComplete="off"
                placeholder="e.g. ci-deploy"
              />
            </Field>
            {type.role ? (
              <Field label={type.role.label} hint={type.role.options.find((o) => o.id === effectiveRole)?.hint ?? type.role.hint} error={fieldError('role')}>
                <select value={effectiveRole ?? ''} onChange={(event) => setRole(event.target.value)}>
                  {type.role.options.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
          </div>
          {type.description.supported ? (
            <Field label="Description" optional error={fieldError('description')}>
              <textarea value={description} onChange={(event) => setDescription(event.target.value)} rows={2} />
            </Field>
          ) : null}

          {grantsOffered && type.grants ? (
            <fieldset className="choice-set">
              <legend>{type.grants.label}</legend>
              {type.grants.hint ? <p className="field-hint">{type.grants.hint}</p> : null}
              <div className="grant-list">
                {scopesOf(type.grants.scopeKinds).map((s) => (
                  <label key={s.id} className="grant-row">
                    <Name className="grant-scope">{s.name}</Name>
                    <select
                      aria-label={`Role in ${s.name}`}
                      value={grants[s.id] ?? ''}
                      onChange={(event) =>
                        setGrants((g) => {
                          const { [s.id]: _old, ...rest } = g;
                          return event.target.value ? { ...rest, [s.id]: event.target.value } : rest;
                        })
                      }
                    >
                      <option value="">No access</option>
                      {type.grants!.roles.map((r) => (
                        <option key={r.id} value={r.id}>
                          {r.label}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
              </div>
              {fieldError('grants') ? (
                <p className="field-error" role="alert">
                  {fieldError('grants')}
                </p>
              ) : null}
            </fieldset>
          ) : null}

          {scopeSet ? (
            <fieldset className="choice-set">
              <legend>{scopeSet.label}</legend>
              {scopeSet.hint ? <p className="field-hint">{scopeSet.hint}</p> : null}
              <div className="check-list">
                {scopesOf(scopeSet.scopeKinds).map((s) => (
                  <label key={s.id} className="check">
                    <input type="checkbox" checked={scopeIds.includes(s.id)} onChange={() => setScopeIds((l) => toggle(l, s.id))} />
                    <Name>{s.name}</Name>
                  </label>
                ))}
              </div>
              {scopeIds.length === 0 ? (
                <p className={scopeSet.emptyIsWarning ? 'form-warning' : 'field-hint'} role={scopeSet.emptyIsWarning ? 'alert' : undefined}>
                  {scopeSet.emptyIsWarning ? <Icon name="alert" /> : null} {scopeSet.emptyMeans}
                </p>
              ) : null}
              {fieldError('scopeIds') ? (
                <p className="field-error" role="alert">
                  {fieldError('scopeIds')}
                </p>
              ) : null}
            </fieldset>
          ) : null}

          {type.groups ? (
            <fieldset className="choice-set">
              <legend>{type.groups.label}</legend>
              {type.groups.hint ? <p className="field-hint">{type.groups.hint}</p> : null}
              <div className="check-list">
                {type.groups.options.map((g) => (
                  <label key={g.id} className="check">
                    <input type="checkbox" checked={groupIds.includes(g.id)} onChange={() => setGroupIds((l) => toggle(l, g.id))} />
                    {g.label}
                  </label>
                ))}
              </div>
              {groupIds.length === 0 ? <p className="field-hint">{type.groups.emptyMeans}</p> : null}
              {fieldError('groupIds') ? (
                <p className="field-error" role="alert">
                  {fieldError('groupIds')}
                </p>
              ) : null}
            </fieldset>
          ) : null}

          <KeyFields fields={fields} values={fieldValues} onChange={setFieldValues} errorOf={fieldError} />

          {type.expiry !== 'unsupported' ? (
            <Field
              label="Expires"
              optional={type.expiry === 'optional'}
              error={fieldError('expiresAt')}
              hint={type.expiry === 'optional' ? 'Leave empty for a key that does not expire.' : 'This backend needs an expiry date.'}
            >
              <input
                type="date"
                value={expiry}
                min={today(1)}
                max={type.expiryInDays ? today(type.expiryInDays.max) : undefined}
                required={type.expiry === 'required'}
                onChange={(event) => setExpiry(event.target.value)}
              />
            </Field>
          ) : null}
        </>
      ) : null}
      <p className="form-note">The secret is shown once, right after the backend creates the key.</p>
      <div className="form-actions">
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={submitting || !scope || !type}>
          {submitting ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
