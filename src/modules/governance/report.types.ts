/**
 * A progress report as drafted from the record "as at" a date, and, once published, frozen.
 * Drafting (report.draft.ts) builds it; renderers (web, Word, PDF, Excel) only read it, so every
 * format shows the same words and figures. Stored as JSON in the report's version row.
 */
import type { Status } from '../strategy/index.js';

export const SNAPSHOT_SCHEMA_VERSION = 1;

/** Sections an officer writes; the organisation's template sets their order, headings and standard words. */
export const NARRATIVE_SECTIONS = [
  'purpose',
  'background',
  'recommendation',
  'financial',
  'legal',
  'equalities',
  'risk',
  'contacts',
] as const;
export type NarrativeSectionKey = (typeof NARRATIVE_SECTIONS)[number];

/** Sections drawn from the record. */
export const DATA_SECTIONS = [
  'previousDecisions',
  'progressSummary',
  'completed',
  'exceptions',
  'changes',
  'milestones',
  'resources',
] as const;
export type DataSectionKey = (typeof DATA_SECTIONS)[number];

export type SectionKey = NarrativeSectionKey | DataSectionKey;

export interface ReportSectionOrder {
  key: SectionKey;
  heading: string;
}

export interface SnapshotAction {
  id: string;
  ref: string;
  title: string;
  theme: string | null;
  owner: string | null;
  status: Status;
  statusLabel: string;
  forecastStatus: Status | null;
  forecastLabel: string | null;
  due: string | null;
  timescaleText: string | null;
  /** Latest narrative at the as-at date, and its date. */
  latest: { happened: string; nextSteps: string | null; on: string; by: string | null } | null;
  resourcesText: string | null;
  resourcesPence: number | null;
  resourcesKind: 'current' | 'additional' | 'amount' | 'text' | null;
  overdue: boolean;
}

export interface StatusCount {
  status: Status;
  label: string;
  /** RAG word for shape/colour: red, amber, green, blue, grey. */
  rag: 'red' | 'amber' | 'green' | 'blue' | 'grey';
  current: number;
  forecast: number;
}

export interface ReportSnapshot {
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  organisation: { id: string; name: string };
  strategy: { id: string; title: string; periodLabel: string | null };
  board: { id: string; name: string; kind: string } | null;
  meeting: { id: string; meetsOn: string } | null;
  title: string;
  asAt: string;
  /** Start of the period covered: the previous report to this board's as-at date, or the strategy's start. */
  periodStart: string | null;
  previousReport: { id: string; title: string; asAt: string } | null;
  sections: ReportSectionOrder[];
  /** Officers' words, Markdown-lite plain text (paragraphs separated by blank lines). */
  narrative: Partial<Record<NarrativeSectionKey, string>>;
  previousDecisions: {
    meetsOn: string;
    board: string;
    item: string;
    outcome: string;
    note: string | null;
  }[];
  progressSummary: {
    total: number;
    byStatus: StatusCount[];
    byTheme: { theme: string; counts: StatusCount[]; total: number }[];
  };
  completed: SnapshotAction[];
  exceptions: SnapshotAction[];
  changes: {
    added: SnapshotAction[];
    statusMoves: {
      action: SnapshotAction;
      from: Status;
      fromLabel: string;
      to: Status;
      toLabel: string;
    }[];
    redated: { action: SnapshotAction; fromDue: string | null; toDue: string | null }[];
    dropped: { action: SnapshotAction; reason: string | null }[];
  };
  milestones: SnapshotAction[];
  resources: {
    totalPence: number;
    needingAdditional: SnapshotAction[];
    withAmounts: SnapshotAction[];
  };
  /** Every live action at the as-at date (for the Excel annex). */
  actions: SnapshotAction[];
  approval: {
    submittedBy: string | null;
    submittedAt: string | null;
    approvedBy: string | null;
    approvedAt: string | null;
  };
  published: {
    version: number;
    at: string;
    supersedes: { id: string; version: number; note: string } | null;
  } | null;
}

/** What a renderer returns. */
export interface RenderedReport {
  contentType: string;
  fileName: string;
  body: Buffer | string;
}
