/**
 * Every format is rendered from the same snapshot, so the web page, the Word paper, the PDF and the
 * Excel annex always say the same thing.
 */

/** The report body as HTML (no layout): headings, numbered paragraphs, tables, SVG charts with data tables. */
export { renderReportHtml } from './html.js';

import type { ReportSnapshot } from '../report.types.js';

// The Word, PDF and Excel libraries are loaded on first use: together they hold tens of
// megabytes that a server rendering only web pages never needs.

/** An editable Word document. */
export async function renderReportDocx(snapshot: ReportSnapshot): Promise<Buffer> {
  const { renderReportDocx: render } = await import('./docx.js');
  return render(snapshot);
}

/** A tagged PDF, generated without a browser. */
export async function renderReportPdf(snapshot: ReportSnapshot): Promise<Buffer> {
  const { renderReportPdf: render } = await import('./pdf.js');
  return render(snapshot);
}

/** The Excel annex: every action at the as-at date. */
export async function renderReportXlsx(snapshot: ReportSnapshot): Promise<Buffer> {
  const { renderReportXlsx: render } = await import('./xlsx.js');
  return render(snapshot);
}

export {
  chartFigureHtml,
  chartPng,
  chartSvg,
  chartTable,
  chartTableHtml,
  ownerChart,
  statusChart,
  themeChart,
  trendChart,
  type BarChart,
} from './charts.js';
export { fileSlug, ukDate } from './format.js';
