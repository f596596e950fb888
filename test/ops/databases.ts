import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../src/kernel/db/connect.js';
import { migrate } from '../../src/kernel/db/migrate.js';
import type { DB } from '../../src/kernel/db/schema.js';
import { databaseUrl } from '../helpers/postgres-url.js';

/** A fresh, migrated embedded database (from the suite's migrated dump when there is one). */
export async function freshPglite(): Promise<Database> {
  const dump = inject('pgliteDump');
  if (dump) return openPglite({ loadDataDir: new Blob([readFileSync(dump)]) });
  const database = await openPglite();
  await migrate(database);
  return database;
}

/**
 * A fresh, migrated database of its own on the PostgreSQL server DATABASE_URL names (created and
 * dropped like test/helpers/db.ts does), whichever engine the suite runs on.
 */
export async function freshPostgres(): Promise<Database> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set');
  const name = `waymark_t_${process.ppid}_ops_${randomBytes(5).toString('hex')}`;
  const template = inject('postgresTemplate');
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const database = openPostgres(databaseUrl(server, name), 3);
  if (!template) await migrate(database);
  return {
    ...database,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: server });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

async function rows<R>(db: Kysely<DB>, text: string): Promise<R[]> {
  return (await db.executeQuery(CompiledQuery.raw(text))).rows as R[];
}

/** Every table of the public schema but the migrations list, found independently of backup.ts. */
export async function tableNames(db: Kysely<DB>): Promise<string[]> {
  const found = await rows<{ table_name: string }>(
    db,
    `select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'waymark_migrations'
      order by table_name`,
  );
  return found.map((r) => r.table_name);
}

/**
 * Every row of every table as PostgreSQL's own text form of the whole row (generated columns
 * included), in primary-key order, with the time zone fixed so both engines print alike.
 */
export async function everyRow(db: Kysely<DB>): Promise<Record<string, string[]>> {
  const tables = await tableNames(db);
  return db.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw(`set local timezone to 'UTC'`));
    const result: Record<string, string[]> = {};
    for (const table of tables) {
      const keys = await rows<{ column_name: string }>(
        trx,
        `select k.column_name from information_schema.table_constraints tc
           join information_schema.key_column_usage k
             on k.constraint_name = tc.constraint_name and k.table_name = tc.table_name
            and k.constraint_schema = tc.constraint_schema
          where tc.table_schema = 'public' and tc.table_name = '${table}'
            and tc.constraint_type = 'PRIMARY KEY'
          order by k.ordinal_position`,
      );
      const order = keys.length ? keys.map((k) => `"${k.column_name}"`).join(', ') : '1';
      const found = await rows<{ r: string }>(
        trx,
        `select t::text as r from "${table}" t order by ${order}`,
      );
      result[table] = found.map((f) => f.r);
    }
    return result;
  });
}

export async function rowCount(db: Kysely<DB>): Promise<number> {
  let total = 0;
  for (const table of await tableNames(db)) {
    const [count] = await rows<{ n: string }>(db, `select count(*)::text as n from "${table}"`);
    total += Number(count?.n ?? 0);
  }
  return total;
}
