/**
 * Showing Excel numbers and dates as the person sees them in Excel, for the formats action plans use
 * (currency, thousands separators, decimals, percentages, day-month-year dates). Anything more exotic
 * falls back to a plain rendering (ISO dates, unformatted numbers) rather than a wrong one.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Excel's format sections are separated by ";" outside quotes: positive;negative;zero;text. */
function sections(format: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < format.length; i += 1) {
    const ch = format.charAt(i);
    if (ch === '\\' && i + 1 < format.length) {
      current += ch + format.charAt(i + 1);
      i += 1;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out;
}

/** Turns a format's literal parts into the text Excel shows: "£" from [$£-809], quoted text, escapes. */
function literal(part: string): string {
  return part
    .replace(/\[\$([^\]-]*)(-[^\]]*)?\]/g, '$1')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_./g, '')
    .replace(/\*./g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/"([^"]*)"/g, '$1');
}

function plainNumber(value: number): string {
  return String(Number(value.toPrecision(15)));
}

export function formatNumber(value: number, format: string | undefined): string {
  if (!format || /^general$/i.test(format.trim()) || format === '@') return plainNumber(value);
  const parts = sections(format);
  let section = parts[0] ?? '';
  let abs = value;
  let sign = '';
  if (value < 0) {
    if (parts.length >= 2 && parts[1] !== undefined && parts[1] !== '') {
      section = parts[1];
      abs = -value;
    } else {
      abs = -value;
      sign = '-';
    }
  } else if (value === 0 && parts.length >= 3 && parts[2] !== undefined && parts[2] !== '') {
    section = parts[2];
  }
  // Find the digit placeholders, outside quoted text and brackets.
  const masked = section.replace(/"[^"]*"|\[[^\]]*\]|\\./g, (m) => ' '.repeat(m.length));
  const core = /[#0?][#0?,]*(\.[#0?]*)?|\.[#0?]+/.exec(masked);
  if (!core) return sign + literal(section);
  const pattern = core[0];
  const decimals = (pattern.split('.')[1] ?? '').length;
  const grouping = (pattern.split('.')[0] ?? '').includes(',');
  const percent = masked.includes('%');
  const scaled = percent ? abs * 100 : abs;
  const digits = scaled.toLocaleString('en-GB', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    useGrouping: grouping,
  });
  const before = literal(section.slice(0, core.index));
  const after = literal(section.slice(core.index + pattern.length));
  return `${sign}${before}${digits}${after}`.trim();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function isoDate(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/**
 * Shows a date in the cell's own format ("Apr-07", "01/04/2007", "1 April 2007"). Excel's built-in
 * short date (stored as "mm-dd-yy") follows the reader's locale: for UK councils that is dd/mm/yyyy.
 */
export function formatDate(date: Date, format: string | undefined): string {
  if (!format || format === 'mm-dd-yy' || /^general$/i.test(format)) {
    return format === 'mm-dd-yy'
      ? `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`
      : isoDate(date);
  }
  const section = sections(format)[0] ?? '';
  const tokens = /"[^"]*"|\\.|\[[^\]]*\]|y+|m+|d+|h+|s+|AM\/PM|A\/P|[^"\\[ymdhsA]+|./giy;
  const found: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = tokens.exec(section)) !== null) found.push(m[0]);
  let out = '';
  for (let i = 0; i < found.length; i += 1) {
    const token = found[i] ?? '';
    const lower = token.toLowerCase();
    if (/^y+$/.test(lower))
      out += lower.length <= 2 ? pad(date.getUTCFullYear() % 100) : String(date.getUTCFullYear());
    else if (/^d+$/.test(lower)) {
      if (lower.length === 1) out += String(date.getUTCDate());
      else if (lower.length === 2) out += pad(date.getUTCDate());
      else if (lower.length === 3) out += (DAYS[date.getUTCDay()] ?? '').slice(0, 3);
      else out += DAYS[date.getUTCDay()] ?? '';
    } else if (/^m+$/.test(lower)) {
      // "m" straight after hours or before seconds means minutes.
      const prev = found
        .slice(0, i)
        .reverse()
        .find((t) => /^[hmsdy]+$/i.test(t));
      const next = found.slice(i + 1).find((t) => /^[hmsdy]+$/i.test(t));
      const minutes =
        lower.length <= 2 && ((prev && /^h+$/i.test(prev)) || (next && /^s+$/i.test(next)));
      if (minutes) out += pad(date.getUTCMinutes());
      else if (lower.length === 1) out += String(date.getUTCMonth() + 1);
      else if (lower.length === 2) out += pad(date.getUTCMonth() + 1);
      else if (lower.length === 3) out += (MONTHS[date.getUTCMonth()] ?? '').slice(0, 3);
      else if (lower.length === 5) out += (MONTHS[date.getUTCMonth()] ?? '').slice(0, 1);
      else out += MONTHS[date.getUTCMonth()] ?? '';
    } else if (/^h+$/.test(lower))
      out += lower.length === 1 ? String(date.getUTCHours()) : pad(date.getUTCHours());
    else if (/^s+$/.test(lower)) out += pad(date.getUTCSeconds());
    else if (lower === 'am/pm' || lower === 'a/p') return isoDate(date);
    else out += literal(token);
  }
  return out.trim() === '' ? isoDate(date) : out;
}
