import type { Role } from '../../kernel/db/schema.js';
import type { Tx } from '../../kernel/db/tenancy.js';

/** A member as the people pages show them. */
export interface MemberRow {
  user_id: string;
  email: string;
  display_name: string;
  role: Role;
  last_sign_in_at: Date | null;
  joined_at: Date;
}

function membersQuery(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.user_id',
      'u.email',
      'u.display_name',
      'm.role',
      'u.last_sign_in_at',
      'm.created_at as joined_at',
    ])
    .where('m.tenant_id', '=', tenantId);
}

export async function listMembers(trx: Tx, tenantId: string): Promise<MemberRow[]> {
  return membersQuery(trx, tenantId).orderBy('u.display_name').orderBy('u.email').execute();
}

/** One member of the organisation, or undefined for anyone else (even a real person elsewhere). */
export async function findMember(
  trx: Tx,
  tenantId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  return membersQuery(trx, tenantId).where('m.user_id', '=', userId).executeTakeFirst();
}

export async function findMemberByEmail(
  trx: Tx,
  tenantId: string,
  email: string,
): Promise<MemberRow | undefined> {
  return membersQuery(trx, tenantId).where('u.email', '=', email).executeTakeFirst();
}

/**
 * The organisation's administrators, with their rows locked until the transaction ends: two
 * admins demoting each other at the same moment cannot both see "another admin remains".
 */
export async function lockAdmins(trx: Tx, tenantId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'admin')
    .forUpdate()
    .execute();
  return rows.map((r) => r.user_id);
}

export interface PendingInvitationRow {
  id: string;
  email: string;
  role: Role;
  created_at: Date;
  expires_at: Date;
  invited_by_name: string | null;
}

/** Invitations not yet accepted, withdrawn or expired. An inviter who has left shows as null. */
export async function listPendingInvitations(
  trx: Tx,
  tenantId: string,
  now = new Date(),
): Promise<PendingInvitationRow[]> {
  return trx
    .selectFrom('invitations as i')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select(['i.id', 'i.email', 'i.role', 'i.created_at', 'i.expires_at'])
    .select('u.display_name as invited_by_name')
    .where('i.tenant_id', '=', tenantId)
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', now)
    .orderBy('i.created_at', 'desc')
    .execute();
}

export async function findPendingInvitation(
  trx: Tx,
  tenantId: string,
  invitationId: string,
  now = new Date(),
) {
  return trx
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'expires_at', 'revoked_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function findPendingInvitationsFor(
  trx: Tx,
  tenantId: string,
  email: string,
  now = new Date(),
) {
  return trx
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
}
