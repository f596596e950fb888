import type { ReportSnapshot } from '../report.types.js';

/**
 * Every format is rendered from the same snapshot, so the web page, the Word paper, the PDF and the
 * Excel annex always say the same thing.
 */

/** The report body as HTML (no layout): headings, numbered paragraphs, tables, SVG charts with data tables. */
export function renderReportHtml(_snapshot: ReportSnapshot): string {
  throw new Error('not yet');
}

/** An editable Word document. */
export function renderReportDocx(_snapshot: ReportSnapshot): Promise<Buffer> {
  throw new Error('not yet');
}

/** A tagged PDF, generated without a browser. */
export function renderReportPdf(_snapshot: ReportSnapshot): Promise<Buffer> {
  throw new Error('not yet');
}

/** The Excel annex: every action at the as-at date. */
export function renderReportXlsx(_snapshot: ReportSnapshot): Promise<Buffer> {
  throw new Error('not yet');
}
