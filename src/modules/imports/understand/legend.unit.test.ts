import { describe, expect, it } from 'vitest';
import type { GlossaryEntry, SourceBlock, SourceCell } from '../import.types.js';
import { findGlossary, initialsMatch, resolveOwner } from './legend.js';

const at = { line: 1 };

function para(text: string, bullet = false): SourceBlock {
  return { kind: 'paragraph', text, bullet, level: 0, at };
}
const blank: SourceBlock = { kind: 'blank', at };

function cell(text: string): SourceCell {
  return {
    text,
    lines: text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => ({ text: l, bullet: false, level: 0 })),
  };
}

function table(rows: string[][], sheet?: string): SourceBlock {
  return {
    kind: 'table',
    rows: rows.map((cells) => ({ cells: cells.map(cell), at })),
    at,
    ...(sheet ? { sheet } : {}),
  };
}

describe('findGlossary in paragraphs', () => {
  it('reads a legend below an action table', () => {
    const glossary = findGlossary([
      table([
        ['action/task', 'priority', 'resources'],
        ['6.6 Review use of Outlook', 'H', 'CR'],
      ]),
      blank,
      para("Legend for 'Resources'"),
      blank,
      para('CR = Met within current resources'),
      blank,
      para('AR = Additional resources required (not yet quantified)'),
      blank,
      para('Amount in £ = additional resource required, current estimate'),
    ]);
    expect(glossary).toEqual([
      { code: 'CR', meaning: 'Met within current resources', kind: 'legend' },
      { code: 'AR', meaning: 'Additional resources required (not yet quantified)', kind: 'legend' },
      {
        code: 'Amount in £',
        meaning: 'additional resource required, current estimate',
        kind: 'legend',
      },
    ]);
  });

  it('reads dashes and colons in a run of key lines, and one "=" line on its own', () => {
    expect(
      findGlossary([
        para('CR - Met within current resources'),
        para('AR – Additional resources required'),
        blank,
        para('Some narrative follows here, which is a sentence.'),
        para('H = High'),
      ]),
    ).toEqual([
      { code: 'CR', meaning: 'Met within current resources', kind: 'legend' },
      { code: 'AR', meaning: 'Additional resources required', kind: 'legend' },
      { code: 'H', meaning: 'High', kind: 'legend' },
    ]);
  });

  it('reads a one-line key with several entries', () => {
    expect(findGlossary([para('Key: H = High, M = Medium, L = Low')])).toEqual([
      { code: 'H', meaning: 'High', kind: 'legend' },
      { code: 'M', meaning: 'Medium', kind: 'legend' },
      { code: 'L', meaning: 'Low', kind: 'legend' },
    ]);
  });

  it('reads a lone dash line under a "Key" heading', () => {
    expect(findGlossary([para('Key'), para('TBA - To be agreed')])).toEqual([
      { code: 'TBA', meaning: 'To be agreed', kind: 'legend' },
    ]);
  });

  it('reads initials followed by names, with or without a separator', () => {
    expect(
      findGlossary([
        para('8 Summary Action Plan'),
        blank,
        para('MM Mike Mickleburgh'),
        blank,
        para('JMcK Jack McKeown'),
        para('SB: Sarah Bryant'),
        para('AG = Ann Gravestock'),
        para('HoICT Head of ICT'),
      ]),
    ).toEqual([
      { code: 'MM', meaning: 'Mike Mickleburgh', kind: 'initials' },
      { code: 'JMcK', meaning: 'Jack McKeown', kind: 'initials' },
      { code: 'SB', meaning: 'Sarah Bryant', kind: 'initials' },
      { code: 'AG', meaning: 'Ann Gravestock', kind: 'initials' },
      { code: 'HoICT', meaning: 'Head of ICT', kind: 'initials' },
    ]);
  });

  it('keeps the first meaning of a code written twice', () => {
    expect(
      findGlossary([para('CR = Met within current resources'), para('CR = Current resources')]),
    ).toEqual([{ code: 'CR', meaning: 'Met within current resources', kind: 'legend' }]);
  });
});

describe('findGlossary traps', () => {
  it('never takes ordinary sentences, headings or bullet lists for a legend', () => {
    expect(
      findGlossary([
        para('SCRUTINY COMMISSION - 5TH SEPTEMBER, 2007'),
        para('LEAD OFFICER: Sue Borwick, head of Finance and Business development.'),
        blank,
        para('AUTHOR: Chris Lloyd'),
        blank,
        para('1 BACKGROUND'),
        para('ICT Service Delivery'),
        para('External Environment: the context within which the local authority exists', true),
        para('IM&T - in respect of ICT systems (across the council) and their linkages', true),
        para('Education Web Team - website content organisation and management', true),
        para('GIS - maps for everyone', true),
        para('DPA - data protection', true),
        para('1.3.1 Out of hours support needs to be determined - for Customer First; web site'),
        para('The council expects ICT to:'),
        para('Vision: a council that is open all hours'),
        para('2020 Vision'),
        para('JT Taylor will lead the work'),
      ]),
    ).toEqual([]);
  });

  it('does not read action rows or header rows as key rows', () => {
    expect(
      findGlossary([
        table([
          ['', 'Action', 'Responsibility', 'Resources'],
          ['External Environment', 'Out of hours support needs to be regularised', 'MM', '2 weeks'],
          ['', 'Introduce web services procedures for partnership working', 'Deal', ''],
          ['4.3', 'Review the ICT Support Centre'],
          ['Action', 'Responsibility'],
          ['Strategies', 'Active liaison between IM&T and Corporate Strategy'],
        ]),
      ]),
    ).toEqual([]);
  });
});

