import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { engine } from '../../../test/helpers/db.js';
import { startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.js';
import { openPostgres, type Database } from '../../kernel/db/connect.js';
import { newId } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { SYSTEM_ACTOR } from '../../kernel/audit/audit.js';
import { createMailer } from '../../kernel/mail/mailer.js';
import { enqueueJobs } from './jobs.queue.js';
import { startRoundInTx } from './round.service.js';
import {
  linkedActions,
  recordUpdate,
  roundAudit,
  seedBoard,
  type Seeded,
} from './round.test-support.js';
import { startScheduler, type Scheduler } from './scheduler.js';

const BASE = 'https://waymark.example';
const DAY = 24 * 3600 * 1000;
const logger = pino({ level: 'silent' });

let t: TestApp;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: BASE } });
}, 120_000);
afterAll(async () => {
  await t.close();
  await smtp.close();
}, 60_000);

const mailsTo = (email: string, subject?: RegExp) =>
  smtp.messages.filter(
    (m) => m.to.includes(email.toLowerCase()) && (!subject || subject.test(m.subject)),
  );

/** A scheduler that only polls when the test says so, optionally on its own connection pool. */
function scheduler(options: { db?: Database; now?: () => Date } = {}): Scheduler {
  return startScheduler({
    db: (options.db ?? t.database).db,
    config: { ...t.config, SCHEDULER_ENABLED: false },
    mailer: createMailer({ smtpUrl: smtp.url, from: t.config.MAIL_FROM, logger, logBodies: false }),
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
}

async function roundOf(s: Seeded) {
  return withTenant(t.database.db, s.tenantId, null, (trx) =>
    trx
      .selectFrom('update_rounds')
      .selectAll()
      .where('tenant_id', '=', s.tenantId)
      .where('meeting_id', '=', s.meetingId)
      .executeTakeFirst(),
  );
}

describe('the scheduler starts rounds when they are due, and reminds', () => {
  it('asks the owners of a meeting inside its lead time, once; leaves a later meeting alone', async () => {
    const due = await seedBoard(t, { meetsInDays: 10, leadDays: 14, reminderDays: 7 });
    const later = await seedBoard(t, { meetsInDays: 60, leadDays: 14 });
    const s1 = scheduler();
    await s1.runDueJobs();
    expect(await roundOf(due)).toBeDefined();
    expect(await roundOf(later)).toBeUndefined();
    const alice = mailsTo(due.alice.email);
    expect(alice).toHaveLength(1);
    expect(linkedActions(alice[0]!.text, BASE).sort()).toEqual(
      [due.actions['1.1'], due.actions['1.2'], due.actions['1.8']].sort(),
    );
    expect(mailsTo(due.bob.email)).toHaveLength(1);
    expect(mailsTo(due.carol.email)).toHaveLength(1);
    expect(mailsTo(later.alice.email)).toHaveLength(0);
    const audit = await roundAudit(t, due.tenantId);
    expect(audit[0]).toMatchObject({ action: 'update_round.started', actor_user_id: null });

    // Polling again changes nothing.
    await s1.runDueJobs();
    expect(mailsTo(due.alice.email)).toHaveLength(1);

    // Bob and Carol respond; after reminder_after_days only Alice is reminded, about what is left.
    await recordUpdate(t, due.bob, due.actions['2.1']!);
    await recordUpdate(t, due.carol, due.actions['3.1']!);
    await recordUpdate(t, due.alice, due.actions['1.2']!);
    const early = scheduler({ now: () => new Date(Date.now() + 6 * DAY) });
    await early.runDueJobs();
    expect(mailsTo(due.alice.email, /^Reminder/)).toHaveLength(0);

    const week = scheduler({ now: () => new Date(Date.now() + 7 * DAY + 60_000) });
    await week.runDueJobs();
    const reminders = mailsTo(due.alice.email, /^Reminder: progress updates needed/);
    expect(reminders).toHaveLength(1);
    expect(linkedActions(reminders[0]!.text, BASE).sort()).toEqual(
      [due.actions['1.1'], due.actions['1.8']].sort(),
    );
    expect(reminders[0]!.text).toContain('This is a reminder.');
    expect(mailsTo(due.bob.email)).toHaveLength(1);
    expect(mailsTo(due.carol.email)).toHaveLength(1);
    await week.runDueJobs();
    expect(mailsTo(due.alice.email)).toHaveLength(2);

    const actions = (await roundAudit(t, due.tenantId)).map((a) => a.action);
    expect(actions.filter((a) => a === 'update_request.sent')).toHaveLength(3);
    expect(actions.filter((a) => a === 'update_request.reminder_sent')).toHaveLength(1);
  });

  it('does not chase a cancelled meeting', async () => {
    const s = await seedBoard(t, { meetsInDays: 5 });
    await t.database.db
      .updateTable('meetings')
      .set({ status: 'cancelled' })
      .where('tenant_id', '=', s.tenantId)
      .where('id', '=', s.meetingId)
      .execute();
    await scheduler().runDueJobs();
    expect(await roundOf(s)).toBeUndefined();
    expect(mailsTo(s.alice.email)).toHaveLength(0);
  });

  it('uses the "as at" date of the report on the agenda, and counts updates since the board’s previous report', async () => {
    const s = await seedBoard(t, { meetsInDays: 30, leadDays: 14 });
    const asAt = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
    const before = new Date(Date.now() - 200 * DAY).toISOString().slice(0, 10);
    await withTenant(t.database.db, s.tenantId, null, async (trx) => {
      const reportId = newId();
      await trx
        .insertInto('reports')
        .values([
          {
            tenant_id: s.tenantId,
            id: reportId,
            strategy_id: s.strategyId,
            board_id: s.boardId,
            title: 'Progress report',
            as_at: asAt,
            created_by: s.editor.id,
          },
          {
            tenant_id: s.tenantId,
            id: newId(),
            strategy_id: s.strategyId,
            board_id: s.boardId,
            title: 'The previous report',
            as_at: before,
            status: 'published',
            created_by: s.editor.id,
          },
        ])
        .execute();
      await trx
        .insertInto('agenda_items')
        .values({
          tenant_id: s.tenantId,
          id: newId(),
          meeting_id: s.meetingId,
          position: 1,
          title: 'Progress report',
          kind: 'report',
          report_id: reportId,
        })
        .execute();
    });
    await scheduler().runDueJobs();
    const round = await roundOf(s);
    expect(round?.as_at).toBe(asAt);
    expect(round!.updates_since.getTime()).toBeLessThan(Date.parse(`${before}T12:00:00Z`) + DAY);
    expect(round!.updates_since.getTime()).toBeGreaterThan(Date.parse(`${before}T00:00:00Z`));
    // 1.8 was updated 180 days ago, after the previous report (200 days ago): not asked now.
    const alice = mailsTo(s.alice.email);
    expect(alice).toHaveLength(1);
    expect(linkedActions(alice[0]!.text, BASE).sort()).toEqual(
      [s.actions['1.1'], s.actions['1.2']].sort(),
    );
  });
});

describe('jobs survive a restart', () => {
  it('a job claimed by a process that died is claimed again once its lease has lapsed', async () => {
    const s = await seedBoard(t, { meetsInDays: 40 });
    // The round starts (its jobs are written) but the process "dies" holding Alice's job.
    const round = await withTenant(t.database.db, s.tenantId, null, (trx) =>
      startRoundInTx(trx, SYSTEM_ACTOR, s.tenantId, s.meetingId, new Date()),
    );
    const key = `round:${round.round.id}:request:${s.alice.id}`;
    await t.database.db
      .updateTable('jobs')
      .set({
        claimed_by: 'dead-process',
        claimed_until: new Date(Date.now() + 60_000),
        attempts: 1,
      })
      .where('key', '=', key)
      .execute();
    // While the lease holds, nobody else takes it (the others go out).
    await scheduler().runDueJobs();
    expect(mailsTo(s.bob.email)).toHaveLength(1);
    expect(mailsTo(s.alice.email)).toHaveLength(0);
    // The lease lapses: the next process sends it, once.
    const later = scheduler({ now: () => new Date(Date.now() + 2 * 60_000) });
    await later.runDueJobs();
    await later.runDueJobs();
    expect(mailsTo(s.alice.email)).toHaveLength(1);
    const job = await t.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(job.done_at).not.toBeNull();
    expect(job.claimed_by).toBe(later.workerId);
    expect(job.attempts).toBe(2);
  });

  it('a failing job is retried later with a growing delay, and its error kept', async () => {
    let calls = 0;
    const s = startScheduler({
      db: t.database.db,
      config: { ...t.config, SCHEDULER_ENABLED: false },
      mailer: t.deps.mailer,
      logger,
      handlers: {
        'test.flaky': async () => {
          calls++;
          if (calls === 1) throw new Error('The mail server said no');
        },
      },
    });
    const key = `test:flaky:${newId()}`;
    await enqueueJobs(t.database.db, [
      { tenantId: null, kind: 'test.flaky', key, payload: {}, runAt: new Date() },
    ]);
    await s.runDueJobs();
    const failed = await t.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(failed).toMatchObject({
      attempts: 1,
      last_error: 'The mail server said no',
      done_at: null,
    });
    expect(failed.run_at.getTime()).toBeGreaterThan(Date.now() + 20_000);
    // Run again now: not yet due.
    await s.runDueJobs();
    expect(calls).toBe(1);
    const later = startScheduler({
      db: t.database.db,
      config: { ...t.config, SCHEDULER_ENABLED: false },
      mailer: t.deps.mailer,
      logger,
      now: () => new Date(Date.now() + 5 * 60_000),
      handlers: {
        'test.flaky': async () => {
          calls++;
        },
      },
    });
    await later.runDueJobs();
    expect(calls).toBe(2);
    const done = await t.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(done.done_at).not.toBeNull();
    expect(done.attempts).toBe(2);
  });
});

describe('two Waymark processes on one database', () => {
  it('each mail goes exactly once, rounds and reminders alike', { timeout: 240_000 }, async () => {
    const seeds: Seeded[] = [];
    for (let i = 0; i < 3; i++) seeds.push(await seedBoard(t, { meetsInDays: 8, reminderDays: 3 }));
    // On PostgreSQL the second process has its own connection pool; PGlite has one connection.
    const second: Database | null =
      engine === 'postgres' && t.database.url ? openPostgres(t.database.url, 5) : null;
    try {
      const a = scheduler();
      const b = scheduler(second ? { db: second } : {});
      await Promise.all([a.runDueJobs(), b.runDueJobs(), a.runDueJobs(), b.runDueJobs()]);
      for (const s of seeds) {
        expect(mailsTo(s.alice.email)).toHaveLength(1);
        expect(mailsTo(s.bob.email)).toHaveLength(1);
        expect(mailsTo(s.carol.email)).toHaveLength(1);
        const rounds = await withTenant(t.database.db, s.tenantId, null, (trx) =>
          trx
            .selectFrom('update_rounds')
            .select('id')
            .where('tenant_id', '=', s.tenantId)
            .execute(),
        );
        expect(rounds).toHaveLength(1);
        await recordUpdate(t, s.bob, s.actions['2.1']!);
      }
      const later = () => new Date(Date.now() + 3 * DAY + 60_000);
      const a2 = scheduler({ now: later });
      const b2 = scheduler(second ? { db: second, now: later } : { now: later });
      await Promise.all([a2.runDueJobs(), b2.runDueJobs(), a2.runDueJobs(), b2.runDueJobs()]);
      for (const s of seeds) {
        expect(mailsTo(s.alice.email, /^Reminder/)).toHaveLength(1);
        expect(mailsTo(s.carol.email, /^Reminder/)).toHaveLength(1);
        expect(mailsTo(s.bob.email)).toHaveLength(1);
        const audit = (await roundAudit(t, s.tenantId)).map((e) => e.action);
        expect(audit.filter((x) => x === 'update_round.started')).toHaveLength(1);
        expect(audit.filter((x) => x === 'update_request.sent')).toHaveLength(3);
        expect(audit.filter((x) => x === 'update_request.reminder_sent')).toHaveLength(2);
      }
    } finally {
      await second?.close();
    }
  });
});
