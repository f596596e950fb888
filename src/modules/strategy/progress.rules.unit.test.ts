import { describe, expect, it } from 'vitest';
import {
  assessUpdateNeed,
  lastQuarterEnd,
  linkCorrections,
  nextNeedingUpdate,
  orderMyActions,
} from './progress.service.js';
import type { Status } from './strategy.tables.js';

const AS_AT = '2026-11-22';
const at = (date: string) => new Date(`${date}T10:00:00Z`);

function action(
  ref: string,
  fields: Partial<{ status: Status; due_on: string | null; last: string | null; created: string }>,
) {
  return {
    id: `id-${ref}`,
    ref,
    ref_sort: ref,
    strategy_title: 'Plan',
    status: fields.status ?? 'on_track',
    due_on: fields.due_on ?? null,
    last_update_at: fields.last ? at(fields.last) : null,
    created_at: at(fields.created ?? '2026-10-01'),
  };
}

describe('the last quarter end', () => {
  it.each([
    ['2026-11-22', '2026-09-30'],
    ['2026-10-01', '2026-09-30'],
    ['2026-09-30', '2026-06-30'],
    ['2026-01-01', '2025-12-31'],
    ['2026-04-01', '2026-03-31'],
    ['2026-03-31', '2025-12-31'],
  ])('before %s is %s', (asAt, expected) => {
    expect(lastQuarterEnd(asAt)).toBe(expected);
  });
});

describe('whether an owner owes an update', () => {
  it('is owed for an overdue action until something is recorded after its due date', () => {
    expect(assessUpdateNeed(action('a', { due_on: '2026-10-31' }), AS_AT)).toMatchObject({
      overdue: true,
      needsUpdate: true,
      reason: 'overdue',
    });
    const answered = assessUpdateNeed(
      action('a', { due_on: '2026-10-31', last: '2026-11-02' }),
      AS_AT,
    );
    expect(answered).toMatchObject({ overdue: true, needsUpdate: false, reason: null });
    // Updated on the due date itself: it was not yet overdue then.
    expect(
      assessUpdateNeed(action('a', { due_on: '2026-10-31', last: '2026-10-31' }), AS_AT).reason,
    ).toBe('overdue');
  });

  it('is owed each quarter: nothing since the last quarter end, or in 90 days', () => {
    expect(assessUpdateNeed(action('a', { last: '2026-10-02' }), AS_AT).needsUpdate).toBe(false);
    expect(assessUpdateNeed(action('a', { last: '2026-09-30' }), AS_AT).needsUpdate).toBe(false);
    expect(assessUpdateNeed(action('a', { last: '2026-09-29' }), AS_AT)).toMatchObject({
      stale: true,
      reason: 'quarter',
    });
    expect(assessUpdateNeed(action('a', { last: '2026-07-01' }), AS_AT)).toMatchObject({
      reason: 'stale',
      daysSinceUpdate: 144,
    });
    expect(assessUpdateNeed(action('a', { created: '2026-05-01' }), AS_AT).reason).toBe('never');
    // A new action is not owed an update until the quarter it was created in has ended.
    expect(assessUpdateNeed(action('a', { created: '2026-11-01' }), AS_AT).needsUpdate).toBe(false);
  });

  it('is never owed for finished work', () => {
    for (const status of ['complete', 'cancelled', 'superseded'] as const) {
      expect(
        assessUpdateNeed(
          action('a', { status, due_on: '2020-01-01', created: '2020-01-01' }),
          AS_AT,
        ),
      ).toMatchObject({ open: false, overdue: false, needsUpdate: false });
    }
  });
});

describe('the order of My actions', () => {
  const rows = [
    action('1.1', { due_on: '2027-01-31', last: '2026-11-20' }),
    action('1.2', { due_on: '2026-06-30', last: '2026-03-01' }),
    action('1.3', { last: '2026-05-01' }),
    action('1.4', { due_on: '2026-12-31', last: '2026-08-01' }),
    action('1.5', { due_on: '2026-09-30', last: '2026-10-15' }),
    action('1.6', { last: '2026-11-01' }),
    action('1.7', { due_on: '2026-10-31' }),
    action('2.1', { status: 'complete', due_on: '2026-01-31' }),
  ];
  const { open, finished } = orderMyActions(rows, AS_AT);

  it('puts overdue first, then the longest without an update, then by due date', () => {
    expect(open.map((a) => a.ref)).toEqual(['1.2', '1.7', '1.3', '1.4', '1.5', '1.1', '1.6']);
    expect(finished.map((a) => a.ref)).toEqual(['2.1']);
  });

  it('goes on down the list to the next that needs an update, never back', () => {
    expect(nextNeedingUpdate(open, 'id-1.2')?.ref).toBe('1.7');
    expect(nextNeedingUpdate(open, 'id-1.3')?.ref).toBe('1.4');
    expect(nextNeedingUpdate(open, 'id-1.4')).toBeNull();
    expect(nextNeedingUpdate(open, 'id-someone-elses')?.ref).toBe('1.2');
  });
});

describe('corrections in a timeline', () => {
  it('links each correction to the update it corrects, both ways', () => {
    const linked = linkCorrections([
      { id: 'c', corrects_id: 'a' },
      { id: 'b', corrects_id: null },
      { id: 'a', corrects_id: null },
    ]);
    expect(linked[0]!.corrects?.id).toBe('a');
    expect(linked[2]!.correctedBy.map((u) => u.id)).toEqual(['c']);
    expect(linked[1]!.corrects).toBeNull();
  });
});
