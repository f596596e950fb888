/** Labels and shapes for the board, meeting and governance history pages. */
import { HttpError, type FieldError } from '../../kernel/http/errors.js';
import { joinDateParts } from '../../kernel/http/fields.js';
import type { Board } from './board.service.js';
import {
  BOARD_KINDS,
  REPORTING_CYCLES,
  type BoardKind,
  type DecisionOutcome,
  type ReportingCycle,
  type ReportStatus,
} from './governance.tables.js';
import { OUTCOME_LABELS } from './decision.service.js';
import type { Meeting } from './meeting.service.js';

export const KIND_LABELS: Record<BoardKind, string> = {
  cabinet: 'Cabinet',
  board_of_directors: 'Board of directors',
  corporate_management_team: 'Corporate management team',
  business_strategy_group: 'Business strategy group',
  steering_group: 'Steering group',
  working_group: 'Working group',
  scrutiny: 'Scrutiny commission or committee',
  directorate_leadership_team: 'Directorate leadership team',
  other: 'Other',
};

export const CYCLE_LABELS: Record<ReportingCycle, string> = {
  monthly: 'Monthly',
  quarterly: 'Quarterly',
  six_monthly: 'Every six months',
  annual: 'Once a year',
  ad_hoc: 'When needed (ad hoc)',
};

export const MEETING_STATUS_TAGS: Record<Meeting['status'], { text: string; classes: string }> = {
  planned: { text: 'Planned', classes: 'govuk-tag--blue' },
  held: { text: 'Held', classes: 'govuk-tag--green' },
  cancelled: { text: 'Cancelled', classes: 'govuk-tag--grey' },
};

export const ITEM_KIND_LABELS = { report: 'Report', paper: 'Paper', other: 'Other' } as const;

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted for sign-off',
  approved: 'Approved',
  published: 'Published',
  superseded: 'Superseded',
  withdrawn: 'Withdrawn',
};

export function outcomeItems(selected: unknown) {
  return (Object.entries(OUTCOME_LABELS) as [DecisionOutcome, string][]).map(([value, text]) => ({
    value,
    text,
    checked: value === selected,
  }));
}

export function kindItems(selected: unknown) {
  return BOARD_KINDS.map((value) => ({
    value,
    text: KIND_LABELS[value],
    checked: value === selected,
  }));
}

export function cycleItems(selected: unknown) {
  return REPORTING_CYCLES.map((value) => ({
    value,
    text: CYCLE_LABELS[value],
    checked: value === selected,
  }));
}

export function boardFormValues(b: Board): Record<string, string> {
  return {
    name: b.name,
    kind: b.kind,
    purpose: b.purpose ?? '',
    reportingCycle: b.reporting_cycle,
    reportsToBoardId: b.reports_to_board_id ?? '',
    updateLeadDays: String(b.update_lead_days),
    reminderAfterDays: String(b.reminder_after_days),
  };
}

export function meetingFormValues(m: Meeting): Record<string, string> {
  const [year = '', month = '', day = ''] = m.meets_on.split('-');
  return {
    'meetsOn-day': String(Number(day)),
    'meetsOn-month': String(Number(month)),
    'meetsOn-year': year,
    startsAt: m.starts_at ? m.starts_at.slice(0, 5) : '',
    location: m.location ?? '',
    minutesUrl: m.minutes_url ?? '',
  };
}

/** The meeting form's fields with the date's three boxes joined into YYYY-MM-DD. */
export function withMeetingDate(body: Record<string, unknown>): Record<string, unknown> {
  return { ...body, meetsOn: joinDateParts(body, 'meetsOn') };
}

/** The date's error is filed under its first box, so the summary link lands there. */
export function meetingFieldErrors(errors: FieldError[]): FieldError[] {
  return errors.map((e) =>
    e.field === 'meetsOn' ? { field: 'meetsOn-day', message: e.message } : e,
  );
}

/**
 * Runs a service call whose refusals name fields (a clash, a rule), so a form can show them like
 * any other error; every other error is thrown on.
 */
export async function attempt<T>(
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; status: number; errors: FieldError[] }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof HttpError && error.fieldErrors.length) {
      return { ok: false, status: error.status, errors: error.fieldErrors };
    }
    throw error;
  }
}

/** "14 July 2027 at 14:00" or "14 July 2027". */
const UK_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

export function ukDate(date: string): string {
  return UK_DATE.format(new Date(`${date}T00:00:00Z`));
}

export function meetingWhen(m: { meets_on: string; starts_at: string | null }): string {
  return m.starts_at ? `${ukDate(m.meets_on)} at ${m.starts_at.slice(0, 5)}` : ukDate(m.meets_on);
}

export function meetingTitle(boardName: string, m: { meets_on: string }): string {
  return `${boardName}, ${ukDate(m.meets_on)}`;
}
