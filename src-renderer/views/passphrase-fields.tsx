// Passphrase inputs: one to type an existing passphrase, and a pair to choose a new one, with a
// strength hint as it is typed and a repeat to catch a typo. Values live in the form's own state
// only and are cleared by the form once used; nothing here is kept anywhere else.
import { useId } from 'react';
import { passphraseStrength } from '../app/passphrase-strength.ts';
import { Field } from '../components/field.tsx';
import './passphrase-fields.css';

export function PassphraseInput(props: { label: string; value: string; onChange: (value: string) => void; error?: string; hint?: string; autoFocus?: boolean; current?: boolean }) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      <input
        type="password"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        autoComplete={props.current ? 'current-password' : 'new-password'}
        spellCheck={false}
        autoFocus={props.autoFocus}
      />
    </Field>
  );
}

/** A new passphrase and its repeat; `mismatch` is shown under the repeat once it is typed. */
export function NewPassphrase(props: {
  label: string;
  value: string;
  repeat: string;
  onChange: (value: string) => void;
  onRepeat: (value: string) => void;
  error?: string;
  autoFocus?: boolean;
}) {
  const meterId = useId();
  const strength = passphraseStrength(props.value);
  const mismatch = props.repeat !== '' && props.repeat !== props.value ? 'The two do not match.' : undefined;
  return (
    <>
      <PassphraseInput label={props.label} value={props.value} onChange={props.onChange} error={props.error} autoFocus={props.autoFocus} hint="At least 10 characters." />
      {props.value ? (
        <div className="strength" id={meterId} role="status" aria-live="polite">
          <meter min={0} max={3} low={1} high={2} optimum={3} value={strength.score} aria-label="Passphrase strength" />
          <span>
            Strength: <strong>{strength.label}</strong>
            {strength.advice ? ` — ${strength.advice}` : ''}
          </span>
        </div>
      ) : null}
      <PassphraseInput label="Repeat it" value={props.repeat} onChange={props.onRepeat} error={mismatch} />
    </>
  );
}

export const passphrasesReady = (value: string, repeat: string) => value.length >= 10 && value === repeat;
