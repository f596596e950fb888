import { Readable } from 'node:stream';
import { stringify, type Stringifier } from 'csv-stringify';
import type { AuditEvent } from '../../kernel/db/schema.js';

export const CSV_COLUMNS = [
  'Time (ISO 8601 UTC)',
  'Person',
  'Action',
  'Entity type',
  'Entity ID',
  'Before (JSON)',
  'After (JSON)',
  'Request ID',
  'Address',
] as const;

function json(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

export function csvRecord(e: AuditEvent): string[] {
  return [
    e.occurred_at.toISOString(),
    e.actor_label,
    e.action,
    e.entity_type,
    e.entity_id ?? '',
    json(e.before),
    json(e.after),
    e.request_id ?? '',
    e.ip ?? '',
  ];
}

async function* records(events: AsyncIterable<AuditEvent>): AsyncGenerator<string[]> {
  for await (const e of events) yield csvRecord(e);
}

/**
 * The trail as a CSV stream. A byte order mark makes Excel read it as UTF-8, and a cell that
 * starts with = + - @ (or a tab or carriage return) gets a leading quote so that a spreadsheet
 * never runs it as a formula.
 */
export function eventsCsv(events: AsyncIterable<AuditEvent>): Stringifier {
  const out = stringify({
    header: true,
    columns: [...CSV_COLUMNS],
    bom: true,
    escape_formulas: true,
  });
  Readable.from(records(events))
    .on('error', (error) => out.destroy(error))
    .pipe(out);
  return out;
}
