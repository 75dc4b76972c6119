// ESLint flat config: type-aware typescript-eslint; Prettier owns formatting.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const FOLDERS = [
  'engine',
  'control-surface',
  'calibration',
  'web-panel',
  'sessions',
  'cli',
  'firmware-protocol',
];

/** Other folders may import a top-level folder only through its index.ts. */
function boundaries(folder) {
  return {
    files: [`${folder}/**/*.ts`],
    ignores: ['web-panel/client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: FOLDERS.filter((other) => other !== folder).map((other) => ({
            regex: `^(\\.\\./)+${other}/(?!index\\.ts$).+`,
            message: `import ${other}/ only through ${other}/index.ts`,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.lathe/', 'test-results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            'eslint.config.js',
            'cli/lathe.js',
            '*.mjs',
            'engine/audio/*.mjs',
            'engine/worker/*.mjs',
            'control-surface/midi/*.mjs',
            'web-panel/client/vite.config.ts',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default` that handles "everything else" on purpose counts as exhaustive.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Typed-array reads in bounded loops (noUncheckedIndexedAccess is on everywhere).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // @fastify/websocket types its sockets from its own copy of @types/ws: a false positive.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests reach into private members on purpose (runtime['use']) and build fixtures loosely.
      '@typescript-eslint/dot-notation': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  ...FOLDERS.map(boundaries),
  prettier,
);
