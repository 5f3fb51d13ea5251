// Lint: type-aware typescript-eslint, React hooks rules, and the boundary rules that keep the
// architecture honest (only the Electron glue imports 'electron'; the renderer reaches the core
// only through window.keyfleet and imports only types from the contract).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The only files that may reach Electron: in src-main that is index.ts and src-main/electron/ (the
// hardening policy they wire lives in window-policy.ts, without electron, so it runs under Node).
// test/security/hardening.test.ts lints a core file importing electron and checks this list.
export const ELECTRON_GLUE = ['src-main/index.ts', 'src-main/electron/**/*.ts', 'src-preload/index.ts', 'test/electron/**/*.{ts,cjs}'];
const ELECTRON_MESSAGE = 'Only the Electron glue (src-main/index.ts, src-main/electron/, src-preload/index.ts, test/electron/) may import electron.';

const NO_ELECTRON = [
  { selector: "ImportExpression[source.value=/^electron($|\\x2f)/]", message: ELECTRON_MESSAGE },
  { selector: "CallExpression[callee.name='require'][arguments.0.value=/^electron($|\\x2f)/]", message: ELECTRON_MESSAGE },
];
const SPREAD_MESSAGE = 'A spread into a call overflows its arguments for a long array (RangeError): use a loop.';
const NO_SPREAD_ARGUMENTS = [
  { selector: "CallExpression[callee.object.name='Math'] > SpreadElement", message: SPREAD_MESSAGE },
  { selector: "CallExpression[callee.property.name=/^(push|unshift|splice|fromCharCode|fromCodePoint)$/] > SpreadElement", message: SPREAD_MESSAGE },
];

export default defineConfig(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results.json'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: ELECTRON_MESSAGE }],
          // electron/main, electron/common, electron/renderer are the same module by other names.
          patterns: [{ group: ['electron/*'], message: ELECTRON_MESSAGE }],
        },
      ],
      // …and neither may a require() or a dynamic import() of it.
      'no-restricted-syntax': ['error', ...NO_ELECTRON],
    },
  },
  {
    // The core handles what backends send, of any length: spreading an array into a call's
    // arguments (Math.max(...list), list.push(...page)) throws a RangeError past about 100,000
    // items, so the core uses loops there instead.
    files: ['src-main/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...NO_ELECTRON, ...NO_SPREAD_ARGUMENTS] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  { files: ELECTRON_GLUE, rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' } },
  {
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // Tests read backends' raw JSON on purpose; the app code itself stays strict.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      'no-empty-pattern': 'off',
    },
  },
  {
    // typed-api.ts is built into the renderer too: it may import only types from the contract.
    files: ['src-renderer/**/*.{ts,tsx}', 'src-preload/typed-api.ts', 'test/harness/bridge.ts'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-main/**', 'node:*', 'electron'], message: 'The renderer reaches the core only through window.keyfleet.' },
            {
              group: ['**/src-preload/contract', '**/src-preload/contract.ts'],
              allowTypeImports: true,
              message: 'The renderer imports only types from the contract.',
            },
            { group: ['**/src-preload/api*', '**/src-preload/index*'], message: 'The renderer uses window.keyfleet, not the preload modules.' },
          ],
        },
      ],
    },
  },
  {
    // The harness bridge plays the preload's part in the browser, so it may build the API.
    files: ['test/harness/bridge.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
);
