/**
 * A board's meetings as an iCalendar feed: one event per meeting, with a UID that stays the same
 * for the meeting's life, so calendars update an event rather than add a copy. Meetings with a
 * start time are placed at their moment (written in UTC, worked out from the UK's clock); those
 * without are all-day events on their date.
 */
import type { FastifyRequest } from 'fastify';
import ical, { ICalEventStatus } from 'ical-generator';
import type { Kysely } from 'kysely';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { findBoard, type Board } from './board.service.js';
import type { Meeting } from './meeting.service.js';

export const CALENDAR_TIMEZONE = 'Europe/London';
/** How long a timed meeting is shown as lasting, since meetings record only when they start. */
const MEETING_HOURS = 2;

/** Minutes that Europe/London is ahead of UTC at the instant `utcMs`. */
function londonOffsetMinutes(utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: CALENDAR_TIMEZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return Math.round((asUtc - utcMs) / 60_000);
}

/** The instant at which the UK clock shows `date` (YYYY-MM-DD) and `time` (HH:MM). */
export function londonTimeToUtc(date: string, time: string): Date {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const [hh = 0, mm = 0] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Guess with the offset at the wall time read as UTC, then correct once across a change.
  let utc = wall - londonOffsetMinutes(wall) * 60_000;
  utc = wall - londonOffsetMinutes(utc) * 60_000;
  return new Date(utc);
}

export function meetingUid(meeting: Pick<Meeting, 'id'>, host: string): string {
  return `meeting-${meeting.id}@${host}`;
}

const STATUS = {
  planned: ICalEventStatus.CONFIRMED,
  held: ICalEventStatus.CONFIRMED,
  cancelled: ICalEventStatus.CANCELLED,
} as const;

export function boardCalendar(
  board: Board,
  meetings: Meeting[],
  options: { host: string; baseUrl: string },
): string {
  const calendar = ical({
    name: `${board.name}: meetings`,
    prodId: { company: 'Waymark', product: 'Board meetings', language: 'EN' },
  });
  // Times are written in UTC; this tells calendars which clock the board meets by.
  calendar.x('X-WR-TIMEZONE', CALENDAR_TIMEZONE);
  for (const meeting of meetings) {
    const time = meeting.starts_at ? meeting.starts_at.slice(0, 5) : null;
    const start = time ? londonTimeToUtc(meeting.meets_on, time) : meeting.meets_on;
    calendar.createEvent({
      id: meetingUid(meeting, options.host),
      summary: meeting.status === 'cancelled' ? `Cancelled: ${board.name}` : board.name,
      start,
      ...(time && start instanceof Date
        ? { end: new Date(start.getTime() + MEETING_HOURS * 3_600_000) }
        : { allDay: true }),
      location: meeting.location ?? null,
      url: `${options.baseUrl}/meetings/${meeting.id}`,
      status: STATUS[meeting.status],
      // The stamp follows the meeting's last change, so an unchanged feed reads the same.
      stamp: meeting.updated_at,
      lastModified: meeting.updated_at,
    });
  }
  return calendar.toString();
}

export interface CalendarOptions {
  /** The host named in each event's UID. */
  host: string;
  /** The address of Waymark, for each event's link. */
  baseUrl: string;
}

/** Where Waymark is: PUBLIC_URL when configured, otherwise the address the request came to. */
export function calendarOptions(request: FastifyRequest): CalendarOptions {
  const configured = request.server.deps.config.PUBLIC_URL;
  const base = configured
    ? new URL(configured)
    : new URL(`${request.protocol}://${request.host || 'localhost'}`);
  return { host: base.hostname, baseUrl: base.origin };
}

export function boardCalendarFor(
  db: Kysely<DB>,
  ctx: TenantContext,
  boardId: string,
  options: CalendarOptions,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const board = await findBoard(trx, ctx.tenantId, boardId);
    const meetings = await trx
      .selectFrom('meetings')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('board_id', '=', board.id)
      .orderBy('meets_on')
      .orderBy('id')
      .execute();
    return { board, ics: boardCalendar(board, meetings, options) };
  });
}
