import type { Kysely } from 'kysely';
import type { DB } from '../../kernel/db/schema.js';

/** Test helpers shared by this module's component tests (not used by the app). */

/** The invitation token from a page or mail that carries the link. */
export function tokenFrom(text: string): string {
  const match = /\/invitations\/([A-Za-z0-9_-]{20,})/.exec(text);
  if (!match?.[1]) throw new Error(`No invitation link in:\n${text}`);
  return match[1];
}

/** The messages of the GOV.UK error summary, in order. */
export function errorSummary(html: string): string[] {
  const list = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<a[^>]*>([^<]+)<\/a>/g)].map((m) => (m[1] ?? '').trim());
}

export async function auditEvents(db: Kysely<DB>, tenantId: string, action?: string) {
  let query = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId);
  if (action) query = query.where('action', '=', action);
  return query.orderBy('seq').execute();
}

export async function membershipRole(db: Kysely<DB>, tenantId: string, userId: string) {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}
