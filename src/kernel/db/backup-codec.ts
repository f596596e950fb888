/**
 * How each column's values are written to a backup file and read back. Every value leaves the
 * database as text (so neither driver's type parsers are involved) and goes back in as text with
 * an explicit cast, so what is restored is exactly what was backed up.
 */

/** The encodings a column can have in a backup file. */
export type ValueKind =
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'json'
  | 'bool'
  | 'int'
  | 'int8'
  | 'float'
  | 'bytea'
  | 'array'
  | 'text';

export interface ColumnInfo {
  name: string;
  /** The type to cast to on the way back in, schema-qualified and quoted. */
  sqlType: string;
  kind: ValueKind;
}

/**
 * Arrays of these become JSON lists. Arrays of other types (numeric, bigint, json …) would lose
 * precision or meaning on the way through a JSON list, so they keep PostgreSQL's own text form.
 */
const LISTABLE = new Set([
  '_text',
  '_varchar',
  '_bpchar',
  '_uuid',
  '_int2',
  '_int4',
  '_bool',
  '_date',
  '_timestamptz',
  '_timestamp',
]);

/** Chooses the encoding from information_schema.columns' data_type and udt_name. */
export function kindOf(dataType: string, udtName = ''): ValueKind {
  switch (dataType) {
    case 'timestamp with time zone':
      return 'timestamptz';
    case 'timestamp without time zone':
      return 'timestamp';
    case 'date':
      return 'date';
    case 'json':
    case 'jsonb':
      return 'json';
    case 'boolean':
      return 'bool';
    case 'smallint':
    case 'integer':
      return 'int';
    case 'bigint':
      return 'int8';
    case 'real':
    case 'double precision':
      return 'float';
    case 'bytea':
      return 'bytea';
    case 'ARRAY':
      return LISTABLE.has(udtName) ? 'array' : 'text';
    default:
      // numeric stays a string (exact decimals); uuid, text, interval, inet … are their text form.
      return 'text';
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The SELECT expression that reads a column as text in its backup encoding. */
export function selectExpression(column: ColumnInfo): string {
  const c = quoteIdent(column.name);
  const finite = (formatted: string) =>
    `case when isfinite(${c}) then ${formatted} else ${c}::text end`;
  switch (column.kind) {
    case 'timestamptz':
      // Always UTC with microseconds, whatever the session's time zone.
      return finite(`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
    case 'timestamp':
      return finite(`to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`);
    case 'date':
      return finite(`to_char(${c}, 'YYYY-MM-DD')`);
    case 'bytea':
      return `translate(encode(${c}, 'base64'), E'\\n', '')`;
    case 'array':
      return `to_jsonb(${c})::text`;
    default:
      return `${c}::text`;
  }
}

/**
 * A JSON column may hold the JSON value `null`, which must not be confused with SQL NULL (written
 * as a bare null). Such a value, and any object that looks like the wrapper, is wrapped.
 */
const WRAP = '$json';

function isWrapperShaped(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    WRAP in value
  );
}

/** From the text the database gave to the value written in the file. */
export function encodeValue(kind: ValueKind, text: string | null): unknown {
  if (text === null) return null;
  switch (kind) {
    case 'json': {
      const value: unknown = JSON.parse(text);
      return value === null || isWrapperShaped(value) ? { [WRAP]: value } : value;
    }
    case 'array':
      return JSON.parse(text);
    case 'bool':
      return text === 'true';
    case 'int':
      return Number(text);
    case 'int8':
    case 'float': {
      // Beyond what a JSON number carries exactly (or NaN, Infinity): keep the text.
      const n = Number(text);
      const exact = kind === 'int8' ? Number.isSafeInteger(n) : Number.isFinite(n);
      return exact ? n : text;
    }
    default:
      return text;
  }
}

/** From the value in the file to the text parameter the database casts back. */
export function decodeValue(column: ColumnInfo | undefined, value: unknown): string | null {
  if (value === null) return null;
  if (!column) throw new TypeError('there are more values than columns');
  switch (column.kind) {
    case 'json':
      return JSON.stringify(
        isWrapperShaped(value) ? (value as Record<string, unknown>)[WRAP] : value,
      );
    case 'array':
      if (!Array.isArray(value)) throw new TypeError(`${column.name} should be a list`);
      return arrayLiteral(value);
    case 'bool':
      if (typeof value !== 'boolean') throw new TypeError(`${column.name} should be true or false`);
      return String(value);
    case 'int':
    case 'int8':
    case 'float':
      if (typeof value !== 'number' && typeof value !== 'string') {
        throw new TypeError(`${column.name} should be a number`);
      }
      return String(value);
    default:
      if (typeof value !== 'string') throw new TypeError(`${column.name} should be text`);
      return value;
  }
}

/** The parameter placeholder with its cast back to the column's type. */
export function insertPlaceholder(column: ColumnInfo | undefined, index: number): string {
  if (!column) throw new TypeError('there are more values than columns');
  return column.kind === 'bytea' ? `decode($${index}, 'base64')` : `$${index}::${column.sqlType}`;
}

/** A PostgreSQL array literal from the JSON list to_jsonb made (nested lists for dimensions). */
export function arrayLiteral(items: unknown[]): string {
  const element = (item: unknown): string => {
    if (item === null) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    const text = typeof item === 'string' ? item : JSON.stringify(item);
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  };
  return `{${items.map(element).join(',')}}`;
}
