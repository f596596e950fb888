import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { hashPassword, verifyPassword } from '../../kernel/auth/passwords.js';
import type { DB } from '../../kernel/db/schema.js';
import { withSystem } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { newPasswordErrors } from './password-reset.service.js';

/** Sessions that would still let someone in: signed in fully, not expired, not idle too long. */
export async function activeSessionCount(
  db: Kysely<DB>,
  userId: string,
  idleMinutes: number,
  now = Date.now(),
): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('two_factor_pending', '=', false)
    .where('expires_at', '>', new Date(now))
    .where('last_seen_at', '>', new Date(now - idleMinutes * 60_000))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function renameUser(
  db: Kysely<DB>,
  userId: string,
  displayName: string,
  actor: Actor,
): Promise<void> {
  await withSystem(db, async (trx) => {
    const before = await trx
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    if (before.display_name === displayName) return;
    await trx
      .updateTable('users')
      .set({ display_name: displayName })
      .where('id', '=', userId)
      .execute();
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.renamed',
      entityType: 'user',
      entityId: userId,
      before: { display_name: before.display_name },
      after: { display_name: displayName },
    });
  });
}

/**
 * Changes a password when the current one is right and the new one is good. Every other session
 * of the person ends (someone else may know the old password); this one stays.
 */
export async function changePassword(
  db: Kysely<DB>,
  userId: string,
  input: { current: string; password: string; confirm: string },
  keepSessionId: string | null,
  actor: Actor,
): Promise<FieldError[]> {
  const user = await db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(input.current, user.password_hash))) {
    return [
      { field: 'current', message: 'Your current password is not right: check it and try again' },
    ];
  }
  const errors = newPasswordErrors(input.password, input.confirm, user.email);
  if (errors.length) return errors;
  if (input.password === input.current) {
    return [
      {
        field: 'password',
        message: 'Choose a new password that is different from your current one',
      },
    ];
  }
  const passwordHash = await hashPassword(input.password);
  await withSystem(db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('id', '=', userId)
      .execute();
    let others = trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepSessionId) others = others.where('id', '<>', keepSessionId);
    const ended = await others.executeTakeFirst();
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.password_changed',
      entityType: 'user',
      entityId: userId,
      after: { other_sessions_ended: Number(ended.numDeletedRows) },
    });
  });
  return [];
}

/** "Sign out everywhere": ends every session of the person, this one included. */
export async function signOutEverywhere(
  db: Kysely<DB>,
  userId: string,
  actor: Actor,
): Promise<number> {
  return withSystem(db, async (trx) => {
    const ended = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    const count = Number(ended.numDeletedRows);
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.signed_out_everywhere',
      entityType: 'user',
      entityId: userId,
      after: { sessions_ended: count },
    });
    return count;
  });
}
