import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { hashToken, newSecretToken } from './tokens.js';

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
    const id = hashToken(token);
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
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
