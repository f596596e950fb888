import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readText } from '../readers/text.js';
import { ImportRefusedError, type ImportPreview } from '../import.types.js';
import { understandDocument } from './index.js';

import { SAMPLES } from '../../../../test/helpers/samples.js';

function importSample(file: string): ImportPreview {
  const doc = readText(readFileSync(`${SAMPLES}/${file}`, 'utf8'), file);
  return understandDocument(doc);
}

type Row = [
  ref: string,
  priority: string,
  timescale: string,
  start: string | null,
  due: string | null,
  lead: string,
  withNames: string[],
  kind: string,
  amountPence: number | null,
  resourcesText: string,
  target: string,
];

// Read by hand from the plan, row by row.
const EXPECTED: Row[] = [
  [
    '1.1',
    'high',
    "Apr '07",
    '2007-04-01',
    '2007-04-30',
    'AD, ICT',
    ['Cabinet member', 'BoD'],
    'current',
    null,
    'CR',
    'Format agreed',
  ],
  [
    '1.2',
    'high',
    "Apr '07",
    '2007-04-01',
    '2007-04-30',
    'AD, ICT',
    ['BoD'],
    'current',
    null,
    'CR',
    'Process agreed',
  ],
  [
    '1.3',
    'medium',
    "Apr '07",
    '2007-04-01',
    '2007-04-30',
    'AD, ICT',
    ['Asst Chief Executive'],
    'current',
    null,
    'CR',
    'Measures agreed and within TEN',
  ],
  [
    '1.4',
    'medium',
    "Sept '07",
    '2007-09-01',
    '2007-09-30',
    'AD, ICT',
    ['Asst Chief Executive', 'Chief Finance officer'],
    'current',
    null,
    'CR',
    'Mechanism agreed and publicised',
  ],
  [
    '2.1',
    'medium',
    "Dec '07",
    '2007-12-01',
    '2007-12-31',
    'AD, ICT',
    ['SMT', 'BoD', 'Cabinet'],
    'current',
    null,
    'CR',
    'Strategy consultation',
  ],
  [
    '2.2',
    'medium',
    "Sep '07",
    '2007-09-01',
    '2007-09-30',
    'ICT BS Mgr',
    [],
    'current',
    null,
    'CR',
    'complete Procedures complete',
  ],
  [
    '2.3',
    'high',
    "Jan '08",
    '2008-01-01',
    '2008-01-31',
    'AD, ICT',
    ['HR, T&D Mgr'],
    'additional',
    null,
    'AR',
    'Standards and training devised',
  ],
  [
    '3.1',
    'high',
    "Aug '07",
    '2007-08-01',
    '2007-08-31',
    'BD Mgr, ICT',
    ['IT users'],
    'current',
    null,
    'CR',
    'Log complete',
  ],
  [
    '3.2',
    'medium',
    "Aug '07",
    '2007-08-01',
    '2007-08-31',
    'AD, ICT',
    ['SMT'],
    'current',
    null,
    'CR',
    'Process agreed',
  ],
  [
    '3.3',
    'high',
    "Jul '07",
    '2007-07-01',
    '2007-07-31',
    'ICT BS Mgr',
    ["AD's"],
    'current',
    null,
    'CR',
    'Arrangements confirmed and documented',
  ],
  [
    '3.4',
    'high',
    "Mar '08",
    '2008-03-01',
    '2008-03-31',
    'AD, ICT',
    [],
    'current',
    null,
    'CR',
    'New recharging mechanism in place',
  ],
  [
    '3.5',
    'medium',
    "Oct'07",
    '2007-10-01',
    '2007-10-31',
    'AD, ICT',
    [],
    'current',
    null,
    'CR',
    'Forum established',
  ],
  [
    '3.6',
    'high',
    "Apr '07",
    '2007-04-01',
    '2007-04-30',
    'ICT BS Mgr',
    [],
    'amount',
    700000,
    '£7,000',
    'Proposal completed',
  ],
  [
    '3.7',
    'high',
    "Apr '07",
    '2007-04-01',
    '2007-04-30',
    'ICT Infrastructure Mgr',
    [],
    'current',
    null,
    'CR',
    'Standards in place and options available to users',
  ],
  [
    '3.8',
    'medium',
    "Sept '07",
    '2007-09-01',
    '2007-09-30',
    'ICT BD mgr',
    [],
    'additional',
    null,
    'AR',
    'Plans complete',
  ],
  [
    '4.1',
    'high',
    "Jul '07",
    '2007-07-01',
    '2007-07-31',
    'AD, ICT',
    [],
    'current',
    null,
    'CR',
    'Set of performance measures, ICT open day held',
  ],
  [
    '4.2',
    'medium',
    'Annually',
    null,
    null,
    'AD, ICT',
    [],
    'amount',
    200000,
    '£2,000 p.a.',
    'Benchmarking done',
  ],
  [
    '4.3',
    'high',
    "Aug '07",
    '2007-08-01',
    '2007-08-31',
    "AD, ICT and relevant service AD's",
    [],
    'amount',
    100000,
    '£1,000',
    'Review complete and plans made',
  ],
  [
    '4.4',
    'medium',
    "Mar '08",
    '2008-03-01',
    '2008-03-31',
    "AD, ICT and relevant service AD's",
    [],
    'current',
    null,
    'CR',
    'Log and standards complete',
  ],
  [
    '4.5',
    'high',
    "May '07",
    '2007-05-01',
    '2007-05-31',
    'AD, ICT',
    [],
    'current',
    null,
    'CR',
    'Report to Board of Directors',
  ],
  [
    '4.6',
    'medium',
    "Jan '08",
    '2008-01-01',
    '2008-01-31',
    'ICT BS Mgr',
    [],
    'current',
    null,
    'CR',
    'Plan complete',
  ],
  [
    '4.7',
    'high',
    "Aug '07",
    '2007-08-01',
    '2007-08-31',
    'ICT BS Mgr',
    [],
    'current',
    null,
    'CR',
    'Review complete',
  ],
  [
    '4.8',
    'high',
    "Sept '07",
    '2007-09-01',
    '2007-09-30',
    'ICT BS Mgr',
    ['Proc Officer'],
    'current',
    null,
    'CR',
    'New procurement standards and routes complete',
  ],
  [
    '4.9',
    'high',
    "Jan'08",
    '2008-01-01',
    '2008-01-31',
    'ICT BS Mgr',
    [],
    'current',
    null,
    'CR',
    'Software reallocated',
  ],
  [
    '4.10',
    'medium',
    "Jan '08",
    '2008-01-01',
    '2008-01-31',
    'AD, ICT',
    ['HR, T&D Mgr'],
    'current',
    null,
    'CR',
    'Training reviewed, planned & costed',
  ],
  [
    '4.11',
    'low',
    "Aug '08",
    '2008-08-01',
    '2008-08-31',
    'AD, ICT',
    ['Procurement Mgr'],
    'current',
    null,
    'CR',
    'Standards produced',
  ],
  [
    '4.12',
    'medium',
    "Sept '08",
    '2008-09-01',
    '2008-09-30',
    'ICT Infrastructure Mgr',
    [],
    'current',
    null,
    'CR',
    'Options paper',
  ],
  [
    '4.13',
    'high',
    "Mar '07",
    '2007-03-01',
    '2007-03-31',
    'ICT BD Mgr',
    [],
    'current',
    null,
    'CR',
    'Options paper',
  ],
  [
    '4.14',
    'medium',
    "Start Apr '07, complete Aug '09",
    '2007-04-01',
    '2009-08-31',
    'ICT BD Mgr',
    [],
    'current',
    null,
    'CR',
    'Review complete',
  ],
  [
    '4.15',
    'medium',
    "Apr '08",
    '2008-04-01',
    '2008-04-30',
    'ICT Infrastructure Mgr',
    [],
    'additional',
    null,
    'AR',
    'ICT Architecture updated',
  ],
  [
    '5.1',
    'medium',
    "Aug '07",
    '2007-08-01',
    '2007-08-31',
    'ICT BD Mgr',
    [],
    'current',
    null,
    'CR',
    'Guidance complete',
  ],
  [
    '5.2',
    'low',
    "Dec '07",
    '2007-12-01',
    '2007-12-31',
    'ICT BD Mgr',
    ['HR T&D Mgr'],
    'additional',
    null,
    'AR',
    'Training programme agreed',
  ],
  [
    '6.1',
    'medium',
    "Dec '07",
    '2007-12-01',
    '2007-12-31',
    'AD, ICT',
    [],
    'current',
    null,
    'CR',
    'Actions taken or planned',
  ],
  [
    '6.2',
    'high',
    "Mar '07",
    '2007-03-01',
    '2007-03-31',
    'ICT Infrastructure Mgr',
    [],
    'additional',
    null,
    'AR',
    'Plan complete, actions planned',
  ],
  [
    '6.3',
    'medium',
    "Mar '08",
    '2008-03-01',
    '2008-03-31',
    'ICT Infrastructure Mgr',
    [],
    'current',
    null,
    'CR',
    'Compliance planned',
  ],
  [
    '6.4',
    'medium',
    "Dec '07",
    '2007-12-01',
    '2007-12-31',
    'ICT BS Mgr',
    [],
    'current',
    null,
    'CR',
    'Review complete',
  ],
  [
    '6.5',
    'medium',
    "Dec '07",
    '2007-12-01',
    '2007-12-31',
    'ICT BS Mgr',
    [],
    'current',
    null,
    'CR',
    'Options paper',
  ],
  [
    '6.6',
    'high',
    "Apr '07",
    '2007-04-01',
    '2007-04-30',
    'ICT Infrastructure Mgr',
    [],
    'current',
    null,
    'CR',
    'Review done and actions planned',
  ],
];

