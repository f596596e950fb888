import { sql, type Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { verifyPassword } from '../../kernel/auth/passwords.js';
import type { SecretBox } from '../../kernel/auth/tokens.js';
import type { DB } from '../../kernel/db/schema.js';
import { withSystem, type Tx } from '../../kernel/db/tenancy.js';
import {
  hashRecoveryCode,
  looksLikeTotp,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
} from './two-factor.rules.js';

/** What the services need: the database and the box that seals TOTP secrets at rest. */
export interface TwoFactorDeps {
  db: Kysely<DB>;
  secrets: SecretBox;
}

export interface TwoFactorStatus {
  enabledAt: Date | null;
  /** A secret has been made but not yet confirmed with a code. */
  setUpInProgress: boolean;
  recoveryCodesLeft: number;
  hasPassword: boolean;
}

export async function twoFactorStatus(db: Kysely<DB>, userId: string): Promise<TwoFactorStatus> {
  const user = await db
    .selectFrom('users')
    .select(['totp_secret', 'totp_enabled_at', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const left = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    enabledAt: user.totp_enabled_at,
    setUpInProgress: user.totp_secret !== null && user.totp_enabled_at === null,
    recoveryCodesLeft: left.n,
    hasPassword: user.password_hash !== null,
  };
}

/**
 * Makes a new secret for a person who has not turned two-step verification on. It stays unused
 * until they prove their app has it by entering a code. Making it is a POST, so reloading the
 * set-up page does not change the secret they have just scanned.
 */
export async function startSetUp(deps: TwoFactorDeps, userId: string): Promise<boolean> {
  const result = await deps.db
    .updateTable('users')
    .set({ totp_secret: deps.secrets.seal(newTotpSecret()), totp_last_counter: null })
    .where('id', '=', userId)
    .where('totp_enabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The secret being set up (readable, for the QR code), or null when there is none. */
export async function pendingSecret(deps: TwoFactorDeps, userId: string): Promise<string | null> {
  const user = await deps.db
    .selectFrom('users')
    .select(['totp_secret', 'totp_enabled_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (!user.totp_secret || user.totp_enabled_at) return null;
  return deps.secrets.open(user.totp_secret);
}

async function replaceRecoveryCodes(trx: Tx, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await trx
    .insertInto('recovery_codes')
    .values(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(c) })))
    .execute();
  return codes;
}

/**
 * Turns two-step verification on when the code matches the secret being set up. Returns the new
 * recovery codes (shown once, never stored in the clear), or null for a wrong code.
 */
export async function confirmSetUp(
  deps: TwoFactorDeps,
  userId: string,
  code: string,
  actor: Actor,
  now = Date.now(),
): Promise<string[] | null> {
  const secret = await pendingSecret(deps, userId);
  if (!secret) return null;
  const counter = matchTotp(secret, code, { timestamp: now });
  if (counter === null) return null;
  return withSystem(deps.db, async (trx) => {
    const updated = await trx
      .updateTable('users')
      .set({ totp_enabled_at: new Date(now), totp_last_counter: counter })
      .where('id', '=', userId)
      .where('totp_enabled_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return null;
    const codes = await replaceRecoveryCodes(trx, userId);
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.two_factor_enabled',
      entityType: 'user',
      entityId: userId,
      after: { recovery_codes: codes.length },
    });
    return codes;
  });
}

async function passwordIsRight(db: Kysely<DB>, userId: string, password: string) {
  const user = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return verifyPassword(password, user.password_hash);
}

/** Turns two-step verification off, after the person proves who they are with their password. */
export async function turnOff(
  db: Kysely<DB>,
  userId: string,
  password: string,
  actor: Actor,
): Promise<boolean> {
  if (!(await passwordIsRight(db, userId, password))) return false;
  await withSystem(db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ totp_secret: null, totp_enabled_at: null, totp_last_counter: null })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.two_factor_disabled',
      entityType: 'user',
      entityId: userId,
    });
  });
  return true;
}

/** Replaces all recovery codes (the old ones stop working), after a password check. */
export async function makeNewRecoveryCodes(
  db: Kysely<DB>,
  userId: string,
  password: string,
  actor: Actor,
): Promise<string[] | null> {
  if (!(await passwordIsRight(db, userId, password))) return null;
  return withSystem(db, async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select('totp_enabled_at')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    if (!user.totp_enabled_at) return null;
    const codes = await replaceRecoveryCodes(trx, userId);
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.recovery_codes_replaced',
      entityType: 'user',
      entityId: userId,
      after: { recovery_codes: codes.length },
    });
    return codes;
  });
}

export type SecondStepResult =
  { ok: true; method: 'code' } | { ok: true; method: 'recovery'; left: number } | { ok: false };

/**
 * Checks the second step of signing in: a code from the app (each time step accepted once) or an
 * unused recovery code (used up here).
 */
export async function verifySecondStep(
  deps: TwoFactorDeps,
  userId: string,
  input: string,
  actor: Actor,
  now = Date.now(),
): Promise<SecondStepResult> {
  const user = await deps.db
    .selectFrom('users')
    .select(['totp_secret', 'totp_enabled_at', 'totp_last_counter'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user?.totp_secret || !user.totp_enabled_at) return { ok: false };
  if (looksLikeTotp(input)) {
    const counter = matchTotp(deps.secrets.open(user.totp_secret), input, {
      timestamp: now,
      lastCounter: user.totp_last_counter,
    });
    if (counter === null) return { ok: false };
    // Conditional, so two requests with the same code cannot both pass.
    const claimed = await deps.db
      .updateTable('users')
      .set({ totp_last_counter: counter })
      .where('id', '=', userId)
      .where((eb) =>
        eb.or([eb('totp_last_counter', 'is', null), eb('totp_last_counter', '<', counter)]),
      )
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) === 1 ? { ok: true, method: 'code' } : { ok: false };
  }
  return withSystem(deps.db, async (trx): Promise<SecondStepResult> => {
    const used = await trx
      .updateTable('recovery_codes')
      .set({ used_at: new Date(now) })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hashRecoveryCode(input))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return { ok: false };
    const left = await trx
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.recovery_code_used',
      entityType: 'user',
      entityId: userId,
      after: { recovery_codes_left: left.n },
    });
    return { ok: true, method: 'recovery', left: left.n };
  });
}

/** Counts a wrong code against the half-made session, in one statement; returns the count so far. */
export async function countWrongCode(db: Kysely<DB>, sessionId: string): Promise<number> {
  const row = await db
    .updateTable('sessions')
    .set({
      data: sql<string>`jsonb_set(data, '{twoFactorFailures}', to_jsonb(coalesce((data->>'twoFactorFailures')::int, 0) + 1))`,
    })
    .where('id', '=', sessionId)
    .returning(sql<number>`(data->>'twoFactorFailures')::int`.as('failures'))
    .executeTakeFirst();
  return row ? row.failures : Number.POSITIVE_INFINITY;
}

/** Ends the half-made session after too many wrong codes, with an audit event. */
export async function giveUpSecondStep(
  db: Kysely<DB>,
  sessionId: string,
  userId: string,
  actor: Actor,
  failures: number,
): Promise<void> {
  await withSystem(db, async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', sessionId).execute();
    await recordAudit(trx, actor, {
      tenantId: null,
      action: 'user.two_factor_failed',
      entityType: 'user',
      entityId: userId,
      after: { wrong_codes: failures },
    });
  });
}
