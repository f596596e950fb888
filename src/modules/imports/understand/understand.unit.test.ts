import { describe, expect, it } from 'vitest';
import {
  ImportRefusedError,
  type SourceBlock,
  type SourceCell,
  type SourceDocument,
  type UnderstandOptions,
} from '../import.types.js';
import { readText } from '../readers/text.js';
import { cellFromText } from './cells.js';
import { recogniseColumn } from './columns.js';
import { understandDocument } from './index.js';
import { summarise } from './summary.js';

// Small documents built in code, shaped like the plans councils send.

type CellInput = string | SourceCell;

function toCell(c: CellInput): SourceCell {
  return typeof c === 'string' ? cellFromText(c) : c;
}

let line = 0;
function table(rows: CellInput[][], sheet?: string): SourceBlock {
  const first = line + 1;
  return {
    kind: 'table',
    rows: rows.map((cells) => ({ cells: cells.map(toCell), at: { line: ++line } })),
    at: { line: first },
    ...(sheet !== undefined ? { sheet } : {}),
  };
}

function para(text: string): SourceBlock {
  return { kind: 'paragraph', text, bullet: false, level: 0, at: { line: ++line } };
}

function heading(text: string, level = 2): SourceBlock {
  return { kind: 'heading', text, level, at: { line: ++line } };
}

function doc(blocks: SourceBlock[], extra: Partial<SourceDocument> = {}): SourceDocument {
  return { format: 'docx', name: 'plan.docx', blocks, warnings: [], ...extra };
}

const OPTIONS: UnderstandOptions = { documentDate: '2025-04-01' };

function understand(blocks: SourceBlock[], options: UnderstandOptions = {}) {
  return understandDocument(doc(blocks), { ...OPTIONS, ...options });
}

function refused(fn: () => unknown): ImportRefusedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImportRefusedError) return e;
    throw e;
  }
  throw new Error('not refused');
}

const HEADER = ['Action', 'Priority', 'By when', 'Lead officer', 'Budget', 'Success measure'];

describe('recognising columns by their headers', () => {
  it.each([
    ['Action', 'title'],
    ['action/task', 'title'],
    ['ACTIONS', 'title'],
    ['Task', 'title'],
    ['What we will do', 'title'],
    ['Objective / aim', 'title'],
    ['Priority', 'priority'],
    ['Timescale', 'timescale'],
    ['Time scale', 'timescale'],
    ['By when?', 'timescale'],
    ['Deadline', 'timescale'],
    ['Target date', 'timescale'],
    ['When', 'timescale'],
    ['By who (with)', 'owner'],
    ['by who', 'owner'],
    ['By whom', 'owner'],
    ['Responsibility', 'owner'],
    ['Lead officer', 'owner'],
    ['Responsible  Officer', 'owner'],
    ['Who will lead?', 'owner'],
    ['Action owner', 'owner'],
    ['Supported by', 'supportedBy'],
    ['Resources', 'resources'],
    ['Budget (£)', 'resources'],
    ['Cost', 'resources'],
    ['Targets', 'target'],
    ['Outcome', 'target'],
    ['Success measure', 'target'],
    ['How we will know', 'target'],
    ['Status', 'status'],
    ['RAG', 'status'],
    ['R.A.G.', 'status'],
    ['Comments', 'comments'],
    ['Latest update', 'comments'],
    ['Reference', 'ref'],
    ['Ref.', 'ref'],
    ['No.', 'ref'],
    ['#', 'ref'],
    ['Theme', 'theme'],
    ['Area', 'theme'],
  ])('“%s” is %s', (header, field) => {
    expect(recogniseColumn(header)).toBe(field);
  });

  it.each(['', 'Notes on funding from 2023 and the targets we set in the action plan', 'Colour'])(
    '“%s” is not recognised',
    (header) => {
      expect(header === 'Colour' ? recogniseColumn(header) : recogniseColumn(header)).toBeNull();
    },
  );

  it('maps a table, keeping unknown columns as extra fields', () => {
    const preview = understand([
      table([
        ['Ref', 'What we will do', 'Deadline', 'Responsible officer', 'Ward', 'RAG'],
        ['A1', 'Replace the firewall', 'June 2025', 'Head of ICT', 'All', 'Green'],
      ]),
    ]);
    expect(preview.mapping.map((m) => [m.header, m.field, m.recognised])).toEqual([
      ['Ref', 'ref', true],
      ['What we will do', 'title', true],
      ['Deadline', 'timescale', true],
      ['Responsible officer', 'owner', true],
      ['Ward', 'extra', false],
      ['RAG', 'status', true],
    ]);
    const [a] = preview.actions;
    expect(a).toMatchObject({
      ref: 'A1',
      title: 'Replace the firewall',
      status: 'Green',
      extra: { Ward: 'All' },
      timescale: { text: 'June 2025', start: '2025-06-01', due: '2025-06-30' },
      owner: { text: 'Head of ICT', lead: 'Head of ICT', with: [] },
    });
    expect(a?.source).toEqual({
      Ref: 'A1',
      'What we will do': 'Replace the firewall',
      Deadline: 'June 2025',
      'Responsible officer': 'Head of ICT',
      Ward: 'All',
      RAG: 'Green',
    });
  });

  it('treats an “Objective” column beside an “Action” column as the theme', () => {
    const preview = understand([
      table([
        ['Objective', 'Action', 'Timescale'],
        ['Modern workplace', 'Roll out laptops', 'May 2025'],
        ['', 'Retire old desktops', 'June 2025'],
      ]),
    ]);
    expect(preview.mapping.map((m) => m.field)).toEqual(['theme', 'title', 'timescale']);
    expect(preview.actions.map((a) => [a.title, a.theme])).toEqual([
      ['Roll out laptops', 'Modern workplace'],
      ['Retire old desktops', 'Modern workplace'],
    ]);
  });
});

