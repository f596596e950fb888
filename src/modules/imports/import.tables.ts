import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** What the person importing chose; kept with the draft and applied at every preview. */
export interface DraftOptions {
  sheet?: string;
  mapping?: Record<string, string>;
  fixes?: Record<string, Record<string, string>>;
}

export interface ImportDraftsTable {
  tenant_id: string;
  id: string;
  document: Json<unknown>;
  options: Json<DraftOptions>;
  target_strategy_id: string | null;
  new_strategy_title: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  expires_at: Timestamp;
  committed_at: Timestamp | null;
  committed_strategy_id: string | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
}

declare module '../../kernel/db/schema.js' {
  interface DB {
    import_drafts: ImportDraftsTable;
  }
}

export type ImportDraft = Selectable<ImportDraftsTable>;
