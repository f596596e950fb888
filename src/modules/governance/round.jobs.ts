/** The scheduler's handlers for update rounds. */
import type { JobContext, JobHandlers } from './jobs.runner.js';
import type { Job } from './round.tables.js';
import { JOB_KINDS, scheduleReminders, sendReminder, sendRequest } from './round.service.js';

function field(job: Job, name: string): string {
  const value = job.payload[name];
  if (typeof value !== 'string') throw new Error(`Job ${job.key} has no ${name}`);
  return value;
}

function tenantOf(job: Job): string {
  if (!job.tenant_id) throw new Error(`Job ${job.key} belongs to no organisation`);
  return job.tenant_id;
}

const mailDeps = (ctx: JobContext) => ({
  mailer: ctx.mailer,
  publicUrl: ctx.publicUrl,
  now: ctx.now(),
});

export const roundJobHandlers: JobHandlers = {
  [JOB_KINDS.request]: async (job, ctx) => {
    await sendRequest(
      ctx.db,
      mailDeps(ctx),
      tenantOf(job),
      field(job, 'roundId'),
      field(job, 'userId'),
    );
  },
  [JOB_KINDS.reminders]: async (job, ctx) => {
    await scheduleReminders(ctx.db, ctx.now(), tenantOf(job), field(job, 'roundId'));
  },
  [JOB_KINDS.reminder]: async (job, ctx) => {
    await sendReminder(
      ctx.db,
      mailDeps(ctx),
      tenantOf(job),
      field(job, 'roundId'),
      field(job, 'userId'),
    );
  },
};
