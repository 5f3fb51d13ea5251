// A key type's further fields (env zero teams, a LangWatch personal key's owner, Onyx token scopes,
// a deepset workspace role), drawn from the backend's own lists: one choice as a select, several
// as checkboxes. Shown only while the key's role allows them.
import type { KeyField, KeyTypeOption } from '../../src-preload/contract.ts';
import { Field } from '../components/field.tsx';
import { isolate, Name } from '../components/name.tsx';

export type FieldValues = Record<string, string | string[]>;

/** The fields offered for this type with this role. */
export function offeredFields(type: KeyTypeOption | undefined, role: string | undefined): KeyField[] {
  return (type?.fields ?? []).filter((f) => !f.whenRoles || (role !== undefined && f.whenRoles.includes(role)));
}

/** What keys.create gets: each offered field's value (or its default); an unset single choice is left out. */
export function fieldInput(fields: KeyField[], values: FieldValues): FieldValues | undefined {
  if (fields.length === 0) return undefined;
  const input: FieldValues = {};
  for (const field of fields) {
    const value = values[field.id] ?? field.default ?? (field.multiple ? [] : '');
    if (value !== '') input[field.id] = value;
  }
  return input;
}

export function KeyFields(props: { fields: KeyField[]; values: FieldValues; onChange: (values: FieldValues) => void; errorOf: (name: string) => string | undefined }) {
  const { fields, values, onChange, errorOf } = props;
  const set = (id: string, value: string | string[]) => onChange({ ...values, [id]: value });
  return (
    <>
      {fields.map((field) => {
        const value = values[field.id] ?? field.default;
        if (!field.multiple) {
          const chosen = typeof value === 'string' ? value : '';
          return (
            <Field
              key={field.id}
              label={field.label}
              optional={!field.required}
              hint={field.options.find((o) => o.id === chosen)?.hint ?? field.hint}
              error={errorOf(field.id)}
            >
              <select value={chosen} required={field.required} onChange={(event) => set(field.id, event.target.value)}>
                {field.required && chosen ? null : <option value="">{field.required ? `Choose…` : (field.emptyMeans ?? 'None')}</option>}
                {field.options.map((o) => (
                  <option key={o.id} value={o.id}>
                    {isolate(o.label)}
                  </option>
                ))}
              </select>
            </Field>
          );
        }
        const chosen = Array.isArray(value) ? value : value ? [value] : [];
        const toggle = (id: string) => set(field.id, chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
        return (
          <fieldset key={field.id} className="choice-set">
            <legend>{field.label}</legend>
            {field.hint ? <p className="field-hint">{field.hint}</p> : null}
            {field.options.length > 0 ? (
              <div className="check-list">
                {field.options.map((o) => (
                  <label key={o.id} className="check" title={o.hint}>
                    <input type="checkbox" checked={chosen.includes(o.id)} onChange={() => toggle(o.id)} />
                    <Name>{o.label}</Name>
                  </label>
                ))}
              </div>
            ) : (
              <p className="field-hint">There is nothing to choose from here.</p>
            )}
            {chosen.length === 0 && field.emptyMeans ? <p className="field-hint">{field.emptyMeans}</p> : null}
            {errorOf(field.id) ? (
              <p className="field-error" role="alert">
                {errorOf(field.id)}
              </p>
            ) : null}
          </fieldset>
        );
      })}
    </>
  );
}
