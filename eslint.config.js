// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * Layering (DESIGN §4): protocol ← policy ← diagnosis ← agent ← apps. Packages never import apps;
 * protocol imports only zod; apps never import each other except the CLI, which may start the server
 * and the executor through their public entry. A test (test/layering.test.ts) checks the same rules.
 */
const appImports = ['@kubently/server', '@kubently/executor', '@kubently/cli', '@kubently/dashboard'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      '**/*.js',
      '!eslint.config.js',
      'bench/results/**',
      '**/test/fixtures/**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Export names explicitly (STYLE: no `export *`).' },
        { selector: 'TSEnumDeclaration', message: 'Use string-literal unions, not enums (STYLE rule 9).' },
      ],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: appImports, message: 'Packages never import apps (DESIGN §4).' }] },
      ],
    },
  },
  {
    files: ['packages/protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!zod($|/)|\\.{1,2}/|node:)', message: 'protocol depends on zod only (DESIGN §4).' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@kubently/executor', '@kubently/cli'], message: 'Apps never import each other.' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/executor/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@kubently/server', '@kubently/cli', '@kubently/diagnosis', '@kubently/agent'],
              message: 'The executor speaks HTTP only; it never imports the server, the CLI or the engine.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts', 'testbed/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
