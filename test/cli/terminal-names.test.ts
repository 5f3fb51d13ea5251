// Names reach a terminal as text: a backend's key named with an escape sequence (one that would
// retitle the terminal window) and a right-to-left override is printed with those characters
// written out, never raw — by `keyfleet keys list` run as a script runs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../security/figures.ts';
import { keyfleet, startFleet, type Fleet } from './support.ts';

const HOSTILE = 'evil\u001b]0;pwned\u0007prod-\u202Etset\u202C';
let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet();
  fleet.rancher.seedKeys(fleet.rancher.ids.user, 1, { namePrefix: HOSTILE });
}, 60_000);
afterAll(() => fleet.close(), 60_000);

describe('names in the terminal', () => {
  it('keys list writes control and direction characters out instead of printing them', async () => {
    expect((await keyfleet(['sync', '--connection', 'Rancher prod'], fleet.env)).code).toBe(0);
    const listed = await keyfleet(['keys', 'list', '--connection', 'Rancher prod'], fleet.env);
    expect(listed.code).toBe(0);
    // eslint-disable-next-line no-control-regex -- the raw characters must not be there
    const raw = listed.stdout.match(/[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E]/g) ?? [];
    recordFigures('terminal-names', [
      { figure: 'control or direction characters printed raw by keys list (a name with ESC ] … BEL and U+202E)', value: raw.length, target: '0', ok: raw.length === 0 && listed.stdout.includes('\\u202E') },
    ]);
    expect(raw).toEqual([]);
    expect(listed.stdout).toContain('evil\\u001B]0;pwned\\u0007prod-\\u202Etset\\u202C-0');
  });
});
