import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CalendarDate = string;

/** A unit of scheduled work (migration 20261122T0720): a system table, claimed once by one process. */
export interface JobsTable {
  id: string;
  tenant_id: string | null;
  kind: string;
  key: string;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  run_at: DefaultTimestamp;
  attempts: Generated<number>;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: Timestamp | null;
  done_at: Timestamp | null;
  failed_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface UpdateRoundsTable {
  tenant_id: string;
  id: string;
  meeting_id: string;
  board_id: string;
  strategy_ids: ColumnType<string[], string[] | undefined, string[]>;
  report_id: string | null;
  as_at: CalendarDate;
  updates_since: Timestamp;
  started_at: Timestamp;
  started_by: string | null;
  started_by_label: string;
  remind_at: Timestamp;
}

export interface UpdateRequestsTable {
  tenant_id: string;
  id: string;
  round_id: string;
  user_id: string;
  action_ids: ColumnType<string[], string[], string[]>;
  requested_at: Timestamp | null;
  reminded_at: Timestamp | null;
  last_mailed_at: Timestamp | null;
  last_nudged_at: Timestamp | null;
  mails_sent: Generated<number>;
}

declare module '../../kernel/db/schema.js' {
  interface DB {
    jobs: JobsTable;
    update_rounds: UpdateRoundsTable;
    update_requests: UpdateRequestsTable;
  }
}

export type Job = Selectable<JobsTable>;
export type UpdateRound = Selectable<UpdateRoundsTable>;
export type UpdateRequest = Selectable<UpdateRequestsTable>;
