import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/errors.ts';
import { cleanBody, cleanText, redact, rememberAuthorization, rememberSecret } from '../../src-main/redact.ts';

const TOKEN = 'onyx_pat_9f8e7d6c5b4a39281706';
const ACCESS = 'AK12345';
const SECRET = 'rancher-secret/with+symbols==';
const BASIC = Buffer.from(`${ACCESS}:${SECRET}`).toString('base64');
rememberAuthorization(`Bearer ${TOKEN}`);
rememberAuthorization(`Basic ${BASIC}`);

describe('redaction of known secrets', () => {
  it('cuts a remembered credential out in every form it travels in', () => {
    const text = `token ${TOKEN}; basic ${BASIC}; secret ${SECRET}; url ${encodeURIComponent(SECRET)}; json ${JSON.stringify(SECRET)}; escaped ${SECRET.replaceAll('/', '\\/')}`;
    const out = redact(text);
    for (const form of [TOKEN, BASIC, SECRET, encodeURIComponent(SECRET), SECRET.replaceAll('/', '\\/')]) expect(out).not.toContain(form);
    expect(out).toBe('token [redacted]; basic [redacted]; secret [redacted]; url [redacted]; json "[redacted]"; escaped [redacted]');
  });

  it('knows a secret remembered later (an issued one), back to back and overlapping', () => {
    const issued = 'sk-lw-issued_0123456789abcdef';
    expect(redact(issued)).toBe(issued);
    rememberSecret(issued);
    expect(redact(`${issued}${issued}x${TOKEN}`)).toBe('[redacted][redacted]x[redacted]');
  });

  it('leaves prose and short values alone, and cuts credential-shaped values it never saw', () => {
    rememberSecret('short');
    expect(redact('a short basic sentence about Bearer tokens and Basic authentication')).toBe('a short basic sentence about Bearer tokens and Basic authentication');
    expect(redact('Authorization: Basic dXNlcjpwYXNzd29yZA== and x-api-key=abc123456789 and Bearer eyJhbGciOi.x1')).toBe(
      'Authorization: Basic [redacted] and x-api-key=[redacted] and Bearer [redacted]',
    );
  });

  it('cuts long text after redacting, so a secret across the cut leaves none of its characters', () => {
    const text = `${'x'.repeat(990)}${TOKEN}${'y'.repeat(2 * 1024 * 1024)}`;
    const out = cleanText(text, 1000);
    expect(out).toHaveLength(1000);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toContain(TOKEN.slice(0, 5));
    expect(cleanText('bell\u0007 and escape\u001b[31m', 100)).toBe('bell and escape[31m');
  });

  it('cleans an error body in place before an adapter reads it', () => {
    const body = { detail: `bad token ${TOKEN}`, nested: [{ msg: SECRET }], n: 1 };
    expect(cleanBody(body, 100)).toEqual({ detail: 'bad token [redacted]', nested: [{ msg: '[redacted]' }], n: 1 });
  });

  it('every AppError is cleaned where it is made: message, field messages and names, choices', () => {
    const error = new AppError('invalid', `Rejected ${TOKEN} ${'z'.repeat(5000)}`, {
      fields: { [`f${SECRET}`]: `bad ${SECRET}` },
      choices: [{ id: 'org-1', label: `Org ${TOKEN}` }, { id: 'x'.repeat(300), label: 'too long an id to choose' }],
    });
    const shape = JSON.stringify(error.toShape());
    expect(shape).not.toContain(TOKEN);
    expect(shape).not.toContain(SECRET);
    expect(error.message.length).toBeLessThanOrEqual(1000);
    expect(error.choices).toEqual([{ id: 'org-1', label: 'Org [redacted]' }]);
  });
});
