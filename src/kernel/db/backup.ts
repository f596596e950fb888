import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database, Engine } from './connect.js';
import type { DB } from './schema.js';
import type { Tx } from './tenancy.js';
import {
  decodeValue,
  encodeValue,
  insertPlaceholder,
  kindOf,
  quoteIdent,
  selectExpression,
  type ColumnInfo,
} from './backup-codec.js';

/**
 * One portable backup file: gzip of JSON lines. A header line (format, Waymark version, applied
 * migrations, time), then for each table a line naming it and its columns followed by one JSON
 * array per row, and an end line with the totals. Every table of the public schema is included
 * (found in information_schema, so later modules' tables come along without changes here),
 * except waymark_migrations, which restore checks instead of copying.
 */
export const BACKUP_FORMAT = 'waymark-backup';
export const BACKUP_FORMAT_VERSION = 1;

const PAGE_SIZE = 1000;
const MAX_BATCH_ROWS = 500;
const MAX_BATCH_PARAMETERS = 30_000;

/** The file is not a Waymark backup, or it is damaged. */
export class BackupFileError extends Error {}

/** The database cannot take this backup (it is not empty, or it is missing migrations). */
export class RestoreRefusedError extends Error {}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  waymarkVersion: string;
  engine: Engine;
  createdAt: string;
  migrations: string[];
  tables: string[];
}

export interface TableCount {
  table: string;
  rows: number;
}

export interface BackupSummary {
  header: BackupHeader;
  tables: TableCount[];
  rows: number;
}

export interface RestoreSummary extends BackupSummary {
  /** Migrations this database has that the backup's did not (its data predates them). */
  newerMigrations: string[];
}

interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  /** Types of the primary key's columns, in key order, for paging through the table. */
  primaryKey: ColumnInfo[];
}

interface ForeignKey {
  name: string;
  table: string;
  references: string;
  deferrable: boolean;
}

interface Schema {
  /** In foreign-key order: every table after the tables it refers to (cycles broken by name). */
  tables: TableInfo[];
  foreignKeys: ForeignKey[];
}

export function waymarkVersion(): string {
  const pkg = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return pkg.version;
}

async function query<R>(db: Kysely<DB>, text: string, parameters: unknown[] = []): Promise<R[]> {
  const result = await db.executeQuery(CompiledQuery.raw(text, parameters));
  return result.rows as R[];
}

/** Every table of the public schema but the migrations list, with columns and keys. */
async function describeSchema(db: Kysely<DB>): Promise<Schema> {
  const columns = await query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_schema: string;
    udt_name: string;
    is_generated: string;
  }>(
    db,
    `select c.table_name, c.column_name, c.data_type, c.udt_schema, c.udt_name, c.is_generated
       from information_schema.columns c
       join information_schema.tables t
         on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
        and c.table_name <> 'waymark_migrations'
      order by c.table_name, c.ordinal_position`,
  );
  const keys = await query<{ table_name: string; column_name: string }>(
    db,
    `select k.table_name, k.column_name
       from information_schema.table_constraints tc
       join information_schema.key_column_usage k
         on k.constraint_schema = tc.constraint_schema and k.constraint_name = tc.constraint_name
        and k.table_name = tc.table_name
      where tc.table_schema = 'public' and tc.constraint_type = 'PRIMARY KEY'
      order by k.table_name, k.ordinal_position`,
  );
  const foreignKeys = await query<ForeignKey>(
    db,
    `select con.conname as name, src.relname as "table", dst.relname as "references",
            con.condeferrable as deferrable
       from pg_constraint con
       join pg_class src on src.oid = con.conrelid
       join pg_class dst on dst.oid = con.confrelid
       join pg_namespace n on n.oid = src.relnamespace
      where con.contype = 'f' and n.nspname = 'public'
      order by src.relname, con.conname`,
  );

  const tables = new Map<string, TableInfo>();
  for (const c of columns) {
    let table = tables.get(c.table_name);
    if (!table)
      tables.set(c.table_name, (table = { name: c.table_name, columns: [], primaryKey: [] }));
    // Generated columns are computed again from the others on the way back in.
    if (c.is_generated === 'ALWAYS') continue;
    table.columns.push({
      name: c.column_name,
      sqlType: `${quoteIdent(c.udt_schema)}.${quoteIdent(c.udt_name)}`,
      kind: kindOf(c.data_type, c.udt_name),
    });
  }
  for (const k of keys) {
    const table = tables.get(k.table_name);
    const column = table?.columns.find((c) => c.name === k.column_name);
    if (table && column) table.primaryKey.push(column);
  }
  const inSchema = foreignKeys.filter((f) => tables.has(f.table) && tables.has(f.references));
  const order = dependencyOrder([...tables.keys()], inSchema);
  const sorted = order.flatMap((name) => tables.get(name) ?? []);
  return { tables: sorted, foreignKeys: inSchema };
}

