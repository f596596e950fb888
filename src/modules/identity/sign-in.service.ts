import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { burnPasswordTime, verifyPassword } from '../../kernel/auth/passwords.js';
import type { AppDeps } from '../../kernel/http/context.js';
import { withSystem } from '../../kernel/db/tenancy.js';
import { findUserByEmail } from './user.service.js';

export type SignInResult =
  { ok: true; userId: string; twoFactor: boolean } | { ok: false; delayMs: number };

/** After a few failures each further one is answered more slowly, up to four seconds. */
export function slowdownMs(failures: number): number {
  return failures < 3 ? 0 : Math.min(250 * 2 ** (failures - 3), 4000);
}

/**
 * Checks an email and password. The answer never says whether the email exists or the account
 * is locked: every failure looks the same to the caller.
 */
export async function checkPassword(
  deps: AppDeps,
  email: string,
  password: string,
  actor: Actor,
): Promise<SignInResult> {
  const { db } = deps.database;
  const { SIGN_IN_ATTEMPTS_BEFORE_LOCK, SIGN_IN_LOCK_MINUTES } = deps.config;
  const user = await findUserByEmail(db, email);
  if (!user || user.disabled_at || !user.password_hash) {
    await burnPasswordTime(password);
    return { ok: false, delayMs: 0 };
  }
  const now = Date.now();
  if (user.locked_until && user.locked_until.getTime() > now) {
    await burnPasswordTime(password);
    return { ok: false, delayMs: slowdownMs(user.failed_sign_ins) };
  }
  const good = await verifyPassword(password, user.password_hash);
  if (!good) {
    const failures = user.failed_sign_ins + 1;
    const lock = failures >= SIGN_IN_ATTEMPTS_BEFORE_LOCK;
    await withSystem(db, async (trx) => {
      await trx
        .updateTable('users')
        .set({
          failed_sign_ins: lock ? 0 : failures,
          locked_until: lock ? new Date(now + SIGN_IN_LOCK_MINUTES * 60_000) : null,
        })
        .where('id', '=', user.id)
        .execute();
      if (lock) {
        await recordAudit(trx, actor, {
          tenantId: null,
          action: 'user.locked',
          entityType: 'user',
          entityId: user.id,
          after: { locked_minutes: SIGN_IN_LOCK_MINUTES, failed_sign_ins: failures },
        });
      }
    });
    return { ok: false, delayMs: slowdownMs(failures) };
  }
  await db
    .updateTable('users')
    .set({ failed_sign_ins: 0, locked_until: null, last_sign_in_at: new Date(now) })
    .where('id', '=', user.id)
    .execute();
  return { ok: true, userId: user.id, twoFactor: user.totp_enabled_at !== null };
}

/** Only a path on this site may be a place to go after signing in (no open redirects). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/';
}
