import { describe, expect, it } from 'vitest';
import { readText } from './text.js';

describe('readText', () => {
  it('reads tab-separated lines as one table, across blank lines, with line numbers', () => {
    const doc = readText(
      '\uFEFFPlan title\r\n\r\nAction\tWhen\r\n1.1 Do it\tMay 25\r\n\r\n1.2 Do more\tJune 25\r\nNotes follow\r\n',
      'pasted text',
    );
    expect(doc.format).toBe('text');
    expect(doc.name).toBe('pasted text');
    expect(doc.blocks.map((b) => b.kind)).toEqual(['paragraph', 'blank', 'table', 'paragraph']);
    const table = doc.blocks[2];
    if (table?.kind !== 'table') throw new Error('no table');
    expect(table.at).toEqual({ line: 3 });
    expect(table.rows.map((r) => r.at.line)).toEqual([3, 4, 6]);
    expect(table.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['Action', 'When'],
      ['1.1 Do it', 'May 25'],
      ['1.2 Do more', 'June 25'],
    ]);
    expect(doc.blocks[0]).toMatchObject({ kind: 'paragraph', text: 'Plan title', at: { line: 1 } });
    expect(doc.blocks[3]).toMatchObject({ text: 'Notes follow', at: { line: 7 } });
  });

  it('keeps blank lines after a table, before the paragraph that ends it', () => {
    const doc = readText('A\tB\n\n\nAfter', 'x');
    expect(doc.blocks.map((b) => [b.kind, b.at.line])).toEqual([
      ['table', 1],
      ['blank', 2],
      ['blank', 3],
      ['paragraph', 4],
    ]);
  });

  it('handles old Mac line endings and keeps empty cells', () => {
    const doc = readText('Action\tOwner\rcouncil)\t\t\r', 'x');
    const table = doc.blocks[0];
    if (table?.kind !== 'table') throw new Error('no table');
    expect(table.rows[1]?.cells.map((c) => c.text)).toEqual(['council)', '', '']);
    expect(table.rows[1]?.cells[1]?.lines).toEqual([]);
  });

  it('reads bullets and indented bullets as list paragraphs', () => {
    const doc = readText('- First\n• Second\n* Third\n  - Nested\nPlain', 'x');
    expect(
      doc.blocks.map((b) => (b.kind === 'paragraph' ? [b.text, b.bullet, b.level] : b.kind)),
    ).toEqual([
      ['First', true, 0],
      ['Second', true, 0],
      ['Third', true, 0],
      ['Nested', true, 1],
      ['Plain', false, 0],
    ]);
  });

  it('reads HTML-like markup in a cell as lines and bullets', () => {
    const doc = readText(
      'Action\tWhen\n<ul><li>Buy laptops</li><li>Train staff &amp; managers</li></ul>\t<p>May 2025</p><p>June 2025</p>',
      'x',
    );
    const table = doc.blocks[0];
    if (table?.kind !== 'table') throw new Error('no table');
    const [what, when] = table.rows[1]?.cells ?? [];
    expect(what?.lines).toEqual([
      { text: 'Buy laptops', bullet: true, level: 0 },
      { text: 'Train staff & managers', bullet: true, level: 0 },
    ]);
    expect(what?.text).toBe('• Buy laptops\n• Train staff & managers');
    expect(when?.lines.map((l) => [l.text, l.bullet])).toEqual([
      ['May 2025', false],
      ['June 2025', false],
    ]);
  });

  it('reads an empty text as a document with no blocks', () => {
    expect(readText('', 'x').blocks).toEqual([]);
  });
});
