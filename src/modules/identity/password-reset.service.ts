import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { hashPassword, passwordProblem } from '../../kernel/auth/passwords.js';
import { hashToken, newSecretToken } from '../../kernel/auth/tokens.js';
import type { DB } from '../../kernel/db/schema.js';
import { withSystem } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { findUserByEmail } from './user.service.js';

export const RESET_LINK_MINUTES = 60;

export interface ResetRequest {
  /** The secret for the link; only its hash is stored. */
  token: string;
  email: string;
  displayName: string;
}

/** An actor for things a person does before they are signed in (they hold a link or a code). */
export function personActor(
  user: { id: string; display_name: string; email: string },
  base: Actor,
): Actor {
  return { ...base, userId: user.id, label: `${user.display_name} <${user.email}>` };
}

/**
 * Makes a single-use reset link for the person with this email, if there is one who may use it.
 * Returns null otherwise; the caller answers the same either way.
 */
export async function requestPasswordReset(
  db: Kysely<DB>,
  email: string,
  actor: Actor,
  now = new Date(),
): Promise<ResetRequest | { ssoOnly: true; email: string; displayName: string } | null> {
  const user = await findUserByEmail(db, email);
  if (!user || user.disabled_at) return null;
  // People who only sign in through their organisation's account have no password to reset.
  if (!user.password_hash)
    return { ssoOnly: true, email: user.email, displayName: user.display_name };
  const token = newSecretToken();
  await withSystem(db, async (trx) => {
    await trx
      .insertInto('password_resets')
      .values({
        token_hash: hashToken(token),
        user_id: user.id,
        created_at: now,
        expires_at: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000),
      })
      .execute();
    // Whoever typed the address asked, not necessarily its owner: the actor stays anonymous.
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.password_reset_requested',
      entityType: 'user',
      entityId: user.id,
    });
  });
  return { token, email: user.email, displayName: user.display_name };
}

/** The person a reset link belongs to, while the link is unused and unexpired. */
export async function findUsableReset(db: Kysely<DB>, token: string, now = new Date()) {
  return db
    .selectFrom('password_resets as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.token_hash', 'u.id', 'u.email', 'u.display_name'])
    .where('r.token_hash', '=', hashToken(token))
    .where('r.used_at', 'is', null)
    .where('r.expires_at', '>', now)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export type ResetResult =
  | { ok: true; userId: string }
  | { ok: false; invalidLink: true }
  | { ok: false; errors: FieldError[] };

/** The new password must be a good one and typed the same twice. */
export function newPasswordErrors(password: string, confirm: string, email: string): FieldError[] {
  const problem = passwordProblem(password, email);
  if (problem) return [{ field: 'password', message: problem }];
  if (password !== confirm) {
    return [
      { field: 'confirm', message: 'The passwords do not match: type the same password twice' },
    ];
  }
  return [];
}

/**
 * Sets the new password, uses up every outstanding link of the person, lifts any lock-out and
 * ends all their sessions, in one transaction with its audit event.
 */
export async function completePasswordReset(
  db: Kysely<DB>,
  token: string,
  password: string,
  confirm: string,
  actor: Actor,
  now = new Date(),
): Promise<ResetResult> {
  const reset = await findUsableReset(db, token, now);
  if (!reset) return { ok: false, invalidLink: true };
  const errors = newPasswordErrors(password, confirm, reset.email);
  if (errors.length) return { ok: false, errors };
  const passwordHash = await hashPassword(password);
  return withSystem(db, async (trx): Promise<ResetResult> => {
    // Claim the link first: of two requests racing with one link, only one gets here.
    const claimed = await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('token_hash', '=', reset.token_hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return { ok: false, invalidLink: true };
    await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('user_id', '=', reset.id)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, failed_sign_ins: 0, locked_until: null })
      .where('id', '=', reset.id)
      .execute();
    const ended = await trx
      .deleteFrom('sessions')
      .where('user_id', '=', reset.id)
      .executeTakeFirst();
    await recordAudit(trx, personActor(reset, actor), {
      tenantId: null,
      action: 'user.password_reset',
      entityType: 'user',
      entityId: reset.id,
      after: { sessions_ended: Number(ended.numDeletedRows) },
    });
    return { ok: true, userId: reset.id };
  });
}
