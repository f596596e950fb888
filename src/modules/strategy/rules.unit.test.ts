import { describe, expect, it } from 'vitest';
import { formatOwners, parseOwners } from './owners.js';
import { describeResources, formatPence, parseResources } from './resources.js';
import { parsePriority, priorityLabel } from './priority.js';
import { daysSince, isOverdue, isStale } from './status.js';

describe('parseOwners', () => {
  const known = ['AD, ICT', "AD, ICT and relevant service AD's", 'HR, T&D Mgr'];
  it.each([
    ['AD, ICT (Cabinet member and BoD)', 'AD, ICT', ['Cabinet member', 'BoD']],
    ['AD, ICT (BoD)', 'AD, ICT', ['BoD']],
    ['AD, ICT (SMT, BoD, Cabinet)', 'AD, ICT', ['SMT', 'BoD', 'Cabinet']],
    [
      'AD, ICT (Asst Chief Executive and Chief Finance officer)',
      'AD, ICT',
      ['Asst Chief Executive', 'Chief Finance officer'],
    ],
    ['AD, ICT (HR, T&D Mgr)', 'AD, ICT', ['HR, T&D Mgr']],
    ['ICT BS Mgr', 'ICT BS Mgr', []],
    ["ICT BS Mgr (AD's)", 'ICT BS Mgr', ["AD's"]],
    ['BD Mgr, ICT (IT users)', 'BD Mgr, ICT', ['IT users']],
    ["AD, ICT and relevant service AD's", "AD, ICT and relevant service AD's", []],
    ['ICT BD Mgr (HR T&D Mgr)', 'ICT BD Mgr', ['HR T&D Mgr']],
    ['  Deputy Head of ICT Services  ', 'Deputy Head of ICT Services', []],
    ['(Cabinet)', 'Cabinet', []],
    ['Head of ICT (with Procurement)', 'Head of ICT', ['Procurement']],
    ['Waste Services Manager with the Web Team', 'Waste Services Manager', ['the Web Team']],
  ])('%s', (text, lead, withList) => {
    expect(parseOwners(text, known)).toEqual({ lead, with: withList });
  });

  it('is empty for an empty cell', () => {
    expect(parseOwners('', known)).toEqual({ lead: null, with: [] });
    expect(parseOwners(null)).toEqual({ lead: null, with: [] });
  });

  it('writes owners back the way councils do', () => {
    expect(formatOwners({ lead: 'AD, ICT', with: ['SMT', 'BoD'] })).toBe('AD, ICT (SMT, BoD)');
    expect(formatOwners({ lead: 'ICT BS Mgr', with: [] })).toBe('ICT BS Mgr');
  });
});

describe('parseResources', () => {
  it.each([
    ['CR', 'current', null, null],
    ['cr', 'current', null, null],
    ['Within existing budget', 'current', null, null],
    ['AR', 'additional', null, null],
    ['Additional resources required', 'additional', null, null],
    ['£7,000', 'amount', 700_000, 'one-off'],
    ['£2 500', 'amount', 250_000, 'one-off'],
    ['£500 for 1000 licences', 'amount', 50_000, 'one-off'],
    ['£2,000 p.a.', 'amount', 200_000, 'per-year'],
    ['£1,000', 'amount', 100_000, 'one-off'],
    ['£250,000 (capital)', 'amount', 25_000_000, 'one-off'],
    ['£5k per year', 'amount', 500_000, 'per-year'],
    ['£1.5m', 'amount', 150_000_000, 'one-off'],
    ['£99.50', 'amount', 9_950, 'one-off'],
    ['Officer time from each directorate', 'text', null, null],
  ] as const)('%s', (text, kind, pence, period) => {
    const r = parseResources(text);
    expect(r.kind).toBe(kind);
    expect(r.amountPence).toBe(pence);
    expect(r.period).toBe(period);
    expect(r.text).toBe(text);
  });

  it('treats an empty cell as not stated', () => {
    expect(parseResources('  ')).toEqual({ kind: null, amountPence: null, period: null, text: '' });
  });

  it('describes resources in plain words', () => {
    expect(formatPence(700_000)).toBe('£7,000');
    expect(describeResources(parseResources('£2,000 p.a.'))).toBe('£2,000 a year');
    expect(describeResources(parseResources('CR'))).toBe('Within current resources');
    expect(describeResources(parseResources('AR'))).toBe(
      'Additional resources needed (not yet quantified)',
    );
  });
});

describe('parsePriority', () => {
  it.each([
    ['H', 'high'],
    ['h', 'high'],
    ['High', 'high'],
    ['M', 'medium'],
    ['Med.', 'medium'],
    ['L', 'low'],
    ['1', 'high'],
    ['', null],
    ['Urgent-ish', null],
  ])('%s → %s', (text, code) => {
    expect(parsePriority(text)).toBe(code);
  });

  it('labels codes', () => {
    expect(priorityLabel('medium')).toBe('Medium');
    expect(priorityLabel(null)).toBe('Not set');
  });
});

describe('overdue and stale', () => {
  it('is overdue only with a due date passed at the as-at date and the work open', () => {
    expect(isOverdue({ due_on: '2007-04-30', status: 'on_track' }, '2007-05-01')).toBe(true);
    expect(isOverdue({ due_on: '2007-04-30', status: 'on_track' }, '2007-04-30')).toBe(false);
    expect(isOverdue({ due_on: null, status: 'off_track' }, '2030-01-01')).toBe(false);
    expect(isOverdue({ due_on: '2007-04-30', status: 'complete' }, '2008-01-01')).toBe(false);
    expect(isOverdue({ due_on: '2007-04-30', status: 'cancelled' }, '2008-01-01')).toBe(false);
    expect(isOverdue({ due_on: '2007-04-30', status: 'superseded' }, '2008-01-01')).toBe(false);
    expect(isOverdue({ due_on: '2007-04-30', status: 'deferred' }, '2008-01-01')).toBe(true);
  });

  it('counts days since the last update', () => {
    expect(daysSince('2026-11-01', '2026-11-22')).toBe(21);
    expect(daysSince(null, '2026-11-22')).toBeNull();
  });

  it('is stale after 90 days without an update, unless closed', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    expect(
      isStale(
        {
          status: 'on_track',
          last_update_at: new Date('2026-08-01T10:00:00Z'),
          created_at: created,
        },
        '2026-11-22',
      ),
    ).toBe(true);
    expect(
      isStale(
        {
          status: 'on_track',
          last_update_at: new Date('2026-10-01T10:00:00Z'),
          created_at: created,
        },
        '2026-11-22',
      ),
    ).toBe(false);
    expect(
      isStale({ status: 'complete', last_update_at: null, created_at: created }, '2026-11-22'),
    ).toBe(false);
  });
});
