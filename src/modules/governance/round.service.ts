/** Update rounds: start one for a meeting, send its requests and reminders, nudge, and report on it. */
import type { Kysely } from 'kysely';
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../../kernel/audit/audit.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, NotFoundError } from '../../kernel/http/errors.js';
import type { Mailer } from '../../kernel/mail/mailer.js';
import { enqueueJobs, type NewJob } from './jobs.queue.js';
import { roundMail, type RoundMailKind } from './round.mail.js';
import {
  askablePeople,
  findMeetingWithBoard,
  lastUpdates,
  meetingReport,
  meetingsWithoutRound,
  openActions,
  overseenStrategies,
  previousAsAts,
  type MeetingWithBoard,
} from './round.queries.js';
import {
  addDays,
  dueRequests,
  londonDate,
  nudgeAllowed,
  outstanding,
  reminderDue,
  remindAt,
  responseState,
  roundIsDue,
  updatesSince,
} from './round.rules.js';
import type { UpdateRequest, UpdateRound } from './round.tables.js';

export const JOB_KINDS = {
  request: 'round.request',
  reminders: 'round.reminders',
  reminder: 'round.reminder',
} as const;

/** What a round mail needs beyond the database: where Waymark is, and the clock. */
export interface RoundMailer {
  mailer: Mailer;
  publicUrl: string;
  now: Date;
}

export async function loadMeeting(trx: Tx, tenantId: string, meetingId: string) {
  const meeting = await findMeetingWithBoard(trx, tenantId, meetingId);
  if (!meeting) throw new NotFoundError('There is no such meeting in this organisation.');
  return meeting;
}

/** Everything a round for the meeting would be, worked out now (nothing written). */
export async function planRound(trx: Tx, tenantId: string, meeting: MeetingWithBoard, now: Date) {
  const report = await meetingReport(trx, tenantId, meeting.id);
  const asAt = report?.as_at ?? meeting.meets_on;
  const since = updatesSince({
    asAt,
    cycle: meeting.reporting_cycle,
    previousAsAt: await previousAsAts(trx, tenantId, meeting.board_id, meeting.id, asAt),
  });
  const strategies = await overseenStrategies(trx, tenantId, meeting.board_id);
  const actions = await openActions(
    trx,
    tenantId,
    strategies.map((s) => s.id),
  );
  const { holdersByPost, askable, people } = await askablePeople(
    trx,
    tenantId,
    [...new Set(actions.flatMap((a) => (a.lead_post_id ? [a.lead_post_id] : [])))],
    [...new Set(actions.flatMap((a) => (a.lead_user_id ? [a.lead_user_id] : [])))],
    londonDate(now),
  );
  const facts = actions.map((a) => ({
    id: a.id,
    ownerIds: [
      ...(a.lead_user_id && askable.has(a.lead_user_id) ? [a.lead_user_id] : []),
      ...(a.lead_post_id ? (holdersByPost.get(a.lead_post_id) ?? []) : []),
    ],
    lastUpdateAt: a.last_update_at ? new Date(a.last_update_at) : null,
  }));
  const requests = dueRequests(facts, since);
  const noOneToAsk = facts.filter(
    (f) => f.ownerIds.length === 0 && !(f.lastUpdateAt && f.lastUpdateAt >= since),
  ).length;
  return { asAt, reportId: report?.id ?? null, since, strategies, requests, people, noOneToAsk };
}

/**
 * Starts the meeting's round: one request per owner due one, a request job each, and the reminder
 * job. Idempotent: when the meeting already has a round (another process or person started it),
 * that round is returned untouched.
 */
