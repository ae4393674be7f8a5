// ESLint flat config for the project's JavaScript: clients/web, miniprogram
// and e2e. Run it from the repository root with `bash scripts/lint.sh`, which
// passes `--config tools/lint/eslint.config.mjs`; with --config, ESLint 9
// resolves the file patterns below against the working directory, so they
// are written from the repository root. The packages (eslint, @eslint/js,
// globals) live in tools/lint/node_modules, which is where this file's
// imports resolve from.
//
// Only rules that catch real mistakes: no formatting rules, so the existing
// style (semicolons in clients/web, none in miniprogram) stays as it is.
import js from '@eslint/js';
import globals from 'globals';

// What the WeChat Mini Program runtime gives every script: its own API
// object and the page/app constructors, plus the timers and console. There
// is no window, document, URL or fetch there, so they are left out on purpose:
// using one is a bug on a phone even when jest (jsdom) would let it pass.
const wechat = {
  wx: 'readonly',
  App: 'readonly',
  Page: 'readonly',
  Component: 'readonly',
  Behavior: 'readonly',
  getApp: 'readonly',
  getCurrentPages: 'readonly',
  console: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
};

// The few browser globals that e2e's page.evaluate / waitForFunction /
// locator.evaluate callbacks use: those functions run in the page, not in
// Node. Only these, not all of globals.browser, whose names (name, status,
// close, event, ...) would hide real undefined variables in the Node code.
const inPage = {
  window: 'readonly',
  document: 'readonly',
  navigator: 'readonly',
};

// On top of eslint:recommended (no-undef, no-unreachable, no-dupe-keys,
// no-constant-binary-expression, ...): rules that catch real mistakes.
// no-promise-executor-return is left out on purpose: it only flags the
// `new Promise((r) => setTimeout(r, ms))` idiom used throughout the tests.
const bugRules = {
  'no-unused-vars': ['error', {
    vars: 'all',
    args: 'after-used',
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrors: 'none',
    destructuredArrayIgnorePattern: '^_',
    ignoreRestSiblings: true,
  }],
  eqeqeq: ['error', 'smart'],
  'no-var': 'error',
  'prefer-const': ['error', { destructuring: 'all' }],
  'no-implicit-globals': 'error',
  'no-self-compare': 'error',
  'no-template-curly-in-string': 'error',
  'no-unmodified-loop-condition': 'error',
  'no-unreachable-loop': 'error',
  'no-unused-expressions': 'error',
  'no-sequences': 'error',
  'no-return-assign': 'error',
  'no-constructor-return': 'error',
  'no-new-wrappers': 'error',
  'no-throw-literal': 'error',
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-extend-native': 'error',
  'array-callback-return': 'error',
  'default-case-last': 'error',
};

export default [
  {
    // Third-party and generated code. node_modules is ignored by default.
    ignores: [
      '**/node_modules/',
      'clients/web/vendor-*.js',
      'miniprogram/miniprogram_npm/',
      'miniprogram/**/vendor-*.js',
      'miniprogram/coverage/',
      'e2e/test-results/',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...js.configs.recommended,
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: bugRules,
  },

  // clients/web: ES modules loaded by the browser.
  {
    files: ['clients/web/**/*.js'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.browser },
    },
  },
  // clients/web/tests: the same modules under `node --test`.
  {
    files: ['clients/web/tests/**/*.js'],
    languageOptions: {
      globals: { ...globals.node },
    },
  },

  // miniprogram: CommonJS under the WeChat runtime.
  {
    files: ['miniprogram/**/*.js'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'commonjs',
      globals: { ...wechat },
    },
  },
  // miniprogram tests and tooling: jest under Node, with jsdom's document
  // (miniprogram-simulate renders the pages into a DOM).
  {
    files: ['miniprogram/tests/**/*.js', 'miniprogram/jest.config.js'],
    languageOptions: {
      globals: { ...globals.node, ...globals.jest, document: 'readonly', window: 'readonly' },
    },
  },

  // e2e: Node ES modules driving Chromium through playwright-core.
  {
    files: ['e2e/**/*.mjs', 'e2e/**/*.js'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node, ...inPage },
    },
  },
];
