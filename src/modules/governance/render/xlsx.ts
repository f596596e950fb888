/**
 * The Excel annex: a summary sheet (status now and forecast, by theme) and every live action at
 * the as-at date, with real dates, status words, owners and the latest update. The header row is
 * frozen and filtered so the annex can be sorted and sliced.
 */
import ExcelJS from 'exceljs';
import type { ReportSnapshot } from '../report.types.js';

function excelDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

function header(row: ExcelJS.Row) {
  row.font = { bold: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F2F1' } };
  row.alignment = { vertical: 'top', wrapText: true };
}

export async function renderReportXlsx(s: ReportSnapshot): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = s.organisation.name;
  wb.title = s.title;
  wb.subject = s.strategy.title;
  // Fixed so the same snapshot always gives the same workbook.
  wb.created = excelDate(s.asAt) ?? new Date(0);
  wb.modified = wb.created;

  const summary = wb.addWorksheet('Summary', { views: [{ state: 'frozen', ySplit: 0 }] });
  summary.columns = [{ width: 44 }, { width: 14 }, { width: 14 }, { width: 14 }];
  summary.addRow([s.title]).font = { bold: true, size: 14 };
  summary.addRow([s.organisation.name]);
  summary.addRow(['Strategy', s.strategy.title]);
  const asAt = summary.addRow(['Progress as at', excelDate(s.asAt)]);
  asAt.getCell(2).numFmt = 'd mmmm yyyy';
  if (s.periodStart) {
    const from = summary.addRow(['Period from', excelDate(s.periodStart)]);
    from.getCell(2).numFmt = 'd mmmm yyyy';
  }
  summary.addRow([
    'Version',
    s.published ? `Version ${s.published.version}` : 'Draft: not published',
  ]);
  summary.addRow([]);
  header(summary.addRow(['Status', 'Now', 'Forecast']));
  for (const c of s.progressSummary.byStatus) summary.addRow([c.label, c.current, c.forecast]);
  summary.addRow(['Total', s.progressSummary.total, s.progressSummary.total]).font = { bold: true };
  summary.addRow([]);
  const statuses = s.progressSummary.byStatus.filter((c) =>
    s.progressSummary.byTheme.some((t) =>
      t.counts.some((x) => x.status === c.status && x.current > 0),
    ),
  );
  header(summary.addRow(['Theme', ...statuses.map((c) => c.label), 'Total']));
  for (const t of s.progressSummary.byTheme) {
    summary.addRow([
      t.theme,
      ...statuses.map((c) => t.counts.find((x) => x.status === c.status)?.current ?? 0),
      t.total,
    ]);
  }

  const sheet = wb.addWorksheet('Actions', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: 'Ref', key: 'ref', width: 8 },
    { header: 'Action', key: 'title', width: 50 },
    { header: 'Theme', key: 'theme', width: 30 },
    { header: 'Lead', key: 'owner', width: 26 },
    { header: 'Status', key: 'status', width: 14 },
    { header: 'Forecast', key: 'forecast', width: 14 },
    { header: 'Due', key: 'due', width: 14, style: { numFmt: 'd mmm yyyy' } },
    { header: 'Timescale', key: 'timescale', width: 18 },
    { header: 'Overdue', key: 'overdue', width: 10 },
    { header: 'Latest update', key: 'latest', width: 60 },
    { header: 'Update date', key: 'latestOn', width: 14, style: { numFmt: 'd mmm yyyy' } },
    { header: 'Updated by', key: 'latestBy', width: 24 },
    { header: 'Next steps', key: 'next', width: 50 },
    { header: 'Resources', key: 'resources', width: 30 },
    { header: 'Amount (£)', key: 'amount', width: 14, style: { numFmt: '£#,##0.00' } },
  ];
  header(sheet.getRow(1));
  for (const a of s.actions) {
    sheet.addRow({
      ref: a.ref,
      title: a.title,
      theme: a.theme ?? '',
      owner: a.owner ?? '',
      status: a.statusLabel,
      forecast: a.forecastLabel ?? '',
      due: excelDate(a.due),
      timescale: a.timescaleText ?? '',
      overdue: a.overdue ? 'Yes' : 'No',
      latest: a.latest?.happened ?? '',
      latestOn: excelDate(a.latest?.on),
      latestBy: a.latest?.by ?? '',
      next: a.latest?.nextSteps ?? '',
      resources: a.resourcesText ?? '',
      amount: a.resourcesPence === null ? null : a.resourcesPence / 100,
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 15 } };
  const data = await wb.xlsx.writeBuffer();
  return Buffer.from(data);
}
