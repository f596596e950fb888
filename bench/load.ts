/**
 * A fresh database for one benchmark run (a temporary PGlite folder, or a new database on the
 * PostgreSQL server DATABASE_URL names), migrated and filled with the generated data using
 * multi-row inserts straight into the tables as the owner (row-level security does not apply).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { hashPassword } from '../src/kernel/auth/passwords.js';
import { hashToken, newSecretToken } from '../src/kernel/auth/tokens.js';
import { openPglite, openPostgres, type Database, type Engine } from '../src/kernel/db/connect.js';
import { migrate } from '../src/kernel/db/migrate.js';
import type { DB } from '../src/kernel/db/schema.js';
import {
  buildDataset,
  DATA_AS_AT,
  TABLE_ORDER,
  type Dataset,
  type Fixture,
  type ProfileName,
} from './dataset.js';
import type { NationalTimings } from './national.js';
import { Random } from './random.js';

/** Everyone's password: hashed once (scrypt is slow on purpose) and the hash reused. */
export const BENCH_PASSWORD = 'bench-correct-horse-battery-42';

/** Stay well under PostgreSQL's 65,535 parameters in one statement. */
const MAX_PARAMETERS = 30_000;

export interface Target {
  engine: Engine;
  /** For PGlite: the data folder. */
  dataDir?: string;
  /** For PostgreSQL: the URL of the benchmark's own database. */
  url?: string;
  /** Removes the folder or drops the database. */
  dispose(): Promise<void>;
}

export interface Loaded {
  fixture: Fixture & { apiToken: string };
  rows: Record<string, number>;
  timings: {
    migrateMs: number;
    generateMs: number;
    insertMs: number;
    analyzeMs: number;
    /** The national profile's steps (national.ts). */
    national?: NationalTimings;
  };
}

/** Creates an empty database of the engine. */
export async function createTarget(engine: Engine, serverUrl?: string): Promise<Target> {
  if (engine === 'pglite') {
    const folder = mkdtempSync(join(tmpdir(), 'waymark-bench-'));
    return {
      engine,
      dataDir: join(folder, 'data'),
      async dispose() {
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  if (!serverUrl) throw new Error('PostgreSQL needs DATABASE_URL');
  const name = `waymark_bench_${String(process.pid)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    engine,
    url: url.toString(),
    async dispose() {
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(serverUrl: string, text: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function openTarget(target: Target): Promise<Database> {
  if (target.engine === 'pglite') return openPglite({ dataDir: target.dataDir });
  if (!target.url) throw new Error('No database URL');
  return openPostgres(target.url, 4);
}

/** Inserts rows a statement at a time, as many rows per statement as the parameter limit allows. */
export async function insertAll(db: Kysely<DB>, table: keyof Dataset, rows: readonly object[]) {
  const first = rows[0];
  if (!first) return;
  const perRow = Object.keys(first).length;
  const chunk = Math.max(1, Math.floor(MAX_PARAMETERS / perRow));
  for (let i = 0; i < rows.length; i += chunk) {
    // Each table's rows are typed by the dataset; the loop is generic over tables.
    await db
      .insertInto(table)
      .values(rows.slice(i, i + chunk))
      .execute();
  }
}

/** Migrates the empty database and loads the profile; reports how long each step took. */
export async function loadProfile(
  target: Target,
  profile: ProfileName,
  seed: string,
  log: (line: string) => void,
): Promise<Loaded> {
  const database = await openTarget(target);
  try {
    let t = performance.now();
    await migrate(database);
    const migrateMs = performance.now() - t;

    t = performance.now();
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const { data, fixture } = buildDataset(profile, seed, passwordHash);
    // The API token: inserted like the others, with only its hash stored.
    const apiToken = newSecretToken();
    const tokenRow = {
      tenant_id: fixture.tenantId,
      id: new Random(`${seed}:token`).uuid(Date.parse(`${DATA_AS_AT}T12:00:00Z`)),
      user_id: fixture.reader.userId,
      name: 'Benchmark',
      token_hash: hashToken(apiToken),
      token_prefix: apiToken.slice(0, 8),
      scopes: ['read'],
    };
    const generateMs = performance.now() - t;

    t = performance.now();
    const rows: Record<string, number> = {};
    for (const table of TABLE_ORDER) {
      const list = data[table];
      log(`  inserting ${String(list.length).padStart(6)} ${table}`);
      await insertAll(database.db, table, list);
      rows[table] = list.length;
    }
    await database.db.insertInto('api_tokens').values(tokenRow).execute();
    rows.api_tokens = 1;
    const insertMs = performance.now() - t;

    // Statistics as autovacuum would have them on a database that has been running a while.
    t = performance.now();
    await sql`analyze`.execute(database.db);
    const analyzeMs = performance.now() - t;
    return {
      fixture: { ...fixture, apiToken },
      rows,
      timings: { migrateMs, generateMs, insertMs, analyzeMs },
    };
  } finally {
    await database.close();
  }
}
