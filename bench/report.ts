/** Targets from the performance issue, and the table the benchmark prints. */
import type { LoadResult } from './http.js';
import type { LatencyStats } from './protocol.js';

export type MeasureKey =
  | 'httpFloor'
  | 'actionListApi'
  | 'planPage'
  | 'actionPage'
  | 'dashboard'
  | 'recordProgress'
  | 'search';

export interface Target {
  /** No rate target when undefined (only latency). */
  perSecond?: number | undefined;
  p95: number;
}

/**
 * On PostgreSQL (issue 6). The rate targets are stated for the council profile and the dashboard
 * and search targets for the national one; each is applied to every profile, since one
 * organisation's pages should be as fast whatever else shares the database.
 */
export const TARGETS: Partial<Record<MeasureKey, Target>> = {
  actionListApi: { perSecond: 1000, p95: 50 },
  planPage: { perSecond: 300, p95: 150 },
  recordProgress: { perSecond: 200, p95: 150 },
  dashboard: { p95: 150 },
  search: { p95: 150 },
};
export const IDLE_MEMORY_TARGET_MB = 250;
/** "PGlite within 2×": half the rate, twice the latency and memory. */
export const PGLITE_FACTOR = 2;

export function targetFor(key: MeasureKey, engine: string): Target | undefined {
  const t = TARGETS[key];
  if (!t) return undefined;
  const f = engine === 'pglite' ? PGLITE_FACTOR : 1;
  return { perSecond: t.perSecond === undefined ? undefined : t.perSecond / f, p95: t.p95 * f };
}

export interface MeasureResult {
  key: MeasureKey;
  label: string;
  /** False when the route does not exist yet. */
  available: boolean;
  note?: string | undefined;
  http?: LoadResult | undefined;
  dbFloor?: LatencyStats | undefined;
  target?: Target | undefined;
  /** null: no target for this measure. */
  met: boolean | null;
  misses: string[];
  /** Answers that were not what a correct request gets, plus connection errors. */
  errorCount: number;
  /** SQL statements one request sends (counted alone, after warm-up). */
  statements?: number | undefined;
  /**
   * CPU time of the server process per request served (milliseconds). Unlike req/s it hardly
   * depends on what else the machine is doing; on PostgreSQL the database's own CPU is not in it.
   */
  cpuPerRequest?: number | undefined;
  /** Highest RSS of the server while this measure ran. */
  peakMb?: number | undefined;
}

export interface MemoryResult {
  /** Just after listening, before any request. */
  startMb: number;
  idleMb: number;
  /** What the idle figure is made of. */
  idleHeapUsedMb: number;
  idleHeapTotalMb: number;
  idleExternalMb: number;
  /** Linux: the part of idle RSS that is not the node binary's and libraries' file pages. */
  idleAnonymousMb: number | null;
  peakMb: number;
  targetMb: number;
  met: boolean;
}

export function judge(
  http: LoadResult,
  target: Target | undefined,
): { met: boolean | null; misses: string[] } {
  if (!target) return { met: null, misses: [] };
  const misses: string[] = [];
  if (target.perSecond !== undefined && http.perSecond < target.perSecond)
    misses.push(`${whole(http.perSecond)}/s < ${whole(target.perSecond)}/s`);
  if (http.p95 > target.p95) misses.push(`p95 ${ms(http.p95)} > ${ms(target.p95)}`);
  return { met: misses.length === 0, misses };
}

export function whole(n: number): string {
  return Math.round(n).toLocaleString('en-GB');
}

export function ms(n: number): string {
  return n >= 100 ? `${whole(n)} ms` : `${n.toFixed(1)} ms`;
}

export function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function ratio(part: number, whole: number): string {
  return whole > 0 ? `${(part / whole).toFixed(2)}×` : '—';
}

function errorsCell(m: MeasureResult): string {
  if (!m.http) return '—';
  const parts = Object.entries(m.http.unexpected).map(([s, n]) => `${s}×${whole(n)}`);
  if (m.http.errors) parts.push(`conn×${whole(m.http.errors)}`);
  return parts.length ? `${whole(m.errorCount)} (${parts.join(', ')})` : '0';
}

function targetCell(t: Target | undefined): string {
  if (!t) return '—';
  return t.perSecond === undefined
    ? `p95 ≤ ${ms(t.p95)}`
    : `≥ ${whole(t.perSecond)}/s, p95 ≤ ${ms(t.p95)}`;
}

export const HEADERS = [
  'measure',
  'req/s',
  'p50',
  'p95',
  'p99',
  'errors',
  'SQL/req',
  'CPU/req',
  'DB floor (req/s · p95 · CPU · ratio)',
  'HTTP floor (ratio)',
  'target',
  'met?',
];

export function measureRow(m: MeasureResult, httpFloor: LoadResult | undefined): string[] {
  if (!m.available || !m.http) {
    return [
      m.label,
      'not available',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      targetCell(m.target),
      m.note ?? '',
    ];
  }
  const h = m.http;
  const db = m.dbFloor
    ? `${whole(m.dbFloor.perSecond)}/s · ${ms(m.dbFloor.p95)} · CPU ${ms(m.dbFloor.cpuPerOp)} · ${ratio(h.perSecond, m.dbFloor.perSecond)}`
    : '—';
  const hf =
    httpFloor && m.key !== 'httpFloor'
      ? `${whole(httpFloor.perSecond)}/s · ${ratio(h.perSecond, httpFloor.perSecond)}`
      : '—';
  const met = m.met === null ? '—' : m.met ? 'yes' : `NO (${m.misses.join('; ')})`;
  return [
    m.label,
    whole(h.perSecond),
    ms(h.p50),
    ms(h.p95),
    ms(h.p99),
    errorsCell(m),
    m.statements === undefined ? '—' : String(m.statements),
    m.cpuPerRequest === undefined ? '—' : ms(m.cpuPerRequest),
    db,
    hf,
    targetCell(m.target),
    met,
  ];
}

export function memoryRows(memory: MemoryResult): string[][] {
  const blank = ['', '', '', '', '', '', '', '']; // p50 … HTTP floor
  return [
    ['memory: RSS at start, before any request', `${whole(memory.startMb)} MB`, ...blank, '—', '—'],
    [
      'memory: RSS idle, after warm-up',
      `${whole(memory.idleMb)} MB`,
      ...blank,
      `≤ ${whole(memory.targetMb)} MB`,
      memory.met ? 'yes' : `NO (${whole(memory.idleMb)} MB)`,
    ],
    ['memory: RSS peak under load', `${whole(memory.peakMb)} MB`, ...blank, '—', '—'],
  ];
}

/** A Markdown table, padded so it also reads well in a terminal. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