/**
 * Tables sorted so that each comes after those it refers to. A cycle (two tables referring to
 * each other) cannot be sorted; it is broken at the first table by name, and restore defers
 * foreign-key checks to the end of the load, so the order is a courtesy to readers of the file.
 */
export function dependencyOrder(
  names: string[],
  foreignKeys: { table: string; references: string }[],
): string[] {
  const needs = new Map(names.map((n) => [n, new Set<string>()]));
  for (const fk of foreignKeys) {
    if (fk.table !== fk.references) needs.get(fk.table)?.add(fk.references);
  }
  const remaining = [...names].sort();
  const done = new Set<string>();
  while (remaining.length) {
    const ready = remaining.findIndex((n) => [...(needs.get(n) ?? [])].every((d) => done.has(d)));
    for (const next of remaining.splice(ready === -1 ? 0 : ready, 1)) done.add(next);
  }
  return [...done];
}

async function appliedMigrations(db: Kysely<DB>): Promise<string[]> {
  const exists = await query<{ t: string | null }>(
    db,
    `select to_regclass('public.waymark_migrations')::text as t`,
  );
  if (!exists[0]?.t) return [];
  const rows = await query<{ name: string }>(
    db,
    'select name from waymark_migrations order by name',
  );
  return rows.map((r) => r.name);
}

/** One table's rows as JSON lines, a page at a time in primary-key order. */
async function* tableLines(trx: Kysely<DB>, table: TableInfo): AsyncGenerator<string> {
  const select = table.columns.map((c, i) => `${selectExpression(c)} as "c${i}"`);
  const keys = table.primaryKey.map((c) => quoteIdent(c.name));
  const keyTexts = keys.map((k, i) => `${k}::text as "k${i}"`);
  const from = `from ${quoteIdent(table.name)}`;
  const encodeRow = (row: Record<string, string | null>) =>
    JSON.stringify(table.columns.map((c, i) => encodeValue(c.kind, row[`c${i}`] ?? null)));

  if (!keys.length) {
    for (const row of await query<Record<string, string | null>>(
      trx,
      `select ${select.join(', ')} ${from}`,
    )) {
      yield `${encodeRow(row)}\n`;
    }
    return;
  }
  let after: (string | null)[] | null = null;
  for (;;) {
    const where = after
      ? `where (${keys.join(', ')}) > (${table.primaryKey.map((c, i) => `$${i + 1}::${c.sqlType}`).join(', ')})`
      : '';
    const rows: Record<string, string | null>[] = await query<Record<string, string | null>>(
      trx,
      `select ${[...select, ...keyTexts].join(', ')} ${from} ${where} order by ${keys.join(', ')} limit ${PAGE_SIZE}`,
      after ?? [],
    );
    for (const row of rows) yield `${encodeRow(row)}\n`;
    if (rows.length < PAGE_SIZE) return;
    const last = rows[rows.length - 1];
    after = keys.map((_, i) => last?.[`k${i}`] ?? null);
  }
}

/**
 * Writes every table to `file` from one consistent snapshot. The file appears only when it is
 * complete: it is written beside its final name and renamed at the end.
 */
