// keyfleet:// links: three exact forms, nothing else, never data.
import { describe, expect, it } from 'vitest';
import { deepLinkInArgs, parseDeepLink } from '../../src-main/deep-link.ts';

describe('deep links', () => {
  it.each([
    ['keyfleet://open', null],
    ['keyfleet://open/', null],
    ['keyfleet://add-connection', 'add-connection'],
    ['keyfleet://lock-vault', 'lock-vault'],
  ])('%s is known', (link, command) => {
    expect(parseDeepLink(link)).toEqual({ command });
  });

  it.each([
    'keyfleet://add-connection?url=https://evil.example&token=sk-123',
    'keyfleet://add-connection#x',
    'keyfleet://sync-all',
    'keyfleet://constructor',
    'keyfleet://__proto__',
    'keyfleet://hasOwnProperty',
    'keyfleet://OPEN',
    'keyfleet:open',
    'keyfleet:///open',
    'keyfleet://open/../lock-vault',
    'keyfleet://user:pw@open',
    'https://keyfleet.dev/open',
    'javascript:alert(1)',
    `keyfleet://${'a'.repeat(100)}`,
    '',
    ' keyfleet://open',
  ])('%s is ignored', (link) => {
    expect(parseDeepLink(link)).toBeUndefined();
  });

  it('ignores what is not a string', () => {
    for (const value of [undefined, null, 1, {}, ['keyfleet://open']]) expect(parseDeepLink(value)).toBeUndefined();
  });

  it('finds the link among a second launch’s arguments', () => {
    expect(deepLinkInArgs(['/opt/Keyfleet/keyfleet', '--no-sandbox', 'keyfleet://lock-vault'])).toEqual({ command: 'lock-vault' });
    expect(deepLinkInArgs(['/opt/Keyfleet/keyfleet', 'keyfleet://delete-everything'])).toBeUndefined();
    expect(deepLinkInArgs(['/opt/Keyfleet/keyfleet'])).toBeUndefined();
  });
});
