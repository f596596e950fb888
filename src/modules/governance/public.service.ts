/** The organisation's choice to publish its approved strategies and public reports. */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';

export async function publicPagesSetting(db: Kysely<DB>, ctx: TenantContext) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    trx
      .selectFrom('organisations')
      .select(['slug', 'publish_publicly'])
      .where('id', '=', ctx.tenantId)
      .executeTakeFirstOrThrow(),
  );
}

/** Turns the public pages on or off; audited when it changes. */
export async function setPublishPublicly(
  db: Kysely<DB>,
  ctx: TenantContext,
  publish: boolean,
): Promise<{ changed: boolean }> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await trx
      .selectFrom('organisations')
      .select(['publish_publicly'])
      .where('id', '=', ctx.tenantId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (before.publish_publicly === publish) return { changed: false };
    await trx
      .updateTable('organisations')
      .set({ publish_publicly: publish })
      .where('id', '=', ctx.tenantId)
      .execute();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'organisation.updated',
      entityType: 'organisation',
      entityId: ctx.tenantId,
      before,
      after: { publish_publicly: publish },
    });
    return { changed: true };
  });
}
