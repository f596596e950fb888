import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { demoSignInText, startServer } from '../server.js';

export function registerServe(program: Command) {
  program
    .command('serve')
    .description(
      'Start the Waymark web server (PORT, HOST, DATA_DIR and DATABASE_URL configure it)',
    )
    .option('--demo', 'load the demo council on first start if the database has none')
    .action(async (options: { demo?: boolean }) => {
      const config = loadConfig();
      const running = await startServer(config, { demo: options.demo === true });
      console.log(
        options.demo ? demoSignInText(running.url) : `Waymark is running at ${running.url}`,
      );
      const shutdown = (signal: string) => {
        running.app.log.info({ signal }, 'Stopping: finishing requests in flight');
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}