describe('finding the table', () => {
  it('skips title rows above the header and reads the year in the title', () => {
    const preview = understandDocument(
      doc([
        table([
          ['ICT Action Plan 2024', '', ''],
          ['Draft for Cabinet', '', ''],
          ['Task', 'Deadline', 'Owner'],
          ['Move email to the cloud', "Mar '25", 'ICT Manager'],
        ]),
      ]),
    );
    expect(preview.actions).toHaveLength(1);
    expect(preview.actions[0]?.title).toBe('Move email to the cloud');
    expect(preview.documentDate).toBe('2024-01-01');
    expect(preview.actions[0]?.timescale.due).toBe('2025-03-31');
  });

  it('chooses the table with the best action column', () => {
    const preview = understand([
      table([
        ['Term', 'Meaning'],
        ['CR', 'Current resources'],
      ]),
      table([HEADER, ['Buy laptops', 'H', 'May 2025', 'ICT Manager', '£5,000', 'Laptops bought']]),
    ]);
    expect(preview.actions.map((a) => a.title)).toEqual(['Buy laptops']);
  });

  it('chooses a workbook sheet by name', () => {
    const blocks = [
      table(
        [
          ['Action', 'When'],
          ['On sheet one', 'May 2025'],
        ],
        'Plan 2024',
      ),
      table(
        [
          ['Action', 'When'],
          ['On sheet two', 'June 2025'],
        ],
        'Plan 2025',
      ),
    ];
    const sheets = ['Plan 2024', 'Plan 2025'];
    const chosen = understandDocument(doc(blocks, { format: 'xlsx', sheets }), {
      ...OPTIONS,
      sheet: 'Plan 2025',
    });
    expect(chosen.source).toEqual({
      name: 'plan.docx',
      format: 'xlsx',
      sheet: 'Plan 2025',
      sheets,
    });
    expect(chosen.actions.map((a) => a.title)).toEqual(['On sheet two']);
    const error = refused(() =>
      understandDocument(doc(blocks, { format: 'xlsx', sheets }), { sheet: 'Plan 2026' }),
    );
    expect(error.code).toBe('unknown-sheet');
    expect(error.message).toContain('“Plan 2026”');
    expect(error.message).toContain('“Plan 2024”, “Plan 2025”');
  });

  it('refuses a document with no table', () => {
    const error = refused(() => understand([para('Background'), para('The council agreed…')]));
    expect(error.code).toBe('no-table');
    expect(error.message).toMatch(/“plan\.docx” has no table in it/);
  });

  it('refuses a table with no action column', () => {
    const error = refused(() =>
      understand([
        table([
          ['Name', 'Phone'],
          ['Sam', '0123'],
        ]),
      ]),
    );
    expect(error.code).toBe('no-action-column');
    expect(error.message).toMatch(/could not find a column of actions/);
    expect(error.message).toMatch(/“Action”, “Task” or “What we will do”/);
  });

  it('refuses when the person maps no column to the action', () => {
    const error = refused(() =>
      understand([table([HEADER, ['Buy laptops', 'H', 'May 2025', 'ICT', 'CR', 'Done']])], {
        mapping: { 0: 'comments' },
      }),
    );
    expect(error.code).toBe('no-action-column');
  });
});