describe('findGlossary in tables', () => {
  it('reads two-cell key rows below a table', () => {
    expect(
      findGlossary([
        table([
          ['Action', 'Priority', 'Resources'],
          ['Review the web site', 'H', 'CR'],
          ['', '', ''],
          ['CR', 'Met within current resources'],
          ['AR', 'Additional resources required'],
        ]),
      ]),
    ).toEqual([
      { code: 'CR', meaning: 'Met within current resources', kind: 'legend' },
      { code: 'AR', meaning: 'Additional resources required', kind: 'legend' },
    ]);
  });

  it('reads a single key row written with "=", and initials rows', () => {
    expect(
      findGlossary([
        table([
          ['Action', 'Owner'],
          ['H =', 'High'],
          ['Set up the board', 'MM'],
          ['MM', 'Mike Mickleburgh'],
        ]),
      ]),
    ).toEqual([
      { code: 'H', meaning: 'High', kind: 'legend' },
      { code: 'MM', meaning: 'Mike Mickleburgh', kind: 'initials' },
    ]);
  });

  it('reads key lines in a single cell, as in a merged row under a table', () => {
    expect(
      findGlossary([
        table([
          ['Action', 'Resources'],
          ['Legend\nCR = Met within current resources\nAR - Additional resources required', ''],
        ]),
      ]),
    ).toEqual([
      { code: 'CR', meaning: 'Met within current resources', kind: 'legend' },
      { code: 'AR', meaning: 'Additional resources required', kind: 'legend' },
    ]);
  });

  it('reads a glossary sheet, skipping its header row', () => {
    expect(
      findGlossary([
        table(
          [
            ['Action', 'Owner'],
            ['Set up the board', 'BoD'],
          ],
          'Plan',
        ),
        table(
          [
            ['Glossary of terms'],
            ['Term', 'Meaning'],
            ['BoD', 'Board of Directors'],
            ['Customer First', 'The council contact centre'],
            ['MM', 'Mike Mickleburgh'],
          ],
          'Glossary',
        ),
      ]),
    ).toEqual([
      { code: 'BoD', meaning: 'Board of Directors', kind: 'sheet' },
      { code: 'Customer First', meaning: 'The council contact centre', kind: 'sheet' },
      { code: 'MM', meaning: 'Mike Mickleburgh', kind: 'sheet' },
    ]);
  });
});

describe('initialsMatch', () => {
  it.each([
    ['MM', 'Mike Mickleburgh', true],
    ['JMcK', 'Jack McKeown', true],
    ['SW', 'Steve Winman', true],
    ['ICT', 'Service Delivery', false],
    ['MM', 'Mike', false],
    ['JT', 'Taylor will lead', false],
    ['Deal', 'Web Team', false],
    ['M', 'Mike Mickleburgh', false],
  ])('%s for %s: %s', (code, name, expected) => {
    expect(initialsMatch(code, name)).toBe(expected);
  });
});

describe('resolveOwner', () => {
  const glossary: GlossaryEntry[] = [
    { code: 'MM', meaning: 'Mike Mickleburgh', kind: 'initials' },
    { code: 'SB', meaning: 'Sarah Bryant', kind: 'initials' },
    { code: 'JMcK', meaning: 'Jack McKeown', kind: 'initials' },
    { code: 'CR', meaning: 'Met within current resources', kind: 'legend' },
    { code: 'BoD', meaning: 'Board of Directors', kind: 'sheet' },
    { code: 'SW', meaning: 'Steve Winman', kind: 'sheet' },
  ];

  it('resolves initials to names', () => {
    expect(resolveOwner('MM', glossary)).toBe('Mike Mickleburgh');
    expect(resolveOwner(' SB ', glossary)).toBe('Sarah Bryant');
    expect(resolveOwner('JMcK', glossary)).toBe('Jack McKeown');
    expect(resolveOwner('MM/SB', glossary)).toBe('Mike Mickleburgh / Sarah Bryant');
    expect(resolveOwner('MM and SB', glossary)).toBe('Mike Mickleburgh and Sarah Bryant');
    expect(resolveOwner('JMcK (SB)', glossary)).toBe('Jack McKeown (Sarah Bryant)');
    // A glossary sheet's entries count when the code could stand for the words.
    expect(resolveOwner('SW', glossary)).toBe('Steve Winman');
    expect(resolveOwner('BoD', glossary)).toBe('Board of Directors');
  });

  it('leaves everything else as written', () => {
    for (const text of ['All', 'Deal', '', '   ', 'AD, ICT', 'CR', 'MMX', 'mm', "SB's team"]) {
      expect(resolveOwner(text, glossary)).toBe(text);
    }
    expect(resolveOwner('MM', [])).toBe('MM');
  });
});
