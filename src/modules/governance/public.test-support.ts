/** Reports and versions written straight to their tables, for the dashboard and public page tests. */
import type { TestApp } from '../../../test/helpers/app.js';
import { newId } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { ReportStatus } from './governance.tables.js';
import type { ReportSnapshot, StatusCount } from './report.types.js';
import { sampleSnapshot } from './render/sample-snapshot.js';

export async function insertReport(
  t: TestApp,
  tenantId: string,
  r: {
    strategyId: string;
    title: string;
    status: ReportStatus;
    asAt: string;
    createdBy: string;
    boardId?: string;
  },
) {
  const id = newId();
  await withTenant(t.database.db, tenantId, null, (trx) =>
    trx
      .insertInto('reports')
      .values({
        tenant_id: tenantId,
        id,
        strategy_id: r.strategyId,
        board_id: r.boardId ?? null,
        meeting_id: null,
        title: r.title,
        as_at: r.asAt,
        status: r.status,
        approver_user_id: null,
        submitted_by: null,
        submitted_at: null,
        approved_by: null,
        approved_at: null,
        created_by: r.createdBy,
      })
      .execute(),
  );
  return id;
}

/** A snapshot for a report: the sample's content under this organisation's and report's names. */
export function snapshotFor(
  o: { organisation: string; strategyTitle: string; title: string; asAt: string; version?: number },
  byStatus?: StatusCount[],
): ReportSnapshot {
  const s = sampleSnapshot(12);
  return {
    ...s,
    organisation: { ...s.organisation, name: o.organisation },
    strategy: { ...s.strategy, title: o.strategyTitle },
    title: o.title,
    asAt: o.asAt,
    progressSummary: byStatus ? { ...s.progressSummary, byStatus } : s.progressSummary,
    published: { version: o.version ?? 1, at: `${o.asAt}T12:00:00.000Z`, supersedes: null },
  };
}

export async function insertVersion(
  t: TestApp,
  tenantId: string,
  v: {
    reportId: string;
    version: number;
    public: boolean;
    snapshot: ReportSnapshot;
    publishedBy: string;
    changeNote?: string;
    publishedAt?: string;
  },
) {
  const id = newId();
  await withTenant(t.database.db, tenantId, null, (trx) =>
    trx
      .insertInto('report_versions')
      .values({
        tenant_id: tenantId,
        id,
        report_id: v.reportId,
        version: v.version,
        snapshot: JSON.stringify(v.snapshot),
        change_note: v.changeNote ?? null,
        published_by: v.publishedBy,
        public: v.public,
        ...(v.publishedAt ? { published_at: v.publishedAt } : {}),
      })
      .execute(),
  );
  return id;
}
