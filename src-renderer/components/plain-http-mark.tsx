// The mark of a connection that reaches another machine over plain http, a risk the user accepted
// when adding it: shown wherever the connection is named, so it is never forgotten.
import { Icon } from './icons.tsx';
import './plain-http-mark.css';

export const PLAIN_HTTP_NOTE = 'Reached over plain http: the credential and every answer cross the network unencrypted. You accepted this risk when adding the connection; use an https address to remove it.';

/** The mark; compact (a one-line sidebar) shows only its icon, the words kept for screen readers. */
export function PlainHttpMark({ compact = false }: { compact?: boolean }) {
  return (
    <span className={`plain-http-mark${compact ? ' compact' : ''}`} title={PLAIN_HTTP_NOTE}>
      <Icon name="alert" size={11} /> {compact ? <span className="visually-hidden">Plain http</span> : 'Plain http'}
    </span>
  );
}
