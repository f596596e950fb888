/** Messages between the benchmark (run.ts) and the Waymark server it starts (server.ts). */
import type { Fixture } from './dataset.js';

export type FloorName = 'actionList' | 'actionPage' | 'dashboard' | 'recordProgress' | 'search';

export interface ServerStart {
  engine: 'pglite' | 'postgres';
  dataDir?: string | undefined;
  url?: string | undefined;
  fixture: Fixture;
}

export type Request =
  | { id: number; cmd: 'floor'; floor: FloorName; concurrency: number; seconds: number }
  | { id: number; cmd: 'memory' }
  | { id: number; cmd: 'resetPeak' }
  /** Requests seen, SQL statements sent and CPU time used by the server so far. */
  | { id: number; cmd: 'counters' }
  /** Waits until requests left over from a load run have been served; false on time-out. */
  | { id: number; cmd: 'drain'; timeoutSeconds: number }
  /** How many progress updates hold this marker in what has happened, and in which requests. */
  | { id: number; cmd: 'progressRows'; marker: string }
  | { id: number; cmd: 'stop' };

export interface LatencyStats {
  count: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  firstError?: string | undefined;
  /** CPU time of the server process per operation (milliseconds). */
  cpuPerOp: number;
}

export interface Memory {
  rss: number;
  peakRss: number;
  heapUsed: number;
  heapTotal: number;
  /** Buffers and other memory outside the JavaScript heap (PGlite's WebAssembly memory is here). */
  external: number;
  /** Linux only: resident memory not backed by a file (null elsewhere). */
  anonymous: number | null;
}

export interface Counters {
  requests: number;
  statements: number;
  /** CPU time of the server process (user + system), in milliseconds. */
  cpuMs: number;
}

export interface ProgressRows {
  total: number;
  /** The request number each row carries ("… #123"), for matching rows to answers. */
  sequences: number[];
}

export type Reply =
  | { type: 'ready'; port: number; poolSize: number }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; message: string };

/** The text of a benchmark progress update: the marker names the run, the number the request. */
export function progressText(marker: string, sequence: number): string {
  return `${marker} #${String(sequence)}: project board met; next stage agreed.`;
}

export function sequenceOf(marker: string, happened: string): number | null {
  const match = new RegExp(`^${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} #(\\d+):`).exec(
    happened,
  );
  return match?.[1] ? Number(match[1]) : null;
}

/** Percentiles of a list of latencies in milliseconds (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
