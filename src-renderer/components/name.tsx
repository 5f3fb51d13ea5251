// Names in views: every name in a bidi isolate of its own; a name the user must check before a step
// that cannot be undone with its hidden characters written out, and a warning (see app/names.ts).
import { hiddenIn, nameParts } from '../app/names.ts';
import './name.css';

export { isolate, visibleName } from '../app/names.ts';

/** A name in any view. */
export function Name({ children, className }: { children: string; className?: string }) {
  return <bdi className={className}>{children}</bdi>;
}

/** A name the user is asked to check: isolated, its hidden characters shown as marked escapes. */
export function CheckedName({ name, className }: { name: string; className?: string }) {
  const parts = nameParts(name);
  return (
    <bdi className={`checked-name${className ? ` ${className}` : ''}`}>
      {parts.map((part, i) =>
        part.hidden ? (
          <span key={i} className="hidden-char" title="An invisible or direction-changing character">
            {part.text}
          </span>
        ) : (
          <bdi key={i}>{part.text}</bdi>
        ),
      )}
    </bdi>
  );
}

/** Said under a confirmation whose names hold hidden characters; nothing when none do. */
export function HiddenCharactersWarning({ names }: { names: string[] }) {
  const found = hiddenIn(...names);
  if (found.length === 0) return null;
  return (
    <p className="hidden-chars-warning" role="note">
      {names.length === 1 ? 'This name holds' : 'These names hold'} invisible or direction-changing characters, shown as{' '}
      {found.map((escape, i) => (
        <span key={escape}>
          {i > 0 ? ', ' : ''}
          <code>{escape}</code>
        </span>
      ))}
      . Elsewhere {names.length === 1 ? 'it' : 'they'} may look like another name: check {names.length === 1 ? 'it' : 'them'} character by character.
    </p>
  );
}
