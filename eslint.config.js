// Lint (part of `npm test`): typescript-eslint's recommended rules, and the import boundaries of the layering
// as it is today (docs/DEVELOPMENT.md, "Lint and import boundaries"). Not type-aware: it stays fast on 2 cores.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/** Capability folders of src/ (platform is shared infrastructure, not a capability). */
const CAPABILITIES = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'platform')
  .map((entry) => entry.name);

/** Every route file, as a path from the repository root. */
const ROUTE_FILES = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.routes.ts'))
  .map((path) => relative(ROOT, join(ROOT, 'src', path)));

/**
 * Route files that import another capability's repository today: drift to mend by moving the step into a
 * service of the capability (STYLE.md, "Routes stay thin"). Listed so that no new one appears.
 */
const KNOWN_ROUTE_DRIFT = {
  'src/auth/auth.routes.ts': ['users'],
  'src/conversations/conversations.routes.ts': ['posts'],
  'src/intake/intake.routes.ts': ['audit'],
  'src/intake/webhooks.routes.ts': ['channels'],
  'src/listening/queries.routes.ts': ['audit'],
  'src/workspaces/workspaces.routes.ts': ['audit'],
};

/** Pure domain logic (STYLE.md habit 2): no database, HTTP server or network client. */
const DOMAIN = ['src/analysis', 'src/identity-resolution/model.ts', 'src/identity-resolution/blocking.ts', 'src/identity-resolution/text.ts', 'src/listening/canonical.ts', 'src/listening/query-matcher.ts'];

const routeZones = ROUTE_FILES.map((file) => {
  const capability = file.split('/')[1];
  return {
    target: file,
    from: CAPABILITIES.filter((other) => other !== capability && !(KNOWN_ROUTE_DRIFT[file] ?? []).includes(other)).map((other) => `src/${other}/**/*.repository.ts`),
    message: "A route calls its own capability's service or repository; another capability's data goes through that capability's service.",
  };
});

export default tseslint.config(
  { ignores: ['dist/', 'web/dist/', 'node_modules/', '.tmp/', 'coverage/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Text cleaning strips control characters and matches emoji sequences on purpose.
      'no-control-regex': 'off',
      'no-misleading-character-class': 'off',
      // Escapes inside character classes are kept where they make a pattern easier to read.
      'no-useless-escape': 'off',
      // Flags `let x = fallback; try { x = parse() } catch { throw }`, which we write for clarity.
      'no-useless-assignment': 'off',
    },
  },
  {
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Test helpers read response bodies loosely; src/ stays free of `any`.
    files: ['test/**', 'src/**/*.test.ts', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'preserve-caught-error': 'off' },
  },
  {
    files: ['src/**', 'web/src/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: ROOT,
          zones: [
            { target: 'src', from: ['test', 'web', 'bench', 'scripts'], message: 'Server code never depends on tests, the web app or tooling.' },
            { target: 'web/src', from: ['src', 'test'], message: 'The web app is a client of the HTTP API (its OpenAPI document), not of server modules.' },
            // schema.ts holds only the row types, which pure code may name.
            { target: DOMAIN, from: ['src/platform/db', 'src/platform/http', 'src/platform/app.ts'], except: ['./schema.ts'], message: 'Domain logic stays pure: I/O lives at the edges (STYLE.md habit 2).' },
            ...routeZones,
          ],
        },
      ],
    },
  },
  {
    files: DOMAIN.map((path) => (path.endsWith('.ts') ? path : `${path}/**`)),
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: ['kysely', 'fastify', 'pg', '@electric-sql/pglite', 'undici', 'ws', 'nodemailer', 'imapflow'].map((name) => ({ name, message: 'Domain logic stays pure: I/O lives at the edges (STYLE.md habit 2).', allowTypeImports: true })) }],
    },
  },
  {
    // Loaded on every run of the CLI, `--help` included: only commander and light modules; a command's
    // module is imported when it runs (src/cli/commands.ts).
    files: ['src/cli/main.ts', 'src/cli/commands.ts', 'src/cli/error-line.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*.ts', '../**/*.ts', '!./commands.ts', '!./error-line.ts', '!../platform/config.ts', '!../platform/errors.ts'],
              allowTypeImports: true,
              message: 'Import a command\'s module lazily through src/cli/commands.ts, so that `townhall --help` stays fast.',
            },
          ],
        },
      ],
    },
  },
);
