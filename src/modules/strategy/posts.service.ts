import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { isUuid, newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { findOwned } from '../../kernel/db/find.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, ValidationError } from '../../kernel/http/errors.js';
import { requiredText } from '../../kernel/http/fields.js';
import type { Post } from './strategy.tables.js';

/** Finds a post by its short name or full title (any case); optionally creates it. */
export async function resolvePost(
  trx: Tx,
  actor: Actor,
  tenantId: string,
  name: string,
  options: { create: boolean; kind?: 'post' | 'body' },
): Promise<Post | null> {
  const wanted = name.trim();
  if (!wanted) return null;
  const found = await trx
    .selectFrom('posts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('archived_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb(sql`lower(short_name)`, '=', wanted.toLowerCase()),
        eb(sql`lower(title)`, '=', wanted.toLowerCase()),
      ]),
    )
    .executeTakeFirst();
  if (found || !options.create) return found ?? null;
  const post = await trx
    .insertInto('posts')
    .values({
      tenant_id: tenantId,
      id: newId(),
      short_name: wanted.slice(0, 100),
      title: wanted.slice(0, 200),
      kind: options.kind ?? 'post',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    tenantId,
    action: 'post.created',
    entityType: 'post',
    entityId: post.id,
    after: post,
  });
  return post;
}

/** The posts a person holds today: the actions of these posts are theirs to update. */
export async function postsHeldBy(
  trx: Tx,
  tenantId: string,
  userId: string,
  asAt: string,
): Promise<string[]> {
  const rows = await trx
    .selectFrom('post_holders')
    .select('post_id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('from_date', '<=', asAt)
    .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', asAt)]))
    .execute();
  return rows.map((r) => r.post_id);
}

/** Hands a post to a person from a date; whoever held it before stops the day before. */
export async function assignPostHolder(
  trx: Tx,
  actor: Actor,
  tenantId: string,
  postId: string,
  holder: { userId: string | null; personName: string | null },
  fromDate: string,
) {
  const dayBefore = new Date(`${fromDate}T12:00:00Z`);
  dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
  const previous = await trx
    .updateTable('post_holders')
    .set({ to_date: dayBefore.toISOString().slice(0, 10) })
    .where('tenant_id', '=', tenantId)
    .where('post_id', '=', postId)
    .where('to_date', 'is', null)
    .where('from_date', '<', fromDate)
    .returningAll()
    .execute();
  const row = await trx
    .insertInto('post_holders')
    .values({
      tenant_id: tenantId,
      id: newId(),
      post_id: postId,
      user_id: holder.userId,
      person_name: holder.personName,
      from_date: fromDate,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    tenantId,
    action: 'post.holder_assigned',
    entityType: 'post',
    entityId: postId,
    before: previous.length ? previous : null,
    after: row,
  });
  return row;
}

// ---------------------------------------------------------------------------------------------
// Managing posts and bodies, and who holds them (the posts pages and the API).

export const POST_KINDS = ['post', 'body'] as const;

export const postInput = z.object({
  shortName: requiredText('the short name, like ICT BS Mgr', 100),
  title: requiredText('the full title', 200),
  kind: z.enum(POST_KINDS, { error: 'Select whether this is a post or a body' }),
});
export type PostInput = z.output<typeof postInput>;

/** The holder of a post: a member of the organisation, or a named person who does not sign in. */
export interface HolderInput {
  userId: string | null;
  personName: string | null;
  fromDate: string;
}

export interface PostListRow extends Post {
  holder_name: string | null;
  holder_user_id: string | null;
  holder_from: string | null;
}

/** Posts and bodies, with whoever holds each on the given date. */
export async function listPosts(trx: Tx, tenantId: string, asAt: string): Promise<PostListRow[]> {
  const posts = await trx
    .selectFrom('posts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('archived_at', 'is', null)
    .orderBy(sql`lower(short_name)`)
    .execute();
  const holders = await currentHolders(trx, tenantId, asAt);
  return posts.map((p) => {
    const h = holders.get(p.id);
    return {
      ...p,
      holder_name: h?.name ?? null,
      holder_user_id: h?.user_id ?? null,
      holder_from: h?.from_date ?? null,
    };
  });
}

/** A holder's name: the member's name, or the name typed for someone who does not sign in. */
function holderName(row: { display_name: string | null; person_name: string | null }): string {
  return row.display_name ?? row.person_name ?? 'A former member of the organisation';
}

function holdersQuery(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('post_holders as h')
    .leftJoin('users as u', 'u.id', 'h.user_id')
    .select([
      'h.id',
      'h.post_id',
      'h.user_id',
      'h.person_name',
      'h.from_date',
      'h.to_date',
      'u.display_name',
      'u.email',
    ])
    .where('h.tenant_id', '=', tenantId);
}

export async function currentHolders(trx: Tx, tenantId: string, asAt: string) {
  const rows = await holdersQuery(trx, tenantId)
    .where('h.from_date', '<=', asAt)
    .where((eb) => eb.or([eb('h.to_date', 'is', null), eb('h.to_date', '>=', asAt)]))
    .orderBy('h.from_date', 'asc')
    .execute();
  // Later holdings win: the most recent start is who holds the post now.
  return new Map(rows.map((r) => [r.post_id, { ...r, name: holderName(r) }]));
}

export async function findPost(trx: Tx, tenantId: string, id: string): Promise<Post> {
  return findOwned(trx, 'posts', { tenantId, id }, 'There is no such post.');
}

/** Everyone who has held a post, latest first. */
export async function postHolderHistory(trx: Tx, tenantId: string, postId: string) {
  const rows = await holdersQuery(trx, tenantId)
    .where('h.post_id', '=', postId)
    .orderBy('h.from_date', 'desc')
    .orderBy('h.id', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, name: holderName(r) }));
}

