/**
 * The contract between the three parts of an import:
 *   readers (file bytes → SourceDocument), understanding (SourceDocument → ImportPreview),
 *   and the flow (pages, API, CLI: preview, adjust, diff, commit).
 * The preview is also the JSON printed by `waymark import --dry-run --json` (documented in the README).
 */

export type SourceFormat = 'text' | 'csv' | 'xlsx' | 'docx';

/** Where something was read, for messages: "line 42", "sheet ‘Plan’, row 12", "table 2, row 5". */
export interface SourceLocation {
  line?: number;
  sheet?: string;
  table?: number;
  row?: number;
  column?: number;
}

export interface CellLine {
  text: string;
  /** A bullet or numbered list item (Word lists, "- " / "• " lines, <li> markup). */
  bullet: boolean;
  /** Nesting level of a list item, 0 for top level. */
  level: number;
}

export interface SourceCell {
  /** The cell as a person reads it: lines joined with "\n". Never trimmed of meaning. */
  text: string;
  /** The cell's paragraphs, with list structure kept. */
  lines: CellLine[];
  /** A real date (Excel date cell, or a Word date field), YYYY-MM-DD. */
  date?: string;
  /** A real number (Excel numeric cell); `text` holds it as formatted ("£7,000"). */
  number?: number;
  /** Set on a cell that is part of a horizontal merge but not its first cell. */
  mergedIntoPrevious?: boolean;
}

export interface SourceRow {
  cells: SourceCell[];
  at: SourceLocation;
}

export type SourceBlock =
  | { kind: 'heading'; level: number; text: string; at: SourceLocation }
  | { kind: 'paragraph'; text: string; bullet: boolean; level: number; at: SourceLocation }
  | { kind: 'table'; rows: SourceRow[]; at: SourceLocation; sheet?: string }
  /** An empty line in a text file: readers of text keep them; some rows continue across them. */
  | { kind: 'blank'; at: SourceLocation };

export interface SourceDocument {
  format: SourceFormat;
  /** File name as uploaded, or "pasted text". */
  name: string;
  /** Workbooks: every sheet's name in order; each sheet's table is a block with `sheet` set. */
  sheets?: string[];
  blocks: SourceBlock[];
  /** What the reader could not read (never silently dropped). */
  warnings: ImportWarning[];
}

/** Thrown by a reader or understanding for a file that cannot be imported at all. */
export class ImportRefusedError extends Error {
  constructor(
    /** Plain English: what was wrong and what to do. Shown to the person as it is. */
    message: string,
    readonly code:
      | 'empty'
      | 'too-large'
      | 'wrong-type'
      | 'corrupt'
      | 'password-protected'
      | 'zip-bomb'
      | 'no-table'
      | 'no-action-column'
      | 'unknown-sheet',
  ) {
    super(message);
    this.name = 'ImportRefusedError';
  }
}

export interface ImportWarning {
  /** Stable code for tests and the API, e.g. 'timescale-needs-checking', 'bullet-count-mismatch'. */
  code: string;
  /** Plain English, self-contained. */
  message: string;
  at?: SourceLocation;
  /** Index into `actions` when the warning is about one action. */
  action?: number;
}

/** What each column of the action table means. */
export const COLUMN_FIELDS = [
  'ref',
  'title',
  'theme',
  'priority',
  'timescale',
  'owner',
  'supportedBy',
  'resources',
  'target',
  'status',
  'comments',
] as const;
export type ColumnField = (typeof COLUMN_FIELDS)[number];

export interface ColumnMapping {
  index: number;
  header: string;
  /** 'extra': kept as an extra field shown on the action; 'ignore': dropped by the person importing. */
  field: ColumnField | 'extra' | 'ignore';
  /** True when recognised from the header; false when guessed or set by the person. */
  recognised: boolean;
}

export interface PreviewAction {
  ref: string | null;
  title: string;
  theme: string | null;
  /** Priority code from the organisation's scale ('high' | 'medium' | 'low' by default), or null. */
  priority: string | null;
  priorityText: string | null;
  owner: { text: string | null; lead: string | null; with: string[] };
  supportedBy: string | null;
  timescale: {
    text: string | null;
    start: string | null;
    due: string | null;
    needsChecking: boolean;
    note?: string;
  };
  resources: {
    kind: 'current' | 'additional' | 'amount' | 'text' | null;
    amountPence: number | null;
    period: 'one-off' | 'per-year' | null;
    text: string | null;
  };
  target: string | null;
  status: string | null;
  comments: string | null;
  /** Unknown columns, by header. */
  extra: Record<string, string>;
  /** The cells as read, by header (or "Column N"), before anything was derived. */
  source: Record<string, string>;
  at: SourceLocation;
}

export interface PreviewSection {
  number: string | null;
  title: string;
  vision: string | null;
  currentPosition: string | null;
  gettingThere: string | null;
}

export interface GlossaryEntry {
  code: string;
  meaning: string;
  /** 'legend': a key such as "CR = Met within current resources"; 'initials': "MM Mike Mickleburgh". */
  kind: 'legend' | 'initials' | 'sheet';
}

export interface ImportPreview {
  source: { name: string; format: SourceFormat; sheet: string | null; sheets: string[] };
  /** The plan's own date when it can be told (for two-digit years, "now"), YYYY-MM-DD. */
  documentDate: string;
  summary: {
    actions: number;
    themes: number;
    needsChecking: number;
    /** "38 actions in 6 themes; 3 timescales need checking". */
    sentence: string;
  };
  themes: string[];
  sections: PreviewSection[];
  glossary: GlossaryEntry[];
  mapping: ColumnMapping[];
  warnings: ImportWarning[];
  actions: PreviewAction[];
}

/** What the person importing may change before previewing again. */
export interface UnderstandOptions {
  /** Choose a sheet of a workbook by name. */
  sheet?: string;
  /** Override what a column means (by column index). */
  mapping?: Partial<Record<number, ColumnField | 'extra' | 'ignore'>>;
  /** Fix a cell: action index → field → new text (applied before fields are derived). */
  fixes?: Record<number, Partial<Record<ColumnField, string>>>;
  /** Reads two-digit years and relative dates against this (default: today). */
  documentDate?: string;
  /** Posts and people already known to the organisation, to resolve owners written as initials or titles. */
  knownOwners?: string[];
}
