import { STATUSES, type Status } from './strategy.tables.js';

export type Rag = 'red' | 'amber' | 'green' | 'blue' | 'grey';

export interface StatusLabel {
  label: string;
  rag: Rag;
}

/** Every status has a word; colour only ever accompanies it. Organisations may rename the words. */
export const DEFAULT_STATUS_LABELS: Record<Status, StatusLabel> = {
  not_started: { label: 'Not started', rag: 'grey' },
  on_track: { label: 'On track', rag: 'green' },
  at_risk: { label: 'At risk', rag: 'amber' },
  off_track: { label: 'Off track', rag: 'red' },
  complete: { label: 'Complete', rag: 'blue' },
  deferred: { label: 'Deferred', rag: 'grey' },
  cancelled: { label: 'Cancelled', rag: 'grey' },
  superseded: { label: 'Superseded', rag: 'grey' },
};

/** A shape for each RAG colour, so charts never rely on colour alone. */
export const RAG_SHAPES: Record<Rag, 'circle' | 'triangle' | 'square' | 'diamond' | 'cross'> = {
  green: 'circle',
  amber: 'triangle',
  red: 'square',
  blue: 'diamond',
  grey: 'cross',
};

/** GOV.UK tag colour classes for each RAG. */
export const RAG_TAG_CLASS: Record<Rag, string> = {
  green: 'govuk-tag--green',
  amber: 'govuk-tag--yellow',
  red: 'govuk-tag--red',
  blue: 'govuk-tag--blue',
  grey: 'govuk-tag--grey',
};

export const CLOSED_STATUSES: readonly Status[] = ['complete', 'cancelled', 'superseded'];

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/**
 * Overdue only when there is a parsed due date, it has passed at the "as at" date, and the work is
 * not finished (complete, cancelled or superseded). A due date of today is not yet overdue.
 */
export function isOverdue(
  action: { due_on: string | null; status: Status },
  asAt: string,
): boolean {
  if (!action.due_on) return false;
  if (CLOSED_STATUSES.includes(action.status)) return false;
  return action.due_on < asAt;
}

/** Whole days from a moment to the "as at" date (for "last updated N days ago"). */
export function daysSince(moment: Date | string | null, asAt: string): number | null {
  if (!moment) return null;
  const from = typeof moment === 'string' ? new Date(`${moment.slice(0, 10)}T00:00:00Z`) : moment;
  const to = new Date(`${asAt}T23:59:59Z`);
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 86_400_000));
}

/** An action needs an update when it is open and has none in this many days. */
export const STALE_AFTER_DAYS = 90;

export function isStale(
  action: { status: Status; last_update_at: Date | null; created_at: Date },
  asAt: string,
): boolean {
  if (CLOSED_STATUSES.includes(action.status)) return false;
  const days = daysSince(action.last_update_at ?? action.created_at, asAt);
  return days !== null && days > STALE_AFTER_DAYS;
}

// Made once: building a formatter costs about 50 times more than using one, and pages call this per row.
const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function todayInLondon(now = new Date()): string {
  return londonDate.format(now);
}
