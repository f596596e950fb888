/**
 * A strategy's governance history across all its versions: who approved each version, every
 * agenda item about it at any board's meeting with the decisions taken, the reports written on
 * it, and the boards that oversee it. The reports' "previous decisions" section reads this too.
 */
import type { Kysely } from 'kysely';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { isUuid } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import { decisionsForItems, type DecisionView } from './decision.service.js';
import type { ReportStatus } from './governance.tables.js';

export interface GovernanceHistoryItem {
  meeting: {
    id: string;
    meetsOn: string;
    startsAt: string | null;
    status: 'planned' | 'held' | 'cancelled';
    boardId: string;
    boardName: string;
  };
  item: {
    id: string;
    title: string;
    kind: 'report' | 'paper' | 'other';
    paperUrl: string | null;
    reportId: string | null;
    strategyId: string;
    strategyVersion: number;
  };
  /** Oldest first; the last one stands, earlier ones are marked superseded. */
  decisions: DecisionView[];
}

export interface GovernanceHistory {
  strategy: { id: string; lineageId: string; title: string; version: number };
  approvals: {
    strategyId: string;
    version: number;
    title: string;
    status: string;
    approvedBy: string | null;
    approvedOn: string | null;
  }[];
  boards: { id: string; name: string; archived: boolean }[];
  /** Oldest meeting first. */
  items: GovernanceHistoryItem[];
  reports: {
    id: string;
    title: string;
    status: ReportStatus;
    asAt: string;
    strategyVersion: number;
    boardName: string | null;
  }[];
}

/** The governance history of the strategy `strategyId` belongs to (every version of it). */
export async function governanceHistory(
  trx: Tx,
  tenantId: string,
  strategyId: string,
): Promise<GovernanceHistory> {
  const strategy = isUuid(strategyId)
    ? await trx
        .selectFrom('strategies')
        .select(['id', 'lineage_id', 'title', 'version'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', strategyId)
        .executeTakeFirst()
    : undefined;
  if (!strategy) throw new NotFoundError('There is no such strategy.');
  const versions = await trx
    .selectFrom('strategies')
    .select(['id', 'version', 'title', 'status', 'approved_by', 'approved_on'])
    .where('tenant_id', '=', tenantId)
    .where('lineage_id', '=', strategy.lineage_id)
    .orderBy('version')
    .execute();
  const versionIds = versions.map((v) => v.id);
  const versionOf = new Map(versions.map((v) => [v.id, v.version]));

  const boards = await trx
    .selectFrom('board_strategies as bs')
    .innerJoin('boards as b', (j) =>
      j.onRef('b.tenant_id', '=', 'bs.tenant_id').onRef('b.id', '=', 'bs.board_id'),
    )
    .select(['b.id', 'b.name', 'b.archived_at'])
    .where('bs.tenant_id', '=', tenantId)
    .where('bs.strategy_lineage_id', '=', strategy.lineage_id)
    .orderBy('b.name')
    .execute();

  const items = await trx
    .selectFrom('agenda_items as a')
    .innerJoin('meetings as m', (j) =>
      j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.meeting_id'),
    )
    .innerJoin('boards as b', (j) =>
      j.onRef('b.tenant_id', '=', 'm.tenant_id').onRef('b.id', '=', 'm.board_id'),
    )
    .select([
      'a.id',
      'a.title',
      'a.kind',
      'a.paper_url',
      'a.report_id',
      'a.strategy_id',
      'm.id as meeting_id',
      'm.meets_on',
      'm.starts_at',
      'm.status',
      'b.id as board_id',
      'b.name as board_name',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.strategy_id', 'in', versionIds)
    .orderBy('m.meets_on')
    .orderBy('m.starts_at')
    .orderBy('a.position')
    .execute();
  const decisions = await decisionsForItems(
    trx,
    tenantId,
    items.map((i) => i.id),
  );

  const reports = await trx
    .selectFrom('reports as r')
    .leftJoin('boards as b', (j) =>
      j.onRef('b.tenant_id', '=', 'r.tenant_id').onRef('b.id', '=', 'r.board_id'),
    )
    .select(['r.id', 'r.title', 'r.status', 'r.as_at', 'r.strategy_id', 'b.name as board_name'])
    .where('r.tenant_id', '=', tenantId)
    .where('r.strategy_id', 'in', versionIds)
    .orderBy('r.as_at')
    .orderBy('r.id')
    .execute();

  return {
    strategy: {
      id: strategy.id,
      lineageId: strategy.lineage_id,
      title: strategy.title,
      version: strategy.version,
    },
    approvals: versions.map((v) => ({
      strategyId: v.id,
      version: v.version,
      title: v.title,
      status: v.status,
      approvedBy: v.approved_by,
      approvedOn: v.approved_on,
    })),
    boards: boards.map((b) => ({ id: b.id, name: b.name, archived: b.archived_at !== null })),
    items: items.map((i) => ({
      meeting: {
        id: i.meeting_id,
        meetsOn: i.meets_on,
        startsAt: i.starts_at ? i.starts_at.slice(0, 5) : null,
        status: i.status,
        boardId: i.board_id,
        boardName: i.board_name,
      },
      item: {
        id: i.id,
        title: i.title,
        kind: i.kind,
        paperUrl: i.paper_url,
        reportId: i.report_id,
        strategyId: i.strategy_id ?? strategy.id,
        strategyVersion: versionOf.get(i.strategy_id ?? '') ?? strategy.version,
      },
      decisions: decisions.get(i.id) ?? [],
    })),
    reports: reports.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      asAt: r.as_at,
      strategyVersion: versionOf.get(r.strategy_id) ?? strategy.version,
      boardName: r.board_name,
    })),
  };
}

export function loadGovernanceHistory(db: Kysely<DB>, ctx: TenantContext, strategyId: string) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    governanceHistory(trx, ctx.tenantId, strategyId),
  );
}