describe('rows', () => {
  it('drops header rows repeated after a page break', () => {
    const preview = understand([
      table([
        HEADER,
        ['1.1 First', 'H', 'May 2025', 'ICT Manager', 'CR', 'Done'],
        ['ACTION', 'priority', 'by when', 'lead officer', 'budget', 'success measure'],
        ['1.2 Second', 'M', 'June 2025', 'ICT Manager', 'CR', 'Done'],
      ]),
    ]);
    expect(preview.actions.map((a) => a.ref)).toEqual(['1.1', '1.2']);
  });

  it('reads theme rows in their several forms', () => {
    const spanning: CellInput[] = [
      cellFromText('Digital services'),
      ...Array.from({ length: 5 }, () => ({ ...cellFromText(''), mergedIntoPrevious: true })),
    ];
    const preview = understand([
      para('ICT Action Plan'),
      para('1. Strategic direction'),
      table([
        HEADER,
        ['1.1 Agree the strategy', 'H', 'May 2025', 'Head of ICT', 'CR', 'Agreed'],
        ['Theme 2: Working smarter', '', '', '', '', ''],
        ['2.1 Roll out Teams', 'M', 'June 2025', 'ICT Manager', 'CR', 'In use'],
        ['4. Best Value', '', '', '', '', ''],
        ['4.1 Benchmark costs', 'L', 'July 2025', 'ICT Manager', 'CR', 'Benchmarked'],
        spanning,
        ['5.1 New website', 'H', 'Aug 2025', 'Web Manager', '£20k', 'Live'],
      ]),
      heading('6. Reliable and secure'),
      table([HEADER, ['6.1 Pass PSN', 'H', 'Sept 2025', 'ICT Manager', 'CR', 'Certificate']]),
    ]);
    expect(preview.actions.map((a) => [a.ref, a.theme])).toEqual([
      ['1.1', '1. Strategic direction'],
      ['2.1', 'Theme 2: Working smarter'],
      ['4.1', '4. Best Value'],
      ['5.1', 'Digital services'],
      ['6.1', '6. Reliable and secure'],
    ]);
    expect(preview.themes).toHaveLength(5);
    expect(preview.summary.sentence).toBe('5 actions in 5 themes');
  });

  it('reads a heading in the action column of a numbered table as a theme', () => {
    const preview = understand([
      table([
        ['No.', 'Action', 'Timescale'],
        ['', 'Working smarter', ''],
        ['1', 'Roll out laptops', 'May 2025'],
        ['', 'Customer access', ''],
        ['2', 'New website', 'June 2025'],
      ]),
    ]);
    expect(preview.actions.map((a) => [a.ref, a.theme])).toEqual([
      ['1', 'Working smarter'],
      ['2', 'Customer access'],
    ]);
  });

  it('carries a theme written once per group down its rows', () => {
    const preview = understand([
      table([
        ['', 'Action', 'Responsibility', 'Timescale'],
        ['Governance', 'Set up a board', 'SB', 'June 2025'],
        ['', 'Write terms of reference', 'SB', 'July 2025'],
        ['Skills', 'Train managers', 'AG', 'Sept 2025'],
      ]),
    ]);
    expect(preview.mapping[0]).toMatchObject({ header: 'Column 1', field: 'theme' });
    expect(preview.actions.map((a) => a.theme)).toEqual(['Governance', 'Governance', 'Skills']);
    expect(preview.themes).toEqual(['Governance', 'Skills']);
  });

  it('takes a leading number in the action as its reference', () => {
    const preview = understand([
      table([
        ['Action', 'When'],
        ['4.7 Review the ICT Support Centre', 'May 2025'],
        ['12. Replace the phones', 'May 2025'],
        ['2025 review of licences', 'May 2025'],
      ]),
    ]);
    expect(preview.actions.map((a) => [a.ref, a.title])).toEqual([
      ['4.7', 'Review the ICT Support Centre'],
      ['12', 'Replace the phones'],
      [null, '2025 review of licences'],
    ]);
  });

  it('joins a row cut by a page break back into the row above, cell by cell', () => {
    const preview = readAndUnderstand(
      [
        'Action\tPriority\tTimescale\tBy who\tResources\tTargets',
        '1.1 Set up a forum (one member from each Division of the\tM\tOct 25\tAD, ICT\tCR\tForum set up',
        '',
        'council)\t\t\t\t\t',
        '1.2 Review, with external support, all ICT support\tH\tAug 25\tAD, ICT and\t\tReview complete and',
        '',
        'activity outside the ICT division\t\t\trelevant service ADs\t£1,000\tplans made',
        '1.3 Devise a training programme for managing change and\tL\tDec 25\tICT BD Mgr\tAR\tTraining programme',
        '',
        'support where these are agreed',
        '',
        'agreed',
        '',
        '2. Next theme',
      ].join('\n'),
    );
    expect(preview.actions.map((a) => a.ref)).toEqual(['1.1', '1.2', '1.3']);
    const [a, b, c] = preview.actions;
    expect(a?.title).toBe('Set up a forum (one member from each Division of the council)');
    expect(b?.title).toBe(
      'Review, with external support, all ICT support activity outside the ICT division',
    );
    expect(b?.owner.lead).toBe('AD, ICT and relevant service ADs');
    expect(b?.resources).toMatchObject({ kind: 'amount', amountPence: 100_000 });
    expect(b?.target).toBe('Review complete and plans made');
    expect(b?.source.Targets).toBe('Review complete and plans made');
    expect(c?.title).toBe(
      'Devise a training programme for managing change and support where these are agreed',
    );
    expect(c?.target).toBe('Training programme agreed');
    expect(preview.warnings.filter((w) => w.code === 'rows-joined').map((w) => w.at?.line)).toEqual(
      [4, 7, 10, 12],
    );
  });

  it('tells a theme row from the end of a cut sentence', () => {
    const across = (text: string): CellInput[] => [
      cellFromText(text),
      { ...cellFromText(''), mergedIntoPrevious: true },
      { ...cellFromText(''), mergedIntoPrevious: true },
    ];
    const preview = understand([
      table([
        ['Action', 'Timescale', 'Lead'],
        ['Set up a forum (one member from each', 'May 2025', 'ICT Manager'],
        ['Division)', '', ''],
        ['Agree the terms of reference with', 'June 2025', 'ICT Manager'],
        across('Digital services'),
        ['Launch the new website', 'July 2025', 'Web Manager'],
      ]),
    ]);
    expect(preview.actions.map((a) => [a.title, a.theme])).toEqual([
      ['Set up a forum (one member from each Division)', null],
      ['Agree the terms of reference with', null],
      ['Launch the new website', 'Digital services'],
    ]);
  });

  it('does not join a full row that simply has fewer cells filled', () => {
    const preview = understand([
      table([
        HEADER,
        ['Buy laptops.', 'H', 'May 2025', 'ICT Manager', 'CR', 'Laptops bought'],
        ['Retire desktops', '', 'June 2025', 'ICT Manager', '', ''],
      ]),
    ]);
    expect(preview.actions.map((a) => a.title)).toEqual(['Buy laptops.', 'Retire desktops']);
  });

  it('leaves a key under the table to the glossary and skips a total row', () => {
    const preview = understand([
      heading('ICT Action Plan', 1),
      table([
        HEADER,
        ['Buy laptops', 'H', 'May 2025', 'ICT Manager', '£5,000', 'Bought'],
        ['Total', '', '', '', '£5,000', ''],
        ['', '', '', '', '', ''],
        ['Key:', '', '', '', '', ''],
        ['CR', 'Met within current resources', '', '', '', ''],
        ['AR = Additional resources required', '', '', '', '', ''],
      ]),
    ]);
    expect(preview.actions.map((a) => [a.title, a.theme])).toEqual([['Buy laptops', null]]);
    expect(preview.warnings.map((w) => w.code)).toEqual(['total-row-skipped']);
    expect(preview.summary.sentence).toBe('1 action');
  });

  it('reports a row with no action instead of losing it', () => {
    const preview = understand([
      table([
        HEADER,
        ['', 'H', 'May 2025', 'ICT Manager', 'CR', 'Laptops bought'],
        ['Buy laptops', 'H', 'May 2025', 'ICT Manager', 'CR', 'Laptops bought'],
      ]),
    ]);
    expect(preview.actions).toHaveLength(1);
    const warning = preview.warnings.find((w) => w.code === 'row-without-action');
    expect(warning?.message).toMatch(/has no action in the “Action” column/);
    expect(warning?.message).toContain('ICT Manager');
  });
});

