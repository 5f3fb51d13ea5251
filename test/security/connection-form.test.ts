// What the connection form refuses before anything leaves the machine. A credential HTTP cannot
// carry (a pasted "…", a line break, a control character, a character outside Latin-1) is a field
// error from the contract's schema — for every backend, with no request sent and nothing stored —
// not a network failure after retries. And plain http to another machine (this machine's own
// network address, forwarded to a sandbox) is refused with a warning that names the risk unless
// the user accepts it for that connection; accepted, the connection works and is marked. Real
// sandboxes, real SQLite, the real keychain.
import { afterAll, describe, expect, it } from 'vitest';
import { outcome, withHostileSite } from '../support/hostile-site.ts';
import { LAN_ADDRESS, startLanForwarder } from '../support/lan-forwarder.ts';
import { recordFigures } from './figures.ts';
import { HOSTILE_BACKENDS, type AddInput } from './hostile-backends.ts';

const HTTP = { timeoutMs: 10_000, retries: 2, backoffMs: 5 };
const BAD: Array<[string, (secret: string) => string]> = [
  ['a pasted “…”', (s) => `${s.slice(0, 12)}…`],
  ['a line break inside', (s) => `${s.slice(0, 10)}\n${s.slice(10)}`],
  ['a control character', (s) => `${s}\u0007`],
  ['a right-to-left mark', (s) => `\u202E${s}`],
  ['an emoji', (s) => `${s}🔑`],
];
const credentials = { cases: 0, refused: 0, requests: 0, stored: 0 };
const plain = { refusedUnaccepted: false, requestsBeforeAccepting: -1, acceptedWorks: false, marked: false, loopbackUnmarked: false, ran: false };

afterAll(() => {
  recordFigures('connection-form', [
    { figure: 'credentials HTTP cannot carry refused as a field error (5 backends × …, line break, control, RLO, emoji)', value: `${credentials.refused}/${credentials.cases}`, target: 'all', ok: credentials.cases === HOSTILE_BACKENDS.length * BAD.length && credentials.refused === credentials.cases },
    { figure: 'requests sent or connections stored with such a credential', value: credentials.requests + credentials.stored, target: '0', ok: credentials.requests + credentials.stored === 0 },
    { figure: 'plain http to another machine: refused with the risk named until accepted', value: plain.ran ? (plain.refusedUnaccepted ? 'yes' : 'no') : 'not run (no network address)', target: 'yes', ok: !plain.ran || plain.refusedUnaccepted },
    { figure: 'plain http to another machine: requests before the risk was accepted', value: plain.requestsBeforeAccepting, target: '0', ok: !plain.ran || plain.requestsBeforeAccepting === 0 },
    { figure: 'plain http, accepted: connects, syncs and is marked (loopback and https unmarked)', value: plain.ran ? (plain.acceptedWorks && plain.marked && plain.loopbackUnmarked ? 'yes' : 'no') : 'not run', target: 'yes', ok: !plain.ran || (plain.acceptedWorks && plain.marked && plain.loopbackUnmarked) },
  ]);
});

function withBadSecret(input: AddInput, bad: (secret: string) => string): { input: AddInput; field: string } {
  const { credential } = input;
  if (credential.type === 'key-pair') return { input: { ...input, credential: { ...credential, secretKey: bad(credential.secretKey) } }, field: 'credential.secretKey' };
  return { input: { ...input, credential: { ...credential, token: bad(credential.token) } }, field: 'credential.token' };
}

describe('the connection form', () => {
  for (const backend of HOSTILE_BACKENDS) {
    it(`${backend.name}: a credential HTTP cannot carry is a field error; nothing is sent or stored`, async () => {
      await withHostileSite(() => backend.start(), { http: HTTP }, async ({ core, proxy, sandbox }) => {
        for (const [label, bad] of BAD) {
          const { input, field } = withBadSecret(backend.connection(proxy.url, sandbox), bad);
          const sent = proxy.requests.length;
          const result = await outcome(core.api.connections.add(input));
          credentials.cases++;
          credentials.requests += proxy.requests.length - sent;
          credentials.stored += (await core.api.connections.list()).length;
          const ok = result !== 'ok' && result.kind === 'validation' && typeof result.fields?.[field] === 'string' && /^Holds /.test(result.fields[field]);
          if (ok) credentials.refused++;
          expect(ok, `${label}: ${result === 'ok' ? 'connected' : `${result.kind} ${JSON.stringify(result.fields)} ${result.message}`}`).toBe(true);
        }
        expect(proxy.requests).toEqual([]);
      });
    });
  }

  it.runIf(LAN_ADDRESS)('plain http to another machine is refused until the risk is accepted; then it works and is marked', async () => {
    plain.ran = true;
    const rancher = HOSTILE_BACKENDS.find((b) => b.name === 'Rancher')!;
    await withHostileSite(() => rancher.start(), { http: HTTP }, async ({ core, proxy, sandbox }) => {
      const forwarder = await startLanForwarder(LAN_ADDRESS!, proxy.url);
      const connections = () => forwarder.connections();
      try {
        const remote = forwarder.url;
        const input = rancher.connection(remote, sandbox);
        const refused = await outcome(core.api.connections.add(input));
        plain.requestsBeforeAccepting = connections();
        plain.refusedUnaccepted =
          refused !== 'ok' &&
          refused.kind === 'validation' &&
          /plain http: the connection’s credential and every answer would cross the network unencrypted/.test(refused.message) &&
          typeof refused.fields?.acceptPlainHttp === 'string';
        expect(refused === 'ok' ? 'ok' : [refused.kind, refused.message, refused.fields]).toEqual([
          'validation',
          `${new URL(remote).host} is reached over plain http: the connection’s credential and every answer would cross the network unencrypted, readable and changeable by anyone on the way. Use https, or accept this risk for this connection.`,
          { acceptPlainHttp: 'Accept the risk to connect over plain http, or use an https address.' },
        ]);
        expect(connections()).toBe(0);
        expect(await core.api.connections.list()).toEqual([]);

        const accepted = await core.api.connections.add({ ...input, acceptPlainHttp: true });
        plain.acceptedWorks = (await core.api.sync.run({ connectionId: accepted.id })).result === 'ok' && connections() > 0;
        plain.marked = accepted.plainHttp && (await core.api.connections.list()).find((c) => c.id === accepted.id)?.plainHttp === true;
        const local = await core.api.connections.add({ ...rancher.connection(proxy.url, sandbox), name: 'loopback' });
        plain.loopbackUnmarked = !local.plainHttp;
        const audit = (await core.api.journal.list({})).rows.find((r) => r.action === 'connection.add' && r.connectionId === accepted.id);
        expect(audit?.detail).toMatch(/over plain http \(risk accepted\)$/);
        expect([plain.acceptedWorks, plain.marked, plain.loopbackUnmarked]).toEqual([true, true, true]);
      } finally {
        await forwarder.close();
      }
    });
  });
});
