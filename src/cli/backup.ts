import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { recordAudit, verifyAllChains } from '../kernel/audit/audit.js';
import { restoreBackup, writeBackup, type BackupSummary } from '../kernel/db/backup.js';
import { openDatabase } from '../kernel/db/connect.js';
import { withDatabase } from './database.js';
import { UsageError } from './errors.js';
import { cliActor } from './input.js';

const SECRET_NOTE =
  'Keep SESSION_SECRET the same on the server you restore to: single sign-on secrets and ' +
  'two-step verification keys in the backup are encrypted with it.';

function describe(summary: BackupSummary): string {
  const { header } = summary;
  const engine = header.engine === 'pglite' ? 'the embedded database' : 'PostgreSQL';
  return `Waymark ${header.waymarkVersion}, ${engine}, taken ${header.createdAt}`;
}

export function registerBackupCommands(program: Command) {
  program
    .command('backup')
    .description('Write every organisation’s data to one portable backup file')
    .argument('<file>', 'the file to write, e.g. waymark-2027-03-31.backup.gz')
    .option('--force', 'replace the file if it already exists')
    .addHelpText(
      'after',
      [
        '',
        'The file (gzip of JSON lines) holds every table, including the audit trail, from one',
        'consistent moment. It restores into the embedded database or PostgreSQL alike, so it is',
        'also how to move from one to the other. The embedded database is locked while Waymark',
        'runs: stop the server first, or back up PostgreSQL at any time.',
        '',
        SECRET_NOTE,
      ].join('\n'),
    )
    .action(async (file: string, options: { force?: boolean }) => {
      const target = resolve(file);
      if (existsSync(target) && !options.force) {
        throw new UsageError(
          `${target} already exists. Choose another file name, or add --force to replace it.`,
        );
      }
      if (!existsSync(dirname(target))) {
        throw new UsageError(`The folder ${dirname(target)} does not exist. Create it first.`);
      }
      const config = loadConfig();
      const dataDir = resolve(config.DATA_DIR);
      if (!config.DATABASE_URL && (!existsSync(dataDir) || !readdirSync(dataDir).length)) {
        throw new UsageError(
          `There is no Waymark data in ${dataDir}. Set DATA_DIR to the folder Waymark runs with ` +
            '(or DATABASE_URL to its PostgreSQL database).',
        );
      }
      // No migrations here: a backup records the database exactly as it is.
      const database = await openDatabase(config);
      let summary: BackupSummary;
      try {
        summary = await writeBackup(database, target);
      } finally {
        await database.close();
      }
      console.log(
        `Backed up ${summary.rows} row(s) from ${summary.tables.length} tables to ${target}`,
      );
      console.log(`  (${describe(summary)})`);
      console.log(SECRET_NOTE);
    });

  program
    .command('restore')
    .description('Load a backup file into an empty database')
    .argument('<file>', 'a file written by "waymark backup"')
    .addHelpText(
      'after',
      [
        '',
        'The database (DATA_DIR, or DATABASE_URL when set) must be empty: a new data folder or a',
        'new PostgreSQL database. It is brought up to date first, then the backup is loaded in one',
        'transaction, so a damaged file changes nothing. The audit trail is checked afterwards.',
        '',
        'To move from the embedded database to PostgreSQL: stop Waymark, run "waymark backup FILE",',
        'create an empty PostgreSQL database, then run "waymark restore FILE" with DATABASE_URL set.',
        '',
        SECRET_NOTE,
      ].join('\n'),
    )
    .action(async (file: string) => {
      const source = resolve(file);
      const { summary, chains } = await withDatabase(async ({ db }) => {
        const restored = await restoreBackup(db, source, {
          // The restore itself goes on the record, in the same transaction as the rows.
          beforeCommit: (trx, s) =>
            recordAudit(trx, cliActor(), {
              tenantId: null,
              action: 'database.restored',
              entityType: 'database',
              after: {
                file: basename(source),
                waymark_version: s.header.waymarkVersion,
                engine: s.header.engine,
                backup_taken_at: s.header.createdAt,
                tables: s.tables.length,
                rows: s.rows,
              },
            }),
        });
        return { summary: restored, chains: await verifyAllChains(db) };
      });
      console.log(
        `Restored ${summary.rows} row(s) into ${summary.tables.length} tables from ${source}`,
      );
      console.log(`  (${describe(summary)})`);
      if (summary.newerMigrations.length) {
        console.log(
          `This Waymark has ${summary.newerMigrations.length} migration(s) newer than the backup; ` +
            'their tables start empty.',
        );
      }
      const broken = chains.filter((c) => c.broken);
      if (broken.length) {
        console.error(
          `Warning: ${broken.length} audit trail(s) do not verify. The restore copied them as ` +
            'they were in the backup; run "waymark audit verify" for details.',
        );
      } else {
        console.log(`The audit trail checks out: ${chains.length} chain(s) intact.`);
      }
      console.log(SECRET_NOTE);
    });
}
