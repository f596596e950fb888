import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase, type Database } from '../kernel/db/connect.js';
import { migrate } from '../kernel/db/migrate.js';
import { loadDemo, DEMO_PASSWORD, DEMO_PEOPLE } from '../modules/demo/index.js';

/** Opens the configured database, brings it up to date, runs fn, and always closes it. */
export async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig());
  try {
    await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

export function registerDatabaseCommands(program: Command) {
  program
    .command('migrate')
    .description('Apply every pending database migration (needed on PostgreSQL before serve)')
    .action(async () => {
      const database = await openDatabase(loadConfig());
      try {
        const applied = await migrate(database);
        console.log(
          applied.length
            ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}`
            : 'The database is up to date.',
        );
      } finally {
        await database.close();
      }
    });

  program
    .command('demo')
    .description('Load the demo council (Castlemere Borough Council) if it is not there yet')
    .action(async () => {
      await withDatabase(async (database) => {
        const result = await loadDemo(database.db);
        console.log(
          result.created ? 'Loaded the demo council.' : 'The demo council is already loaded.',
        );
        console.log(`Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
        for (const p of DEMO_PEOPLE) console.log(`  ${p.role.padEnd(12)} ${p.email}`);
      });
    });
}
