import { defineConfig } from 'vitest/config';

// Database tests run once per engine: always on the embedded PGlite, and on PostgreSQL too when
// DATABASE_URL is set (CI sets it), so the same suite proves both.
const engines = ['pglite', ...(process.env.DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true as const,
        test: {
          name: 'unit',
          include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'],
        },
      },
      ...engines.map((engine) => ({
        extends: true as const,
        test: {
          name: `db-${engine}`,
          include: ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          env: { WAYMARK_TEST_ENGINE: engine },
          testTimeout: 60_000,
        },
      })),
      {
        // Tests that start Waymark as a separate process (the server, the command line): once,
        // on the embedded database, since what they test is the process rather than the engine.
        extends: true as const,
        test: {
          name: 'spawn',
          include: ['test/**/*.spawn.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          env: { WAYMARK_TEST_ENGINE: 'pglite' },
          testTimeout: 120_000,
        },
      },
      {
        extends: true as const,
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.browser.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          env: { WAYMARK_TEST_ENGINE: 'pglite' },
          testTimeout: 120_000,
        },
      },
    ],
  },
});
