import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { setPasswordCost } from '../../src/kernel/auth/passwords.js';
import type { AppDeps } from '../../src/kernel/http/context.js';
import { createDeps } from '../../src/server.js';
import { openTestDatabase, type TestDatabase } from './db.js';

// Real scrypt, cheaper cost: the hashing code is the same, the suite is faster.
setPasswordCost(10);

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  SESSION_SECRET: 'test-secret-that-is-long-enough-for-waymark-0001',
  LOG_LEVEL: 'silent',
  RATE_LIMIT_PER_MINUTE: '1000000',
  SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000000',
  DATA_DIR: '/nonexistent',
};

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  deps: AppDeps;
  config: Config;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database of the engine under test. Pass `database` to put a second
 * app (a second "process") on the same database.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; database?: TestDatabase } = {},
): Promise<TestApp> {
  const config = loadConfig({ ...TEST_ENV, ...options.env });
  const database = options.database ?? (await openTestDatabase());
  const deps = await createDeps(config, database);
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  return {
    app,
    database,
    deps,
    config,
    async close() {
      await app.close();
      deps.mailer.close();
      if (!options.database) await database.close();
    },
  };
}
