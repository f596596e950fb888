/**
 * The in-process scheduler. Every SCHEDULER_POLL_SECONDS it starts the update rounds that are due
 * and runs due jobs. Jobs are rows, claimed with FOR UPDATE SKIP LOCKED and a lease, so several
 * Waymark processes on one PostgreSQL each run a job once, and a restart loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../kernel/db/schema.js';
import type { Mailer } from '../../kernel/mail/mailer.js';
import { runJobs, type JobContext, type JobHandlers, type RunSummary } from './jobs.runner.js';
import { roundJobHandlers } from './round.jobs.js';
import { planDueRounds } from './round.service.js';

export interface Scheduler {
  /** This process's name on the jobs it claims. */
  readonly workerId: string;
  /** Starts due rounds and runs due jobs now (what each poll does); tests call it directly. */
  runDueJobs(): Promise<RunSummary & { roundsStarted: number }>;
  /** Stops polling and waits for a poll in progress to finish. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  db: Kysely<DB>;
  config: Pick<
    Config,
    'SCHEDULER_ENABLED' | 'SCHEDULER_POLL_SECONDS' | 'PUBLIC_URL' | 'HOST' | 'PORT'
  >;
  mailer: Mailer;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** The clock (tests move it on to reach reminders). */
  now?: () => Date;
  handlers?: JobHandlers;
}

/** The address in mail links: PUBLIC_URL, else where this process listens. */
export function publicBase(config: SchedulerOptions['config']): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `http://${host}:${config.PORT}`;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const now = options.now ?? (() => new Date());
  const ctx: JobContext = {
    db: options.db,
    mailer: options.mailer,
    publicUrl: publicBase(options.config),
    now,
    logger: options.logger,
  };
  const handlers = options.handlers ?? roundJobHandlers;

  async function once() {
    const roundsStarted = await planDueRounds(options.db, now(), (meetingId, error) =>
      options.logger.error({ err: error, meetingId }, 'Could not start an update round'),
    );
    if (roundsStarted) options.logger.info({ roundsStarted }, 'Update rounds started');
    const summary = await runJobs(ctx, handlers, { workerId });
    return { ...summary, roundsStarted };
  }

  // One poll at a time in this process: a slow poll delays the next rather than overlapping it.
  let running: Promise<unknown> = Promise.resolve();
  function runDueJobs() {
    const next = running.then(once, once);
    running = next.catch(() => undefined);
    return next;
  }

  let timer: NodeJS.Timeout | undefined;
  if (options.config.SCHEDULER_ENABLED) {
    timer = setInterval(() => {
      runDueJobs().catch((error: unknown) =>
        options.logger.error({ err: error }, 'The scheduler could not run its jobs'),
      );
    }, options.config.SCHEDULER_POLL_SECONDS * 1000);
    // The scheduler never keeps the process alive on its own.
    timer.unref();
  }

  return {
    workerId,
    runDueJobs,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
