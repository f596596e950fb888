import { sql } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { newId } from '../../kernel/db/ids.js';
import type { Tx } from '../../kernel/db/tenancy.js';
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
