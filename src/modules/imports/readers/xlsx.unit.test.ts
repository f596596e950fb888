import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { SourceBlock, SourceCell, SourceRow } from '../import.types.js';
import {
  ACTION_PLAN_HEADER,
  buildActionPlanXlsx,
} from '../../../../test/fixtures/imports/index.js';
import { readXlsx } from './xlsx.js';

type Table = Extract<SourceBlock, { kind: 'table' }>;

function table(block: SourceBlock | undefined): Table {
  if (block?.kind !== 'table') throw new Error('expected a table');
  return block;
}

const texts = (row: SourceRow | undefined): string[] => (row?.cells ?? []).map((c) => c.text);
const plain = (text: string): SourceCell => ({ text, lines: [{ text, bullet: false, level: 0 }] });
const empty: SourceCell = { text: '', lines: [] };

describe('reading an Excel action plan', () => {
  it('reads every sheet as a table, named, in order', async () => {
    const doc = await readXlsx(await buildActionPlanXlsx(), 'plan.xlsx');
    expect(doc.format).toBe('xlsx');
    expect(doc.name).toBe('plan.xlsx');
    expect(doc.sheets).toEqual(['Action plan', 'Glossary']);
    expect(doc.blocks.map((b) => (b.kind === 'table' ? b.sheet : null))).toEqual([
      'Action plan',
      'Glossary',
    ]);
    expect(doc.warnings).toEqual([]);
    const glossary = table(doc.blocks[1]);
    expect(glossary.at).toEqual({ sheet: 'Glossary' });
    expect(glossary.rows.map(texts)).toEqual([
      ['Initials', 'Post'],
      ['HD', 'Head of Digital Services'],
      ['DL', 'Digital Lead'],
      ['IM', 'Infrastructure Manager'],
    ]);
  });

  it('keeps Excel’s row numbers, skipping empty rows, with title rows and the key kept', async () => {
    const plan = table((await readXlsx(await buildActionPlanXlsx(), 'plan.xlsx')).blocks[0]);
    expect(plan.rows.map((r) => r.at)).toEqual(
      [1, 2, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15].map((row) => ({ sheet: 'Action plan', row })),
    );
    expect(plan.rows.every((r) => r.cells.length === 8)).toBe(true);
    expect(texts(plan.rows[2])).toEqual([...ACTION_PLAN_HEADER]);
    expect(plan.rows.slice(-4).map((r) => r.cells[0]?.text)).toEqual([
      'Key',
      'CR = Met within current resources',
      'AR = Additional resources will be needed',
      'Amount in £ = one-off cost unless marked per year',
    ]);
  });

  it('keeps a horizontal merge in its first cell and marks the rest', async () => {
    const plan = table((await readXlsx(await buildActionPlanXlsx(), 'plan.xlsx')).blocks[0]);
    expect(plan.rows[0]?.cells).toEqual([
      plain('Harrowfield Borough Council'),
      ...Array.from({ length: 7 }, () => ({ ...empty, mergedIntoPrevious: true })),
    ]);
    expect(plan.rows[1]?.cells.slice(1)).toEqual(Array.from({ length: 7 }, () => empty));
  });

  it('fills a theme merged down its rows into every row', async () => {
    const plan = table((await readXlsx(await buildActionPlanXlsx(), 'plan.xlsx')).blocks[0]);
    expect(plan.rows.slice(3, 9).map((r) => r.cells[0])).toEqual([
      ...Array.from({ length: 3 }, () => plain('1. Putting residents first')),
      ...Array.from({ length: 3 }, () => plain('2. Secure and resilient systems')),
    ]);
  });

  it('reads real dates as dates, shown in the cell’s own format', async () => {
    const plan = table((await readXlsx(await buildActionPlanXlsx(), 'plan.xlsx')).blocks[0]);
    expect(plan.rows.slice(3, 9).map((r) => r.cells[4])).toEqual([
      { ...plain('Sep-26'), date: '2026-09-30' },
      { ...plain('31/03/2027'), date: '2027-03-31' },
      { ...plain('01/06/2027'), date: '2027-06-01' },
      { ...plain('15/11/2026'), date: '2026-11-15' },
      { ...plain('31/01/2027'), date: '2027-01-31' },
      { ...plain('01/10/2026'), date: '2026-10-01' },
    ]);
  });

  it('reads currency-formatted numbers and formula results as numbers, shown as formatted', async () => {
    const plan = table((await readXlsx(await buildActionPlanXlsx(), 'plan.xlsx')).blocks[0]);
    expect(plan.rows.slice(3, 9).map((r) => r.cells[6])).toEqual([
      plain('CR'),
      { ...plain('£7,500'), number: 7500 },
      plain('AR'),
      { ...plain('£12,000'), number: 12000 },
      { ...plain('£15,000'), number: 15000 },
      plain('CR'),
    ]);
  });

  it('splits line breaks in a cell into lines, recognising typed bullets, and joins rich text', async () => {
    const plan = table((await readXlsx(await buildActionPlanXlsx(), 'plan.xlsx')).blocks[0]);
    expect(plan.rows[4]?.cells[2]).toEqual({
      text: 'Move council tax direct debit sign-up online:\n- build the online form\n- withdraw the paper form',
      lines: [
        { text: 'Move council tax direct debit sign-up online:', bullet: false, level: 0 },
        { text: 'build the online form', bullet: true, level: 0 },
        { text: 'withdraw the paper form', bullet: true, level: 0 },
      ],
    });
    expect(plan.rows[8]?.cells[7]).toEqual(plain('Every officer attends one session'));
  });

  it('reads other cell kinds as Excel shows them and warns about formulas never calculated', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Odd cells');
    sheet.getCell('A1').value = { text: 'Intranet page', hyperlink: 'https://example.org' };
    sheet.getCell('B1').value = true;
    sheet.getCell('C1').value = { error: '#N/A' };
    sheet.getCell('D1').value = { formula: 'A9*2' };
    sheet.getCell('E1').value = 0.25;
    sheet.getCell('E1').numFmt = '0%';
    sheet.getCell('F1').value = -1500.5;
    sheet.getCell('F1').numFmt = '"£"#,##0.00;[Red]-"£"#,##0.00';
    sheet.getCell('G1').value = 1234.5678;
    sheet.getCell('H1').value = new Date(Date.UTC(2027, 2, 31));
    sheet.getCell('I1').value = new Date(Date.UTC(2027, 2, 31));
    sheet.getCell('I1').numFmt = 'd mmmm yyyy';
    sheet.getCell('J1').value = 'Line one\r\n• bullet\r\n  - nested';
    const doc = await readXlsx(Buffer.from(await workbook.xlsx.writeBuffer()), 'odd.xlsx');
    const row = table(doc.blocks[0]).rows[0];
    expect(row?.cells.slice(0, 9)).toEqual([
      plain('Intranet page'),
      plain('TRUE'),
      plain('#N/A'),
      empty,
      { ...plain('25%'), number: 0.25 },
      { ...plain('-£1,500.50'), number: -1500.5 },
      { ...plain('1234.5678'), number: 1234.5678 },
      { ...plain('31/03/2027'), date: '2027-03-31' },
      { ...plain('31 March 2027'), date: '2027-03-31' },
    ]);
    expect(row?.cells[9]).toEqual({
      text: 'Line one\n• bullet\n  - nested',
      lines: [
        { text: 'Line one', bullet: false, level: 0 },
        { text: 'bullet', bullet: true, level: 0 },
        { text: 'nested', bullet: true, level: 1 },
      ],
    });
    expect(doc.warnings).toEqual([
      expect.objectContaining({
        code: 'formula-without-result',
        at: { sheet: 'Odd cells', row: 1, column: 4 },
      }),
    ]);
  });

  it('fills a block merged across rows and columns down its first column and marks the rest', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Blocks');
    sheet.getCell('B2').value = 'Theme';
    sheet.mergeCells('B2:C3');
    sheet.getCell('D2').value = 'a';
    sheet.getCell('D3').value = 'b';
    const rows = table(
      (await readXlsx(Buffer.from(await workbook.xlsx.writeBuffer()), 'b.xlsx')).blocks[0],
    ).rows;
    expect(rows.map((r) => r.at.row)).toEqual([2, 3]);
    for (const row of rows) {
      expect(row.cells.slice(0, 3)).toEqual([
        empty,
        plain('Theme'),
        { ...empty, mergedIntoPrevious: true },
      ]);
    }
  });

  it('gives an empty sheet an empty table', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Blank');
    const doc = await readXlsx(Buffer.from(await workbook.xlsx.writeBuffer()), 'b.xlsx');
    expect(doc.blocks).toEqual([
      { kind: 'table', rows: [], at: { sheet: 'Blank' }, sheet: 'Blank' },
    ]);
  });
});