const THEMES = [
  '1. Strategic Direction',
  '2. Enabling the full potential of information',
  '3. Driven by corporate business requirements',
  '4. Best Value',
  '5. Innovative',
  '6. Reliable and secure',
];

describe.runIf(existsSync(`${SAMPLES}/ict-action-plan-2007.txt`))(
  'ict-action-plan-2007.txt',
  () => {
    // Read in beforeAll: a skipped describe still runs its body, and the file may not be there.
    let preview: ImportPreview;
    let byRef: Map<string | null, ImportPreview['actions'][number]>;
    beforeAll(() => {
      preview = importSample('ict-action-plan-2007.txt');
      byRef = new Map(preview.actions.map((a) => [a.ref, a]));
    });

    it('finds 38 actions in 6 themes, 1.1 to 6.6 in order', () => {
      expect(preview.summary.actions).toBe(38);
      expect(preview.summary.themes).toBe(6);
      expect(preview.summary.sentence).toMatch(/^38 actions in 6 themes/);
      expect(preview.themes).toEqual(THEMES);
      expect(preview.actions.map((a) => a.ref)).toEqual(EXPECTED.map((r) => r[0]));
      expect(preview.documentDate.slice(0, 4)).toBe('2007');
    });

    it('recognises the columns', () => {
      expect(preview.mapping.map((m) => m.field)).toEqual([
        'title',
        'priority',
        'timescale',
        'owner',
        'resources',
        'target',
      ]);
    });

    it.each(EXPECTED)(
      'reads action %s',
      (
        ref,
        priority,
        timescale,
        start,
        due,
        lead,
        withNames,
        kind,
        amountPence,
        resourcesText,
        target,
      ) => {
        const a = byRef.get(ref);
        expect(a).toBeDefined();
        if (!a) return;
        expect(a.theme).toBe(THEMES[Number(ref.split('.')[0]) - 1]);
        expect(a.priority).toBe(priority);
        expect(a.timescale.text).toBe(timescale);
        expect(a.timescale.start).toBe(start);
        expect(a.timescale.due).toBe(due);
        expect(a.owner.lead).toBe(lead);
        expect(a.owner.with).toEqual(withNames);
        expect(a.resources.kind).toBe(kind);
        expect(a.resources.amountPence).toBe(amountPence);
        expect(a.resources.text).toBe(resourcesText);
        expect(a.target).toBe(target);
        // The reference comes off the title; nothing of the row's layout is left in it.
        expect(a.title).not.toMatch(/^\d/);
        expect(a.title).not.toMatch(/\t|\n| {2}/);
        expect(Object.keys(a.source)).toHaveLength(6);
      },
    );

    it('joins the rows a page break cut in two', () => {
      expect(byRef.get('3.5')?.title).toBe(
        'Establish an ICT Champions forum (to consist of an ICT champion from each Division of the council)',
      );
      const a43 = byRef.get('4.3');
      expect(a43?.title).toBe(
        'Review, with external support, all ICT support activity undertaken outside of the ICT division where there is a substantial technical element of support or system maintenance and plan following conclusions',
      );
      expect(a43?.owner.text).toBe("AD, ICT and relevant service AD's");
      expect(a43?.owner.lead).toBe("AD, ICT and relevant service AD's");
      expect(a43?.resources).toMatchObject({
        kind: 'amount',
        amountPence: 100_000,
        text: '£1,000',
      });
      expect(a43?.target).toBe('Review complete and plans made');
      expect(byRef.get('5.2')?.title).toBe(
        'Devise a training programme to support good practice in the management of change and support corporate standards (such as PRINCE2) where these are agreed',
      );
      expect(byRef.get('5.2')?.target).toBe('Training programme agreed');
      // Each join is shown to the person so it can be checked.
      const joined = preview.warnings.filter((w) => w.code === 'rows-joined');
      expect(joined.map((w) => preview.actions[w.action ?? -1]?.ref)).toEqual([
        '3.5',
        '4.3',
        '5.2',
        '5.2',
      ]);
    });

    it('keeps the cells as read beside what was derived', () => {
      const a = byRef.get('3.6');
      expect(a?.source).toEqual({
        'action/task':
          '3.6 Consider and fully cost plans to adopt ICT support to cover the full business hours of all council services',
        Priority: 'H',
        Timescale: "Apr '07",
        'by who (with)': 'ICT BS Mgr',
        resources: '£7,000',
        targets: 'Proposal completed',
      });
      expect(a?.priorityText).toBe('H');
      expect(a?.extra).toEqual({});
    });

    it('reads the legend below the table into the glossary', () => {
      const codes = preview.glossary.map((g) => g.code);
      expect(codes).toContain('CR');
      expect(codes).toContain('AR');
      expect(preview.glossary.find((g) => g.code === 'CR')?.meaning).toBe(
        'Met within current resources',
      );
      expect(preview.glossary.find((g) => g.code === 'AR')?.meaning).toMatch(
        /^Additional resources required/,
      );
      expect(preview.glossary.some((g) => g.code.includes('£'))).toBe(true);
    });
  },
);

describe.runIf(existsSync(SAMPLES))('the samples that are not action plans', () => {
  it.each(['ict-strategy-cover-report.txt', 'strategy-progress-report-2007.txt'])(
    '%s is refused, saying it has no action table',
    (file) => {
      let error: unknown;
      try {
        importSample(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ImportRefusedError);
      const refused = error as ImportRefusedError;
      expect(refused.code).toBe('no-table');
      expect(refused.message).toContain(file);
      expect(refused.message).toMatch(/has no table in it, so there is no action plan to import/);
    },
  );
});
