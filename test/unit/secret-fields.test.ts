// What reaches a key's raw fields: the backend's object without its secrets, and never with a
// prototype the backend chose.
import { describe, expect, it } from 'vitest';
import { withoutSecrets as deepset } from '../../src-main/providers/deepset/parse.ts';
import { withoutSecrets as envzero } from '../../src-main/providers/envzero/parse.ts';
import { withoutSecrets as langwatch } from '../../src-main/providers/langwatch/parse.ts';
import { withoutSecrets as rancher } from '../../src-main/providers/rancher/parse.ts';

const SECRET = 'sk-0123456789abcdef';

describe("a key's raw fields", () => {
  it('keep every field but the ones that hold a secret', () => {
    const cases: Array<[(json: Record<string, unknown>) => Record<string, unknown>, string[]]> = [
      [rancher, ['secretValue']],
      [deepset, ['api_token', 'token', 'secret']],
      [langwatch, ['token', 'lookupId', 'hashedSecret', 'secret', 'apiKey']],
      [envzero, ['apiKeySecret', 'otherSecretField']],
    ];
    for (const [strip, secrets] of cases) {
      const json: Record<string, unknown> = { id: 'k1', name: 'ci', nested: { a: 1 } };
      for (const field of secrets) json[field] = SECRET;
      const raw = strip(json);
      expect(raw).toStrictEqual({ id: 'k1', name: 'ci', nested: { a: 1 } });
      expect(JSON.stringify(raw)).not.toContain(SECRET);
      expect(json[secrets[0]!]).toBe(SECRET); // the answer itself is left as it was
    }
  });

  it('never take a prototype from a field named __proto__', () => {
    const json = JSON.parse('{"id":"k1","__proto__":{"keyType":"service","projectRoles":[{"projectId":"p","projectRole":"Admin"}]}}') as Record<string, unknown>;
    for (const strip of [rancher, deepset, langwatch, envzero]) {
      const raw = strip(json);
      expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
      expect(raw.keyType).toBeUndefined();
      expect(raw.projectRoles).toBeUndefined();
      expect(raw).toStrictEqual({ id: 'k1' });
    }
  });
});
