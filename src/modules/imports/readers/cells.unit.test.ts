import { describe, expect, it } from 'vitest';
import { cellFromLines, readLine, textCell } from './cells.js';
import { formatDate, formatNumber } from './number-format.js';

describe('lines in a cell', () => {
  it.each([
    ['- item', { text: 'item', bullet: true, level: 0 }],
    ['• item', { text: 'item', bullet: true, level: 0 }],
    ['* item', { text: 'item', bullet: true, level: 0 }],
    ['– item', { text: 'item', bullet: true, level: 0 }],
    ['  - nested', { text: 'nested', bullet: true, level: 1 }],
    ['\t• nested', { text: 'nested', bullet: true, level: 1 }],
    ['◦ second level', { text: 'second level', bullet: true, level: 1 }],
    ['o second level', { text: 'second level', bullet: true, level: 1 }],
    ['-5% on last year', { text: '-5% on last year', bullet: false, level: 0 }],
    ['  plain  ', { text: 'plain', bullet: false, level: 0 }],
    ['-', { text: '-', bullet: false, level: 0 }],
  ])('reads %j', (raw, expected) => {
    expect(readLine(raw)).toEqual(expected);
  });

  it('keeps typed text as written and drops blank lines from the lines', () => {
    expect(textCell('\r\n  First  \r\n\r\n- second\r\n')).toEqual({
      text: 'First\n\n- second',
      lines: [
        { text: 'First', bullet: false, level: 0 },
        { text: 'second', bullet: true, level: 0 },
      ],
    });
    expect(textCell('   ')).toEqual({ text: '', lines: [] });
  });

  it('shows Word list items with a bullet in the cell’s text', () => {
    expect(
      cellFromLines([
        { text: 'Intro', bullet: false, level: 0 },
        { text: 'one', bullet: true, level: 0 },
        { text: '', bullet: false, level: 0 },
        { text: 'two', bullet: true, level: 1 },
      ]),
    ).toEqual({
      text: 'Intro\n• one\n  • two',
      lines: [
        { text: 'Intro', bullet: false, level: 0 },
        { text: 'one', bullet: true, level: 0 },
        { text: 'two', bullet: true, level: 1 },
      ],
    });
  });
});

describe('Excel number formats', () => {
  it.each([
    [7000, '"£"#,##0', '£7,000'],
    [7000, '[$£-809]#,##0.00', '£7,000.00'],
    [-250, '£#,##0;[Red]-£#,##0', '-£250'],
    [-250, '£#,##0', '-£250'],
    [-250, '£#,##0;(£#,##0)', '(£250)'],
    [0, '£#,##0;-£#,##0;"nil"', 'nil'],
    [1234567.891, '#,##0.00', '1,234,567.89'],
    [0.125, '0.0%', '12.5%'],
    [2000, '#,##0" p.a."', '2,000 p.a.'],
    [12, 'General', '12'],
    [0.1 + 0.2, undefined, '0.3'],
    [3, '@', '3'],
    [1500, '_-£* #,##0_-', '£1,500'],
  ])('shows %s in %j as %j', (value, format, expected) => {
    expect(formatNumber(value, format)).toBe(expected);
  });

  const date = new Date(Date.UTC(2007, 3, 1, 9, 5));
  it.each([
    ['mmm-yy', 'Apr-07'],
    ['mmmm yyyy', 'April 2007'],
    ['dd/mm/yyyy', '01/04/2007'],
    ['d/m/yy', '1/4/07'],
    ['dddd d mmmm yyyy', 'Sunday 1 April 2007'],
    ['ddd d mmm', 'Sun 1 Apr'],
    ['yyyy-mm-dd', '2007-04-01'],
    ['[$-809]dd mmmm yyyy;@', '01 April 2007'],
    ['dd/mm/yyyy hh:mm', '01/04/2007 09:05'],
    ['mmmmm', 'A'],
    ['mm-dd-yy', '01/04/2007'],
    [undefined, '2007-04-01'],
    ['h:mm AM/PM', '2007-04-01'],
  ])('shows a date in %j as %j', (format, expected) => {
    expect(formatDate(date, format)).toBe(expected);
  });
});
