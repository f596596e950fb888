/**
 * What the public pages may show, and nothing else: approved strategies, and report versions
 * marked public of reports that are published (or superseded by a later public correction).
 * Every query below carries those conditions itself, so no page can reach a draft by its id.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../kernel/db/schema.js';
import { withSystem, type Tx } from '../../kernel/db/tenancy.js';
import { isUuid } from '../../kernel/db/ids.js';
import type { ReportSnapshot } from './report.types.js';

export interface PublicOrganisation {
  id: string;
  slug: string;
  name: string;
}

/**
 * The organisation behind a public address, only when it has chosen to publish. An unknown slug
 * and an organisation that does not publish look the same (no leak of who exists).
 */
export async function publishingOrganisation(
  db: Kysely<DB>,
  slug: string,
): Promise<PublicOrganisation | undefined> {
  if (!/^[a-z0-9-]{1,100}$/.test(slug)) return undefined;
  return withSystem(db, (trx) =>
    trx
      .selectFrom('organisations')
      .select(['id', 'slug', 'name'])
      .where('slug', '=', slug)
      .where('publish_publicly', '=', true)
      .where('archived_at', 'is', null)
      .executeTakeFirst(),
  );
}

export async function approvedStrategies(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('strategies')
    .select(['id', 'title', 'period_label', 'approved_by', 'approved_on', 'summary'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'approved')
    .orderBy('title')
    .execute();
}

export async function approvedStrategy(trx: Tx, tenantId: string, id: string) {
  if (!isUuid(id)) return undefined;
  return trx
    .selectFrom('strategies')
    .select([
      'id',
      'title',
      'period_label',
      'period_start',
      'period_end',
      'approved_by',
      'approved_on',
      'lead_officer',
      'summary',
    ])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .executeTakeFirst();
}

export async function strategyAreas(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('strategy_areas')
    .select(['id', 'number', 'title', 'vision', 'current_position', 'getting_there'])
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .orderBy('position')
    .execute();
}

export async function strategyPlan(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('actions')
    .select([
      'id',
      'area_id',
      'ref',
      'title',
      'timescale_text',
      'due_on',
      'lead_text',
      'status',
      'forecast_status',
    ])
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .where('archived_at', 'is', null)
    .orderBy('ref_sort')
    .execute();
}

/** Public versions, newest first, without their snapshots. */
export async function publicVersions(trx: Tx, tenantId: string, limit = 200) {
  return trx
    .selectFrom('report_versions as v')
    .innerJoin('reports as r', (j) =>
      j.onRef('r.tenant_id', '=', 'v.tenant_id').onRef('r.id', '=', 'v.report_id'),
    )
    .innerJoin('strategies as s', (j) =>
      j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.strategy_id'),
    )
    .select([
      'v.id',
      'v.report_id',
      'v.version',
      'v.published_at',
      'v.change_note',
      'r.title',
      'r.as_at',
      'r.status',
      's.title as strategy_title',
    ])
    .where('v.tenant_id', '=', tenantId)
    .where('v.public', '=', true)
    .where('r.status', 'in', ['published', 'superseded'])
    .orderBy('v.published_at', 'desc')
    .orderBy('v.version', 'desc')
    .limit(limit)
    .execute();
}

/** One public version with its frozen snapshot. */
export async function publicVersion(trx: Tx, tenantId: string, versionId: string) {
  if (!isUuid(versionId)) return undefined;
  const row = await trx
    .selectFrom('report_versions as v')
    .innerJoin('reports as r', (j) =>
      j.onRef('r.tenant_id', '=', 'v.tenant_id').onRef('r.id', '=', 'v.report_id'),
    )
    .select(['v.id', 'v.report_id', 'v.version', 'v.published_at', 'v.snapshot', 'r.title'])
    .where('v.tenant_id', '=', tenantId)
    .where('v.id', '=', versionId)
    .where('v.public', '=', true)
    .where('r.status', 'in', ['published', 'superseded'])
    .executeTakeFirst();
  if (!row) return undefined;
  const snapshot = (
    typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot
  ) as ReportSnapshot;
  return { ...row, snapshot };
}

/** The newest public version of the same report, when this one has been corrected since. */
export async function newerPublicVersion(
  trx: Tx,
  tenantId: string,
  reportId: string,
  version: number,
) {
  return trx
    .selectFrom('report_versions')
    .select(['id', 'version'])
    .where('tenant_id', '=', tenantId)
    .where('report_id', '=', reportId)
    .where('public', '=', true)
    .where('version', '>', version)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}
