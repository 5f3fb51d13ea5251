// What a hostile backend sends, shared by the unit tests and the security suite.

/** Every spelling of "the other server" a backend could put in a link, by what it is. */
export function foreignSpellings(other: string): Array<[string, string]> {
  const host = other.replace(/^https?:\/\//, '');
  return [
    ['absolute', `${other}/v2-beta/apikeys`],
    ['scheme-relative //host', `//${host}/v2-beta/apikeys`],
    ['///host', `///${host}/v2-beta/apikeys`],
    ['leading space', ` ${other}/v2-beta/apikeys`],
    ['leading tab', `\t${other}/v2-beta/apikeys`],
    ['leading newline //host', `\n//${host}/v2-beta/apikeys`],
    ['\\\\host', `\\\\${host}/v2-beta/apikeys`],
    ['/\\host', `/\\${host}/v2-beta/apikeys`],
    ['http:\\\\host', `http:\\\\${host}/v2-beta/apikeys`],
    ['upper-case scheme', `HTTP://${host}/v2-beta/apikeys`],
    ['user info before the host', `http://127.0.0.1@${host}/v2-beta/apikeys`],
    ['tab inside //', `/\t/${host}/v2-beta/apikeys`],
  ];
}

