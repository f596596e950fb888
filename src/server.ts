import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './kernel/db/connect.js';
import { migrate, pendingMigrations } from './kernel/db/migrate.js';
import { SessionStore } from './kernel/auth/sessions.js';
import { SecretBox } from './kernel/auth/tokens.js';
import { createMailer } from './kernel/mail/mailer.js';
import type { AppDeps } from './kernel/http/context.js';
import { DEMO_ORGANISATION, DEMO_PASSWORD, DEMO_PEOPLE, loadDemo } from './modules/demo/index.js';
import { findOrganisation } from './modules/organisations/index.js';
import { startScheduler } from './modules/governance/index.js';
import pino from 'pino';

export async function createDeps(config: Config, database: Database): Promise<AppDeps> {
  const logger = pino({ level: config.LOG_LEVEL });
  return {
    config,
    database,
    mailer: createMailer({
      smtpUrl: config.SMTP_URL,
      from: config.MAIL_FROM,
      logger,
      logBodies: config.NODE_ENV === 'development',
    }),
    sessions: new SessionStore(database.db, {
      idleMinutes: config.SESSION_IDLE_MINUTES,
      absoluteHours: config.SESSION_ABSOLUTE_HOURS,
    }),
    secrets: new SecretBox(config.SESSION_SECRET),
  };
}

export interface Running {
  app: FastifyInstance;
  url: string;
  /** True when this database holds the demo council (so its sign-ins are worth printing). */
  hasDemo: boolean;
  stop(): Promise<void>;
}

/**
 * Opens the database, brings it up to date (the embedded one migrates itself; PostgreSQL must be
 * migrated with `waymark migrate`), loads the demo council if asked, and listens.
 */
export async function startServer(
  config: Config,
  options: { demo?: boolean } = {},
): Promise<Running> {
  const database = await openDatabase(config);
  try {
    if (database.engine === 'pglite') await migrate(database);
    else {
      const pending = await pendingMigrations(database);
      if (pending.length) {
        throw new Error(
          `The PostgreSQL database needs ${pending.length} migration(s) first. Run: waymark migrate`,
        );
      }
    }
    // The demo council is for a first start only: never added to a database that holds real data.
    if (
      options.demo &&
      !(await database.db.selectFrom('organisations').select('id').limit(1).executeTakeFirst())
    ) {
      await loadDemo(database.db);
    }
    const hasDemo = Boolean(await findOrganisation(database.db, DEMO_ORGANISATION.slug));
    const deps = await createDeps(config, database);
    const app = await buildApp(deps);
    await app.listen({ host: config.HOST, port: config.PORT });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
    const url = config.PUBLIC_URL ?? `http://${host}:${port}`;
    // Update rounds and reminders run in-process; each job is claimed once across processes.
    const scheduler = config.SCHEDULER_ENABLED
      ? startScheduler({
          db: database.db,
          config: { ...config, PUBLIC_URL: url },
          mailer: deps.mailer,
          logger: app.log,
        })
      : null;
    let stopping: Promise<void> | undefined;
    return {
      app,
      url,
      hasDemo,
      stop() {
        // Fastify lets in-flight requests finish (new ones get 503), then the database closes.
        stopping ??= (async () => {
          await scheduler?.stop();
          await app.close();
          deps.mailer.close();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export function demoSignInText(url: string): string {
  const lines = DEMO_PEOPLE.map((p) => `    ${p.role.padEnd(12)} ${p.email}`);
  return [
    `Waymark is running at ${url}`,
    '',
    `  Demo sign-ins (password for all: ${DEMO_PASSWORD}):`,
    ...lines,
    '',
    '  Press Ctrl+C to stop.',
  ].join('\n');
}
