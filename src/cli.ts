import { Command, CommanderError } from 'commander';
import { ConfigError } from './config.js';
import { DataFolderLockedError } from './kernel/db/connect.js';
import { HttpError } from './kernel/http/errors.js';
import { registerServe } from './cli/serve.js';
import { registerDatabaseCommands } from './cli/database.js';

/** Exit codes: 0 done, 1 failed, 2 bad usage or configuration, 3 data folder in use. */
const program = new Command()
  .name('waymark')
  .description('Waymark: run a public body’s ICT strategy from end to end.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerServe(program);
registerDatabaseCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof ConfigError) {
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
    process.exit(1);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
