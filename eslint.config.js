// Type-aware linting (typescript-eslint "recommended-type-checked") over src, test and bench.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT_MODULES = ['deps', 'workers', 'app', 'main', 'cli', 'job-errors'];

const restrict = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...(forbidden.length === 0
            ? []
            : [
                {
                  group: forbidden.flatMap((dir) => [`../${dir}/*`, `../../${dir}/*`]),
                  message: 'This import runs up the layers (see the layering note in eslint.config.js).',
                },
              ]),
          {
            group: ROOT_MODULES.flatMap((name) => [`../${name}.js`, `../../${name}.js`]),
            message: 'Features and lib never import the composition root; take what they need as parameters.',
          },
        ],
      },
    ],
  },
});

/** Per layer, the directories it must not import; its route and schema files may also use http/. */
function layers(rules) {
  return rules.flatMap(({ files, forbidden }) => [
    restrict(files, forbidden),
    restrict(
      files.map((glob) => glob.replace('**/*.ts', '**/*-{routes,schemas}.ts')),
      forbidden.filter((dir) => dir !== 'http'),
    ),
  ]);
}

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'data', 'bin', 'coverage', 'console/dist', 'console/.build-*'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      // Fastify plugins are async by contract even when their body awaits nothing.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // supertest bodies are `any` by design; assertions check their shape.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Layering (docs/architecture.md): lib ← writers, keys ← knowledge ← sources ← generation; routes and
  // schemas are the only feature files that see http/; nothing below the composition root imports it.
  ...layers([
    {
      files: ['src/lib/**/*.ts'],
      forbidden: ['writers', 'keys', 'knowledge', 'sources', 'generation', 'http'],
    },
    {
      files: ['src/writers/**/*.ts', 'src/keys/**/*.ts'],
      forbidden: ['knowledge', 'sources', 'generation', 'http'],
    },
    { files: ['src/knowledge/**/*.ts'], forbidden: ['sources', 'generation', 'http'] },
    { files: ['src/sources/**/*.ts'], forbidden: ['generation', 'http'] },
    { files: ['src/generation/**/*.ts'], forbidden: ['http'] },
    { files: ['src/webhooks/**/*.ts'], forbidden: ['http'] },
  ]),
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['eslint.config.js', 'vitest.config.ts', 'console/vite.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
