// eslint's flat config: its recommended rules, for the browser code, the build script and the tests.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['node_modules/'] },
  js.configs.recommended,
  { files: ['**/*.js'], languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.browser } },
  { files: ['runtime/worker.js'], languageOptions: { globals: globals.worker } },
  { files: ['scripts/**', '**/*.test.js', 'eslint.config.js'], languageOptions: { globals: globals.node } },
];
