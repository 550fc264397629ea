// ESLint flat config: typescript-eslint's recommended rules, formatting checked (not rewritten) by
// @stylistic set to the style the code already has, import cycles, and the layer boundaries of lib/.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Dialect -> server imports that exist today. A dialect should depend only on a leaf contract
 * module, never on the server; each entry here is to be removed by the dialect-contract refactor
 * (issue 12). The list may only shrink: any other dialect file importing lib/server fails.
 * Keys are dialect files, values the lib/server modules each may still import.
 */
const dialectServerImportsToRemove = {
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/dialect.ts': ['auth.ts', 'session.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/evok/evok-dialect.ts': ['frame.ts', 'session.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/evok/rest.ts': ['auth.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/opcua-gateway/gateway-dialect.ts': ['session.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/opcua-server/monitor-registry.ts': ['session.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/opcua-server/opcua-server-dialect.ts': ['frame.ts', 'session.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/winccoa/dp-connect.ts': ['frame.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/winccoa/winccoa-dialect.ts': ['auth.ts', 'session.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/zato/zato-credentials.ts': ['auth.ts'],
  // to be removed by the dialect-contract refactor, issue 12
  'lib/dialects/zato/zato-dialect.ts': ['session.ts'],
};

/** The layers of lib/: what each folder must not import. `serverExcept` is the allow-list above. */
function layerZones(serverExcept = []) {
  return [
    { target: './lib', from: './nodes', message: 'lib/ knows nothing of Node-RED: nodes/ adapts lib/, never the reverse.' },
    {
      target: './lib/dialects',
      from: './lib/server',
      except: serverExcept.map((file) => `./${file}`),
      message: 'Dialects must not import the server.',
    },
    {
      target: './lib/tags',
      from: './lib',
      except: ['./tags', './util'],
      message: 'lib/tags is a lower layer: it may import only lib/util.',
    },
    { target: './lib/util', from: './lib', except: ['./util'], message: 'lib/util imports nothing else of lib/.' },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'demo/user-dir/**', 'demo/cluster/**', '.bench-results/**', 'test/seeds/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mjs,js,cjs}'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: globals.node,
    },
    plugins: { '@stylistic': stylistic, 'import-x': importX },
    settings: {
      // import-x parses imported files itself (for no-cycle) and must know TypeScript's parser and extensions.
      'import-x/extensions': ['.ts', '.mjs', '.js', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.json', '.node'] })],
    },
    rules: {
      // `import x = require('x')` is TypeScript's CommonJS import; a bare require() call stays an error.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // Node-RED calls a node's constructor with the node as `this`; closures keep it as `node`.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
      // A `let` read by a cleanup closure before its one assignment cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Formatting: the style the code has, checked without rewriting the repository.
      '@stylistic/indent': ['error', 2, { SwitchCase: 1, flatTernaryExpressions: false, offsetTernaryExpressions: true }],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/eol-last': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxBOF: 0, maxEOF: 0 }],
      '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-infix-ops': 'error',
      '@stylistic/comma-spacing': 'error',
      '@stylistic/arrow-parens': ['error', 'always'],
    },
  },
  {
    // One helper for the text of anything thrown (lib/util/errors.ts).
    files: ['**/*.ts'],
    ignores: ['lib/util/errors.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "ConditionalExpression[test.operator='instanceof'][test.right.name='Error'][alternate.callee.name='String']",
        message: 'Use messageOf(error) or asError(error) from lib/util/errors.',
      }, {
        selector: "ConditionalExpression[test.operator='instanceof'][test.right.name='Error'][alternate.type='NewExpression'][alternate.callee.name='Error']",
        message: 'Use asError(error) from lib/util/errors.',
      }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layerZones() }],
    },
  },
  ...Object.entries(dialectServerImportsToRemove).map(([file, serverModules]) => ({
    files: [file],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones(serverModules) }] },
  })),
);
