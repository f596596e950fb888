/**
 * Documents, timed in the benchmark's own process (no server, no database): the import preview
 * of a 1,000-row workbook (issue 4) and a 500-action report rendered for the web, Word and PDF
 * (issue 5). Each is run once to warm up (modules compiled, fonts read), then `runs` times;
 * the median and p95 are compared with the target. The modules are loaded only here, and a
 * function that still answers "not yet" is reported as not available rather than failed.
 */
import { percentile } from './protocol.js';

export type DocumentKey = 'importPreview' | 'reportHtml' | 'reportDocx' | 'reportPdf';

export const DOCUMENT_KEYS: DocumentKey[] = [
  'importPreview',
  'reportHtml',
  'reportDocx',
  'reportPdf',
];

/** Targets from issues 4 and 5, in milliseconds (met when the p95 of the runs is under it). */
export const DOCUMENT_TARGETS: Record<DocumentKey, number> = {
  importPreview: 2000,
  reportHtml: 300,
  reportDocx: 1000,
  reportPdf: 2000,
};

const IMPORT_ROWS = 1000;
const REPORT_ACTIONS = 500;
const MAX_BYTES = 10 * 1024 * 1024;

export interface DocumentResult {
  key: DocumentKey;
  label: string;
  available: boolean;
  note?: string | undefined;
  runs: number;
  /** The warm-up run: what the first person after a restart waits. */
  firstMs?: number | undefined;
  medianMs?: number | undefined;
  p95Ms?: number | undefined;
  maxMs?: number | undefined;
  /** CPU time of this process per run (median): steadier than the wall clock on a busy machine. */
  cpuMs?: number | undefined;
  /** What was made: bytes of output, actions understood. */
  output?: string | undefined;
  targetMs: number;
  /** The p95 (so the median too) under the target; null when not measured. */
  met: boolean | null;
}

interface Subject {
  key: DocumentKey;
  label: string;
  /** Builds the input (not timed) and returns the operation to time. */
  prepare: () => Promise<() => Promise<string>>;
}

/** A message for a function that exists but is not written yet, or a missing export. */
function notYet(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  return /not yet/i.test(message) ? message : null;
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en-GB')} KB`;
}

const SUBJECTS: Subject[] = [
  {
    key: 'importPreview',
    label: `import preview (xlsx, ${IMPORT_ROWS.toLocaleString('en-GB')} rows)`,
    prepare: async () => {
      const fixtures = await import('../test/fixtures/imports/index.js');
      const imports = await import('../src/modules/imports/index.js');
      const bytes = await fixtures.buildLargeActionPlanXlsx(IMPORT_ROWS);
      return async () => {
        const doc = await imports.readSource({ bytes, name: 'plan.xlsx' }, { maxBytes: MAX_BYTES });
        const preview = imports.understandDocument(doc);
        if (preview.summary.actions !== IMPORT_ROWS) {
          throw new WrongAnswer(
            `the preview found ${String(preview.summary.actions)} actions, not ${String(IMPORT_ROWS)}`,
          );
        }
        return `${kb(bytes.length)} workbook → ${preview.summary.actions.toLocaleString('en-GB')} actions, ${String(preview.themes.length)} themes`;
      };
    },
  },
  ...(
    [
      ['reportHtml', 'web', 'renderReportHtml'],
      ['reportDocx', 'Word', 'renderReportDocx'],
      ['reportPdf', 'PDF', 'renderReportPdf'],
    ] as const
  ).map(([key, format, fn]): Subject => ({
    key,
    label: `report, ${format} (${String(REPORT_ACTIONS)} actions)`,
    prepare: async () => {
      const sample = await import('../src/modules/governance/render/sample-snapshot.js');
      const render = await import('../src/modules/governance/render/index.js');
      const snapshot = sample.bigSnapshot(REPORT_ACTIONS);
      if (snapshot.actions.length !== REPORT_ACTIONS) {
        throw new WrongAnswer(
          `bigSnapshot(${String(REPORT_ACTIONS)}) has ${String(snapshot.actions.length)} actions`,
        );
      }
      return async () => {
        const out: string | Buffer = await render[fn](snapshot);
        const size = typeof out === 'string' ? Buffer.byteLength(out) : out.length;
        const magic = typeof out === 'string' ? '' : out.subarray(0, 4).toString('latin1');
        if (fn === 'renderReportPdf' && magic !== '%PDF') throw new WrongAnswer('not a PDF');
        if (fn === 'renderReportDocx' && magic.slice(0, 2) !== 'PK') {
          throw new WrongAnswer('not a Word document (no zip header)');
        }
        return `${kb(size)} ${fn === 'renderReportHtml' ? 'of HTML' : fn === 'renderReportPdf' ? 'PDF' : '.docx'}`;
      };
    },
  })),
];

/** An answer that is wrong, not slow: reported as a problem (non-zero exit). */
export class WrongAnswer extends Error {}

export async function measureDocuments(
  keys: readonly DocumentKey[],
  runs: number,
  log: (line: string) => void,
): Promise<{ results: DocumentResult[]; problems: string[] }> {
  const results: DocumentResult[] = [];
  const problems: string[] = [];
  for (const subject of SUBJECTS.filter((s) => keys.includes(s.key))) {
    const base = {
      key: subject.key,
      label: subject.label,
      targetMs: DOCUMENT_TARGETS[subject.key],
    };
    log(`[documents] ${subject.label}: 1 warm-up run and ${String(runs)} timed`);
    try {
      const operation = await subject.prepare();
      let t = performance.now();
      let output = await operation();
      const firstMs = performance.now() - t;
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < runs; i++) {
        const cpuBefore = process.cpuUsage();
        t = performance.now();
        output = await operation();
        times.push(performance.now() - t);
        const used = process.cpuUsage(cpuBefore);
        cpu.push((used.user + used.system) / 1000);
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const medianMs = percentile(times, 50);
      const p95Ms = percentile(times, 95);
      results.push({
        ...base,
        available: true,
        runs,
        firstMs,
        medianMs,
        p95Ms,
        maxMs: times.at(-1),
        cpuMs: percentile(cpu, 50),
        output,
        met: p95Ms < base.targetMs,
      });
    } catch (error) {
      const pending = notYet(error);
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof WrongAnswer) && pending !== null) {
        results.push({ ...base, available: false, note: pending, runs: 0, met: null });
        continue;
      }
      problems.push(`${subject.label}: ${message}`);
      results.push({ ...base, available: false, note: `FAILED: ${message}`, runs: 0, met: null });
    }
  }
  return { results, problems };
}