/** The actions a post leads (not archived), with their strategy, for the post's page. */
export async function actionsLedBy(trx: Tx, tenantId: string, postId: string) {
  return trx
    .selectFrom('actions as a')
    .innerJoin('strategies as s', (j) =>
      j.onRef('s.id', '=', 'a.strategy_id').onRef('s.tenant_id', '=', 'a.tenant_id'),
    )
    .select([
      'a.id',
      'a.ref',
      'a.title',
      'a.status',
      'a.forecast_status',
      's.id as strategy_id',
      's.title as strategy_title',
      's.version as strategy_version',
      's.status as strategy_status',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.lead_post_id', '=', postId)
    .where('a.archived_at', 'is', null)
    .where('s.status', 'not in', ['archived', 'superseded'])
    .orderBy('s.created_at', 'desc')
    .orderBy('a.ref_sort')
    .limit(500)
    .execute();
}

/** The members of the organisation, for choosing who holds a post. */
export async function organisationMembers(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name', 'u.email'])
    .where('m.tenant_id', '=', tenantId)
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .orderBy('u.email')
    .execute();
}

async function assertShortNameFree(
  trx: Tx,
  tenantId: string,
  shortName: string,
  exceptId?: string,
) {
  let q = trx
    .selectFrom('posts')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('archived_at', 'is', null)
    .where(sql`lower(short_name)`, '=', shortName.toLowerCase());
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) {
    throw new ConflictError(`There is already a post called ${shortName}.`, [
      {
        field: 'shortName',
        message: `There is already a post or body called ${shortName}: choose another short name`,
      },
    ]);
  }
}

export async function createPost(db: Kysely<DB>, ctx: TenantContext, input: PostInput) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    await assertShortNameFree(trx, ctx.tenantId, input.shortName);
    const post = await trx
      .insertInto('posts')
      .values({
        tenant_id: ctx.tenantId,
        id: newId(),
        short_name: input.shortName,
        title: input.title,
        kind: input.kind,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'post.created',
      entityType: 'post',
      entityId: post.id,
      after: post,
    });
    return post;
  });
}

export async function updatePost(db: Kysely<DB>, ctx: TenantContext, id: string, input: PostInput) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findPost(trx, ctx.tenantId, id);
    await assertShortNameFree(trx, ctx.tenantId, input.shortName, id);
    const after = await trx
      .updateTable('posts')
      .set({ short_name: input.shortName, title: input.title, kind: input.kind })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'post.updated',
      entityType: 'post',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

/**
 * Gives a post to a member (who must belong to this organisation) or a named person from a date.
 * The date must come after the current holder's start, so the history stays one line of holders.
 */
export async function assignHolder(
  db: Kysely<DB>,
  ctx: TenantContext,
  postId: string,
  input: HolderInput,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    await findPost(trx, ctx.tenantId, postId);
    if (input.userId) {
      const isMember = isUuid(input.userId)
        ? await trx
            .selectFrom('memberships')
            .select('user_id')
            .where('tenant_id', '=', ctx.tenantId)
            .where('user_id', '=', input.userId)
            .executeTakeFirst()
        : undefined;
      if (!isMember)
        throw new ValidationError([
          { field: 'userId', message: 'Select a member of your organisation' },
        ]);
    }
    const latest = await trx
      .selectFrom('post_holders')
      .select(['from_date'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('post_id', '=', postId)
      .orderBy('from_date', 'desc')
      .executeTakeFirst();
    if (latest && input.fromDate <= latest.from_date) {
      throw new ValidationError([
        {
          field: 'fromDate',
          message: `The date must be after ${formatUkDate(latest.from_date)}, when the current holder started`,
        },
      ]);
    }
    return assignPostHolder(
      trx,
      ctx.actor,
      ctx.tenantId,
      postId,
      { userId: input.userId, personName: input.userId ? null : input.personName },
      input.fromDate,
    );
  });
}

function formatUkDate(date: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}
