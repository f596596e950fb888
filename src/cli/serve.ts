import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { demoSignInText, startServer } from '../server.js';

/** Plain words for the two ways listening usually fails. */
function listenProblem(error: unknown, host: string, port: number): Error | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new Error(
      `Another program is already using port ${port} on ${host}. Stop it, or set PORT to a free port.`,
    );
  }
  if (code === 'EACCES') {
    return new Error(
      `Waymark is not allowed to listen on port ${port} on ${host}. Use a port above 1023 (set PORT), or put a reverse proxy in front.`,
    );
  }
  return undefined;
}

export function registerServe(program: Command) {
  program
    .command('serve')
    .description(
      'Start the Waymark web server (PORT, HOST, DATA_DIR and DATABASE_URL configure it)',
    )
    .option('--demo', 'load the demo council when the database is empty (first start)')
    .action(async (options: { demo?: boolean }) => {
      const config = loadConfig();
      const running = await startServer(config, { demo: options.demo === true }).catch(
        (error: unknown) => {
          throw listenProblem(error, config.HOST, config.PORT) ?? error;
        },
      );
      console.log(
        options.demo && running.hasDemo
          ? demoSignInText(running.url)
          : `Waymark is running at ${running.url}`,
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
