// The plan step of a composed rotation: what the twin keeps, and when it expires. The core says the
// default (the old key's lifetime, its remaining time, the policy's longest lifetime, or "never" as
// the old key); the user may pick another day, or "never" where nothing requires an expiry. Where
// nothing tells how long the old key was meant to last, the user must choose: no twin silently
// outlives its old key's expiry.
import { useId } from 'react';
import type { RotationPlanView, TwinExpiryView } from '../../src-preload/contract.ts';
import { dateInputValue, endOfDay, shortDate, today } from '../app/format.ts';

/** The user's expiry choice: untouched (the core's default), a day, or never. */
export type ExpiryChoice = { kind: 'default' } | { kind: 'day'; date: string } | { kind: 'never' };

/** What rotation.start gets: omitted for the default, else the end of the chosen day, or null. */
export function chosenExpiry(choice: ExpiryChoice): number | null | undefined {
  if (choice.kind === 'default') return undefined;
  return choice.kind === 'never' ? null : endOfDay(choice.date);
}

/** Whether the rotation may start: a plan that asks for a choice has one. */
export function expiryReady(plan: RotationPlanView | null, choice: ExpiryChoice): boolean {
  if (!plan?.expiry?.supported || plan.expiry.basis !== 'choose') return true;
  return choice.kind === 'day' ? choice.date !== '' : choice.kind === 'never' && !plan.expiry.expiryRequired;
}

function why(expiry: TwinExpiryView): string {
  const old = expiry.oldExpiresAt !== null ? shortDate(expiry.oldExpiresAt) : null;
  switch (expiry.basis) {
    case 'lifetime':
      return `As long a life as the old key had (it expires ${old}).`;
    case 'remaining':
      return `When the old key would have expired: the backend does not say when the old key was made, so its lifetime is unknown.`;
    case 'policy':
      return 'The longest lifetime this organization’s policy allows.';
    case 'never':
      return 'Never, like the old key.';
    default:
      return old
        ? `The old key expired on ${old}, and the backend does not say how long it was meant to last: choose when the new key expires.`
        : 'This organization’s policy requires an expiry: choose when the new key expires.';
  }
}

export function TwinPlan(props: { plan: RotationPlanView; choice: ExpiryChoice; onChoice: (choice: ExpiryChoice) => void }) {
  const { plan, choice, onChoice } = props;
  const id = useId();
  const expiry = plan.expiry;
  const shownDate = choice.kind === 'day' ? choice.date : expiry?.default ? dateInputValue(expiry.default) : '';
  return (
    <>
      {plan.keeps.length > 0 ? (
        <div className="twin-keeps">
          <p>The new key keeps:</p>
          <ul>
            {plan.keeps.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {expiry?.supported ? (
        <fieldset className="choice-set twin-expiry">
          <legend>New key expires</legend>
          <p className="field-hint" id={`${id}-why`}>
            {why(expiry)}
          </p>
          <div className="twin-expiry-row">
            <input
              type="date"
              aria-label="New key expires on"
              aria-describedby={`${id}-why`}
              value={choice.kind === 'never' ? '' : shownDate}
              min={today(1)}
              disabled={choice.kind === 'never'}
              required={expiry.basis === 'choose'}
              onChange={(event) => onChoice(event.target.value ? { kind: 'day', date: event.target.value } : { kind: 'default' })}
            />
            <label className="check">
              <input
                type="checkbox"
                checked={choice.kind === 'never'}
                disabled={expiry.expiryRequired}
                onChange={(event) => onChoice(event.target.checked ? { kind: 'never' } : { kind: 'default' })}
              />
              Never expires
            </label>
          </div>
          {expiry.expiryRequired ? <p className="field-hint">This organization’s policy or the backend requires an expiry.</p> : null}
        </fieldset>
      ) : null}
    </>
  );
}