function readAndUnderstand(text: string, options: UnderstandOptions = {}) {
  return understandDocument(readText(text, 'pasted text'), { ...OPTIONS, ...options });
}

describe('bullets', () => {
  it('splits actions listed as bullets with their dates and owners in the same order', () => {
    const rows = [
      ['Ref', 'Action', 'Timescale', 'Lead', 'Resources'],
      [
        '3.8',
        '- Integrate fixed and mobile phones\n- Integrate voicemail and email\n- Move to IP telephony',
        'June 2025\nSept 2025\nMarch 2026',
        'ICT Manager',
        'AR',
      ],
    ];
    const preview = understand([table(rows)]);
    expect(
      preview.actions.map((a) => [a.ref, a.title, a.timescale.due, a.owner.lead, a.resources.kind]),
    ).toEqual([
      ['3.8a', 'Integrate fixed and mobile phones', '2025-06-30', 'ICT Manager', 'additional'],
      ['3.8b', 'Integrate voicemail and email', '2025-09-30', 'ICT Manager', 'additional'],
      ['3.8c', 'Move to IP telephony', '2026-03-31', 'ICT Manager', 'additional'],
    ]);
    expect(preview.warnings.map((w) => [w.code, w.action])).toEqual([['bullets-split', 0]]);
    // A reference the person fixes is taken as given.
    const fixed = understandDocument(doc([table(rows)]), {
      ...OPTIONS,
      fixes: { 1: { ref: '3.9' } },
    });
    expect(fixed.actions.map((a) => a.ref)).toEqual(['3.8a', '3.9', '3.8c']);
  });

  it('splits bullets written as HTML-like markup', () => {
    const preview = understand([
      table([
        ['Action', 'By when', 'By who'],
        [
          '<ul><li>Buy laptops</li><li>Train staff</li></ul>',
          '<p>May 2025</p><p>June 2025</p>',
          '<p>ICT Manager</p><p>HR Manager</p>',
        ],
      ]),
    ]);
    expect(preview.actions.map((a) => [a.title, a.timescale.text, a.owner.lead])).toEqual([
      ['Buy laptops', 'May 2025', 'ICT Manager'],
      ['Train staff', 'June 2025', 'HR Manager'],
    ]);
  });

  it('keeps one action and warns when the lists do not line up', () => {
    const preview = understand([
      table([
        ['Action', 'Timescale', 'Lead'],
        ['• Buy laptops\n• Train staff\n• Retire desktops', 'May 2025\nJune 2025', 'ICT Manager'],
      ]),
    ]);
    expect(preview.actions).toHaveLength(1);
    expect(preview.actions[0]?.title).toBe('• Buy laptops\n• Train staff\n• Retire desktops');
    const warning = preview.warnings.find((w) => w.code === 'bullet-count-mismatch');
    expect(warning?.action).toBe(0);
    expect(warning?.message).toMatch(/lists 3 actions as bullets, but “Timescale” has 2 entries/);
  });

  it('keeps a list under a lead-in line as one action', () => {
    const preview = understand([
      table([
        ['Action', 'Timescale'],
        ['Devise plans to use IP telephony for:\n- mobile\n- voicemail', 'Sept 2025'],
      ]),
    ]);
    expect(preview.actions).toHaveLength(1);
    expect(preview.warnings).toEqual([]);
  });
});

