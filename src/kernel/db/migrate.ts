import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Database } from './connect.js';
import type { DB } from './schema.js';

const SRC = fileURLToPath(new URL('../../', import.meta.url));
const MIGRATION_LOCK = 7_274_627_001;

export interface Migration {
  name: string;
  path: string;
}

/** Kernel migrations and each module's own, ordered by their timestamped file names. */
export function listMigrations(): Migration[] {
  const folders = [join(SRC, 'kernel/db/migrations')];
  const modules = join(SRC, 'modules');
  if (existsSync(modules)) {
    for (const m of readdirSync(modules)) folders.push(join(modules, m, 'migrations'));
  }
  return folders
    .filter((f) => existsSync(f))
    .flatMap((f) =>
      readdirSync(f)
        .filter((n) => n.endsWith('.sql'))
        .map((n) => ({ name: basename(n, '.sql'), path: join(f, n) })),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Applies every pending migration, each in its own transaction. Returns the names applied. */
export async function migrate(database: Database): Promise<string[]> {
  const applied: string[] = [];
  await database.db.connection().execute(async (conn) => {
    if (database.engine === 'postgres') {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    }
    try {
      await sql`create table if not exists waymark_migrations (
        name text primary key, applied_at timestamptz not null default now())`.execute(conn);
      const done = new Set(
        (await conn.selectFrom('waymark_migrations').select('name').execute()).map((r) => r.name),
      );
      for (const m of listMigrations()) {
        if (done.has(m.name)) continue;
        await applyOne(database, conn, m);
        applied.push(m.name);
      }
    } finally {
      if (database.engine === 'postgres') {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
      }
    }
  });
  return applied;
}

async function applyOne(database: Database, conn: Kysely<DB>, m: Migration) {
  const script = readFileSync(m.path, 'utf8');
  await sql`begin`.execute(conn);
  try {
    await execScript(database, conn, script);
    await conn.insertInto('waymark_migrations').values({ name: m.name }).execute();
    await sql`commit`.execute(conn);
  } catch (error) {
    await sql`rollback`.execute(conn);
    throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs a script of several statements on the connection that is already held. */
export async function execScript(database: Database, conn: Kysely<DB>, script: string) {
  if (database.pglite) await database.pglite.exec(script);
  else await sql.raw(script).execute(conn);
}

export async function pendingMigrations(database: Database): Promise<string[]> {
  const exists = await sql<{
    t: string | null;
  }>`select to_regclass('waymark_migrations') as t`.execute(database.db);
  const done = exists.rows[0]?.t
    ? new Set(
        (await database.db.selectFrom('waymark_migrations').select('name').execute()).map(
          (r) => r.name,
        ),
      )
    : new Set<string>();
  return listMigrations()
    .map((m) => m.name)
    .filter((n) => !done.has(n));
}