export async function writeBackup(database: Database, file: string): Promise<BackupSummary> {
  const partial = `${file}.partial-${process.pid}`;
  try {
    const summary = await database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        await sql`set transaction read only`.execute(trx);
        const schema = await describeSchema(trx);
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          formatVersion: BACKUP_FORMAT_VERSION,
          waymarkVersion: waymarkVersion(),
          engine: database.engine,
          createdAt: new Date().toISOString(),
          migrations: await appliedMigrations(trx),
          tables: schema.tables.map((t) => t.name),
        };
        const counts: TableCount[] = [];
        async function* lines(): AsyncGenerator<string> {
          yield `${JSON.stringify(header)}\n`;
          for (const table of schema.tables) {
            const [count] = await query<{ n: string }>(
              trx,
              `select count(*)::text as n from ${quoteIdent(table.name)}`,
            );
            const rows = Number(count?.n ?? 0);
            counts.push({ table: table.name, rows });
            yield `${JSON.stringify({
              table: table.name,
              columns: table.columns.map((c) => c.name),
              rows,
            })}\n`;
            yield* tableLines(trx, table);
          }
          const total = counts.reduce((sum, c) => sum + c.rows, 0);
          yield `${JSON.stringify({ end: true, tables: counts.length, rows: total })}\n`;
        }
        await pipeline(
          Readable.from(lines()),
          createGzip(),
          createWriteStream(partial, { flags: 'wx' }),
        );
        return { header, tables: counts, rows: counts.reduce((sum, c) => sum + c.rows, 0) };
      });
    await rename(partial, file);
    return summary;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** The file's lines, unpacked as they are read; a damaged file fails with a BackupFileError. */
async function* readLines(file: string): AsyncGenerator<{ text: string; number: number }> {
  try {
    await access(file);
  } catch (error) {
    throw new BackupFileError(`Cannot read the backup file ${file}: ${(error as Error).message}`);
  }
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip).setEncoding('utf8');
  let buffered = '';
  let number = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        yield { text, number: ++number };
      }
    }
  } catch (error) {
    if (error instanceof BackupFileError) throw error;
    throw new BackupFileError(
      `${file} is not a Waymark backup, or it is damaged: it could not be unpacked (${(error as Error).message}).`,
    );
  } finally {
    source.destroy();
  }
  if (buffered) yield { text: buffered, number: number + 1 };
}