describe('deriving fields', () => {
  it('derives priority, owners, resources and timescale, keeping the words', () => {
    const preview = understand([
      table([
        HEADER,
        [
          'Buy laptops',
          'High',
          'Start Apr 25, complete Mar 26',
          'AD, ICT (HR, Finance)',
          '£2,000 p.a.',
          'Bought',
        ],
        ['Sort backups', 'Urgent-ish', 'sometime', 'ICT Manager', 'CR', 'Sorted'],
      ]),
    ]);
    const [a, b] = preview.actions;
    expect(a).toMatchObject({
      priority: 'high',
      priorityText: 'High',
      timescale: { start: '2025-04-01', due: '2026-03-31', needsChecking: false },
      owner: { lead: 'AD, ICT', with: ['HR', 'Finance'] },
      resources: { kind: 'amount', amountPence: 200_000, period: 'per-year', text: '£2,000 p.a.' },
      target: 'Bought',
    });
    expect(b?.priority).toBeNull();
    expect(b?.timescale).toMatchObject({ text: 'sometime', due: null, needsChecking: true });
    expect(preview.summary).toEqual({
      actions: 2,
      themes: 0,
      needsChecking: 1,
      sentence: '2 actions; 1 timescale needs checking',
    });
    expect(preview.warnings.map((w) => [w.code, w.action])).toEqual([
      ['timescale-needs-checking', 1],
      ['priority-not-recognised', 1],
    ]);
  });

  it('runs the paragraphs of a title cell together', () => {
    const preview = understand([
      table([
        ['Action', 'When'],
        ['Train staff\nin Microsoft 365', 'May 2025'],
      ]),
    ]);
    expect(preview.actions[0]?.title).toBe('Train staff in Microsoft 365');
    expect(preview.actions[0]?.source.Action).toBe('Train staff\nin Microsoft 365');
  });

  it('takes an Excel date and number as they are', () => {
    const preview = understandDocument(
      doc(
        [
          table(
            [
              ['Action', 'Target date', 'Cost'],
              [
                'Buy laptops',
                { text: '30/06/2025', lines: [], date: '2025-06-30' },
                { text: '7000', lines: [], number: 7000 },
              ],
            ],
            'Plan',
          ),
        ],
        { format: 'xlsx', sheets: ['Plan'] },
      ),
      OPTIONS,
    );
    expect(preview.actions[0]?.timescale).toEqual({
      text: '30/06/2025',
      start: null,
      due: '2025-06-30',
      needsChecking: false,
    });
    expect(preview.actions[0]?.resources).toMatchObject({ kind: 'amount', amountPence: 700_000 });
  });

  it('keeps names the organisation knows whole', () => {
    const preview = understand(
      [
        table([
          ['Action', 'By who (with)'],
          ['Train staff', 'AD, ICT (HR, T&D Mgr)'],
        ]),
      ],
      { knownOwners: ['HR, T&D Mgr'] },
    );
    expect(preview.actions[0]?.owner.with).toEqual(['HR, T&D Mgr']);
  });

  it.each([
    ['ICT Action Plan 2024/25', '2024-04-01'],
    ['ICT Strategy 2005 - 2007', '2005-01-01'],
    ['Digital plan, March 2019', '2019-01-01'],
  ])('dates the plan “%s” %s', (title, date) => {
    const preview = understandDocument(
      doc([
        heading(title, 1),
        table([
          ['Action', 'When'],
          ['Do it', 'May 2025'],
        ]),
      ]),
    );
    expect(preview.documentDate).toBe(date);
  });

  it('reads two-digit years against the plan’s earliest date when it has no other', () => {
    const preview = understandDocument(
      doc([
        table([
          ['Action', 'When'],
          ['Do it', "Apr '07"],
          ['Then this', 'NOW'],
        ]),
      ]),
    );
    expect(preview.documentDate).toBe('2007-04-01');
    expect(preview.actions[1]?.timescale.due).toBe('2007-04-01');
  });
});

