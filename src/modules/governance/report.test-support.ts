/** Test data for the report tests: an organisation with people, a plan, its history and a board. */
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import { insertApiToken } from '../../../test/security/support.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { Role } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import {
  actionInput,
  addAreaInTx,
  createActionInTx,
  createStrategyInTx,
  progressInput,
  recordProgressInTx,
  strategyInput,
  type Action,
  type Status,
} from '../strategy/index.js';
import type { BoardKind, ReportingCycle } from './governance.tables.js';

export interface ReportOrg {
  id: string;
  as(role: Role): Promise<Agent>;
  ctx(role: Role): Promise<TenantContext>;
  userId(role: Role): Promise<string>;
  token(role: Role, scopes?: string[]): Promise<string>;
  /** Another member in a role (a second board member, say). */
  extra(role: Role, name: string): Promise<{ id: string; agent: Agent; ctx: TenantContext }>;
}

export async function makeReportOrg(t: TestApp): Promise<ReportOrg> {
  const { db } = t.database;
  const org = await makeOrganisation(db);
  const users = new Map<Role, { id: string; email: string; display_name: string }>();
  const agents = new Map<Role, Agent>();
  const user = async (role: Role) => {
    let u = users.get(role);
    if (!u) {
      u = await makeUser(db, org.id, role);
      users.set(role, u);
    }
    return u;
  };
  const ctxOf = (role: Role, u: { id: string; email: string; display_name: string }) => ({
    tenantId: org.id,
    role,
    actor: { userId: u.id, label: `${u.display_name} <${u.email}>` },
  });
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
      return ctxOf(role, await user(role));
    },
    async userId(role) {
      return (await user(role)).id;
    },
    async token(role, scopes = ['read', 'write']) {
      const u = await user(role);
      return (await insertApiToken(db, org.id, u.id, scopes)).token;
    },
    async extra(role, name) {
      const u = await makeUser(db, org.id, role);
      await db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
      const agent = new Agent(t.app);
      await agent.signIn(u.email, PASSWORD);
      return { id: u.id, agent, ctx: ctxOf(role, { ...u, display_name: name }) };
    },
  };
}

export interface PlanSpec {
  title: string;
  periodLabel?: string;
  periodStart?: string;
  documentDate?: string;
  approvedBy?: string;
  approvedOn?: string;
  areas: {
    number: string;
    title: string;
    actions: {
      ref: string;
      title: string;
      timescale?: string;
      lead?: string;
      resources?: string;
    }[];
  }[];
}

/**
 * A strategy with its areas and actions, created through the strategy services. `fromDocument`
 * marks the actions as coming from the strategy document (as an import does), so they count
 * from its date.
 */
export async function makePlan(
  t: TestApp,
  ctx: TenantContext,
  spec: PlanSpec,
  options: { fromDocument?: boolean } = {},
) {
  return withTenant(t.database.db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const strategy = await createStrategyInTx(
      trx,
      ctx,
      strategyInput.parse({
        title: spec.title,
        periodLabel: spec.periodLabel,
        periodStart: spec.periodStart,
        documentDate: spec.documentDate,
        approvedBy: spec.approvedBy,
        approvedOn: spec.approvedOn,
        status: 'approved',
      }),
    );
    const actions: Record<string, Action> = {};
    const areas: Record<string, string> = {};
    for (const area of spec.areas) {
      const a = await addAreaInTx(trx, ctx, strategy.id, {
        number: area.number,
        title: area.title,
      });
      areas[area.number] = a.id;
      for (const action of area.actions) {
        actions[action.ref] = await createActionInTx(
          trx,
          ctx,
          strategy.id,
          actionInput.parse({ ...action, areaId: a.id }),
          options.fromDocument ? { source: { kind: 'test', row: action.ref } } : {},
        );
      }
    }
    return { strategy, actions, areas };
  });
}

export async function recordUpdate(
  t: TestApp,
  ctx: TenantContext,
  actionId: string,
  update: {
    status: Status;
    forecastStatus?: Status;
    happened: string;
    nextSteps?: string;
    asAt: string;
  },
) {
  const { asAt, ...fields } = update;
  return withTenant(t.database.db, ctx.tenantId, ctx.actor.userId, (trx) =>
    recordProgressInTx(trx, ctx, actionId, progressInput.parse(fields), { asAt }),
  );
}

/** A board straight into its table (the boards pages are not what these tests are about). */
export async function makeBoard(
  t: TestApp,
  tenantId: string,
  board: { name: string; kind: BoardKind; cycle?: ReportingCycle },
) {
  const id = newId();
  await withTenant(t.database.db, tenantId, null, (trx) =>
    trx
      .insertInto('boards')
      .values({
        tenant_id: tenantId,
        id,
        name: board.name,
        kind: board.kind,
        purpose: null,
        reports_to_board_id: null,
        archived_at: null,
        ...(board.cycle ? { reporting_cycle: board.cycle } : {}),
      })
      .execute(),
  );
  return id;
}

/** The audit events of an organisation for one entity, oldest first. */
export async function auditFor(t: TestApp, tenantId: string, entityId: string) {
  return withTenant(t.database.db, tenantId, null, (trx) =>
    trx
      .selectFrom('audit_events')
      .select(['action', 'entity_type', 'before', 'after', 'actor_user_id'])
      .where('tenant_id', '=', tenantId)
      .where('entity_id', '=', entityId)
      .orderBy('seq')
      .execute(),
  );
}

export function locationId(res: LightMyRequestResponse, prefix: string): string {
  const location = res.headers.location ?? '';
  const match = new RegExp(`^${prefix}/([0-9a-f-]{36})`).exec(location);
  if (!match?.[1])
    throw new Error(`Expected a redirect to ${prefix}/<id>, got ${res.statusCode} ${location}`);
  return match[1];
}

export function errorSummary(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => `${m[1]}: ${m[2]}`);
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}
