// ESLint flat config: typescript-eslint's recommended rules, formatting checked (not rewritten) by
// @stylistic set to the style the code already has, import cycles, and the layer boundaries of lib/.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The dialect folders of lib/dialects; each is reached from outside only through its index.ts. */
const dialectFolders = ['evok', 'opcua-gateway', 'opcua-server', 'raw', 'winccoa', 'zato'];

/** Outside a dialect folder, only its entry point may be imported: its other files are its own business. */
const dialectEntryZones = dialectFolders.map((dialect) => ({
  target: ['./lib/!(dialects)/**', './lib/dialects/*.ts', `./lib/dialects/!(${dialect})/**`, './nodes/**'],
  from: `./lib/dialects/${dialect}`,
  except: ['./index.ts'],
  message: `Import the ${dialect} dialect through lib/dialects/${dialect}/index.ts.`,
}));

/** The layers of lib/: what each folder must not import. */
const layerZones = [
  { target: './lib', from: './nodes', message: 'lib/ knows nothing of Node-RED: nodes/ adapts lib/, never the reverse.' },
  { target: './lib/dialects', from: './lib/server', message: 'Dialects must not import the server: they know it only through lib/dialects/contract.' },
  {
    target: './lib/server',
    from: './lib/dialects',
    except: ['./contract'],
    message: 'The server knows dialects only through lib/dialects/contract; the caller hands it a DialectFactory.',
  },
  {
    target: './lib/dialects/contract',
    from: './lib',
    except: ['./tags', './util', './dialects/contract'],
    message: 'The dialect contract is a leaf: it may import only lib/tags and lib/util (never the server or a dialect).',
  },
  {
    target: './lib/tags',
    from: './lib',
    except: ['./tags', './util'],
    message: 'lib/tags is a lower layer: it may import only lib/util.',
  },
  { target: './lib/util', from: './lib', except: ['./util'], message: 'lib/util imports nothing else of lib/.' },
  {
    target: './lib/zato',
    from: './lib',
    except: ['./zato', './util'],
    message: 'lib/zato is the Zato wire format shared by the client and the dialect: it may import only lib/util.',
  },
  { target: './lib/dialects', from: './lib/client', message: 'Dialects do not import the outgoing client: shared wire formats live below both (lib/zato).' },
  {
    target: './lib/client',
    from: ['./lib/server', './lib/dialects'],
    message: 'The outgoing client is a connection: it imports no server or dialect.',
  },
  ...dialectEntryZones,
];

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
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    files: ['nodes/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: dialectEntryZones }] },
  },
);
