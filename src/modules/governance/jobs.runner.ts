/** Runs due jobs: claim a batch, run each handler, mark it done or put it back for a retry. */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../kernel/db/schema.js';
import type { Mailer } from '../../kernel/mail/mailer.js';
import { claimDueJobs, completeJob, failJob } from './jobs.queue.js';
import type { Job } from './round.tables.js';

export interface JobContext {
  db: Kysely<DB>;
  mailer: Mailer;
  /** Where people reach Waymark, for links in mails. */
  publicUrl: string;
  now: () => Date;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<void>;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

/** A claim lasts this long; a handler that runs longer may see its job claimed again. */
export const LEASE_MS = 5 * 60 * 1000;
const BATCH = 20;
/** Enough batches for a round's follow-on jobs, not so many that one poll never ends. */
const MAX_BATCHES = 50;

export interface RunSummary {
  done: number;
  failed: number;
}

/** Claims and runs due jobs until none are left (or only those matching keyPrefix). */
export async function runJobs(
  ctx: JobContext,
  handlers: JobHandlers,
  options: { workerId: string; keyPrefix?: string },
): Promise<RunSummary> {
  const summary: RunSummary = { done: 0, failed: 0 };
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const jobs = await claimDueJobs(ctx.db, {
      workerId: options.workerId,
      now: ctx.now(),
      limit: BATCH,
      leaseMs: LEASE_MS,
      ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    });
    if (!jobs.length) break;
    for (const job of jobs) {
      try {
        const handler = handlers[job.kind];
        if (!handler) throw new Error(`No handler for jobs of kind "${job.kind}"`);
        await handler(job, ctx);
        await completeJob(ctx.db, job, ctx.now());
        summary.done++;
      } catch (error) {
        const outcome = await failJob(ctx.db, job, ctx.now(), error);
        summary.failed++;
        ctx.logger.error(
          { err: error, job: { id: job.id, kind: job.kind, key: job.key, attempts: job.attempts } },
          outcome === 'given-up'
            ? 'Job failed for the last time'
            : 'Job failed; it will be retried',
        );
      }
    }
  }
  return summary;
}
