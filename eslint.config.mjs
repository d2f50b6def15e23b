// @ts-check
/**
 * ESLint (flat config). Formatting belongs to Prettier (`prettier --check .`), so nothing here is
 * stylistic: @eslint/js and typescript-eslint "recommended" contain no layout rules, which is why
 * eslint-config-prettier is not needed.
 *
 * The architecture rules (DESIGN.md "Layout") are encoded twice on purpose:
 *  - here, with no-restricted-imports, so an editor flags a bad static import as it is typed;
 *  - exactly, in test/unit/architecture/dependencies.test.ts, which also sees require() and
 *    dynamic import() and resolves every relative path. The test is the gate; the patterns below
 *    match relative specifiers by folder name and are a convenience, not a proof.
 */
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const SOURCE = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** @param {string} folder */
const mainFiles = (folder) => [`main/${folder}/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}`];

const electron = {
  paths: [{ name: 'electron', message: "Only main/app may import 'electron' (DESIGN.md, Layout)." }],
  patterns: [{ group: ['electron/*'], message: "Only main/app may import 'electron' (DESIGN.md, Layout)." }],
};

// Node builtins, with and without the node: prefix (main/api and the renderer run in Chromium too).
const nodeBuiltins = {
  paths: builtinModules
    .filter((name) => !name.startsWith('_'))
    .map((name) => ({ name, message: 'Runs in the renderer too: no Node builtins.' })),
  patterns: [{ group: ['node:*'], message: 'Runs in the renderer too: no Node builtins.' }],
};

/**
 * A relative specifier that climbs out of the current folder into main/<one of folders>.
 * Matches `../store`, `../../pipeline/session`, ... (one folder level below main/ is the norm).
 * @param {string[]} folders
 * @param {string} message
 */
const siblingFolders = (folders, message) => ({
  patterns: [{ regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message }],
});

/** Merges restrictions: one config object per file set, because a later object replaces the rule's options. */
const restrict = (...parts) => [
  'error',
  {
    paths: parts.flatMap((p) => p.paths ?? []),
    patterns: parts.flatMap((p) => p.patterns ?? []),
  },
];

const MAIN_FOLDERS = [
  'app',
  'api',
  'backend',
  'audio',
  'dsp',
  'engines',
  'models',
  'pipeline',
  'store',
  'cli',
];
const notApp = siblingFolders(['app'], 'main/app is the Electron shell: nothing else imports it.');

export default defineConfig(
  globalIgnores([
    'out/',
    'dist/',
    '**/node_modules/',
    'test-results/',
    'bench-results/',
    'coverage/',
    '.cache/',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: [SOURCE],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Libraries and tests use console deliberately; it is switched on for the renderer below.
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
    },
  },

  // One type-aware rule: a dropped promise hides a rejected request in promise-heavy IPC code, and
  // tsc does not see it. Type information costs ~4x the untyped lint time (two TS programs, because
  // the renderer has its own tsconfig); no-misused-promises was measured and left out for that cost.
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },

  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Plain JavaScript files (configs, scripts): TypeScript is not there to catch undefined names.
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },

  // React: hooks rules (including the React Compiler checks in v7's recommended set).
  {
    files: ['renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    // A stray console.log in the UI is a leftover; warnings and errors are fine.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-console': ['error', { allow: ['warn', 'error'] }] },
  },

  // Architecture: who may import what. One object per folder (see restrict()).
  ...MAIN_FOLDERS.filter((folder) => folder !== 'app').map((folder) => {
    const parts = [electron, notApp];
    if (folder === 'api') {
      parts.push(
        nodeBuiltins,
        siblingFolders(
          MAIN_FOLDERS.filter((f) => f !== 'api'),
          'main/api is shared with the renderer: it imports nothing from other main/ folders.',
        ),
      );
    }
    if (folder === 'dsp' || folder === 'engines') {
      parts.push(
        siblingFolders(
          ['store', 'pipeline', 'backend'],
          `main/${folder} is pure: it must not reach the store, the pipeline or the backend.`,
        ),
      );
    }
    return {
      files: mainFiles(folder),
      rules: { '@typescript-eslint/no-restricted-imports': restrict(...parts) },
    };
  }),
  {
    // Folders created later (e.g. main/devweb) and files directly in main/: no electron, no main/app.
    files: ['main/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    ignores: MAIN_FOLDERS.map((folder) => `main/${folder}/**`),
    rules: { '@typescript-eslint/no-restricted-imports': restrict(electron, notApp) },
  },
  {
    files: ['renderer/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(electron, nodeBuiltins, {
        patterns: [
          {
            regex: '^(\\.\\./)+main(/(?!api(/|$))|$)',
            message: 'The renderer only knows the contract: import from main/api, nothing else in main/.',
          },
        ],
      }),
    },
  },
);
