import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { effectiveAsAt, sortOf, toActionQuery, type ListQuery } from './action.filters.js';
import {
  areasOf,
  EXPORT_ROW_LIMIT,
  postsInStrategy,
  queryActions,
  supportersFor,
  type ActionRow,
} from './action.queries.js';
import {
  areaLabel,
  filterWords,
  londonDate,
  ownersAsWritten,
  resourcesView,
} from './action.view-model.js';
import { loadPriorities, loadStatusLabels, type StatusLabels } from './display.js';
import { priorityLabel, type PriorityLevel } from './priority.js';
import { findStrategy } from './strategy.service.js';

/**
 * The action plan, as filtered and sorted on screen, in the council's own columns: a CSV file
 * and an Excel workbook with real dates. Reading only, so nothing is audited.
 */

type Cell = string | Date | null;

interface Column {
  header: string;
  /** Excel column width, in characters. */
  width: number;
  date?: true;
  value: (row: ActionRow, extra: RowExtra) => Cell;
}

interface RowExtra {
  supporters: readonly string[];
  labels: StatusLabels;
  priorities: PriorityLevel[];
}

/** A moment as the clock on a UK wall shows it, for Excel (which has no time zones). */
function londonWallClock(moment: Date): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(moment)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return new Date(
    Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    ),
  );
}

/** YYYY-MM-DD → midnight UTC, which Excel stores as that whole day. */
function excelDate(iso: string | null): Date | null {
  if (!iso) return null;
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

export const EXPORT_COLUMNS: Column[] = [
  { header: 'Ref', width: 8, value: (r) => r.ref },
  {
    header: 'Area',
    width: 28,
    value: (r) => (r.area_title ? areaLabel({ number: r.area_number, title: r.area_title }) : ''),
  },
  { header: 'Action/task', width: 60, value: (r) => r.title },
  {
    header: 'Priority',
    width: 10,
    value: (r, x) => r.priority_text ?? (r.priority ? priorityLabel(r.priority, x.priorities) : ''),
  },
  { header: 'Timescale', width: 20, value: (r) => r.timescale_text ?? '' },
  {
    header: 'By who (with)',
    width: 32,
    value: (r, x) => ownersAsWritten(r.lead_text, x.supporters),
  },
  {
    header: 'Resources',
    width: 18,
    value: (r) => r.resources_text ?? resourcesView(r, []).described,
  },
  { header: 'Targets', width: 40, value: (r) => r.targets ?? '' },
  { header: 'Status', width: 14, value: (r, x) => x.labels[r.status].label },
  {
    header: 'Forecast',
    width: 14,
    value: (r, x) => (r.forecast_status ? x.labels[r.forecast_status].label : ''),
  },
  { header: 'Due date', width: 13, date: true, value: (r) => excelDate(r.due_on) },
  {
    header: 'Last updated',
    width: 14,
    date: true,
    value: (r) => (r.last_update_at ? excelDate(londonDate(r.last_update_at)) : null),
  },
  { header: 'Comments', width: 40, value: (r) => r.comments ?? '' },
];

export interface ExportData {
  strategy: { id: string; title: string; period_label: string | null };
  rows: Cell[][];
  asAt: string;
  filters: string[];
  sortWords: string;
  generatedAt: Date;
  truncated: boolean;
}

const SORT_WORDS: Record<string, string> = {
  ref: 'reference',
  title: 'action',
  area: 'area',
  priority: 'priority',
  due: 'due date',
  status: 'status',
  updated: 'last updated',
};

/** Every action the filters select (not one page), in the table's order. */
export async function loadExport(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  q: ListQuery,
): Promise<ExportData> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const strategy = await findStrategy(trx, ctx.tenantId, strategyId);
    const query = toActionQuery(
      q,
      { tenantId: ctx.tenantId, strategyId },
      { limit: EXPORT_ROW_LIMIT, page: 1 },
    );
    const result = await queryActions(trx, query);
    const labels = await loadStatusLabels(trx, ctx.tenantId);
    const priorities = await loadPriorities(trx, ctx.tenantId);
    const areas = await areasOf(trx, ctx.tenantId, strategyId);
    const posts = await postsInStrategy(trx, ctx.tenantId, strategyId);
    const supporters = await supportersFor(
      trx,
      ctx.tenantId,
      result.rows.map((r) => r.id),
    );
    const asAt = effectiveAsAt(q);
    const { sort, direction } = sortOf(q);
    return {
      strategy: { id: strategy.id, title: strategy.title, period_label: strategy.period_label },
      rows: result.rows.map((r) =>
        EXPORT_COLUMNS.map((c) =>
          c.value(r, { supporters: supporters.get(r.id) ?? [], labels, priorities }),
        ),
      ),
      asAt,
      filters: filterWords(q, { areas, posts, labels, priorities }, asAt),
      sortWords: `${SORT_WORDS[sort] ?? sort}, ${direction === 'asc' ? 'ascending' : 'descending'}`,
      generatedAt: new Date(),
      truncated: result.total > result.rows.length,
    };
  });
}

