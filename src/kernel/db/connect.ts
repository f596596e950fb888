import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

export type Engine = 'pglite' | 'postgres';

export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<DB>;
  /** Only on the embedded engine: the PGlite instance (for dumps in tests and backups). */
  readonly pglite?: PGlite;
  /** Connections in use and idle, for /metrics. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

// Both drivers return the same JS values: dates as 'YYYY-MM-DD', int8 as number, intervals as text.
const keepText = (v: string) => v;
pg.types.setTypeParser(pg.types.builtins.DATE, keepText);
pg.types.setTypeParser(pg.types.builtins.INTERVAL, keepText);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export class DataFolderLockedError extends Error {}

export interface PgliteOptions {
  dataDir?: string;
  loadDataDir?: Blob;
  /** Lock the folder so that a second process cannot open it and silently lose writes. */
  lock?: boolean;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  let unlock: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    if (options.lock !== false) unlock = await lockDataFolder(dataDir);
  }
  try {
    const pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      parsers: { 1082: keepText, 1186: keepText },
      // Search indexes lead with the organisation (migration 20261122T0900).
      extensions: { btree_gin },
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      engine: 'pglite',
      db,
      pglite,
      poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
      async close() {
        await db.destroy();
        await pglite.close();
        await unlock?.();
      },
    };
  } catch (error) {
    await unlock?.();
    throw error;
  }
}

async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: `${dataDir}.lock`,
      stale: 15_000,
      update: 5_000,
      onCompromised: (err) => {
        // Another process took the folder: stop rather than risk losing writes.
        console.error(`Waymark lost its lock on the data folder ${dataDir}: ${err.message}`);
        process.exit(1);
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new DataFolderLockedError(
        `Another Waymark process is already using the data folder ${dataDir}. ` +
          'Stop that process first, or set DATA_DIR to a different folder.',
      );
    }
    throw error;
  }
}

export function openPostgres(connectionString: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle connection can be cut by the server (a restart, a failover, an administrator). The
  // pool drops it and opens another when needed; without a listener the error would stop the process.
  pool.on('error', (error) => {
    console.error(`Waymark lost an idle database connection: ${error.message}`);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    engine: 'postgres',
    db,
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    async close() {
      await db.destroy();
    },
  };
}

export async function openDatabase(config: {
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
  DATABASE_POOL_SIZE: number;
}): Promise<Database> {
  return config.DATABASE_URL
    ? openPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE)
    : openPglite({ dataDir: config.DATA_DIR });
}
