import { Command, CommanderError } from 'commander';
import { ConfigError } from './config.js';
import { DataFolderLockedError } from './kernel/db/connect.js';
import { HttpError } from './kernel/http/errors.js';
import { registerServe } from './cli/serve.js';
import { registerDatabaseCommands } from './cli/database.js';
import { registerPeopleCommands } from './cli/people.js';
import { registerBackupCommands } from './cli/backup.js';
import { UsageError } from './cli/errors.js';
import { registerAuditCommands } from './modules/audit/index.js';
import { registerImportCommand } from './modules/imports/index.js';
import { registerReportCommand } from './modules/governance/index.js';

/** Exit codes: 0 done, 1 failed, 2 bad usage or configuration, 3 data folder in use. */
const program = new Command()
  .name('waymark')
  .description('Waymark: run a public body’s ICT strategy from end to end.')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    '\nConfiguration comes from environment variables (DATA_DIR, DATABASE_URL, PORT …: see the README).\n' +
      'Exit status: 0 done, 1 failed, 2 bad usage or configuration, 3 data folder in use.',
  )
  .exitOverride();

registerServe(program);
registerDatabaseCommands(program);
registerPeopleCommands(program);
registerBackupCommands(program);
registerAuditCommands(program);
registerImportCommand(program);
registerReportCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its message (usage errors, --help, --version).
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof ConfigError || error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof DataFolderLockedError) {
    console.error(error.message);
    process.exit(3);
  }
  if (error instanceof HttpError) {
    const fields = error.fieldErrors.map((f) => `\n  ${f.field}: ${f.message}`).join('');
    console.error(`${error.message}${fields}`);
    // Invalid input is bad usage; anything else (a clash with existing data) is a failure.
    process.exit(error.status === 400 ? 2 : 1);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