/**
 * A cell that a spreadsheet would run as a formula (=, +, -, @, tab or carriage return first)
 * gets a leading apostrophe, so a plan's text can never become a command on someone's machine.
 */
export function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return csvSafe(cell);
}

/** UTF-8 with a byte-order mark, so Excel opens "£" and "’" correctly. */
export function toCsv(data: ExportData): string {
  const body = stringify(
    [EXPORT_COLUMNS.map((c) => c.header), ...data.rows.map((r) => r.map(csvCell))],
    {
      record_delimiter: '\r\n',
    },
  );
  return `\uFEFF${body}`;
}

const UK_DATE_FORMAT = 'd mmm yyyy';

export async function toXlsx(data: ExportData): Promise<Buffer> {
  // Loaded on first use: the workbook library is large, and most requests never need it.
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'Waymark';
  book.created = data.generatedAt;
  const sheet = book.addWorksheet('Action plan', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  sheet.columns = EXPORT_COLUMNS.map((c) => ({
    header: c.header,
    width: c.width,
    style: c.date ? { numFmt: UK_DATE_FORMAT } : { alignment: { wrapText: true, vertical: 'top' } },
  }));
  // Strings are written as text, never as formulas: a cell starting "=" stays words in Excel.
  for (const row of data.rows) sheet.addRow(row.map((cell) => cell ?? null));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'top', wrapText: true };
  sheet.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: Math.max(1, data.rows.length + 1), column: EXPORT_COLUMNS.length },
  };

  const about = book.addWorksheet('About');
  about.columns = [
    { header: 'About this file', width: 22 },
    { header: '', width: 80 },
  ];
  about.getRow(1).font = { bold: true };
  const facts: [string, Cell][] = [
    ['Strategy', data.strategy.title],
    ['Period', data.strategy.period_label ?? ''],
    ['Filters applied', data.filters.length ? data.filters.join('; ') : 'None: every action'],
    ['Sorted by', data.sortWords],
    ['As at', excelDate(data.asAt)],
    ['Actions', String(data.rows.length)],
    ['Generated at', londonWallClock(data.generatedAt)],
    ['Generated by', 'Waymark'],
  ];
  if (data.truncated) {
    facts.push([
      'Note',
      `Only the first ${data.rows.length} actions are included: narrow the filters to export the rest.`,
    ]);
  }
  for (const [key, value] of facts) {
    const row = about.addRow([key, value]);
    row.getCell(1).font = { bold: true };
    if (key === 'As at') row.getCell(2).numFmt = UK_DATE_FORMAT;
    if (key === 'Generated at') row.getCell(2).numFmt = 'd mmm yyyy hh:mm';
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** "ICT Strategy 2007/09" → "ict-strategy-2007-09-action-plan-2026-11-22.xlsx". */
export function exportFileName(title: string, asAt: string, extension: 'csv' | 'xlsx'): string {
  const slug =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'strategy';
  return `${slug}-action-plan-${asAt}.${extension}`;
}
