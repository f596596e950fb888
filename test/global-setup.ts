import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../src/kernel/db/connect.js';
import { migrate } from '../src/kernel/db/migrate.js';
import { adminUrl, databaseUrl } from './helpers/postgres-url.js';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    postgresTemplate: string;
  }
}

/**
 * Migrates one database per engine, once per run: PGlite is dumped to a file each test file
 * loads (initdb would take seconds each time); PostgreSQL gets a template each test copies.
 */
export default async function setup(project: TestProject) {
  if (!existsSync(join(ROOT, 'public/app.css'))) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build-assets.ts'],
      { cwd: ROOT },
    );
  }
  const engine =
    (project.config.env as Record<string, string> | undefined)?.WAYMARK_TEST_ENGINE ?? 'pglite';
  if (engine === 'pglite') {
    const database = await openPglite();
    await migrate(database);
    const dump = await database.pglite!.dumpDataDir('gzip');
    await database.close();
    const dir = join(tmpdir(), 'waymark-test');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `pglite-${process.pid}-${Date.now()}.tgz`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('pgliteDump', file);
    project.provide('postgresTemplate', '');
    return;
  }
  const url = process.env.DATABASE_URL!;
  const template = `waymark_tpl_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  await admin.query(`create database ${template}`);
  const database = openPostgres(databaseUrl(url, template), 2);
  await migrate(database);
  await database.close();
  project.provide('postgresTemplate', template);
  project.provide('pgliteDump', '');
  return async () => {
    await admin.query(`drop database if exists ${template} with (force)`);
    // Test databases left by a crashed run are removed too.
    const stale = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like 'waymark_t_${process.pid}_%'`,
    );
    for (const r of stale.rows)
      await admin.query(`drop database if exists ${r.datname} with (force)`);
    await admin.end();
  };
}
