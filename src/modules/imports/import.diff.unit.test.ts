import { describe, expect, it } from 'vitest';
import {
  assignRefs,
  checkActions,
  diffActions,
  sameTheme,
  statusFrom,
  themeArea,
  wordsOf,
  type ActionWords,
} from './import.diff.js';
import type { ImportPreview, PreviewAction } from './import.types.js';

function action(over: Partial<PreviewAction> = {}): PreviewAction {
  return {
    ref: '1.1',
    title: 'Review the ICT strategy annually',
    theme: '1. Strategic Direction',
    priority: 'high',
    priorityText: 'H',
    owner: { text: 'AD, ICT (BoD)', lead: 'AD, ICT', with: ['BoD'] },
    supportedBy: null,
    timescale: { text: "Apr '07", start: '2007-04-01', due: '2007-04-30', needsChecking: false },
    resources: { kind: 'current', amountPence: null, period: null, text: 'CR' },
    target: 'Format agreed',
    status: null,
    comments: null,
    extra: {},
    source: {},
    at: { line: 7 },
    ...over,
  };
}

function preview(actions: PreviewAction[]): ImportPreview {
  return {
    source: { name: 'pasted text', format: 'text', sheet: null, sheets: [] },
    documentDate: '2007-04-01',
    summary: { actions: actions.length, themes: 1, needsChecking: 0, sentence: '' },
    themes: ['1. Strategic Direction'],
    sections: [],
    glossary: [],
    mapping: [],
    warnings: [],
    actions,
  };
}

const existing = (words: ActionWords, id: string) => ({ ...words, id });

describe('themeArea', () => {
  it('reads the number and title of a theme heading', () => {
    expect(themeArea('4. Best Value')).toEqual({ number: '4', title: 'Best Value' });
    expect(themeArea('Theme 2: Working smarter')).toEqual({
      number: '2',
      title: 'Working smarter',
    });
    expect(themeArea('Innovation')).toEqual({ number: null, title: 'Innovation' });
  });

  it('treats the same number, or the same title, as the same theme', () => {
    expect(sameTheme('4. Best Value', '4 Best value')).toBe(true);
    expect(sameTheme('Best Value', 'best value')).toBe(true);
    expect(sameTheme('4. Best Value', '5. Best Value')).toBe(false);
    expect(sameTheme(null, '1. X')).toBe(false);
  });
});

describe('assignRefs', () => {
  it('keeps the plan’s own references and numbers the rest by their place', () => {
    const refs = assignRefs([
      action({ ref: '1.1' }),
      action({ ref: null }),
      action({ ref: 'A2' }),
      action({ ref: null }),
    ]);
    expect(refs).toEqual(['1.1', 'A2-2', 'A2', 'A4']);
  });
});

describe('statusFrom', () => {
  it('understands plain status words and leaves the rest', () => {
    expect(statusFrom('Completed.')).toBe('complete');
    expect(statusFrom('Amber')).toBe('at_risk');
    expect(statusFrom('On hold')).toBe('deferred');
    expect(statusFrom('Waiting for the board')).toBeUndefined();
  });
});

describe('checkActions', () => {
  it('names actions with the same reference and cells too long to keep', () => {
    const problems = checkActions(
      preview([
        action(),
        action({ title: 'Another', at: { line: 9 } }),
        action({ ref: '2.1', owner: { text: 'x', lead: 'x'.repeat(201), with: [] } }),
      ]),
    );
    expect(problems.map((p) => p.message)).toEqual([
      'Action 1.1 (line 9) has the same reference as Action 1.1 (line 7): fix the reference of one of them',
      'Action 2.1 (line 7): Lead must be 200 characters or fewer',
    ]);
  });
});

describe('diffActions', () => {
  it('matches by reference and compares word by word: added, changed, unchanged, missing', () => {
    const was = wordsOf(action(), '1.1');
    const kept = wordsOf(action({ ref: '1.2', title: 'Kept as it was' }), '1.2');
    const gone = wordsOf(action({ ref: '1.9', title: 'Dropped from the plan' }), '1.9');
    const incoming = [
      wordsOf(action({ timescale: { ...action().timescale, text: "Sept '07" } }), '1.1'),
      { ...kept, ref: '1.2' },
      wordsOf(action({ ref: '1.3', title: 'A new one' }), '1.3'),
    ];
    const diff = diffActions(incoming, [
      existing({ ...was, theme: '1. Strategic Direction' }, 'a'),
      existing({ ...kept, ref: '1.2', title: 'Kept  as it was ' }, 'b'),
      existing(gone, 'c'),
    ]);
    expect(diff.changed).toEqual([
      {
        index: 0,
        ref: '1.1',
        title: 'Review the ICT strategy annually',
        actionId: 'a',
        changes: [{ field: 'timescale', label: 'Timescale', before: "Apr '07", after: "Sept '07" }],
      },
    ]);
    expect(diff.unchanged.map((u) => u.actionId)).toEqual(['b']);
    expect(diff.added.map((a) => a.ref)).toEqual(['1.3']);
    expect(diff.missing).toEqual([{ ref: '1.9', title: 'Dropped from the plan', actionId: 'c' }]);
    expect(diff.sentence).toBe(
      '1 new action, 1 changed action, 1 unchanged; 1 action in the strategy is not in this plan and will be kept',
    );
  });
});