export async function startRoundInTx(
  trx: Tx,
  actor: Actor,
  tenantId: string,
  meetingId: string,
  now: Date,
): Promise<{ round: UpdateRound; created: boolean; asked: number }> {
  const meeting = await loadMeeting(trx, tenantId, meetingId);
  if (meeting.status !== 'planned') {
    throw new ConflictError(
      `This meeting is ${meeting.status}: owners are asked for updates only before a planned meeting.`,
    );
  }
  const plan = await planRound(trx, tenantId, meeting, now);
  const inserted = await trx
    .insertInto('update_rounds')
    .values({
      tenant_id: tenantId,
      id: newId(),
      meeting_id: meeting.id,
      board_id: meeting.board_id,
      strategy_ids: plan.strategies.map((s) => s.id),
      report_id: plan.reportId,
      as_at: plan.asAt,
      updates_since: plan.since,
      started_at: now,
      started_by: actor.userId,
      started_by_label: actor.label,
      remind_at: remindAt(now, meeting.reminder_after_days),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'meeting_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) {
    const round = await trx
      .selectFrom('update_rounds')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('meeting_id', '=', meeting.id)
      .executeTakeFirstOrThrow();
    return { round, created: false, asked: 0 };
  }
  const requests = [...plan.requests].map(([userId, actionIds]) => ({
    tenant_id: tenantId,
    id: newId(),
    round_id: inserted.id,
    user_id: userId,
    action_ids: actionIds,
  }));
  if (requests.length) await trx.insertInto('update_requests').values(requests).execute();
  const jobs: NewJob[] = requests.map((r) => ({
    tenantId,
    kind: JOB_KINDS.request,
    key: `round:${inserted.id}:request:${r.user_id}`,
    payload: { roundId: inserted.id, userId: r.user_id },
    runAt: now,
  }));
  jobs.push({
    tenantId,
    kind: JOB_KINDS.reminders,
    key: `round:${inserted.id}:reminders`,
    payload: { roundId: inserted.id },
    runAt: inserted.remind_at,
  });
  await enqueueJobs(trx, jobs);
  await recordAudit(trx, actor, {
    tenantId,
    action: 'update_round.started',
    entityType: 'update_round',
    entityId: inserted.id,
    after: {
      title: `Update round for the ${meeting.board_name} meeting on ${meeting.meets_on}`,
      meeting_id: meeting.id,
      board_id: meeting.board_id,
      as_at: inserted.as_at,
      updates_since: inserted.updates_since,
      remind_at: inserted.remind_at,
      people_asked: requests.length,
      actions_asked: new Set(requests.flatMap((r) => r.action_ids)).size,
    },
  });
  return { round: inserted, created: true, asked: requests.length };
}

/**
 * The scheduler's daily work, done on every poll: start the round of each planned meeting, in
 * any organisation, whose "as at" date less the board's lead time has come. Returns how many
 * rounds this call started (another process may have started others).
 */
export async function planDueRounds(
  db: Kysely<DB>,
  now: Date,
  onError: (meetingId: string, error: unknown) => void,
): Promise<number> {
  const today = londonDate(now);
  const candidates = await meetingsWithoutRound(db, today, addDays(today, 370));
  let started = 0;
  for (const m of candidates) {
    const due = roundIsDue({
      today,
      asAt: m.report_as_at ?? m.meets_on,
      meetsOn: m.meets_on,
      leadDays: m.update_lead_days,
      status: m.status,
    });
    if (!due) continue;
    try {
      const result = await withTenant(db, m.tenant_id, null, (trx) =>
        startRoundInTx(trx, SYSTEM_ACTOR, m.tenant_id, m.id, now),
      );
      if (result.created) started++;
    } catch (error) {
      onError(m.id, error);
    }
  }
  return started;
}

async function loadRound(trx: Tx, tenantId: string, roundId: string) {
  const round = await trx
    .selectFrom('update_rounds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roundId)
    .executeTakeFirst();
  if (!round) throw new NotFoundError('There is no such update round.');
  const meeting = await loadMeeting(trx, tenantId, round.meeting_id);
  return { round, meeting };
}

async function loadRequest(trx: Tx, tenantId: string, roundId: string, userId: string) {
  return trx
    .selectFrom('update_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('round_id', '=', roundId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The mail for one person about some of their actions. */
async function composeMail(
  trx: Tx,
  tenantId: string,
  round: UpdateRound,
  meeting: MeetingWithBoard,
  userId: string,
  actionIds: readonly string[],
  kind: RoundMailKind,
  publicUrl: string,
  nudgedBy?: string,
) {
  const person = await trx
    .selectFrom('users')
    .select(['email', 'display_name'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const organisation = await trx
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const actions = actionIds.length
    ? await trx
        .selectFrom('actions as a')
        .innerJoin('strategies as s', (j) =>
          j.onRef('s.id', '=', 'a.strategy_id').onRef('s.tenant_id', '=', 'a.tenant_id'),
        )
        .select(['a.id', 'a.ref', 'a.title', 's.title as strategy_title'])
        .where('a.tenant_id', '=', tenantId)
        .where('a.id', 'in', actionIds)
        .orderBy('s.title')
        .orderBy('a.ref_sort')
        .execute()
    : [];
  const base = publicUrl.replace(/\/+$/, '');
  return roundMail(
    kind,
    {
      to: person.email,
      name: person.display_name,
      organisationName: organisation.name,
      boardName: meeting.board_name,
      meetsOn: meeting.meets_on,
      asAt: round.as_at,
      since: londonDate(round.updates_since),
      actions: actions.map((a) => ({
        ref: a.ref,
        title: a.title,
        strategyTitle: a.strategy_title,
        link: `${base}/actions/${a.id}/progress`,
      })),
      myActionsLink: `${base}/my-actions`,
    },
    nudgedBy ? { nudgedBy } : {},
  );
}

/** Marks a mail as sent and audits it, in one transaction. */
async function recordMailed(
  trx: Tx,
  actor: Actor,
  tenantId: string,
  request: UpdateRequest,
  kind: RoundMailKind,
  mail: { to: string; subject: string },
  actionIds: readonly string[],
  now: Date,
) {
  const stamp =
    kind === 'request'
      ? { requested_at: now }
      : kind === 'reminder'
        ? { reminded_at: now }
        : { last_nudged_at: now };
  await trx
    .updateTable('update_requests')
    .set((eb) => ({ ...stamp, last_mailed_at: now, mails_sent: eb('mails_sent', '+', 1) }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', request.id)
    .execute();
  const action =
    kind === 'request'
      ? 'update_request.sent'
      : kind === 'reminder'
        ? 'update_request.reminder_sent'
        : 'update_request.nudge_sent';
  await recordAudit(trx, actor, {
    tenantId,
    action,
    entityType: 'update_request',
    entityId: request.id,
    after: {
      round_id: request.round_id,
      user_id: request.user_id,
      email: mail.to,
      subject: mail.subject,
      action_ids: actionIds,
    },
  });
}

/**
 * Sends one person's request (the job 'round.request'). Sent once: a request already marked sent
 * is left alone, so a job run again after a lapsed claim does not mail twice.
 */
export async function sendRequest(
  db: Kysely<DB>,
  deps: RoundMailer,
  tenantId: string,
  roundId: string,
  userId: string,
): Promise<'sent' | 'already-sent'> {
  const prepared = await withTenant(db, tenantId, null, async (trx) => {
    const { round, meeting } = await loadRound(trx, tenantId, roundId);
    const request = await loadRequest(trx, tenantId, roundId, userId);
    if (!request || request.requested_at) return null;
    const mail = await composeMail(
      trx,
      tenantId,
      round,
      meeting,
      userId,
      request.action_ids,
      'request',
      deps.publicUrl,
    );
    return { request, mail };
  });
  if (!prepared) return 'already-sent';
  await deps.mailer.send(prepared.mail);
  await withTenant(db, tenantId, null, (trx) =>
    recordMailed(
      trx,
      SYSTEM_ACTOR,
      tenantId,
      prepared.request,
      'request',
      prepared.mail,
      prepared.request.action_ids,
      deps.now,
    ),
  );
  return 'sent';
}

/** The reminder job: schedules one reminder job per person still due one. */
export async function scheduleReminders(
  db: Kysely<DB>,
  now: Date,
  tenantId: string,
  roundId: string,
): Promise<number> {
  return withTenant(db, tenantId, null, async (trx) => {
    const { round, meeting } = await loadRound(trx, tenantId, roundId);
    const requests = await trx
      .selectFrom('update_requests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('round_id', '=', roundId)
      .execute();
    const updates = await lastUpdates(
      trx,
      tenantId,
      requests.flatMap((r) => r.action_ids),
    );
    const due = requests.filter((r) =>
      reminderDue({
        now,
        remindAt: round.remind_at,
        requestedAt: r.requested_at,
        remindedAt: r.reminded_at,
        outstanding: outstanding(r.action_ids, updates, round.started_at).length,
        meetingStatus: meeting.status,
      }),
    );
    await enqueueJobs(
      trx,
      due.map((r) => ({
        tenantId,
        kind: JOB_KINDS.reminder,
        key: `round:${roundId}:reminder:${r.user_id}`,
        payload: { roundId, userId: r.user_id },
        runAt: now,
      })),
    );
    return due.length;
  });
}

/** Sends one person's reminder, about the actions they have still not updated. */
export async function sendReminder(
  db: Kysely<DB>,
  deps: RoundMailer,
  tenantId: string,
  roundId: string,
  userId: string,
): Promise<'sent' | 'not-due'> {
  const prepared = await withTenant(db, tenantId, null, async (trx) => {
    const { round, meeting } = await loadRound(trx, tenantId, roundId);
    const request = await loadRequest(trx, tenantId, roundId, userId);
    if (!request) return null;
    const updates = await lastUpdates(trx, tenantId, request.action_ids);
    const still = outstanding(request.action_ids, updates, round.started_at);
    const due = reminderDue({
      now: deps.now,
      remindAt: round.remind_at,
      requestedAt: request.requested_at,
      remindedAt: request.reminded_at,
      outstanding: still.length,
      meetingStatus: meeting.status,
    });
    if (!due) return null;
    const mail = await composeMail(
      trx,
      tenantId,
      round,
      meeting,
      userId,
      still,
      'reminder',
      deps.publicUrl,
    );
    return { request, mail, still };
  });
  if (!prepared) return 'not-due';
  await deps.mailer.send(prepared.mail);
  await withTenant(db, tenantId, null, (trx) =>
    recordMailed(
      trx,
      SYSTEM_ACTOR,
      tenantId,
      prepared.request,
      'reminder',
      prepared.mail,
      prepared.still,
      deps.now,
    ),
  );
  return 'sent';
}

export class NudgeRefusedError extends ConflictError {}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});
export function clockTime(moment: Date): string {
  return timeFormat.format(moment).replace(' am', 'am').replace(' pm', 'pm');
}

/**
 * Sends a person a nudge now, about their actions still without an update. At most one an hour
 * per person: the hour is taken before the mail goes, so two clicks cannot send two.
 */
export async function nudge(
  db: Kysely<DB>,
  deps: RoundMailer,
  actor: Actor,
  tenantId: string,
  meetingId: string,
  userId: string,
  /** The name the mail gives for who is asking. */
  senderName: string,
): Promise<{ to: string; name: string; actions: number }> {
  const now = deps.now;
  const prepared = await withTenant(db, tenantId, actor.userId, async (trx) => {
    const meeting = await loadMeeting(trx, tenantId, meetingId);
    const round = await trx
      .selectFrom('update_rounds')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    if (!round) throw new NudgeRefusedError('Start the update round before nudging anyone.');
    const request = await loadRequest(trx, tenantId, round.id, userId);
    if (!request) throw new NotFoundError('This person was not asked for updates in this round.');
    const person = await trx
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const allowed = nudgeAllowed(request.last_nudged_at, now);
    if (!allowed.allowed) {
      throw new NudgeRefusedError(
        `${person.display_name} was nudged less than an hour ago. You can nudge them again after ${clockTime(allowed.nextAt)}.`,
      );
    }
    const updates = await lastUpdates(trx, tenantId, request.action_ids);
    const still = outstanding(request.action_ids, updates, round.started_at);
    if (!still.length) {
      throw new NudgeRefusedError(
        `${person.display_name} has already recorded progress on every action they were asked about.`,
      );
    }
    // Take the hour only if nobody else took it since we looked.
    const taken = await trx
      .updateTable('update_requests')
      .set({ last_nudged_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', request.id)
      .where((eb) =>
        request.last_nudged_at === null
          ? eb('last_nudged_at', 'is', null)
          : eb('last_nudged_at', '=', request.last_nudged_at),
      )
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) {
      throw new NudgeRefusedError(`${person.display_name} was nudged a moment ago.`);
    }
    const mail = await composeMail(
      trx,
      tenantId,
      round,
      meeting,
      userId,
      still,
      'nudge',
      deps.publicUrl,
      senderName,
    );
    return { request, mail, still, name: person.display_name };
  });
  try {
    await deps.mailer.send(prepared.mail);
  } catch (error) {
    // The mail did not go: give the hour back, so the office can try again at once.
    await withTenant(db, tenantId, actor.userId, (trx) =>
      trx
        .updateTable('update_requests')
        .set({ last_nudged_at: prepared.request.last_nudged_at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', prepared.request.id)
        .execute(),
    );
    throw error;
  }
  await withTenant(db, tenantId, actor.userId, (trx) =>
    recordMailed(
      trx,
      actor,
      tenantId,
      prepared.request,
      'nudge',
      prepared.mail,
      prepared.still,
      now,
    ),
  );
  return { to: prepared.mail.to, name: prepared.name, actions: prepared.still.length };
}

/** The programme office's view of a meeting's round: the round (if any) and each person asked. */
export async function roundOverview(
  db: Kysely<DB>,
  tenantId: string,
  userId: string | null,
  meetingId: string,
  now: Date,
) {
  return withTenant(db, tenantId, userId, async (trx) => {
    const meeting = await loadMeeting(trx, tenantId, meetingId);
    const round = await trx
      .selectFrom('update_rounds')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    if (!round) {
      const plan =
        meeting.status === 'planned' ? await planRound(trx, tenantId, meeting, now) : null;
      return { meeting, round: null, people: [], preview: plan };
    }
    const requests = await trx
      .selectFrom('update_requests as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select([
        'r.id',
        'r.user_id',
        'r.action_ids',
        'r.requested_at',
        'r.reminded_at',
        'r.last_mailed_at',
        'r.last_nudged_at',
        'r.mails_sent',
        'u.display_name',
        'u.email',
      ])
      .where('r.tenant_id', '=', tenantId)
      .where('r.round_id', '=', round.id)
      .orderBy('u.display_name')
      .execute();
    const updates = await lastUpdates(
      trx,
      tenantId,
      requests.flatMap((r) => r.action_ids),
    );
    const refs = new Map(
      (requests.length
        ? await trx
            .selectFrom('actions')
            .select(['id', 'ref', 'title'])
            .where('tenant_id', '=', tenantId)
            .where('id', 'in', [...new Set(requests.flatMap((r) => r.action_ids))])
            .execute()
        : []
      ).map((a) => [a.id, a]),
    );
    const people = requests.map((r) => {
      const still = outstanding(r.action_ids, updates, round.started_at);
      return {
        ...r,
        actions: r.action_ids.flatMap((id) => {
          const a = refs.get(id);
          return a ? [{ ...a, updated: !still.includes(id) }] : [];
        }),
        outstanding: still.length,
        state: responseState({
          requestedAt: r.requested_at,
          asked: r.action_ids.length,
          outstanding: still.length,
        }),
        nudge: nudgeAllowed(r.last_nudged_at, now),
      };
    });
    return { meeting, round, people, preview: null };
  });
}
export type RoundOverview = Awaited<ReturnType<typeof roundOverview>>;
