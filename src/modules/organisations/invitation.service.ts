import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { passwordProblem } from '../../kernel/auth/passwords.js';
import { ROLE_LABELS } from '../../kernel/auth/permissions.js';
import { hashToken, newSecretToken } from '../../kernel/auth/tokens.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB, Role } from '../../kernel/db/schema.js';
import { withSystem, withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { NotFoundError, ValidationError, type FieldError } from '../../kernel/http/errors.js';
import { createUserInTx, findUserByEmail } from '../identity/index.js';
import { addMemberInTx } from './organisation.service.js';
import {
  findMemberByEmail,
  findPendingInvitation,
  findPendingInvitationsFor,
} from './people.queries.js';

export const INVITATION_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CreatedInvitation {
  /** The secret for the link; only its hash is stored, so this is the one chance to use it. */
  token: string;
  id: string;
  email: string;
  role: Role;
  expiresAt: Date;
  /** True when an earlier invitation to the same address was still waiting and now no longer works. */
  replacedEarlier: boolean;
}

/**
 * Invites someone by email. A person who is already a member is refused (their role can be
 * changed instead); an earlier invitation still waiting for the same address is withdrawn, so
 * only the newest link works.
 */
export async function createInvitation(
  db: Kysely<DB>,
  actor: Actor,
  input: { tenantId: string; organisationName: string; email: string; role: Role },
  now = new Date(),
): Promise<CreatedInvitation> {
  const { tenantId, email, role } = input;
  const token = newSecretToken();
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * DAY_MS);
  return withTenant(db, tenantId, actor.userId, async (trx) => {
    const existing = await findMemberByEmail(trx, tenantId, email);
    if (existing) {
      throw new ValidationError([
        {
          field: 'email',
          message: `${existing.display_name} (${email}) is already a member of ${input.organisationName}. To change what they can do, change their role instead`,
        },
      ]);
    }
    const earlier = await findPendingInvitationsFor(trx, tenantId, email, now);
    for (const old of earlier) await withdrawInTx(trx, actor, tenantId, old, now, 'replaced');
    const id = newId();
    await trx
      .insertInto('invitations')
      .values({
        tenant_id: tenantId,
        id,
        email,
        role,
        token_hash: hashToken(token),
        invited_by: actor.userId,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await recordAudit(trx, actor, {
      tenantId,
      action: 'invitation.created',
      entityType: 'invitation',
      entityId: id,
      after: { email, role, expires_at: expiresAt },
    });
    return { token, id, email, role, expiresAt, replacedEarlier: earlier.length > 0 };
  });
}

async function withdrawInTx(
  trx: Tx,
  actor: Actor,
  tenantId: string,
  invitation: { id: string; email: string; role: Role; expires_at: Date },
  now: Date,
  reason: 'withdrawn' | 'replaced',
) {
  await trx
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', invitation.id)
    .execute();
  const view = {
    email: invitation.email,
    role: invitation.role,
    expires_at: invitation.expires_at,
  };
  await recordAudit(trx, actor, {
    tenantId,
    action: 'invitation.withdrawn',
    entityType: 'invitation',
    entityId: invitation.id,
    before: { ...view, revoked_at: null },
    after: {
      ...view,
      revoked_at: now,
      ...(reason === 'replaced' ? { reason: 'a newer invitation was sent' } : {}),
    },
  });
}

/** Stops a waiting invitation's link from working. Anything else (used, other organisation) is 404. */
export async function withdrawInvitation(
  db: Kysely<DB>,
  actor: Actor,
  input: { tenantId: string; invitationId: string },
  now = new Date(),
): Promise<{ email: string }> {
  return withTenant(db, input.tenantId, actor.userId, async (trx) => {
    const invitation = await findPendingInvitation(trx, input.tenantId, input.invitationId, now);
    if (!invitation) {
      throw new NotFoundError(
        'There is no such invitation waiting: it may have been accepted, withdrawn or expired.',
      );
    }
    await withdrawInTx(trx, actor, input.tenantId, invitation, now, 'withdrawn');
    return { email: invitation.email };
  });
}

export type InvitationState = 'usable' | 'expired' | 'withdrawn' | 'used';

export interface FoundInvitation {
  state: InvitationState;
  tenantId: string;
  id: string;
  email: string;
  role: Role;
  roleName: string;
  roleDescription: string;
  expiresAt: Date;
  organisationName: string;
  invitedByName: string | null;
  /** Whether a Waymark account with the invited address exists already. */
  accountExists: boolean;
}

/**
 * What a link from an invitation mail points at. Read as the system: the person following it
 * belongs to no organisation yet, and the link itself names the organisation.
 */
export async function findInvitation(
  db: Kysely<DB>,
  token: string,
  now = new Date(),
): Promise<FoundInvitation | null> {
  const row = await db
    .selectFrom('invitations as i')
    .innerJoin('organisations as o', 'o.id', 'i.tenant_id')
    .leftJoin('users as inviter', 'inviter.id', 'i.invited_by')
    .select([
      'i.tenant_id',
      'i.id',
      'i.email',
      'i.role',
      'i.expires_at',
      'i.accepted_at',
      'i.revoked_at',
      'o.name as organisation_name',
      'o.archived_at',
      'inviter.display_name as invited_by_name',
    ])
    .where('i.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  // An archived organisation takes no one new: treat its links as unknown.
  if (!row || row.archived_at) return null;
  const state: InvitationState = row.accepted_at
    ? 'used'
    : row.revoked_at
      ? 'withdrawn'
      : row.expires_at.getTime() <= now.getTime()
        ? 'expired'
        : 'usable';
  const account = await findUserByEmail(db, row.email);
  return {
    state,
    tenantId: row.tenant_id,
    id: row.id,
    email: row.email,
    role: row.role,
    roleName: ROLE_LABELS[row.role].name,
    roleDescription: ROLE_LABELS[row.role].description,
    expiresAt: row.expires_at,
    organisationName: row.organisation_name,
    invitedByName: row.invited_by_name,
    accountExists: account !== undefined,
  };
}

/** The password and its confirmation for a new account. */
export function newAccountPasswordErrors(
  password: string,
  confirm: string,
  email: string,
): FieldError[] {
  const problem = passwordProblem(password, email);
  if (problem) return [{ field: 'password', message: problem }];
  if (password !== confirm) {
    return [
      {
        field: 'confirm',
        message: 'The passwords do not match: type the same password in both boxes',
      },
    ];
  }
  return [];
}

export type AcceptResult =
  | { ok: true; userId: string; tenantId: string; organisationName: string; alreadyMember: boolean }
  | { ok: false; reason: 'unusable' };

/**
 * Uses up the invitation: only one request can, even when two race with the same link. Returns
 * the invitation's own organisation and role, never anything the request supplied.
 */
async function claimInvitation(trx: Tx, token: string, now: Date, forEmail?: string) {
  let query = trx
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('organisations as o')
          .select('o.id')
          .whereRef('o.id', '=', 'invitations.tenant_id')
          .where('o.archived_at', 'is', null),
      ),
    );
  // For a signed-in person: only an invitation sent to their own address.
  if (forEmail !== undefined) query = query.where('email', '=', forEmail);
  return query.returning(['tenant_id', 'id', 'email', 'role', 'expires_at']).executeTakeFirst();
}

async function organisationName(trx: Tx, tenantId: string) {
  const org = await trx
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return org.name;
}

/** Marks the invitation accepted, makes the membership (unless there is one) and audits both. */
async function joinInTx(
  trx: Tx,
  actor: Actor,
  invitation: NonNullable<Awaited<ReturnType<typeof claimInvitation>>>,
  userId: string,
  now: Date,
): Promise<{ alreadyMember: boolean }> {
  const tenantId = invitation.tenant_id;
  const existing = await trx
    .selectFrom('memberships')
    .select('role')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  // The system transaction is not held by row-level security: tenant_id is set explicitly here.
  if (!existing) await addMemberInTx(trx, actor, tenantId, userId, invitation.role);
  await recordAudit(trx, actor, {
    tenantId,
    action: 'invitation.accepted',
    entityType: 'invitation',
    entityId: invitation.id,
    before: { email: invitation.email, role: invitation.role, accepted_at: null },
    after: {
      email: invitation.email,
      role: invitation.role,
      accepted_at: now,
      user_id: userId,
      ...(existing ? { kept_existing_role: existing.role } : {}),
    },
  });
  return { alreadyMember: existing !== undefined };
}

/**
 * Accepts an invitation for someone with no account yet: the account, the membership and the
 * invitation's use happen in one transaction, so there is never an account without its membership.
 */
export async function acceptWithNewAccount(
  db: Kysely<DB>,
  base: Actor,
  token: string,
  input: { displayName: string; password: string },
  now = new Date(),
): Promise<AcceptResult> {
  return withSystem(db, async (trx): Promise<AcceptResult> => {
    const invitation = await claimInvitation(trx, token, now);
    if (!invitation) return { ok: false, reason: 'unusable' };
    const label = `${input.displayName} <${invitation.email}>`;
    const user = await createUserInTx(
      trx,
      { ...base, label },
      {
        email: invitation.email,
        displayName: input.displayName,
        password: input.password,
      },
    );
    await trx
      .updateTable('users')
      .set({ last_sign_in_at: now })
      .where('id', '=', user.id)
      .execute();
    const { alreadyMember } = await joinInTx(
      trx,
      { ...base, userId: user.id, label },
      invitation,
      user.id,
      now,
    );
    return {
      ok: true,
      userId: user.id,
      tenantId: invitation.tenant_id,
      organisationName: await organisationName(trx, invitation.tenant_id),
      alreadyMember,
    };
  });
}

/** Accepts an invitation for the signed-in person, whose email must be the one invited. */
export async function acceptAsSignedIn(
  db: Kysely<DB>,
  actor: Actor,
  token: string,
  user: { id: string; email: string },
  now = new Date(),
): Promise<AcceptResult> {
  return withSystem(db, async (trx): Promise<AcceptResult> => {
    const invitation = await claimInvitation(trx, token, now, user.email);
    if (!invitation) return { ok: false, reason: 'unusable' };
    const { alreadyMember } = await joinInTx(trx, actor, invitation, user.id, now);
    return {
      ok: true,
      userId: user.id,
      tenantId: invitation.tenant_id,
      organisationName: await organisationName(trx, invitation.tenant_id),
      alreadyMember,
    };
  });
}
