import { describe, expect, it } from 'vitest';
import type { SourceBlock, SourceCell } from '../import.types.js';
import {
  buildCommaCsvUtf8Bom,
  buildSemicolonCsvWindows1252,
} from '../../../../test/fixtures/imports/index.js';
import { readCsv, sniffDelimiter } from './csv.js';
import { decodeText } from './sniff.js';

type Table = Extract<SourceBlock, { kind: 'table' }>;
const line = (text: string, bullet = false, level = 0) => ({ text, bullet, level });
const plain = (text: string): SourceCell => ({ text, lines: text === '' ? [] : [line(text)] });

function onlyTable(blocks: SourceBlock[]): Table {
  expect(blocks).toHaveLength(1);
  const [table] = blocks;
  if (table?.kind !== 'table') throw new Error('expected a table');
  return table;
}

describe('sniffing a CSV file’s delimiter', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n4,5,6\n'],
    [';', 'a;b;c\n1;"2,5";3\n4;5;6\n'],
    ['\t', 'a\tb\tc\n1\t2\t3\n'],
    ['|', 'a|b|c\n1|2, or 3|3\n4|5|6\n'],
  ])('finds %j', (delimiter, text) => {
    expect(sniffDelimiter(text).delimiter).toBe(delimiter);
  });

  it('prefers the delimiter that gives consistent rows over one that appears in free text', () => {
    const text =
      'Ref;Action;Lead\n1.1;Agree policy, then publish;Head of ICT\n1.2;Buy laptops, docks, and bags;ICT\n';
    expect(sniffDelimiter(text)).toEqual({ delimiter: ';', columns: 3, consistency: 1 });
  });

  it('says when nothing splits the text into columns', () => {
    expect(sniffDelimiter('Just a sentence\nand another\n').columns).toBe(1);
  });
});

describe('reading CSV', () => {
  it('reads comma-separated UTF-8 with a byte order mark: quotes, bullets, blank lines and line numbers', () => {
    const { text, encoding } = decodeText(buildCommaCsvUtf8Bom());
    expect(encoding).toBe('utf-8');
    const doc = readCsv(text, 'plan.csv');
    expect(doc).toMatchObject({ format: 'csv', name: 'plan.csv', warnings: [] });
    const table = onlyTable(doc.blocks);
    expect(table.at).toEqual({ line: 1 });
    expect(table.rows.map((r) => r.at)).toEqual([
      { line: 1, row: 1 },
      { line: 2, row: 2 },
      { line: 3, row: 3 },
      { line: 7, row: 5 },
    ]);
    expect(table.rows[0]?.cells).toEqual(
      ['Ref', 'Action', 'Priority', 'Timescale', 'Lead', 'Resources', 'Target'].map(plain),
    );
    expect(table.rows[1]?.cells[1]).toEqual(
      plain('Agree the council’s cloud policy, with Cabinet'),
    );
    expect(table.rows[2]?.cells[1]).toEqual({
      text: 'Retire the old intranet:\n- move the news pages\n- archive the forms',
      lines: [
        line('Retire the old intranet:'),
        line('move the news pages', true),
        line('archive the forms', true),
      ],
    });
    expect(table.rows[2]?.cells[5]).toEqual(plain('£2 500'));
    expect(table.rows[3]?.cells[6]).toEqual(plain('Data published "quarterly"'));
  });

  it('reads semicolon-separated Windows-1252 with £, curly quotes, CRLF and cells across lines', () => {
    const { text, encoding } = decodeText(buildSemicolonCsvWindows1252());
    expect(encoding).toBe('windows-1252');
    const table = onlyTable(readCsv(text, 'plan.csv').blocks);
    expect(table.rows.map((r) => r.at)).toEqual([
      { line: 1, row: 1 },
      { line: 2, row: 2 },
      { line: 5, row: 3 },
    ]);
    expect(table.rows[1]?.cells).toEqual([
      plain('2.1'),
      {
        text: 'Replace the depot’s Wi-Fi\n• main yard\n• workshop',
        lines: [line('Replace the depot’s Wi-Fi'), line('main yard', true), line('workshop', true)],
      },
      plain('Mar 2027'),
      plain('Infrastructure Manager'),
      plain('£3,000'),
    ]);
    expect(table.rows[2]?.cells.map((c) => c.text)).toEqual([
      '2.2',
      'Renew the backup contract – three years',
      'Apr 2027',
      'Head of ICT\n(with Procurement)',
      '£12,500 p.a.',
    ]);
  });

  it('pads short rows so every row has as many cells as the widest, and skips rows of empty cells', () => {
    const table = onlyTable(readCsv('a,b,c\n1\n,,\n"x",,"y"\n', 'x.csv').blocks);
    expect(table.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['a', 'b', 'c'],
      ['1', '', ''],
      ['x', '', 'y'],
    ]);
    expect(table.rows.map((r) => r.at.line)).toEqual([1, 2, 4]);
  });

  it('follows Excel’s "sep=" line and leaves it out of the table', () => {
    const table = onlyTable(
      readCsv('sep=|\r\nRef|Action, with a comma\r\n1.1|Agree\r\n', 'x.csv').blocks,
    );
    expect(table.at).toEqual({ line: 2 });
    expect(table.rows.map((r) => [r.at.line, ...r.cells.map((c) => c.text)])).toEqual([
      [2, 'Ref', 'Action, with a comma'],
      [3, '1.1', 'Agree'],
    ]);
  });

  it('survives stray quotes and gives an empty file no blocks', () => {
    const table = onlyTable(readCsv('Ref,Action\n1.1,The "new" portal\n', 'x.csv').blocks);
    expect(table.rows[1]?.cells[1]).toEqual(plain('The "new" portal'));
    expect(readCsv('\n\n', 'x.csv').blocks).toEqual([]);
  });
});
