// The core reads answers of any length: a spread into a call's arguments throws a RangeError past
// about 100,000 items (a page of 200,000 keys did), so the project's lint refuses one in src-main.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
// The project's own config without the type-aware rules: this rule is syntactic.
const eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked });

async function spreadErrors(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, filePath), warnIgnored: true });
  expect(result!.messages.filter((m) => m.fatal || m.ruleId === null)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes('RangeError')).map((m) => m.message);
}

describe('no spread of a list into a call in the core', () => {
  it('refuses Math.max(...list), push(...page) and String.fromCharCode(...codes); a loop passes', { timeout: 60_000 }, async () => {
    const file = 'src-main/providers/example.ts';
    const refused = [
      'export const most = (list: number[]) => Math.max(...list);\n',
      'export function add(all: number[], page: number[]) {\n  all.push(...page);\n}\n',
      'export const text = (codes: number[]) => String.fromCharCode(...codes);\n',
    ];
    for (const text of refused) expect(await spreadErrors(file, text), text).toHaveLength(1);
    expect(await spreadErrors(file, 'export function add(all: number[], page: number[]) {\n  for (const item of page) all.push(item);\n}\n')).toEqual([]);
    // Arrays built by spreading are not calls, and stay allowed.
    expect(await spreadErrors(file, 'export const both = (a: number[], b: number[]) => [...a, ...b];\n')).toEqual([]);
  });
});
