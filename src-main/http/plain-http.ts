// Plain http carries the credential and every answer in clear: anyone on the way can read and
// change them. Keyfleet uses it without asking only for this machine (loopback), where nothing
// crosses a network; any other host needs the user to accept that risk for that connection.
/** Whether `url`'s host is this machine: localhost, *.localhost, 127.0.0.0/8 or ::1 (also IPv4-mapped). */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  return host === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

/** Whether a connection to `url` sends its credential in clear across a network. */
export function isPlainHttpRemote(url: URL): boolean {
  return url.protocol === 'http:' && !isLoopback(url);
}

/** What plain http risks, in the words the connection form and the refusal use. */
export function plainHttpRisk(host: string): string {
  return `${host} is reached over plain http: the connection’s credential and every answer would cross the network unencrypted, readable and changeable by anyone on the way`;
}