describe('the person’s corrections', () => {
  const blocks = () => [
    table([
      ['Action', 'Column B', 'Owner', 'Notes'],
      ['Buy laptops', 'May 2025', 'ICT Manager', 'Budget agreed'],
    ]),
  ];

  it('applies a changed mapping before deriving', () => {
    const before = understand(blocks());
    expect(before.mapping.map((m) => m.field)).toEqual(['title', 'extra', 'owner', 'comments']);
    expect(before.actions[0]?.extra).toEqual({ 'Column B': 'May 2025' });

    const after = understand(blocks(), { mapping: { 1: 'timescale', 3: 'ignore' } });
    expect(after.mapping.map((m) => [m.field, m.recognised])).toEqual([
      ['title', true],
      ['timescale', false],
      ['owner', true],
      ['ignore', false],
    ]);
    expect(after.actions[0]?.timescale.due).toBe('2025-05-31');
    expect(after.actions[0]?.comments).toBeNull();
    expect(after.actions[0]?.extra).toEqual({});
    // What was read is still shown.
    expect(after.actions[0]?.source.Notes).toBe('Budget agreed');
  });

  it('moves a meaning to the column the person chose', () => {
    const after = understand(blocks(), { mapping: { 3: 'owner' } });
    expect(after.mapping.map((m) => m.field)).toEqual(['title', 'extra', 'extra', 'owner']);
    expect(after.actions[0]?.owner.lead).toBe('Budget agreed');
  });

  it('applies a fixed cell before deriving, keeping the cell as read', () => {
    const after = understand(blocks(), {
      mapping: { 1: 'timescale' },
      fixes: {
        0: { timescale: 'June 2025', title: 'Buy 40 laptops', target: 'All staff equipped' },
      },
    });
    const [a] = after.actions;
    expect(a?.title).toBe('Buy 40 laptops');
    expect(a?.timescale).toMatchObject({ text: 'June 2025', due: '2025-06-30' });
    expect(a?.target).toBe('All staff equipped');
    expect(a?.source['Column B']).toBe('May 2025');
  });
});

describe('summary sentence', () => {
  it.each([
    [38, 6, 3, '38 actions in 6 themes; 3 timescales need checking'],
    [1, 1, 1, '1 action in 1 theme; 1 timescale needs checking'],
    [2, 0, 0, '2 actions'],
    [0, 0, 0, '0 actions'],
  ])('%i, %i, %i → “%s”', (actions, themes, check, sentence) => {
    expect(summarise(actions, themes, check).sentence).toBe(sentence);
  });
});

describe('speed', () => {
  it('previews a plan of 1,000 rows', () => {
    const lines = ['Ref\tAction\tPriority\tTimescale\tBy who (with)\tResources\tTargets'];
    for (let i = 1; i <= 1000; i++) {
      if (i % 50 === 1) lines.push(`Theme ${String(Math.ceil(i / 50))}: Area\t\t\t\t\t\t`);
      lines.push(`${i}\tDo thing ${i} well\tH\tApr '25\tAD, ICT (BoD)\t£1,000\tDone`);
    }
    const preview = readAndUnderstand(lines.join('\n'));
    expect(preview.summary.sentence).toBe('1000 actions in 20 themes');
  });
});
