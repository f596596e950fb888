import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** Calendar dates stay YYYY-MM-DD strings on both drivers. */
type CalendarDate = string;
type JsonObject = ColumnType<Record<string, unknown>, string | undefined, string>;

export const STATUSES = [
  'not_started',
  'on_track',
  'at_risk',
  'off_track',
  'complete',
  'deferred',
  'cancelled',
  'superseded',
] as const;
export type Status = (typeof STATUSES)[number];

export const STRATEGY_STATUSES = [
  'draft',
  'consultation',
  'approved',
  'superseded',
  'archived',
] as const;
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];

export type ResourcesKind = 'current' | 'additional' | 'amount' | 'text';

export interface PostsTable {
  tenant_id: string;
  id: string;
  kind: Generated<'post' | 'body'>;
  short_name: string;
  title: string;
  created_at: DefaultTimestamp;
  archived_at: Timestamp | null;
}

export interface PostHoldersTable {
  tenant_id: string;
  id: string;
  post_id: string;
  user_id: string | null;
  person_name: string | null;
  from_date: CalendarDate;
  to_date: CalendarDate | null;
}

export interface StrategiesTable {
  tenant_id: string;
  id: string;
  lineage_id: string;
  version: Generated<number>;
  previous_version_id: string | null;
  title: string;
  period_label: string | null;
  period_start: CalendarDate | null;
  period_end: CalendarDate | null;
  status: Generated<StrategyStatus>;
  approved_by: string | null;
  approved_on: CalendarDate | null;
  next_review_on: CalendarDate | null;
  lead_officer: string | null;
  summary: string | null;
  document_date: CalendarDate | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface StrategyAreasTable {
  tenant_id: string;
  id: string;
  strategy_id: string;
  number: string | null;
  title: string;
  position: number;
  vision: string | null;
  current_position: string | null;
  getting_there: string | null;
}

export interface ObjectivesTable {
  tenant_id: string;
  id: string;
  strategy_id: string;
  area_id: string;
  ref: string | null;
  title: string;
  position: number;
}

export interface ActionsTable {
  tenant_id: string;
  id: string;
  strategy_id: string;
  lineage_id: string;
  carried_from_id: string | null;
  area_id: string | null;
  objective_id: string | null;
  ref: string;
  ref_sort: string;
  title: string;
  description: string | null;
  priority: string | null;
  priority_text: string | null;
  timescale_text: string | null;
  start_on: CalendarDate | null;
  due_on: CalendarDate | null;
  start_precision: string | null;
  due_precision: string | null;
  ongoing: Generated<boolean>;
  recurrence: string | null;
  timescale_needs_review: Generated<boolean>;
  lead_post_id: string | null;
  lead_user_id: string | null;
  lead_text: string | null;
  resources_kind: ResourcesKind | null;
  resources_amount_pence: number | null;
  resources_period: 'one-off' | 'per-year' | null;
  resources_text: string | null;
  targets: string | null;
  outcome: string | null;
  comments: string | null;
  status: Generated<Status>;
  forecast_status: Status | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  extra: JsonObject;
  source: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  position: Generated<number>;
  last_update_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  archived_at: Timestamp | null;
  archive_reason: string | null;
  search: ColumnType<string, never, never>;
}

export interface ActionSupportersTable {
  tenant_id: string;
  action_id: string;
  position: number;
  post_id: string | null;
  text: string;
}

export interface ActionDependenciesTable {
  tenant_id: string;
  action_id: string;
  depends_on_id: string;
  note: string | null;
}

export interface ProgressUpdatesTable {
  tenant_id: string;
  id: string;
  action_id: string;
  action_lineage_id: string;
  status: Status;
  forecast_status: Status | null;
  percent_complete: number | null;
  happened: string;
  next_steps: string | null;
  evidence_url: string | null;
  evidence_file_id: string | null;
  corrects_id: string | null;
  correction_note: string | null;
  as_at: CalendarDate;
  recorded_by: string | null;
  recorded_by_label: string;
  recorded_at: DefaultTimestamp;
  search: ColumnType<string, never, never>;
}

export interface EvidenceFilesTable {
  tenant_id: string;
  id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  data: Uint8Array;
  uploaded_by: string | null;
  uploaded_at: DefaultTimestamp;
}

export interface GlossaryTermsTable {
  tenant_id: string;
  id: string;
  strategy_id: string | null;
  code: string;
  expansion: string;
}

export interface StrategySettingsTable {
  tenant_id: string;
  priorities: JsonObject;
  status_labels: JsonObject;
  updated_at: DefaultTimestamp;
}

declare module '../../kernel/db/schema.js' {
  interface DB {
    posts: PostsTable;
    post_holders: PostHoldersTable;
    strategies: StrategiesTable;
    strategy_areas: StrategyAreasTable;
    objectives: ObjectivesTable;
    actions: ActionsTable;
    action_supporters: ActionSupportersTable;
    action_dependencies: ActionDependenciesTable;
    progress_updates: ProgressUpdatesTable;
    evidence_files: EvidenceFilesTable;
    glossary_terms: GlossaryTermsTable;
    strategy_settings: StrategySettingsTable;
  }
}

export type Strategy = Selectable<StrategiesTable>;
export type Action = Selectable<ActionsTable>;
export type ProgressUpdate = Selectable<ProgressUpdatesTable>;
export type Post = Selectable<PostsTable>;
export type Area = Selectable<StrategyAreasTable>;
