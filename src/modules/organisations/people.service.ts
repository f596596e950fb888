import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { ROLE_LABELS } from '../../kernel/auth/permissions.js';
import type { DB, Role } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, NotFoundError } from '../../kernel/http/errors.js';
import { findMember, lockAdmins, type MemberRow } from './people.queries.js';

const NO_SUCH_MEMBER = 'There is no such person in your organisation.';

/** Raised when a change would leave the organisation with nobody who can manage it. */
export class LastAdminError extends ConflictError {
  constructor(
    readonly member: MemberRow,
    readonly change: 'demote' | 'remove',
    actorUserId: string | null,
  ) {
    const admin = ROLE_LABELS.admin.name.toLowerCase();
    const self = member.user_id === actorUserId;
    const who = self ? 'You are' : `${member.display_name} is`;
    const what = {
      demote: self ? 'you cannot change your own role' : 'their role cannot be changed',
      remove: self ? 'you cannot remove yourself' : 'they cannot be removed',
    }[change];
    super(`${who} the only ${admin}, so ${what}. Make someone else an ${admin} first.`);
  }
}

function memberView(m: MemberRow) {
  return { user_id: m.user_id, email: m.email, display_name: m.display_name, role: m.role };
}

/** The member, locked with the other admins, or a 404 for anyone who is not a member here. */
async function memberForChange(trx: Tx, tenantId: string, userId: string) {
  const admins = await lockAdmins(trx, tenantId);
  const target = await findMember(trx, tenantId, userId);
  if (!target) throw new NotFoundError(NO_SUCH_MEMBER);
  const isOnlyAdmin = target.role === 'admin' && admins.length === 1;
  return { target, isOnlyAdmin };
}

export async function getMember(
  db: Kysely<DB>,
  actor: Actor,
  tenantId: string,
  userId: string,
): Promise<MemberRow & { isOnlyAdmin: boolean }> {
  return withTenant(db, tenantId, actor.userId, async (trx) => {
    const target = await findMember(trx, tenantId, userId);
    if (!target) throw new NotFoundError(NO_SUCH_MEMBER);
    const admins = await trx
      .selectFrom('memberships')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .where('role', '=', 'admin')
      .execute();
    return { ...target, isOnlyAdmin: target.role === 'admin' && admins.length === 1 };
  });
}

export interface RoleChange {
  member: MemberRow;
  before: Role;
  after: Role;
  changed: boolean;
}

/** Gives a member another role, never taking away the organisation's last administrator. */
export async function changeRole(
  db: Kysely<DB>,
  actor: Actor,
  input: { tenantId: string; userId: string; role: Role },
): Promise<RoleChange> {
  const { tenantId, userId, role } = input;
  return withTenant(db, tenantId, actor.userId, async (trx) => {
    const { target, isOnlyAdmin } = await memberForChange(trx, tenantId, userId);
    if (target.role === role) return { member: target, before: role, after: role, changed: false };
    if (isOnlyAdmin) throw new LastAdminError(target, 'demote', actor.userId);
    await trx
      .updateTable('memberships')
      .set({ role })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(trx, actor, {
      tenantId,
      action: 'membership.role_changed',
      entityType: 'membership',
      entityId: userId,
      before: memberView(target),
      after: { ...memberView(target), role },
    });
    return { member: { ...target, role }, before: target.role, after: role, changed: true };
  });
}

/**
 * Takes a person out of the organisation: their membership goes and their API tokens here are
 * revoked. Their sessions need no change: each request re-reads memberships, so the organisation
 * simply disappears from them.
 */
export async function removeMember(
  db: Kysely<DB>,
  actor: Actor,
  input: { tenantId: string; userId: string },
): Promise<{ member: MemberRow; tokensRevoked: number }> {
  const { tenantId, userId } = input;
  return withTenant(db, tenantId, actor.userId, async (trx) => {
    const { target, isOnlyAdmin } = await memberForChange(trx, tenantId, userId);
    if (isOnlyAdmin) throw new LastAdminError(target, 'remove', actor.userId);
    const now = new Date();
    const tokens = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning(['id', 'name', 'token_prefix', 'scopes', 'expires_at'])
      .execute();
    for (const t of tokens) {
      await recordAudit(trx, actor, {
        tenantId,
        action: 'token.revoked',
        entityType: 'api_token',
        entityId: t.id,
        before: { name: t.name, user_id: userId, token_prefix: t.token_prefix, revoked_at: null },
        after: {
          name: t.name,
          user_id: userId,
          token_prefix: t.token_prefix,
          revoked_at: now,
          reason: 'owner removed from the organisation',
        },
      });
    }
    await trx
      .deleteFrom('memberships')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(trx, actor, {
      tenantId,
      action: 'membership.removed',
      entityType: 'membership',
      entityId: userId,
      before: memberView(target),
      after: null,
    });
    return { member: target, tokensRevoked: tokens.length };
  });
}
