/**
 * Every format is rendered from the same snapshot, so the web page, the Word paper, the PDF and the
 * Excel annex always say the same thing.
 */

/** The report body as HTML (no layout): headings, numbered paragraphs, tables, SVG charts with data tables. */
export { renderReportHtml } from './html.js';

/** An editable Word document. */
export { renderReportDocx } from './docx.js';

/** A tagged PDF, generated without a browser. */
export { renderReportPdf } from './pdf.js';

/** The Excel annex: every action at the as-at date. */
export { renderReportXlsx } from './xlsx.js';

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
