import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB, User } from '../../kernel/db/schema.js';
import { withSystem, type Tx } from '../../kernel/db/tenancy.js';
import { hashPassword, passwordProblem } from '../../kernel/auth/passwords.js';
import { ConflictError, ValidationError } from '../../kernel/http/errors.js';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(
  db: Kysely<DB> | Tx,
  email: string,
): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst();
}

export interface NewUserInput {
  email: string;
  displayName: string;
  /** Absent for people who only sign in through single sign-on. */
  password?: string | undefined;
}

/** Creates a person (not yet a member of anything). Runs in the caller's system transaction. */
export async function createUserInTx(trx: Tx, actor: Actor, input: NewUserInput): Promise<User> {
  const email = normaliseEmail(input.email);
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, email);
    if (problem) throw new ValidationError([{ field: 'password', message: problem }]);
  }
  if (await findUserByEmail(trx, email)) {
    throw new ConflictError(`Someone with the email address ${email} already has an account.`, [
      { field: 'email', message: 'Someone with this email address already has an account' },
    ]);
  }
  const user = await trx
    .insertInto('users')
    .values({
      id: newId(),
      email,
      display_name: input.displayName.trim(),
      password_hash: input.password === undefined ? null : await hashPassword(input.password),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    tenantId: null,
    action: 'user.created',
    entityType: 'user',
    entityId: user.id,
    after: { email: user.email, display_name: user.display_name },
  });
  return user;
}

export async function createUser(db: Kysely<DB>, actor: Actor, input: NewUserInput): Promise<User> {
  return withSystem(db, (trx) => createUserInTx(trx, actor, input));
}
