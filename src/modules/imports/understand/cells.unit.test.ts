import { describe, expect, it } from 'vitest';
import { cellFromText, normaliseCell } from './cells.js';

describe('cells', () => {
  it('splits plain text into lines, reading typed bullets', () => {
    expect(cellFromText('Intro\n- one\n  - two').lines).toEqual([
      { text: 'Intro', bullet: false, level: 0 },
      { text: 'one', bullet: true, level: 0 },
      { text: 'two', bullet: true, level: 1 },
    ]);
  });

  it('reads nested lists, paragraphs and breaks', () => {
    const cell = cellFromText(
      '<p>Lead-in</p><ul><li>Outer<ul><li>Inner</li></ul></li><li>Second</li></ul>Line one<br/>Line two',
    );
    expect(cell.lines).toEqual([
      { text: 'Lead-in', bullet: false, level: 0 },
      { text: 'Outer', bullet: true, level: 0 },
      { text: 'Inner', bullet: true, level: 1 },
      { text: 'Second', bullet: true, level: 0 },
      { text: 'Line one', bullet: false, level: 0 },
      { text: 'Line two', bullet: false, level: 0 },
    ]);
    expect(cell.text).toBe('Lead-in\n• Outer\n  • Inner\n• Second\nLine one\nLine two');
  });

  it('drops other tags and decodes entities', () => {
    expect(cellFromText('<p><b>Cost</b> &pound;5&#44;000 &lt;est&gt;</p>').text).toBe(
      'Cost £5,000 <est>',
    );
  });

  it('leaves cells without markup alone, keeping their date and number', () => {
    const cell = { text: 'Apr 2025', lines: [], date: '2025-04-30' };
    expect(normaliseCell(cell)).toBe(cell);
    const marked = normaliseCell({ text: '<ol><li>A</li><li>B</li></ol>', lines: [], number: 3 });
    expect(marked.lines.map((l) => l.text)).toEqual(['A', 'B']);
    expect(marked.number).toBe(3);
  });

  it('does not mistake a lone angle bracket for markup', () => {
    expect(cellFromText('Budget < £5k').text).toBe('Budget < £5k');
  });
});
