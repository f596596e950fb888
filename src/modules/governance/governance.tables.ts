import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CalendarDate = string;

export const BOARD_KINDS = [
  'cabinet',
  'board_of_directors',
  'corporate_management_team',
  'business_strategy_group',
  'steering_group',
  'working_group',
  'scrutiny',
  'directorate_leadership_team',
  'other',
] as const;
export type BoardKind = (typeof BOARD_KINDS)[number];

export const REPORTING_CYCLES = [
  'monthly',
  'quarterly',
  'six_monthly',
  'annual',
  'ad_hoc',
] as const;
export type ReportingCycle = (typeof REPORTING_CYCLES)[number];

export const DECISION_OUTCOMES = [
  'noted',
  'approved',
  'approved_with_changes',
  'deferred',
  'rejected',
] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export interface BoardsTable {
  tenant_id: string;
  id: string;
  name: string;
  kind: BoardKind;
  purpose: string | null;
  reporting_cycle: Generated<ReportingCycle>;
  reports_to_board_id: string | null;
  update_lead_days: Generated<number>;
  reminder_after_days: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  archived_at: Timestamp | null;
}

export interface BoardMembersTable {
  tenant_id: string;
  id: string;
  board_id: string;
  user_id: string | null;
  person_name: string | null;
  member_role: string | null;
  position: Generated<number>;
}

export interface BoardStrategiesTable {
  tenant_id: string;
  board_id: string;
  strategy_lineage_id: string;
}

export interface MeetingsTable {
  tenant_id: string;
  id: string;
  board_id: string;
  meets_on: CalendarDate;
  starts_at: string | null;
  location: string | null;
  minutes_url: string | null;
  status: Generated<'planned' | 'held' | 'cancelled'>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface AgendaItemsTable {
  tenant_id: string;
  id: string;
  meeting_id: string;
  position: number;
  title: string;
  kind: Generated<'report' | 'paper' | 'other'>;
  strategy_id: string | null;
  report_id: string | null;
  paper_url: string | null;
}

export interface DecisionsTable {
  tenant_id: string;
  id: string;
  agenda_item_id: string;
  outcome: DecisionOutcome;
  note: string | null;
  recorded_by: string;
  recorded_at: DefaultTimestamp;
}

export const REPORT_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'published',
  'superseded',
  'withdrawn',
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ReportTemplateSection {
  key: string;
  heading: string;
  standardText?: string;
}

export interface ReportTemplatesTable {
  tenant_id: string;
  sections: ColumnType<ReportTemplateSection[], string, string>;
  updated_at: DefaultTimestamp;
}

export interface ReportsTable {
  tenant_id: string;
  id: string;
  strategy_id: string;
  board_id: string | null;
  meeting_id: string | null;
  title: string;
  as_at: CalendarDate;
  status: Generated<ReportStatus>;
  narrative: ColumnType<Record<string, string>, string | undefined, string>;
  approver_user_id: string | null;
  submitted_by: string | null;
  submitted_at: Timestamp | null;
  approved_by: string | null;
  approved_at: Timestamp | null;
  created_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ReportVersionsTable {
  tenant_id: string;
  id: string;
  report_id: string;
  version: number;
  /** A ReportSnapshot (report.types.ts). */
  snapshot: ColumnType<unknown, string, never>;
  change_note: string | null;
  published_by: string;
  published_at: DefaultTimestamp;
  public: Generated<boolean>;
}

declare module '../../kernel/db/schema.js' {
  interface DB {
    boards: BoardsTable;
    board_members: BoardMembersTable;
    board_strategies: BoardStrategiesTable;
    meetings: MeetingsTable;
    agenda_items: AgendaItemsTable;
    decisions: DecisionsTable;
    report_templates: ReportTemplatesTable;
    reports: ReportsTable;
    report_versions: ReportVersionsTable;
  }
}
