/** Helpers for the strategy, posts, glossary and roll forward component tests. */
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import { insertApiToken } from '../../../test/security/support.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { Role } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';

export interface Org {
  id: string;
  /** A signed-in browser for each role, made on first use. */
  as(role: Role): Promise<Agent>;
  /** A service context for a member in this role. */
  ctx(role: Role): Promise<TenantContext>;
  /** A bearer token (read and write) of a member in this role. */
  token(role: Role, scopes?: string[]): Promise<string>;
  userId(role: Role): Promise<string>;
}

export async function makeOrg(t: TestApp): Promise<Org> {
  const { db } = t.database;
  const org = await makeOrganisation(db);
  const users = new Map<Role, { id: string; email: string }>();
  const agents = new Map<Role, Agent>();
  const user = async (role: Role) => {
    let u = users.get(role);
    if (!u) {
      u = await makeUser(db, org.id, role);
      users.set(role, u);
    }
    return u;
  };
  return {
    id: org.id,
    async as(role) {
      let agent = agents.get(role);
      if (!agent) {
        const u = await user(role);
        agent = new Agent(t.app);
        await agent.signIn(u.email, PASSWORD);
        agents.set(role, agent);
      }
      return agent;
    },
    async ctx(role) {
      const u = await user(role);
      return { tenantId: org.id, role, actor: { userId: u.id, label: u.email } };
    },
    async token(role, scopes = ['read', 'write']) {
      const u = await user(role);
      return (await insertApiToken(db, org.id, u.id, scopes)).token;
    },
    async userId(role) {
      return (await user(role)).id;
    },
  };
}

/** The audit events of an organisation (optionally for one entity), oldest first. */
export async function auditOf(t: TestApp, tenantId: string, entityId?: string) {
  return withTenant(t.database.db, tenantId, null, async (trx) => {
    let q = trx
      .selectFrom('audit_events')
      .select(['action', 'entity_type', 'entity_id', 'before', 'after', 'actor_user_id'])
      .where('tenant_id', '=', tenantId);
    if (entityId) q = q.where('entity_id', '=', entityId);
    return q.orderBy('seq').execute();
  });
}

/** The texts of the GOV.UK error summary's links. */
export function errorSummary(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => `${m[1]}: ${m[2]}`);
}

/** The id at the end of a 303's location, e.g. /strategies/<id>. */
export function locationId(res: LightMyRequestResponse, prefix: string): string {
  const location = res.headers.location ?? '';
  const match = new RegExp(`^${prefix}/([0-9a-f-]{36})`).exec(location);
  if (!match?.[1])
    throw new Error(`Expected a redirect to ${prefix}/<id>, got ${res.statusCode} ${location}`);
  return match[1];
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}
