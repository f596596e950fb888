/** Seeds a board, a meeting, a strategy and owners for the update round tests. */
import type { Kysely } from 'kysely';
import type { TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD, unique } from '../../../test/helpers/fixtures.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB, Role } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { progressInput, recordProgressInTx } from '../strategy/index.js';
import { addDays, londonDate } from './round.rules.js';

export interface Person {
  id: string;
  email: string;
  name: string;
  ctx: TenantContext;
}

export interface Seeded {
  tenantId: string;
  orgName: string;
  boardId: string;
  boardName: string;
  meetingId: string;
  strategyId: string;
  alice: Person;
  bob: Person;
  carol: Person;
  /** A member who holds no post: never asked. */
  dave: Person;
  editor: Person;
  actions: Record<string, string>;
}

async function person(db: Kysely<DB>, tenantId: string, role: Role, name: string): Promise<Person> {
  const user = await makeUser(db, tenantId, role);
  await db.updateTable('users').set({ display_name: name }).where('id', '=', user.id).execute();
  return {
    id: user.id,
    email: user.email,
    name,
    ctx: { tenantId, role, actor: { userId: user.id, label: `${name} <${user.email}>` } },
  };
}

/**
 * One organisation with a board that oversees a strategy, and a meeting `meetsInDays` from today.
 * Alice holds post P1 (actions 1.1, 1.2, 1.8 — 1.8 last updated months ago), Bob holds P2 (2.1;
 * 2.2 is complete; 2.3 was updated yesterday), Carol is named lead of 3.1, P3 is held by a
 * councillor without an account (3.2), and 1.9 (P1) is archived.
 */
