import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB, Role } from '../db/schema.js';
import { hashToken, newSecretToken } from './tokens.js';

/** A membership as the sign-in query returns it, with what the organisation asks of members. */
export interface MembershipRow {
  tenant_id: string;
  role: Role;
  slug: string;
  name: string;
  require_two_factor: boolean;
}

/** The signed-in person, read in the same statement as their session or API token. */
export interface SignedInUser {
  id: string;
  email: string;
  display_name: string;
  totp_enabled_at: Date | null;
  disabled_at: Date | null;
  has_password: boolean;
  memberships: MembershipRow[];
}

/**
 * The person's live memberships (organisations not archived, by name) as one JSON value, for a
 * query that has the user as `u`: sign-in context then costs one round trip, not three.
 */
export function membershipsOfUser(): RawBuilder<MembershipRow[]> {
  return sql<MembershipRow[]>`coalesce((
    select json_agg(json_build_object('tenant_id', m.tenant_id, 'role', m.role, 'slug', o.slug,
      'name', o.name, 'require_two_factor', o.require_two_factor) order by o.name)
    from memberships m join organisations o on o.id = m.tenant_id
    where m.user_id = u.id and o.archived_at is null), '[]'::json)`;
}

/** JSON columns come back parsed from node-postgres and PGlite; a string is parsed here. */
export function parsedMemberships(value: unknown): MembershipRow[] {
  const rows = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(rows) ? (rows as MembershipRow[]) : [];
}

export interface SessionTimes {
  idleMinutes: number;
  absoluteHours: number;
}

export interface LoadedSession {
  id: string;
  userId: string;
  tenantId: string | null;
  twoFactorPending: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  data: Record<string, unknown>;
}

/**
 * Sessions live in the database so that several Waymark processes share them. The cookie holds a
 * random token; the table holds only its hash, so a stolen backup yields no live session.
 */
export class SessionStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly times: SessionTimes,
  ) {}

  /** Always a new id: signing in never keeps a session id chosen before (no fixation). */
  async create(
    userId: string,
    tenantId: string | null,
    twoFactorPending = false,
  ): Promise<{ token: string; session: LoadedSession }> {
    const token = newSecretToken();
    const now = new Date();
    const expires = new Date(now.getTime() + this.times.absoluteHours * 3_600_000);
    await this.db
      .insertInto('sessions')
      .values({
        id: hashToken(token),
        user_id: userId,
        tenant_id: tenantId,
        two_factor_pending: twoFactorPending,
        created_at: now,
        last_seen_at: now,
        expires_at: expires,
      })
      .execute();
    return {
      token,
      session: {
        id: hashToken(token),
        userId,
        tenantId,
        twoFactorPending,
        createdAt: now,
        lastSeenAt: now,
        data: {},
      },
    };
  }

  /** The live session for a cookie token, or null when unknown, idle too long or expired. */
  async load(token: string): Promise<LoadedSession | null> {
    return (await this.loadWithUser(token))?.session ?? null;
  }

  /**
   * The live session with its person and their memberships, read in one statement (the user is
   * null when the account no longer exists). Null when unknown, idle too long or expired.
   */
  async loadWithUser(
    token: string,
  ): Promise<{ session: LoadedSession; user: SignedInUser | null } | null> {
    const id = hashToken(token);
    const row = await this.db
      .selectFrom('sessions as s')
      .leftJoin('users as u', 'u.id', 's.user_id')
      .selectAll('s')
      .select([
        'u.id as u_id',
        'u.email',
        'u.display_name',
        'u.totp_enabled_at',
        'u.disabled_at',
        sql<boolean>`u.password_hash is not null`.as('has_password'),
        membershipsOfUser().as('memberships'),
      ])
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const session = await this.live(id, row);
    if (!session) return null;
    const user: SignedInUser | null =
      row.u_id && row.email !== null && row.display_name !== null
        ? {
            id: row.u_id,
            email: row.email,
            display_name: row.display_name,
            totp_enabled_at: row.totp_enabled_at,
            disabled_at: row.disabled_at,
            has_password: row.has_password,
            memberships: parsedMemberships(row.memberships),
          }
        : null;
    return { session, user };
  }

  /** Applies the idle and absolute time-outs, and notes the visit (at most once a minute). */
  private async live(
    id: string,
    row: {
      user_id: string;
      tenant_id: string | null;
      two_factor_pending: boolean;
      created_at: Date;
      last_seen_at: Date;
      expires_at: Date;
      data: Record<string, unknown>;
    },
  ): Promise<LoadedSession | null> {
    const now = Date.now();
    const idleLimit = row.last_seen_at.getTime() + this.times.idleMinutes * 60_000;
    if (row.expires_at.getTime() <= now || idleLimit <= now) {
      await this.db.deleteFrom('sessions').where('id', '=', id).execute();
      return null;
    }
    // Touch at most once a minute: reading a page should not always write.
    if (now - row.last_seen_at.getTime() > 60_000) {
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(now) })
        .where('id', '=', id)
        .execute();
    }
    return {
      id,
      userId: row.user_id,
      tenantId: row.tenant_id,
      twoFactorPending: row.two_factor_pending,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      data: row.data,
    };
  }

  async setTenant(sessionId: string, tenantId: string | null) {
    await this.db
      .updateTable('sessions')
      .set({ tenant_id: tenantId })
      .where('id', '=', sessionId)
      .execute();
  }

  async destroy(sessionId: string) {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  /** "Sign out everywhere": every session of the person, optionally keeping the current one. */
  async destroyAllFor(userId: string, exceptSessionId?: string) {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async countFor(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return r.n;
  }
}
