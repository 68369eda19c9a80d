// typescript-eslint's recommended rules over every TypeScript file, ESLint's over the console's browser scripts;
// formatting is Prettier's (npm test runs both).
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '.cache/', 'node_modules/', 'data/', 'coverage/', '**/*.js', '!apps/console/src/assets/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // A leading underscore marks a value kept for its position (a tuple, a callback's signature).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests assert response bodies and rendered manifests field by field: typing each would add nothing.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/testing/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The console's pages run in the browser as ES modules, served as written.
    files: ['apps/console/src/assets/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
);