export async function seedBoard(
  t: TestApp,
  options: { meetsInDays?: number; leadDays?: number; reminderDays?: number } = {},
): Promise<Seeded> {
  const { db } = t.database;
  const orgName = unique('Roundshire Council');
  const org = await makeOrganisation(db, orgName);
  const tenantId = org.id;
  const alice = await person(db, tenantId, 'contributor', unique('Alice Owner'));
  const bob = await person(db, tenantId, 'contributor', unique('Bob Owner'));
  const carol = await person(db, tenantId, 'editor', unique('Carol Lead'));
  const dave = await person(db, tenantId, 'contributor', unique('Dave Bystander'));
  const editor = await person(db, tenantId, 'editor', unique('Eve Programme'));
  const today = londonDate(new Date());
  const strategyId = newId();
  const boardId = newId();
  const meetingId = newId();
  const boardName = unique('Business Strategy Group');
  const actions: Record<string, string> = {};
  await withTenant(db, tenantId, null, async (trx) => {
    await trx
      .insertInto('strategies')
      .values({
        tenant_id: tenantId,
        id: strategyId,
        lineage_id: strategyId,
        title: 'ICT Strategy 2026 to 2029',
        status: 'approved',
      })
      .execute();
    const posts = { P1: newId(), P2: newId(), P3: newId() };
    await trx
      .insertInto('posts')
      .values(
        Object.entries(posts).map(([name, id]) => ({
          tenant_id: tenantId,
          id,
          short_name: name,
          title: `Post ${name}`,
        })),
      )
      .execute();
    const from = addDays(today, -400);
    await trx
      .insertInto('post_holders')
      .values([
        {
          tenant_id: tenantId,
          id: newId(),
          post_id: posts.P1,
          user_id: alice.id,
          person_name: null,
          from_date: from,
          to_date: null,
        },
        // Dave held P1 before Alice: no longer asked.
        {
          tenant_id: tenantId,
          id: newId(),
          post_id: posts.P1,
          user_id: dave.id,
          person_name: null,
          from_date: addDays(from, -300),
          to_date: addDays(from, -1),
        },
        {
          tenant_id: tenantId,
          id: newId(),
          post_id: posts.P2,
          user_id: bob.id,
          person_name: null,
          from_date: from,
          to_date: null,
        },
        {
          tenant_id: tenantId,
          id: newId(),
          post_id: posts.P3,
          user_id: null,
          person_name: 'Cllr Example',
          from_date: from,
          to_date: null,
        },
      ])
      .execute();
    const rows: [string, string | null, string | null, string, boolean][] = [
      ['1.1', posts.P1, null, 'not_started', false],
      ['1.2', posts.P1, null, 'on_track', false],
      ['1.8', posts.P1, null, 'at_risk', false],
      ['1.9', posts.P1, null, 'on_track', true],
      ['2.1', posts.P2, null, 'on_track', false],
      ['2.2', posts.P2, null, 'complete', false],
      ['2.3', posts.P2, null, 'on_track', false],
      ['3.1', null, carol.id, 'off_track', false],
      ['3.2', posts.P3, null, 'on_track', false],
    ];
    for (const [ref, postId, userId, status, archived] of rows) {
      const id = newId();
      actions[ref] = id;
      await trx
        .insertInto('actions')
        .values({
          tenant_id: tenantId,
          id,
          strategy_id: strategyId,
          lineage_id: id,
          ref,
          ref_sort: ref.padStart(8, '0'),
          title: `Action ${ref} title`,
          lead_post_id: postId,
          lead_user_id: userId,
          status: status as 'on_track',
          archived_at: archived ? new Date() : null,
        })
        .execute();
    }
    await trx
      .insertInto('boards')
      .values({
        tenant_id: tenantId,
        id: boardId,
        name: boardName,
        kind: 'business_strategy_group',
        update_lead_days: options.leadDays ?? 14,
        reminder_after_days: options.reminderDays ?? 7,
      })
      .execute();
    await trx
      .insertInto('board_strategies')
      .values({ tenant_id: tenantId, board_id: boardId, strategy_lineage_id: strategyId })
      .execute();
    await trx
      .insertInto('meetings')
      .values({
        tenant_id: tenantId,
        id: meetingId,
        board_id: boardId,
        meets_on: addDays(today, options.meetsInDays ?? 10),
      })
      .execute();
    const progress = (happened: string) => progressInput.parse({ status: 'on_track', happened });
    // 1.8: updated half a year ago (before the round's period), so asked again.
    await recordProgressInTx(trx, editor.ctx, actionId(actions, '1.8'), progress('Long ago'), {
      recordedAt: new Date(Date.now() - 180 * 24 * 3600 * 1000),
    });
    // 2.3: updated yesterday, so not asked.
    await recordProgressInTx(trx, editor.ctx, actionId(actions, '2.3'), progress('Recently'), {
      recordedAt: new Date(Date.now() - 24 * 3600 * 1000),
    });
  });
  return {
    tenantId,
    orgName,
    boardId,
    boardName,
    meetingId,
    strategyId,
    alice,
    bob,
    carol,
    dave,
    editor,
    actions,
  };
}

export function actionId(actions: Record<string, string>, ref: string): string {
  const id = actions[ref];
  if (!id) throw new Error(`No action ${ref} was seeded`);
  return id;
}

/** Records an update as the person would (they hold the post, so they may). */
export async function recordUpdate(t: TestApp, who: Person, actionId: string) {
  await withTenant(t.database.db, who.ctx.tenantId, who.id, (trx) =>
    recordProgressInTx(
      trx,
      who.ctx,
      actionId,
      progressInput.parse({ status: 'on_track', happened: 'Done what was asked' }),
    ),
  );
}

export async function signedIn(t: TestApp, who: Person): Promise<Agent> {
  const agent = new Agent(t.app);
  await agent.signIn(who.email, PASSWORD);
  return agent;
}

/** The round's audit events, oldest first. */
export async function roundAudit(t: TestApp, tenantId: string) {
  return withTenant(t.database.db, tenantId, null, (trx) =>
    trx
      .selectFrom('audit_events')
      .select(['action', 'entity_type', 'entity_id', 'after', 'actor_user_id'])
      .where('tenant_id', '=', tenantId)
      .where('entity_type', 'in', ['update_round', 'update_request'])
      .orderBy('seq')
      .execute(),
  );
}

/** Links to record progress found in a mail's text, as action ids. */
export function linkedActions(text: string, base: string): string[] {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...text.matchAll(new RegExp(`${escaped}/actions/([0-9a-f-]{36})/progress`, 'g'))].map(
    (m) => m[1] ?? '',
  );
}
