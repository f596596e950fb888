import { describe, expect, it } from 'vitest';
import type { SourceBlock } from '../import.types.js';
import { findSections } from './sections.js';

/**
 * A small text document as the text reader hands it over: "" is a blank line, "- " and "  - "
 * are bullets (level 0 and 1), "# " / "## " / "### " are Word headings of that level, and a line
 * starting "|" is a table row.
 */
function doc(...lines: string[]): SourceBlock[] {
  return lines.map((raw, i): SourceBlock => {
    const at = { line: i + 1 };
    if (raw.trim() === '') return { kind: 'blank', at };
    const heading = /^(#{1,6}) (.*)$/.exec(raw);
    if (heading) {
      return { kind: 'heading', level: heading[1]?.length ?? 1, text: heading[2] ?? '', at };
    }
    if (raw.startsWith('|')) {
      const cells = raw
        .slice(1)
        .split('|')
        .map((text) => ({ text, lines: [{ text, bullet: false, level: 0 }] }));
      return { kind: 'table', rows: [{ cells, at }], at };
    }
    const bullet = /^( *)- (.*)$/.exec(raw);
    if (bullet) {
      return {
        kind: 'paragraph',
        text: bullet[2] ?? '',
        bullet: true,
        level: (bullet[1]?.length ?? 0) / 2,
        at,
      };
    }
    return { kind: 'paragraph', text: raw, bullet: false, level: 0, at };
  });
}

describe('findSections in numbered text', () => {
  const blocks = doc(
    'Introduction',
    '',
    'This strategy sets out where we are going.',
    '',
    '- External Environment: the context we work in',
    '- Vision: a short summary',
    '',
    '1 External environment',
    '',
    '1.1 Vision',
    '',
    '1.1.1 Customer expectations',
    '',
    'Customers will expect us to be open all hours.',
    '',
    '- by telephone;',
    '- on the web site',
    '  - including forms',
    '',
    '1.2 Current position',
    '',
    '- 1.2.1 Telephone contact is in office hours only.',
    '- 1.2.2 The web site is available all day.',
    '',
    '1.3 Getting there',
    '',
    '1.3.1 Out of hours support needs to be decided.',
    '',
    '2 Strategies',
    '',
    '2.1 Vision',
    '',
    'A shared vision',
    '',
    '2.2 Current position',
    '',
    '2.2.1 There are informal links between the council priorities and ICT strategy, but no formal ones.',
    '',
    '2.2.2 Sharing information',
    '',
    '2.3 Getting there',
    '',
    '2.3.1 Liaise with Corporate Strategy.',
    '',
    '8 Summary Action Plan',
    '',
    'MM Mike Mickleburgh',
    '|Action|Responsibility',
    '',
    '9 Appendix A – Relevant files',
    '',
    '- Customer First Business Plan',
  );
  const sections = findSections(blocks);

  it('finds only the areas that hold a vision, current position or getting there', () => {
    expect(sections.map((s) => [s.number, s.title])).toEqual([
      ['1', 'External environment'],
      ['2', 'Strategies'],
    ]);
  });

  it('keeps sub-headings, paragraphs and bullets as lines of text', () => {
    expect(sections[0]?.vision).toBe(
      [
        '1.1.1 Customer expectations',
        '',
        'Customers will expect us to be open all hours.',
        '',
        '- by telephone;',
        '- on the web site',
        '  - including forms',
      ].join('\n'),
    );
    expect(sections[0]?.currentPosition).toBe(
      '- 1.2.1 Telephone contact is in office hours only.\n- 1.2.2 The web site is available all day.',
    );
    expect(sections[0]?.gettingThere).toBe('1.3.1 Out of hours support needs to be decided.');
  });

  it('treats numbered paragraphs and short numbered lines deeper than the subsection as content', () => {
    expect(sections[1]?.vision).toBe('A shared vision');
    expect(sections[1]?.currentPosition).toBe(
      '2.2.1 There are informal links between the council priorities and ICT strategy, but no formal ones.\n\n2.2.2 Sharing information',
    );
  });

  it('ends the last area at the next numbered section, not at the end of the document', () => {
    expect(sections[1]?.gettingThere).toBe('2.3.1 Liaise with Corporate Strategy.');
  });
});

describe('findSections wordings', () => {
  it.each([
    ['Where we want to be', 'Where we are now', 'How we will get there'],
    ['Vision', 'Current situation', 'Next steps'],
    ['Aims', 'Current position', 'Actions'],
    ['Our vision:', 'Where are we now?', 'How do we get there?'],
    ['WHERE WE WANT TO BE', 'WHERE WE ARE NOW', 'HOW WILL WE GET THERE'],
    ['Vision – where we want to be', 'Where we are now (current position)', 'The way forward'],
    ['Future state', 'As-is', 'Road map'],
  ])('reads "%s" / "%s" / "%s"', (vision, current, getting) => {
    const sections = findSections(
      doc(
        '3 Governance for ICT',
        '',
        `3.1 ${vision}`,
        'One.',
        `3.2 ${current}`,
        'Two.',
        `3.3 ${getting}`,
        'Three.',
      ),
    );
    expect(sections).toEqual([
      {
        number: '3',
        title: 'Governance for ICT',
        vision: 'One.',
        currentPosition: 'Two.',
        gettingThere: 'Three.',
      },
    ]);
  });

  it('reads unnumbered subsections in any order, and an area without all three', () => {
    const sections = findSections(
      doc(
        'Customer access',
        '',
        'Where we are now',
        'Phones in office hours.',
        'Where we want to be',
        'Open all hours.',
        '',
        'Workforce',
        'Vision',
        'Skilled staff',
      ),
    );
    expect(sections).toEqual([
      {
        number: null,
        title: 'Customer access',
        vision: 'Open all hours.',
        currentPosition: 'Phones in office hours.',
        gettingThere: null,
      },
      {
        number: null,
        title: 'Workforce',
        vision: 'Skilled staff',
        currentPosition: null,
        gettingThere: null,
      },
    ]);
  });

  it('does not take a short line of text for a new area between subsections', () => {
    const sections = findSections(
      doc(
        'Information management',
        'Vision',
        'Ensure that the council conforms with statutory requirements',
        'Current position',
        'No agreements are in place.',
      ),
    );
    expect(sections).toHaveLength(1);
    expect(sections[0]?.vision).toBe(
      'Ensure that the council conforms with statutory requirements',
    );
    expect(sections[0]?.currentPosition).toBe('No agreements are in place.');
  });

  it('reads a label with its text on the same line', () => {
    const sections = findSections(
      doc(
        '4 Technology',
        'Vision: one network for voice and data.',
        'Current position: two networks.',
        'Next steps - merge them.',
      ),
    );
    expect(sections[0]).toMatchObject({
      title: 'Technology',
      vision: 'one network for voice and data.',
      currentPosition: 'two networks.',
      gettingThere: 'merge them.',
    });
  });

  it('ends an unnumbered area at an appendix or action plan heading', () => {
    const sections = findSections(
      doc(
        'People',
        'Getting there',
        'Train everyone.',
        '',
        'Summary Action Plan',
        'MM Mike Mickleburgh',
      ),
    );
    expect(sections[0]?.gettingThere).toBe('Train everyone.');
  });
});

describe('findSections numbering styles', () => {
  it('reads "Section 1:" and "Theme 2." headings with "1.1" subsections', () => {
    const sections = findSections(
      doc(
        'Section 1: People',
        '1.1 Where we want to be',
        'Skilled staff.',
        'Theme 2. Places',
        '2.1) Where we are now',
        'Old buildings.',
      ),
    );
    expect(sections.map((s) => [s.number, s.title, s.vision ?? s.currentPosition])).toEqual([
      ['1', 'People', 'Skilled staff.'],
      ['2', 'Places', 'Old buildings.'],
    ]);
  });
});

describe('findSections traps', () => {
  it('never takes bullets, sentences or years for headings', () => {
    const sections = findSections(
      doc(
        '- Vision',
        'Our vision is described below in some detail for everyone.',
        '2020 Vision',
        '- 1.1 Vision',
        'The vision.',
      ),
    );
    expect(sections).toEqual([]);
  });

  it('keeps "1.1.2 Aims" under "1.1 Vision" as a line of the vision', () => {
    const sections = findSections(
      doc(
        '1 People',
        '1.1 Vision',
        '1.1.1 Objectives',
        'Skilled staff.',
        '1.1.2 Aims',
        'Happy staff.',
        '1.2 Current position',
        'Some skills.',
      ),
    );
    expect(sections).toHaveLength(1);
    expect(sections[0]?.vision).toBe(
      '1.1.1 Objectives\n\nSkilled staff.\n\n1.1.2 Aims\n\nHappy staff.',
    );
    expect(sections[0]?.currentPosition).toBe('Some skills.');
  });

  it('does not end an area at a numbered list that restarts at 1', () => {
    const sections = findSections(
      doc('3 Governance', '3.3 Getting there', 'We will:', '1 Set up a board', '2 Meet monthly'),
    );
    expect(sections[0]?.gettingThere).toBe('We will:\n\n1 Set up a board\n\n2 Meet monthly');
  });

  it('does not take a chapter called "2 Vision" for a subsection when areas have numbered subsections', () => {
    const sections = findSections(
      doc('2 Vision', 'Our vision is bold.', '3 People', '3.1 Vision', 'Skilled staff.'),
    );
    expect(sections).toEqual([
      {
        number: '3',
        title: 'People',
        vision: 'Skilled staff.',
        currentPosition: null,
        gettingThere: null,
      },
    ]);
  });

  it('leaves tables out of the text', () => {
    const sections = findSections(
      doc('1 People', '1.3 Getting there', 'Train staff.', '|Action|Owner', 'And keep them.'),
    );
    expect(sections[0]?.gettingThere).toBe('Train staff.\n\nAnd keep them.');
  });

  it('does not make an area of a lone "Aims: …" sentence in an introduction', () => {
    const sections = findSections(
      doc(
        'Introduction',
        '',
        'This plan explains our work.',
        'Aims: to explain the plan to members.',
      ),
    );
    expect(sections).toEqual([]);
    expect(findSections(doc('Vision', 'Something.'))).toEqual([]);
  });

  it('keeps a lone labelled subsection under a numbered heading', () => {
    expect(findSections(doc('4 Technology', 'Vision: one network.'))).toEqual([
      {
        number: '4',
        title: 'Technology',
        vision: 'one network.',
        currentPosition: null,
        gettingThere: null,
      },
    ]);
  });

  it('titles an area that has subsections but no heading', () => {
    expect(
      findSections(doc('Where we want to be', 'Open.', 'Where we are now', 'Closed.')),
    ).toEqual([
      {
        number: null,
        title: 'Area 1',
        vision: 'Open.',
        currentPosition: 'Closed.',
        gettingThere: null,
      },
    ]);
  });

  it('returns nothing for a document without areas', () => {
    expect(
      findSections(doc('1 Background', 'Some text.', '2 Recommendations', 'More text.')),
    ).toEqual([]);
    expect(findSections([])).toEqual([]);
  });
});

describe('findSections in Word documents', () => {
  it('uses heading levels: areas above, subsections below, deeper headings kept as text', () => {
    const sections = findSections(
      doc(
        '# ICT Strategy',
        '## Introduction',
        'Why we wrote this.',
        '## Customer access',
        '### Where we want to be',
        '#### Customer expectations',
        'Open all hours.',
        '- by phone',
        '### Where we are now',
        'Office hours.',
        '### How we will get there',
        'Extend hours.',
        '## Workforce',
        '### Vision',
        'Skilled staff.',
        '### Risks',
        'Staff leave.',
        '# Appendix',
        'Files.',
      ),
    );
    expect(sections).toEqual([
      {
        number: null,
        title: 'Customer access',
        vision: 'Customer expectations\n\nOpen all hours.\n\n- by phone',
        currentPosition: 'Office hours.',
        gettingThere: 'Extend hours.',
      },
      {
        number: null,
        title: 'Workforce',
        vision: 'Skilled staff.',
        currentPosition: null,
        gettingThere: null,
      },
    ]);
  });

  it('reads numbered Word headings', () => {
    const sections = findSections(
      doc(
        '# 5 Information Management',
        '## 5.1 Vision',
        'Conform.',
        '## 5.2 Current position',
        'Patchy.',
      ),
    );
    expect(sections[0]).toMatchObject({
      number: '5',
      title: 'Information Management',
      vision: 'Conform.',
      currentPosition: 'Patchy.',
    });
  });
});
