// .env files read exactly as the dotenv package reads them (quoted values over several lines such as
// a PEM key, `export ` prefixes, comments, escapes), except that a line dotenv would silently skip
// is refused with its number; and .env files written so that dotenv reads back every value as it was.
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { EnvSyntaxError, envName, quoteEnvValue, readEnv, writeEnv } from '../../src-main/services/env-file.ts';
import { createRng } from '../security/fuzz-inputs.ts';

const PEM = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', '-----END PRIVATE KEY-----'].join('\n');

const failure = (text: string) => {
  try {
    readEnv(text);
  } catch (error) {
    if (error instanceof EnvSyntaxError) return { line: error.line, reason: error.reason };
    throw error;
  }
  return null;
};

describe('reading a .env file', () => {
  it('reads a multi-line quoted PEM key whole, not its first line', () => {
    const text = `# deploy\nAPI_URL=https://api.example.com\nPRIVATE_KEY="${PEM}"\nAFTER=1\n`;
    expect(readEnv(text)).toEqual([
      { name: 'API_URL', value: 'https://api.example.com', line: 2 },
      { name: 'PRIVATE_KEY', value: PEM, line: 3 },
      { name: 'AFTER', value: '1', line: 7 },
    ]);
  });

  it('reads export prefixes, comments, quotes and escapes the way dotenv does', () => {
    const text = [
      '# production',
      '',
      'STRIPE_KEY=sk_live_51Hx',
      'export GITHUB_TOKEN = ghp_Abc123  # CI only',
      'QUOTED="a value # with a hash"',
      "SINGLE='x=y \\n stays'",
      'ESCAPED="line1\\nline2"',
      'BACKTICK=`it\'s "both"`',
      'EMPTY=',
      'SPACED = padded value  ',
      'WINDOWS=crlf\r',
      'YAML_STYLE: colon',
    ].join('\n');
    const read = readEnv(text);
    expect(Object.fromEntries(read.map((v) => [v.name, v.value]))).toEqual(parse(text));
    expect(Object.fromEntries(read.map((v) => [v.name, v.value]))).toEqual({
      STRIPE_KEY: 'sk_live_51Hx',
      GITHUB_TOKEN: 'ghp_Abc123',
      QUOTED: 'a value # with a hash',
      SINGLE: 'x=y \\n stays',
      ESCAPED: 'line1\nline2',
      BACKTICK: 'it\'s "both"',
      EMPTY: '',
      SPACED: 'padded value',
      WINDOWS: 'crlf',
      YAML_STYLE: 'colon',
    });
  });

  it('refuses a line dotenv would skip, naming it', () => {
    expect(failure('A=1\nnot a line\nB=2\n')).toEqual({ line: 2, reason: 'not a NAME=value line' });
    expect(failure('A=1\n\n# fine\nB C=2\n')).toMatchObject({ line: 4 });
    // dotenv reads these as A=1 and B=2 and drops the middle line without a word.
    expect(parse('A=1\nnot a line\nB=2\n')).toEqual({ A: '1', B: '2' });
  });

  it('refuses a quote that never closes (the PEM that used to be cut to its first line)', () => {
    const text = `PRIVATE_KEY="${PEM}\nNEXT=1\n`;
    expect(failure(text)).toEqual({ line: 1, reason: 'the quoted value of PRIVATE_KEY is never closed, or has more text after its closing quote' });
    expect(failure('A="closed" and more\n')).toMatchObject({ line: 1 });
  });

  it('keeps the last of a repeated name, as dotenv does', () => {
    expect(readEnv('A=1\nB=2\nA=3\n')).toEqual([
      { name: 'B', value: '2', line: 2 },
      { name: 'A', value: '3', line: 3 },
    ]);
  });

  it('agrees with dotenv on every file it accepts (2,000 generated files)', () => {
    const rng = createRng(20_251);
    const names = ['A', 'B_2', 'C.d', 'e-f', 'A'];
    const starts = ['', 'export ', '  ', 'export  '];
    const separators = ['=', ' = ', ': ', '=  '];
    const pieces = ['"', "'", '`', '\\', '\\n', '#', ' ', 'value', 'x y', '\n', '"multi\nline"', "'a\nb'", ' # note', '=', 'ü'];
    const line = () => {
      const r = rng.next();
      if (r < 0.1) return rng.pick(['', '# comment', '   ', '#']);
      if (r < 0.15) return rng.pick(['garbage', 'A B=1', '=1']);
      const value = Array.from({ length: rng.int(5) }, () => rng.pick(pieces)).join('');
      return `${rng.pick(starts)}${rng.pick(names)}${rng.pick(separators)}${value}`;
    };
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + rng.int(6) }, line).join(rng.chance(0.2) ? '\r\n' : '\n');
      let read: ReturnType<typeof readEnv>;
      try {
        read = readEnv(text);
      } catch (error) {
        expect(error).toBeInstanceOf(EnvSyntaxError);
        continue;
      }
      accepted++;
      expect(Object.fromEntries(read.map((v) => [v.name, v.value])), JSON.stringify(text)).toEqual(parse(text));
    }
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('writing a .env file', () => {
  it('quotes each value so dotenv reads it back exactly: PEM keys, quotes, backslashes, hashes, spaces', () => {
    const values = [PEM, 'plain', "it's", 'say "hi"', 'both \' and "', 'back\\slash\\n literal', ' padded ', 'a # b', '`tick`', 'ends with \\', 'multi\nline\twith tab'];
    const variables = values.map((value, i) => ({ name: `V${i}`, value }));
    const text = writeEnv(variables, ['header line']);
    expect(text.startsWith('# header line\n')).toBe(true);
    expect(parse(text)).toEqual(Object.fromEntries(variables.map((v) => [v.name, v.value])));
  });

  it('says so when no quoting can keep a value', () => {
    expect(quoteEnvValue(`all three ' " \` and \\n`)).toBeNull();
    expect(() => writeEnv([{ name: 'X', value: `' " \` \\n` }], [])).toThrow(EnvSyntaxError);
  });

  it('names variables after entries: a valid name as it is, anything else made one', () => {
    expect(envName('STRIPE_KEY')).toBe('STRIPE_KEY');
    expect(envName('OpenAI personal')).toBe('OPENAI_PERSONAL');
    expect(envName('ci-runner · Sandbox Rancher', 'Secret key')).toBe('CI_RUNNER_SANDBOX_RANCHER_SECRET_KEY');
    expect(envName('2fa backup')).toBe('_2FA_BACKUP');
  });
});
