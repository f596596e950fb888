import { describe, expect, it } from 'vitest';
import { boardCalendar, londonTimeToUtc, meetingUid } from './calendar.service.js';
import type { Board } from './board.service.js';
import type { Meeting } from './meeting.service.js';

const board = { id: 'b1', name: 'Scrutiny Commission' } as Board;
const changed = new Date('2026-11-01T10:00:00Z');
function meeting(fields: Partial<Meeting>): Meeting {
  return {
    tenant_id: 't',
    id: 'm1',
    board_id: 'b1',
    meets_on: '2027-01-12',
    starts_at: null,
    location: null,
    minutes_url: null,
    status: 'planned',
    created_at: changed,
    updated_at: changed,
    ...fields,
  };
}

describe('UK meeting times', () => {
  it('reads GMT in winter and BST in summer', () => {
    expect(londonTimeToUtc('2027-01-12', '14:00').toISOString()).toBe('2027-01-12T14:00:00.000Z');
    expect(londonTimeToUtc('2027-07-12', '14:00').toISOString()).toBe('2027-07-12T13:00:00.000Z');
    // The days the clocks change.
    expect(londonTimeToUtc('2027-03-28', '10:00').toISOString()).toBe('2027-03-28T09:00:00.000Z');
    expect(londonTimeToUtc('2027-10-31', '10:00').toISOString()).toBe('2027-10-31T10:00:00.000Z');
  });
});

describe('a board’s calendar', () => {
  it('has one event per meeting, all-day without a time, cancelled ones marked', () => {
    const ics = boardCalendar(
      board,
      [
        meeting({ id: 'a', starts_at: '18:30:00', location: 'Council Chamber, Town Hall' }),
        meeting({ id: 'b', meets_on: '2027-06-01' }),
        meeting({ id: 'c', meets_on: '2027-09-01', status: 'cancelled' }),
      ],
      { host: 'waymark.example', baseUrl: 'https://waymark.example' },
    ).replace(/\r\n /g, '');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(ics).toContain(`UID:${meetingUid({ id: 'a' }, 'waymark.example')}`);
    expect(ics).toContain('DTSTART:20270112T183000Z');
    expect(ics).toContain('DTEND:20270112T203000Z');
    expect(ics).toContain('LOCATION:Council Chamber\\, Town Hall');
    expect(ics).toContain('DTSTART;VALUE=DATE:20270601');
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics).toContain('SUMMARY:Cancelled: Scrutiny Commission');
    expect(ics).toContain('URL;VALUE=URI:https://waymark.example/meetings/a');
    expect(ics).toContain('DTSTAMP:20261101T100000Z');
  });
});
