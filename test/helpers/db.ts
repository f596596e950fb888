import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../src/kernel/db/connect.js';
import { databaseUrl } from './postgres-url.js';

export const engine = (process.env.WAYMARK_TEST_ENGINE ?? 'pglite') as 'pglite' | 'postgres';

export interface TestDatabase extends Database {
  /** For PostgreSQL: the URL of this test's own database (e.g. to open a second process on it). */
  url?: string;
}

/** A fresh, migrated database of the engine under test, for one test file (or one test). */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const dump = readFileSync(inject('pgliteDump'));
    return openPglite({ loadDataDir: new Blob([dump]) });
  }
  const server = process.env.DATABASE_URL!;
  const name = `waymark_t_${process.ppid}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(server, name);
  const database = openPostgres(url, 5);
  return {
    ...database,
    url,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: server });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
