/**
 * Drafting a progress report from the record "as at" a date. The record is read in a handful of
 * queries (not one per action), then shaped by pure functions, so a plan of 500 actions drafts
 * as quickly as one of 5.
 *
 * An action's status at a date is its latest progress update on or before that date. An action
 * that has updates, but none yet by then, had not started; one with no updates at all keeps the
 * status it was given. An action counts from the day it was created, or from its first update if
 * that is earlier, or — when it came from the strategy document (imported or carried forward) —
 * from the document's date. An action archived on or before the date is gone from the plan; if
 * that happened within the period, it is reported as dropped.
 */
import type { Selectable } from 'kysely';
import type { Tx } from '../../kernel/db/tenancy.js';
import { NotFoundError, ValidationError } from '../../kernel/http/errors.js';
import {
  CLOSED_STATUSES,
  isOverdue,
  loadStatusLabels,
  todayInLondon,
  type StatusLabels,
  type Status,
} from '../strategy/index.js';
import type {
  BoardKind,
  DecisionOutcome,
  ReportingCycle,
  ReportsTable,
} from './governance.tables.js';
import {
  actionsForReport,
  boardById,
  firstUpdateDates,
  actionsForReportByIds,
  latestUpdatesOnOrBefore,
  meetingById,
  previousPublishedReport,
  strategyForReport,
  userNames,
  versionDrops,
  type LatestUpdate,
  type ReportActionRow,
} from './report.queries.js';
import {
  NARRATIVE_SECTIONS,
  SNAPSHOT_SCHEMA_VERSION,
  type NarrativeSectionKey,
  type ReportSnapshot,
  type SnapshotAction,
  type StatusCount,
} from './report.types.js';
import { loadTemplate, type TemplateSection } from './template.service.js';
import { governanceHistory, type GovernanceHistory } from './governance-history.service.js';

export type ReportRow = Selectable<ReportsTable>;

export interface DraftRequest {
  strategyId: string;
  boardId: string | null;
  meetingId: string | null;
  asAt: string;
  title: string;
  narrative: Partial<Record<string, string>>;
}

const CYCLE_MONTHS: Record<ReportingCycle, number> = {
  monthly: 1,
  quarterly: 3,
  six_monthly: 6,
  annual: 12,
  ad_hoc: 3,
};

const OUTCOME_WORDS: Record<DecisionOutcome, string> = {
  noted: 'Noted',
  approved: 'Approved',
  approved_with_changes: 'Approved with changes',
  deferred: 'Deferred',
  rejected: 'Rejected',
};

