import { describe, expect, it } from 'vitest';
import {
  checkDateParts,
  endOfUkDay,
  filterQuery,
  parseFilters,
  startOfUkDay,
  ukToday,
} from './audit.schemas.js';
import { actionWords, changedFields, entityTypeWords } from './audit.view-model.js';
import { csvRecord } from './audit.csv.js';

describe('date boxes', () => {
  it('accepts a real date and no date at all', () => {
    expect(checkDateParts('From date', { day: '1', month: '4', year: '2026' })).toEqual({
      ok: true,
      date: '2026-04-01',
    });
    expect(checkDateParts('From date', { day: ' 29', month: '02 ', year: '2024' })).toEqual({
      ok: true,
      date: '2024-02-29',
    });
    expect(checkDateParts('From date', {})).toEqual({ ok: true, date: undefined });
  });

  it.each([
    [{ day: '1', year: '2026' }, 'From date must include a month', ['month']],
    [{ year: '2026' }, 'From date must include a day and month', ['day', 'month']],
    [{ day: '1', month: '2' }, 'From date must include a year', ['year']],
    [{ day: '29', month: '2', year: '2025' }, 'From date must be a real date', ['day']],
    [{ day: '1', month: '13', year: '2025' }, 'From date must be a real date', ['month']],
    [{ day: 'one', month: 'May', year: '2025' }, 'From date must be a real date', ['day', 'month']],
    [
      { day: '1', month: '5', year: '25' },
      'From date must have a year with 4 numbers, like 2026',
      ['year'],
    ],
  ])('explains %o', (parts, message, highlighted) => {
    expect(checkDateParts('From date', parts)).toEqual({ ok: false, message, parts: highlighted });
  });

  it('refuses a range that ends before it starts, and marks the "to" boxes', () => {
    const parsed = parseFilters({
      'from-day': '2',
      'from-month': '4',
      'from-year': '2026',
      'to-day': '1',
      'to-month': '4',
      'to-year': '2026',
    });
    expect(parsed).toEqual({
      ok: false,
      errors: [{ field: 'to-day', message: 'To date must be the same as or after the from date' }],
      dateParts: { from: [], to: ['day', 'month', 'year'] },
    });
  });

  it('reads blank fields as no filter, and a mangled page number as the first page', () => {
    expect(parseFilters({ person: '', entityType: ' ', page: 'x' })).toEqual({
      ok: true,
      filters: {
        person: undefined,
        entityType: undefined,
        entityId: undefined,
        from: undefined,
        to: undefined,
      },
      page: 1,
    });
  });

  it('writes the filters back into a query string', () => {
    expect(filterQuery({ person: 'system', from: '2026-04-01', to: '2026-04-30' }).toString()).toBe(
      'person=system&from-day=1&from-month=4&from-year=2026&to-day=30&to-month=4&to-year=2026',
    );
  });
});

describe('UK days', () => {
  it('starts a winter day at midnight UTC and a summer day an hour earlier', () => {
    expect(startOfUkDay('2026-01-15').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(startOfUkDay('2026-07-01').toISOString()).toBe('2026-06-30T23:00:00.000Z');
    expect(endOfUkDay('2026-07-01').toISOString()).toBe('2026-07-01T23:00:00.000Z');
  });

  it('handles the days the clocks change', () => {
    // 29 March 2026: clocks go forward at 01:00 UTC; 25 October 2026: back at 01:00 UTC.
    expect(startOfUkDay('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(endOfUkDay('2026-03-29').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(startOfUkDay('2026-10-25').toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(endOfUkDay('2026-10-25').toISOString()).toBe('2026-10-26T00:00:00.000Z');
    expect(endOfUkDay('2026-12-31').toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('names today in the UK', () => {
    expect(ukToday(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
  });
});

describe('what an event says', () => {
  it('puts actions and record types in plain words', () => {
    expect(actionWords('membership.created')).toBe('Person added to the organisation');
    expect(actionWords('strategy_action.archived')).toBe('Strategy action archived');
    expect(entityTypeWords('api_token')).toBe('API token');
    expect(entityTypeWords('business_case')).toBe('Business case');
  });

  it('lists only the fields that changed', () => {
    expect(
      changedFields(
        { role: 'viewer', name: 'Sam', tags: ['a'], gone: 1 },
        { role: 'editor', name: 'Sam', tags: ['a'], added: { x: 1 } },
      ),
    ).toEqual([
      { field: 'role', before: 'viewer', after: 'editor' },
      { field: 'gone', before: '1', after: null },
      { field: 'added', before: null, after: '{"x":1}' },
    ]);
    expect(changedFields(null, { name: 'New' })).toEqual([
      { field: 'name', before: null, after: 'New' },
    ]);
    expect(changedFields(null, null)).toEqual([]);
    expect(changedFields('a', 'b')).toEqual([{ field: 'Value', before: 'a', after: 'b' }]);
    // Key order does not count as a change.
    expect(changedFields({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toEqual([]);
  });

  it('writes a CSV record with ISO time and JSON values', () => {
    expect(
      csvRecord({
        id: 'e',
        tenant_id: 't',
        seq: 1,
        occurred_at: new Date('2026-04-01T09:30:00Z'),
        actor_user_id: null,
        actor_label: 'Waymark (system)',
        action: 'a.b',
        entity_type: 'a',
        entity_id: null,
        before: null,
        after: { n: 1 },
        request_id: null,
        ip: null,
        prev_hash: '',
        hash: '',
      }),
    ).toEqual([
      '2026-04-01T09:30:00.000Z',
      'Waymark (system)',
      'a.b',
      'a',
      '',
      '',
      '{"n":1}',
      '',
      '',
    ]);
  });
});
