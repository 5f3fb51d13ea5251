// The mark of a connection that reaches another machine over plain http, a risk the user accepted
// when adding it: shown wherever the connection is named, so it is never forgotten.
import { Icon } from './icons.tsx';
import './plain-http-mark.css';

export const PLAIN_HTTP_NOTE = 'Reached over plain http: the credential and every answer cross the network unencrypted. You accepted this risk when adding the connection; use an https address to remove it.';

export function PlainHttpMark() {
  return (
    <span className="plain-http-mark" title={PLAIN_HTTP_NOTE}>
      <Icon name="alert" size={11} /> Plain http
    </span>
  );
}