/** A date some months on, kept within the month (31 January plus a month is 28 or 29 February). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** "Jane Smith <jane@example.org>" as recorded becomes "Jane Smith" on a public paper. */
export function personName(label: string | null): string | null {
  if (!label) return null;
  return label.replace(/\s*<[^>]*>\s*$/, '').trim() || null;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function themeName(row: ReportActionRow): string | null {
  if (!row.area_title) return null;
  if (!row.area_number || row.area_title.startsWith(row.area_number)) return row.area_title;
  return `${row.area_number}. ${row.area_title}`;
}

// ---------------------------------------------------------------------------------------------
// The record, loaded

export interface ReportRecord {
  organisation: { id: string; name: string };
  strategy: {
    id: string;
    lineageId: string;
    title: string;
    periodLabel: string | null;
    periodStart: string | null;
    /** When the document's own actions began: its date, or the start of its period. */
    baseline: string | null;
  };
  board: { id: string; name: string; kind: BoardKind; reportingCycle: ReportingCycle } | null;
  meeting: { id: string; meetsOn: string } | null;
  previous: { id: string; title: string; asAt: string; snapshot: ReportSnapshot | null } | null;
  actions: ReportActionRow[];
  /** By action lineage: the latest update on or before the as-at date, and the period's start. */
  atEnd: Map<string, LatestUpdate>;
  atStart: Map<string, LatestUpdate>;
  firstUpdate: Map<string, string>;
  drops: { action: ReportActionRow | null; reason: string; droppedOn: string }[];
  /** Approvals of every version and the decisions taken on the strategy, from its governance history. */
  history: GovernanceHistory;
  labels: StatusLabels;
  template: TemplateSection[];
  names: Map<string, string>;
}

function isReportRow(input: ReportRow | DraftRequest): input is ReportRow {
  return 'strategy_id' in input;
}

function requestOf(input: ReportRow | DraftRequest): DraftRequest & {
  reportId: string | null;
  approval: Pick<ReportRow, 'submitted_by' | 'submitted_at' | 'approved_by' | 'approved_at'>;
} {
  if (isReportRow(input)) {
    return {
      reportId: input.id,
      strategyId: input.strategy_id,
      boardId: input.board_id,
      meetingId: input.meeting_id,
      asAt: input.as_at,
      title: input.title,
      narrative: input.narrative,
      approval: input,
    };
  }
  return {
    ...input,
    reportId: null,
    approval: { submitted_by: null, submitted_at: null, approved_by: null, approved_at: null },
  };
}

async function loadRecord(
  trx: Tx,
  tenantId: string,
  req: ReturnType<typeof requestOf>,
): Promise<ReportRecord> {
  const strategy = await strategyForReport(trx, tenantId, req.strategyId);
  if (!strategy) throw new NotFoundError('There is no such strategy.');
  const board = req.boardId ? await boardById(trx, tenantId, req.boardId) : null;
  if (req.boardId && !board) throw new NotFoundError('There is no such board.');
  const meeting = req.meetingId ? await meetingById(trx, tenantId, req.meetingId) : null;
  if (req.meetingId && !meeting) throw new NotFoundError('There is no such meeting.');
  const prev = await previousPublishedReport(
    trx,
    tenantId,
    strategy.lineage_id,
    req.boardId,
    req.asAt,
    req.reportId,
  );
  const periodStart = prev?.as_at ?? strategy.period_start;
  const actions = await actionsForReport(trx, tenantId, strategy.id);
  const atEnd = await latestUpdatesOnOrBefore(trx, tenantId, strategy.id, req.asAt);
  const atStart = periodStart
    ? await latestUpdatesOnOrBefore(trx, tenantId, strategy.id, periodStart)
    : [];
  const firsts = await firstUpdateDates(trx, tenantId, strategy.id);
  const drops = await versionDrops(trx, tenantId, strategy.id);
  const dropped = drops.length
    ? await actionsForReportByIds(
        trx,
        tenantId,
        drops.map((d) => d.action_id),
      )
    : new Map<string, ReportActionRow>();
  const history = await governanceHistory(trx, tenantId, strategy.id);
  const labels = await loadStatusLabels(trx, tenantId);
  const template = await loadTemplate(trx, tenantId);
  const names = await userNames(trx, [req.approval.submitted_by, req.approval.approved_by]);
  return {
    organisation: { id: tenantId, name: strategy.organisation_name },
    strategy: {
      id: strategy.id,
      lineageId: strategy.lineage_id,
      title: strategy.title,
      periodLabel: strategy.period_label,
      periodStart: strategy.period_start,
      baseline: strategy.document_date ?? strategy.period_start,
    },
    board: board
      ? {
          id: board.id,
          name: board.name,
          kind: board.kind,
          reportingCycle: board.reporting_cycle,
        }
      : null,
    meeting: meeting ? { id: meeting.id, meetsOn: meeting.meets_on } : null,
    previous: prev
      ? {
          id: prev.id,
          title: prev.title,
          asAt: prev.as_at,
          snapshot: (prev.snapshot as ReportSnapshot | null) ?? null,
        }
      : null,
    actions,
    atEnd: new Map(atEnd.map((u) => [u.action_lineage_id, u])),
    atStart: new Map(atStart.map((u) => [u.action_lineage_id, u])),
    firstUpdate: new Map(firsts.map((f) => [f.action_lineage_id, f.first_on])),
    drops: drops.map((d) => ({
      action: dropped.get(d.action_id) ?? null,
      reason: d.reason,
      droppedOn: todayInLondon(d.dropped_at),
    })),
    history,
    labels,
    template,
    names,
  };
}

// ---------------------------------------------------------------------------------------------
// The snapshot, built from the record (pure)

interface Position {
  status: Status;
  forecast: Status | null;
  update: LatestUpdate | null;
}

function positionAt(
  row: ReportActionRow,
  update: LatestUpdate | undefined,
  hasUpdates: boolean,
): Position {
  if (update) return { status: update.status, forecast: update.forecast_status, update };
  if (hasUpdates) return { status: 'not_started', forecast: null, update: null };
  return { status: row.status, forecast: row.forecast_status, update: null };
}

/** The first day an action counts in the plan. */
function existsFrom(row: ReportActionRow, record: ReportRecord): string {
  let from = todayInLondon(row.created_at);
  const first = record.firstUpdate.get(row.lineage_id);
  if (first && first < from) from = first;
  const fromDocument = row.source !== null || row.carried_from_id !== null;
  if (fromDocument && record.strategy.baseline && record.strategy.baseline < from)
    from = record.strategy.baseline;
  return from;
}

export function buildSnapshot(
  record: ReportRecord,
  req: DraftRequest & {
    approval: Pick<ReportRow, 'submitted_by' | 'submitted_at' | 'approved_by' | 'approved_at'>;
  },
): ReportSnapshot {
  const { labels, asAt } = { labels: record.labels, asAt: req.asAt };
  const periodStart = record.previous?.asAt ?? record.strategy.periodStart;
  // New actions are those begun after the last report (or, for a first report, after the plan).
  const addedAfter = record.previous?.asAt ?? record.strategy.baseline ?? periodStart;
  const label = (s: Status) => labels[s].label;

  const toSnapshot = (row: ReportActionRow, pos: Position): SnapshotAction => ({
    id: row.id,
    ref: row.ref,
    title: row.title,
    theme: themeName(row),
    owner: row.post_title ?? row.lead_text,
    status: pos.status,
    statusLabel: label(pos.status),
    forecastStatus: pos.forecast,
    forecastLabel: pos.forecast ? label(pos.forecast) : null,
    due: row.due_on,
    timescaleText: row.timescale_text,
    latest: pos.update
      ? {
          happened: pos.update.happened,
          nextSteps: pos.update.next_steps,
          on: pos.update.as_at,
          by: personName(pos.update.recorded_by_label),
        }
      : null,
    resourcesText: row.resources_text,
    resourcesPence: row.resources_amount_pence,
    resourcesKind: row.resources_kind,
    overdue: isOverdue({ due_on: row.due_on, status: pos.status }, asAt),
  });

  const live: { row: ReportActionRow; pos: Position; snap: SnapshotAction; from: string }[] = [];
  const dropped: ReportSnapshot['changes']['dropped'] = [];
  const inPeriod = (date: string) => (!periodStart || date > periodStart) && date <= asAt;

  for (const row of record.actions) {
    const from = existsFrom(row, record);
    if (from > asAt) continue;
    const hasUpdates = record.firstUpdate.has(row.lineage_id);
    const pos = positionAt(row, record.atEnd.get(row.lineage_id), hasUpdates);
    const archivedOn = row.archived_at ? todayInLondon(row.archived_at) : null;
    if (archivedOn && archivedOn <= asAt) {
      if (inPeriod(archivedOn))
        dropped.push({ action: toSnapshot(row, pos), reason: row.archive_reason });
      continue;
    }
    live.push({ row, pos, snap: toSnapshot(row, pos), from });
  }
  for (const drop of record.drops) {
    if (!drop.action || !inPeriod(drop.droppedOn)) continue;
    const pos = positionAt(drop.action, undefined, false);
    dropped.push({ action: toSnapshot(drop.action, pos), reason: drop.reason });
  }

  // Progress summary: every live action by status, current and forecast side by side.
  const count = (items: typeof live): StatusCount[] => {
    const current = new Map<Status, number>();
    const forecast = new Map<Status, number>();
    for (const { pos } of items) {
      current.set(pos.status, (current.get(pos.status) ?? 0) + 1);
      const f = pos.forecast ?? pos.status;
      forecast.set(f, (forecast.get(f) ?? 0) + 1);
    }
    return Object.values(labels)
      .filter((l) => current.has(l.status) || forecast.has(l.status))
      .map((l) => ({
        status: l.status,
        label: l.label,
        rag: l.rag,
        current: current.get(l.status) ?? 0,
        forecast: forecast.get(l.status) ?? 0,
      }));
  };
  const themes = new Map<string, { name: string; position: number; items: typeof live }>();
  for (const item of live) {
    const key = item.row.area_id ?? '';
    let theme = themes.get(key);
    if (!theme) {
      theme = {
        name: themeName(item.row) ?? 'Not in a theme',
        position: item.row.area_position ?? Number.MAX_SAFE_INTEGER,
        items: [],
      };
      themes.set(key, theme);
    }
    theme.items.push(item);
  }
  const byTheme = [...themes.values()]
    .sort((a, b) => a.position - b.position)
    .map((t) => ({ theme: t.name, counts: count(t.items), total: t.items.length }));

  // Changes since the last report.
  const added = addedAfter ? live.filter((i) => i.from > addedAfter) : [];
  const addedIds = new Set(added.map((i) => i.row.id));
  const statusMoves: ReportSnapshot['changes']['statusMoves'] = [];
  const completed: SnapshotAction[] = [];
  if (periodStart) {
    for (const item of live) {
      if (addedIds.has(item.row.id)) {
        if (item.pos.status === 'complete') completed.push(item.snap);
        continue;
      }
      // With updates, but none by the start, it began the period not started.
      const start = positionAt(
        item.row,
        record.atStart.get(item.row.lineage_id),
        record.firstUpdate.has(item.row.lineage_id),
      );
      if (start.status !== item.pos.status) {
        statusMoves.push({
          action: item.snap,
          from: start.status,
          fromLabel: label(start.status),
          to: item.pos.status,
          toLabel: label(item.pos.status),
        });
        if (item.pos.status === 'cancelled')
          dropped.push({ action: item.snap, reason: item.pos.update?.happened ?? null });
      }
      if (item.pos.status === 'complete' && start.status !== 'complete') completed.push(item.snap);
    }
  } else {
    for (const item of live) if (item.pos.status === 'complete') completed.push(item.snap);
  }

  // Re-dated: due dates that differ from those in the last published report.
  const redated: ReportSnapshot['changes']['redated'] = [];
  const before = record.previous?.snapshot?.actions;
  if (before) {
    const byId = new Map(before.map((a) => [a.id, a]));
    const byRef = new Map(before.map((a) => [a.ref.toLowerCase(), a]));
    for (const { snap } of live) {
      const old = byId.get(snap.id) ?? byRef.get(snap.ref.toLowerCase());
      if (old && old.due !== snap.due)
        redated.push({ action: snap, fromDue: old.due, toDue: snap.due });
    }
  }

  const rank: Partial<Record<Status, number>> = { off_track: 0, at_risk: 1 };
  const exceptions = live
    .filter((i) => i.pos.status === 'off_track' || i.pos.status === 'at_risk' || i.snap.overdue)
    .sort(
      (a, b) =>
        (rank[a.pos.status] ?? 2) - (rank[b.pos.status] ?? 2) ||
        compareText(a.row.ref_sort, b.row.ref_sort),
    )
    .map((i) => i.snap);

  const horizon = addMonths(asAt, CYCLE_MONTHS[record.board?.reportingCycle ?? 'quarterly']);
  const milestones = live
    .filter(
      (i) =>
        !CLOSED_STATUSES.includes(i.pos.status) &&
        i.row.due_on !== null &&
        i.row.due_on > asAt &&
        i.row.due_on <= horizon,
    )
    .sort(
      (a, b) =>
        compareText(a.row.due_on ?? '', b.row.due_on ?? '') ||
        compareText(a.row.ref_sort, b.row.ref_sort),
    )
    .map((i) => i.snap);

  const withAmounts = live.filter((i) => i.row.resources_kind === 'amount').map((i) => i.snap);
  const needingAdditional = live
    .filter(
      (i) =>
        (i.row.resources_kind === 'additional' || i.row.resources_kind === 'amount') &&
        !CLOSED_STATUSES.includes(i.pos.status),
    )
    .map((i) => i.snap);

  // Each version's approval, then the decision that stands on each item taken by the date.
  const previousDecisions: ReportSnapshot['previousDecisions'] = [];
  for (const approval of record.history.approvals) {
    if (!approval.approvedOn || approval.approvedOn > asAt) continue;
    previousDecisions.push({
      meetsOn: approval.approvedOn,
      board: approval.approvedBy ?? 'Not recorded',
      item:
        approval.version > 1
          ? `${approval.title}, version ${String(approval.version)}`
          : approval.title,
      outcome: 'Approved',
      note: null,
    });
  }
  for (const { meeting, item, decisions } of record.history.items) {
    const standing = decisions.findLast((d) => d.supersededBy === null);
    if (meeting.meetsOn > asAt || !standing) continue;
    previousDecisions.push({
      meetsOn: meeting.meetsOn,
      board: meeting.boardName,
      item: item.title,
      outcome: OUTCOME_WORDS[standing.outcome],
      note: standing.note,
    });
  }
  previousDecisions.sort((a, b) => compareText(a.meetsOn, b.meetsOn));

  const narrative: Partial<Record<NarrativeSectionKey, string>> = {};
  for (const key of NARRATIVE_SECTIONS) {
    const text = req.narrative[key];
    if (typeof text === 'string' && text.trim()) narrative[key] = text.trim();
  }
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const name = (id: string | null) => (id ? (record.names.get(id) ?? null) : null);

  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    organisation: record.organisation,
    strategy: {
      id: record.strategy.id,
      title: record.strategy.title,
      periodLabel: record.strategy.periodLabel,
    },
    board: record.board
      ? { id: record.board.id, name: record.board.name, kind: record.board.kind }
      : null,
    meeting: record.meeting,
    title: req.title,
    asAt,
    periodStart,
    previousReport: record.previous
      ? { id: record.previous.id, title: record.previous.title, asAt: record.previous.asAt }
      : null,
    sections: record.template.map((s) => ({ key: s.key, heading: s.heading })),
    narrative,
    previousDecisions,
    progressSummary: { total: live.length, byStatus: count(live), byTheme },
    completed,
    exceptions,
    changes: { added: added.map((i) => i.snap), statusMoves, redated, dropped },
    milestones,
    resources: {
      totalPence: withAmounts.reduce((sum, a) => sum + (a.resourcesPence ?? 0), 0),
      needingAdditional,
      withAmounts,
    },
    actions: live.map((i) => i.snap),
    approval: {
      submittedBy: name(req.approval.submitted_by),
      submittedAt: iso(req.approval.submitted_at),
      approvedBy: name(req.approval.approved_by),
      approvedAt: iso(req.approval.approved_at),
    },
    published: null,
  };
}

/** Drafts a report's snapshot from the record as at its date (nothing is written). */
export async function draftSnapshot(
  trx: Tx,
  tenantId: string,
  input: ReportRow | DraftRequest,
): Promise<ReportSnapshot> {
  const req = requestOf(input);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(req.asAt))
    throw new ValidationError([{ field: 'asAt', message: 'The “as at” date must be a real date' }]);
  const record = await loadRecord(trx, tenantId, req);
  return buildSnapshot(record, req);
}
