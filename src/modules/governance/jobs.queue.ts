/** The job queue: rows in `jobs`, so scheduled work survives a restart and is shared by processes. */
import { sql, type Kysely } from 'kysely';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import type { Tx } from '../../kernel/db/tenancy.js';
import type { Job } from './round.tables.js';

/** After this many tries a job is given up (and stays in the table with its last error). */
export const MAX_ATTEMPTS = 6;

export interface NewJob {
  tenantId: string | null;
  kind: string;
  /** Scheduling the same key again does nothing. */
  key: string;
  payload: Record<string, unknown>;
  runAt: Date;
}

/** Adds jobs in the caller's transaction (a tenant one may add its own organisation's jobs). */
export async function enqueueJobs(trx: Tx | Kysely<DB>, jobs: readonly NewJob[]): Promise<void> {
  if (!jobs.length) return;
  await trx
    .insertInto('jobs')
    .values(
      jobs.map((j) => ({
        id: newId(),
        tenant_id: j.tenantId,
        kind: j.kind,
        key: j.key,
        payload: JSON.stringify(j.payload),
        run_at: j.runAt,
      })),
    )
    // No conflict target: a tenant transaction may insert into jobs but not read it.
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** How long a failed job waits before its next try: 30 s, 1 min, 2 min … at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60 * 1000);
}

/**
 * Claims up to `limit` due jobs for one worker. Rows another process is claiming right now are
 * skipped (FOR UPDATE SKIP LOCKED); a claim is a lease until `claimed_until`, so a job held by a
 * process that died is claimed again once the lease lapses.
 */
export async function claimDueJobs(
  db: Kysely<DB>,
  options: { workerId: string; now: Date; limit: number; leaseMs: number; keyPrefix?: string },
): Promise<Job[]> {
  const { now } = options;
  return db.transaction().execute(async (trx) => {
    let due = trx
      .selectFrom('jobs')
      .select('id')
      .where('done_at', 'is', null)
      .where('failed_at', 'is', null)
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]));
    if (options.keyPrefix) {
      due = due.where('key', 'like', `${options.keyPrefix.replace(/[\\%_]/g, '\\$&')}%`);
    }
    const rows = await due
      .orderBy('run_at')
      .orderBy('id')
      .limit(options.limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (!rows.length) return [];
    return trx
      .updateTable('jobs')
      .set({
        claimed_by: options.workerId,
        claimed_until: new Date(now.getTime() + options.leaseMs),
        attempts: sql`attempts + 1`,
      })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .returningAll()
      .execute();
  });
}

/** Marks a claimed job done (only while this worker still holds it). */
export async function completeJob(db: Kysely<DB>, job: Job, now: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ done_at: now, claimed_until: null, last_error: null })
    .where('id', '=', job.id)
    .where('claimed_by', '=', job.claimed_by)
    .execute();
}

/** Puts a failed job back with a delay, or gives it up after MAX_ATTEMPTS. */
export async function failJob(
  db: Kysely<DB>,
  job: Job,
  now: Date,
  error: unknown,
): Promise<'retry' | 'given-up'> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  const givenUp = job.attempts >= MAX_ATTEMPTS;
  await db
    .updateTable('jobs')
    .set({
      last_error: message,
      claimed_until: null,
      ...(givenUp
        ? { failed_at: now }
        : { run_at: new Date(now.getTime() + retryDelayMs(job.attempts)) }),
    })
    .where('id', '=', job.id)
    .where('claimed_by', '=', job.claimed_by)
    .execute();
  return givenUp ? 'given-up' : 'retry';
}
