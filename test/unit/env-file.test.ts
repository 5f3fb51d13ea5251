// The .env import reads what a person's .env files hold: comments and blanks skipped, `export `
// prefixes and quotes dropped, trailing comments removed from unquoted values only.
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src-renderer/app/env-file.ts';

describe('parseEnv', () => {
  it('reads KEY=value lines the way shells and dotenv write them', () => {
    const text = [
      '# production',
      '',
      'STRIPE_KEY=sk_live_51Hx',
      'export GITHUB_TOKEN = ghp_Abc123  # CI only',
      'QUOTED="a value # with a hash"',
      "SINGLE='x=y'",
      'EMPTY=',
      'not a line',
      'WINDOWS=crlf\r',
    ].join('\n');
    expect(parseEnv(text)).toEqual([
      { name: 'STRIPE_KEY', value: 'sk_live_51Hx' },
      { name: 'GITHUB_TOKEN', value: 'ghp_Abc123' },
      { name: 'QUOTED', value: 'a value # with a hash' },
      { name: 'SINGLE', value: 'x=y' },
      { name: 'WINDOWS', value: 'crlf' },
    ]);
  });
});
