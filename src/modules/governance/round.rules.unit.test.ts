import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './jobs.queue.js';
import { roundMail } from './round.mail.js';
import {
  addDays,
  addMonths,
  dueRequests,
  londonDate,
  londonMidnight,
  nudgeAllowed,
  outstanding,
  reminderDue,
  remindAt,
  responseState,
  roundIsDue,
  updatesSince,
} from './round.rules.js';

const at = (iso: string) => new Date(iso);

describe('dates', () => {
  it('adds days and months as a council would count them', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addMonths('2026-05-31', -3)).toBe('2026-02-28');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2024-05-31', -3)).toBe('2024-02-29');
  });

  it('knows the UK date and when a UK day begins, in winter and in summer', () => {
    expect(londonDate(at('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(londonDate(at('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
    expect(londonMidnight('2026-07-01').toISOString()).toBe('2026-06-30T23:00:00.000Z');
    expect(londonMidnight('2026-12-01').toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});

describe('when a round starts', () => {
  const base = {
    today: '2026-11-22',
    meetsOn: '2026-12-10',
    leadDays: 14,
    status: 'planned' as const,
  };

  it('starts on the "as at" date less the lead time, or any day after', () => {
    expect(roundIsDue({ ...base, asAt: '2026-12-06' })).toBe(true);
    expect(roundIsDue({ ...base, asAt: '2026-12-07' })).toBe(false);
    expect(roundIsDue({ ...base, asAt: '2026-12-01', today: '2026-11-30' })).toBe(true);
  });

  it('never for a meeting held, cancelled or already past', () => {
    expect(roundIsDue({ ...base, asAt: '2026-12-01', status: 'held' })).toBe(false);
    expect(roundIsDue({ ...base, asAt: '2026-12-01', status: 'cancelled' })).toBe(false);
    expect(roundIsDue({ ...base, asAt: '2026-11-01', meetsOn: '2026-11-20' })).toBe(false);
  });
});

describe('which updates count as new', () => {
  it('those after the board’s latest earlier report or round', () => {
    const since = updatesSince({
      asAt: '2026-12-31',
      cycle: 'quarterly',
      previousAsAt: ['2026-06-30', '2026-09-30', null, '2027-03-31'],
    });
    expect(since.toISOString()).toBe('2026-09-30T23:00:00.000Z'); // 1 October, BST
  });

  it('for a board’s first round, those in the last reporting cycle', () => {
    const quarterly = updatesSince({ asAt: '2026-12-31', cycle: 'quarterly', previousAsAt: [] });
    expect(londonDate(quarterly)).toBe('2026-10-01');
    const monthly = updatesSince({ asAt: '2026-12-31', cycle: 'monthly', previousAsAt: [] });
    expect(londonDate(monthly)).toBe('2026-12-01');
    const annual = updatesSince({ asAt: '2026-12-31', cycle: 'annual', previousAsAt: [] });
    expect(londonDate(annual)).toBe('2026-01-01');
  });
});

describe('who is asked', () => {
  const since = at('2026-10-01T00:00:00Z');
  it('every owner of an action with no update since, once each, with all their actions', () => {
    const requests = dueRequests(
      [
        { id: 'a1', ownerIds: ['alice'], lastUpdateAt: null },
        { id: 'a2', ownerIds: ['alice', 'bob'], lastUpdateAt: at('2026-09-30T12:00:00Z') },
        { id: 'a3', ownerIds: ['bob'], lastUpdateAt: at('2026-10-02T12:00:00Z') },
        { id: 'a4', ownerIds: [], lastUpdateAt: null },
        { id: 'a5', ownerIds: ['carol', 'carol'], lastUpdateAt: null },
      ],
      since,
    );
    expect(Object.fromEntries(requests)).toEqual({
      alice: ['a1', 'a2'],
      bob: ['a2'],
      carol: ['a5'],
    });
  });

  it('an update exactly at the start counts', () => {
    expect(dueRequests([{ id: 'a', ownerIds: ['x'], lastUpdateAt: since }], since).size).toBe(0);
  });
});

describe('responses, reminders and nudges', () => {
  const started = at('2026-11-22T09:00:00Z');
  const updates = new Map<string, Date | null>([
    ['a1', at('2026-11-23T10:00:00Z')],
    ['a2', at('2026-11-01T10:00:00Z')],
    ['a3', null],
  ]);

  it('what is outstanding: actions without an update since the round began', () => {
    expect(outstanding(['a1', 'a2', 'a3'], updates, started)).toEqual(['a2', 'a3']);
    expect(outstanding(['a1'], updates, started)).toEqual([]);
  });

  it('says how a person stands, in words', () => {
    expect(responseState({ requestedAt: started, asked: 3, outstanding: 0 })).toBe('responded');
    expect(responseState({ requestedAt: started, asked: 3, outstanding: 1 })).toBe('partly');
    expect(responseState({ requestedAt: started, asked: 3, outstanding: 3 })).toBe('not_responded');
    expect(responseState({ requestedAt: null, asked: 3, outstanding: 3 })).toBe('waiting');
  });

  it('reminds only those asked, not yet reminded, still outstanding, once the day has come', () => {
    const due = {
      now: at('2026-11-29T09:00:00Z'),
      remindAt: remindAt(started, 7),
      requestedAt: started,
      remindedAt: null,
      outstanding: 2,
      meetingStatus: 'planned' as const,
    };
    expect(due.remindAt.toISOString()).toBe('2026-11-29T09:00:00.000Z');
    expect(reminderDue(due)).toBe(true);
    expect(reminderDue({ ...due, now: at('2026-11-29T08:59:00Z') })).toBe(false);
    expect(reminderDue({ ...due, outstanding: 0 })).toBe(false);
    expect(reminderDue({ ...due, remindedAt: due.now })).toBe(false);
    expect(reminderDue({ ...due, requestedAt: null })).toBe(false);
    expect(reminderDue({ ...due, meetingStatus: 'cancelled' })).toBe(false);
  });

  it('allows one nudge an hour', () => {
    const last = at('2026-11-23T10:00:00Z');
    expect(nudgeAllowed(null, last)).toEqual({ allowed: true });
    expect(nudgeAllowed(last, at('2026-11-23T10:59:59Z'))).toEqual({
      allowed: false,
      nextAt: at('2026-11-23T11:00:00Z'),
    });
    expect(nudgeAllowed(last, at('2026-11-23T11:00:00Z'))).toEqual({ allowed: true });
  });
});

describe('job retries', () => {
  it('wait longer each time, up to an hour', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20)).toBe(3_600_000);
  });
});

describe('the mails', () => {
  const input = {
    to: 'alice@example.org',
    name: 'Alice Owner',
    organisationName: 'Testshire Council',
    boardName: 'Business Strategy Group',
    meetsOn: '2026-12-10',
    asAt: '2026-12-01',
    since: '2026-09-01',
    actions: [
      {
        ref: '4.7',
        title: 'Replace the <telephone> system',
        strategyTitle: 'ICT Strategy',
        link: 'https://w.example/actions/x/progress',
      },
    ],
    myActionsLink: 'https://w.example/my-actions',
  };

  it('a request names the meeting, the date and each action with its link, in text and HTML', () => {
    const mail = roundMail('request', input);
    expect(mail.subject).toBe(
      'Progress updates needed for the Business Strategy Group meeting on Thursday 10 December 2026',
    );
    expect(mail.text).toContain('Hello Alice Owner,');
    expect(mail.text).toContain('its progress report is as at Tuesday 1 December 2026');
    expect(mail.text).toContain(
      'This action, which you lead, has had no progress update since Tuesday 1 September 2026.',
    );
    expect(mail.text).toContain(
      '4.7 Replace the <telephone> system (ICT Strategy)\nRecord progress: https://w.example/actions/x/progress',
    );
    expect(mail.html).toContain('Replace the &lt;telephone&gt; system');
    expect(mail.html).toContain(
      '<a href="https://w.example/actions/x/progress">Record progress on 4.7</a>',
    );
    expect(mail.html).not.toContain('<telephone>');
  });

  it('a reminder and a nudge say what they are', () => {
    expect(roundMail('reminder', input).subject).toMatch(/^Reminder: progress updates needed/);
    const nudge = roundMail(
      'nudge',
      { ...input, actions: [...input.actions, ...input.actions] },
      { nudgedBy: 'Eve' },
    );
    expect(nudge.text).toContain('Eve asks you to record progress on these 2 actions');
  });
});