function parseLine(file: string, line: { text: string; number: number }): unknown {
  try {
    return JSON.parse(line.text);
  } catch {
    throw new BackupFileError(
      `The backup file ${file} is damaged: line ${line.number} is not valid.`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkHeader(file: string, value: unknown): BackupHeader {
  if (!isRecord(value) || value.format !== BACKUP_FORMAT) {
    throw new BackupFileError(`${file} is not a Waymark backup (its first line does not say so).`);
  }
  if (value.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new BackupFileError(
      `${file} is a Waymark backup in format version ${String(value.formatVersion)}, which this version of Waymark (${waymarkVersion()}) cannot read. Restore it with the Waymark version that made it, or a newer one.`,
    );
  }
  if (!Array.isArray(value.migrations) || !Array.isArray(value.tables)) {
    throw new BackupFileError(`The backup file ${file} is damaged: its first line is incomplete.`);
  }
  return value as unknown as BackupHeader;
}

/** Refuses a database that already holds data or that is older than the backup. */
async function checkTarget(db: Kysely<DB>, header: BackupHeader): Promise<string[]> {
  const applied = await appliedMigrations(db);
  const missing = header.migrations.filter((m) => !applied.includes(m));
  if (missing.length) {
    throw new RestoreRefusedError(
      `This database is older than the backup: it lacks ${missing.length} migration(s) the backup was made with (${missing.join(', ')}). ` +
        `Upgrade Waymark to version ${header.waymarkVersion} or newer, run "waymark migrate", then restore again.`,
    );
  }
  const [counts] = await query<{ organisations: string; users: string }>(
    db,
    `select (select count(*) from organisations)::text as organisations,
            (select count(*) from users)::text as users`,
  );
  const organisations = Number(counts?.organisations ?? 0);
  const users = Number(counts?.users ?? 0);
  if (organisations || users) {
    throw new RestoreRefusedError(
      `This database is not empty: it already holds ${organisations} organisation(s) and ${users} user(s). ` +
        'A backup can only be restored into an empty database, so nothing was changed. ' +
        'Point DATA_DIR at a new folder (or DATABASE_URL at a new, empty database) and restore again.',
    );
  }
  return applied.filter((m) => !header.migrations.includes(m));
}

interface Batch {
  table: TableInfo;
  /** The backup's columns, in the order its rows list them, matched to this database's. */
  columns: ColumnInfo[];
  rows: (string | null)[][];
  expected: number;
  seen: number;
}

async function flush(trx: Tx, batch: Batch) {
  if (!batch.rows.length) return;
  const names = batch.columns.map((c) => quoteIdent(c.name)).join(', ');
  let index = 0;
  const values = batch.rows
    .map((row) => `(${row.map((_, i) => insertPlaceholder(batch.columns[i], ++index)).join(', ')})`)
    .join(', ');
  await query(
    trx,
    `insert into ${quoteIdent(batch.table.name)} (${names}) overriding system value values ${values}`,
    batch.rows.flat(),
  );
  batch.rows = [];
}

function startTable(
  file: string,
  schema: Schema,
  line: Record<string, unknown>,
  number: number,
): Batch {
  const name = String(line.table);
  const table = schema.tables.find((t) => t.name === name);
  if (!table) {
    throw new RestoreRefusedError(
      `The backup holds a table "${name}" that this database does not have. Restore it with the Waymark version that made the backup, or a newer one.`,
    );
  }
  if (!Array.isArray(line.columns) || typeof line.rows !== 'number') {
    throw new BackupFileError(`The backup file ${file} is damaged: line ${number} is incomplete.`);
  }
  const columns = line.columns.map((c) => {
    const column = table.columns.find((tc) => tc.name === c);
    if (!column) {
      throw new RestoreRefusedError(
        `The backup has a column "${String(c)}" in table "${name}" that this database does not have. Restore it with the Waymark version that made the backup, or a newer one.`,
      );
    }
    return column;
  });
  return { table, columns, rows: [], expected: line.rows, seen: 0 };
}

function endTable(file: string, batch: Batch | null) {
  if (batch && batch.seen !== batch.expected) {
    throw new BackupFileError(
      `The backup file ${file} is damaged: table "${batch.table.name}" should have ${batch.expected} row(s) but has ${batch.seen}.`,
    );
  }
}

/** Foreign keys are checked at the end of the load, so row order within the file cannot matter. */
async function deferForeignKeys(trx: Tx, schema: Schema) {
  for (const fk of schema.foreignKeys.filter((f) => !f.deferrable)) {
    await query(
      trx,
      `alter table ${quoteIdent(fk.table)} alter constraint ${quoteIdent(fk.name)} deferrable initially deferred`,
    );
  }
  await query(trx, 'set constraints all deferred');
}

async function restoreForeignKeys(trx: Tx, schema: Schema) {
  await query(trx, 'set constraints all immediate');
  for (const fk of schema.foreignKeys.filter((f) => !f.deferrable)) {
    await query(
      trx,
      `alter table ${quoteIdent(fk.table)} alter constraint ${quoteIdent(fk.name)} not deferrable`,
    );
  }
}

/** Sequences (serial and identity columns) carry on after the highest restored value. */
async function resetSequences(trx: Tx) {
  const owned = await query<{ table_name: string; column_name: string; seq: string | null }>(
    trx,
    `select table_name, column_name,
            pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name) as seq
       from information_schema.columns
      where table_schema = 'public' and table_name <> 'waymark_migrations'
        and (column_default like 'nextval(%' or is_identity = 'YES')`,
  );
  for (const o of owned) {
    if (!o.seq) continue;
    await query(
      trx,
      `select setval($1, m) from (select max(${quoteIdent(o.column_name)}) as m from ${quoteIdent(o.table_name)}) x where m is not null`,
      [o.seq],
    );
  }
}

export interface RestoreOptions {
  /** Runs in the restore's transaction once the rows are in (e.g. to audit the restore). */
  beforeCommit?: (trx: Tx, summary: RestoreSummary) => Promise<void>;
}

/**
 * Loads a backup into an empty, migrated database in one transaction: either every row goes in
 * or, on any problem, nothing does. Rows go in as multi-row inserts, table by table.
 */
export async function restoreBackup(
  db: Kysely<DB>,
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreSummary> {
  const lines = readLines(file);
  try {
    return await load(db, file, lines, options);
  } finally {
    // Closes the file when the restore stopped before reading it all.
    await lines.return(undefined);
  }
}

async function load(
  db: Kysely<DB>,
  file: string,
  lines: AsyncGenerator<{ text: string; number: number }>,
  options: RestoreOptions,
): Promise<RestoreSummary> {
  const first = await lines.next();
  if (first.done) throw new BackupFileError(`${file} is empty: it is not a Waymark backup.`);
  const header = checkHeader(file, parseLine(file, first.value));
  const newerMigrations = await checkTarget(db, header);
  const schema = await describeSchema(db);

  return db.transaction().execute(async (trx) => {
    await deferForeignKeys(trx, schema);
    const counts: TableCount[] = [];
    let batch: Batch | null = null;
    let ended = false;
    try {
      for await (const line of lines) {
        if (ended) {
          throw new BackupFileError(
            `The backup file ${file} is damaged: there is more after its last line (line ${line.number}).`,
          );
        }
        const value = parseLine(file, line);
        if (Array.isArray(value)) {
          if (!batch) {
            throw new BackupFileError(
              `The backup file ${file} is damaged: line ${line.number} belongs to no table.`,
            );
          }
          if (value.length !== batch.columns.length) {
            throw new BackupFileError(
              `The backup file ${file} is damaged: line ${line.number} has ${value.length} values where table "${batch.table.name}" has ${batch.columns.length} columns.`,
            );
          }
          const current: Batch = batch;
          try {
            current.rows.push(value.map((v, i) => decodeValue(current.columns[i], v)));
          } catch (error) {
            throw new BackupFileError(
              `The backup file ${file} is damaged: on line ${line.number}, ${(error as Error).message}.`,
            );
          }
          current.seen++;
          const parameters = current.rows.length * current.columns.length;
          if (current.rows.length >= MAX_BATCH_ROWS || parameters >= MAX_BATCH_PARAMETERS) {
            await flush(trx, current);
          }
        } else if (isRecord(value) && typeof value.table === 'string') {
          if (batch) await flush(trx, batch);
          endTable(file, batch);
          batch = startTable(file, schema, value, line.number);
          counts.push({ table: batch.table.name, rows: batch.expected });
        } else if (isRecord(value) && value.end === true) {
          if (batch) await flush(trx, batch);
          endTable(file, batch);
          batch = null;
          ended = true;
          // A whole table gone missing shows in the totals.
          const rows = counts.reduce((sum, c) => sum + c.rows, 0);
          if (value.tables !== counts.length || value.rows !== rows) {
            throw new BackupFileError(
              `The backup file ${file} is damaged: it should hold ${String(value.tables)} tables and ${String(value.rows)} rows, but holds ${counts.length} and ${rows}.`,
            );
          }
        } else {
          throw new BackupFileError(
            `The backup file ${file} is damaged: line ${line.number} is not understood.`,
          );
        }
      }
      if (!ended) {
        throw new BackupFileError(
          `The backup file ${file} is damaged: it ends before its last line.`,
        );
      }
      await restoreForeignKeys(trx, schema);
      await resetSequences(trx);
    } catch (error) {
      if (error instanceof BackupFileError || error instanceof RestoreRefusedError) throw error;
      const where = batch ? ` while loading table "${batch.table.name}"` : '';
      throw new Error(
        `The restore failed${where}, so nothing was restored: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const summary: RestoreSummary = {
      header,
      tables: counts,
      rows: counts.reduce((sum, c) => sum + c.rows, 0),
      newerMigrations,
    };
    await options.beforeCommit?.(trx, summary);
    return summary;
  });
}
