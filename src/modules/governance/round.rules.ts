/** The rules of an update round, free of the database: who is asked, reminded and may be nudged. */
import type { ReportingCycle } from './governance.tables.js';
import { todayInLondon } from '../strategy/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A person is nudged at most once an hour. */
export const NUDGE_INTERVAL_MS = 60 * 60 * 1000;

/** The calendar date in the UK at a moment, as 'YYYY-MM-DD'. */
export const londonDate = (moment: Date): string => todayInLondon(moment);

/** Adds whole days to a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Adds calendar months, keeping the day where the month has it (31 May − 3 months = 28 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1, 12));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0, 12),
  ).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** The moment a UK calendar day begins (midnight in London, GMT or BST). */
export function londonMidnight(date: string): Date {
  const utcMidnight = new Date(`${date}T00:00:00Z`);
  // London is UTC or one hour ahead: whichever guess lands on this date at 00:00 there is right.
  for (const offsetHours of [0, 1]) {
    const guess = new Date(utcMidnight.getTime() - offsetHours * 60 * 60 * 1000);
    const hour = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(guess);
    if (londonDate(guess) === date && hour === '00') return guess;
  }
  return utcMidnight;
}

const CYCLE_MONTHS: Record<ReportingCycle, number> = {
  monthly: 1,
  quarterly: 3,
  six_monthly: 6,
  annual: 12,
  // A board that meets when it must: ask about the last quarter.
  ad_hoc: 3,
};

/**
 * From when an update counts as new for a round: the day after the board's previous report or
 * round "as at" date; for a board's first round, one reporting cycle before this one's date.
 */
export function updatesSince(input: {
  asAt: string;
  cycle: ReportingCycle;
  previousAsAt: readonly (string | null | undefined)[];
}): Date {
  const earlier = input.previousAsAt.filter(
    (d): d is string => typeof d === 'string' && d < input.asAt,
  );
  const last = earlier.sort().at(-1);
  return londonMidnight(
    last ? addDays(last, 1) : addDays(addMonths(input.asAt, -CYCLE_MONTHS[input.cycle]), 1),
  );
}

/** The first day a meeting's round should start: its "as at" date less the board's lead time. */
export function roundStartsOn(asAt: string, leadDays: number): string {
  return addDays(asAt, -leadDays);
}

/** Whether the scheduler should start a meeting's round today. */
export function roundIsDue(input: {
  today: string;
  asAt: string;
  meetsOn: string;
  leadDays: number;
  status: 'planned' | 'held' | 'cancelled';
}): boolean {
  if (input.status !== 'planned') return false;
  // A meeting already past is not chased, even when nobody marked it held.
  if (input.meetsOn < input.today) return false;
  return roundStartsOn(input.asAt, input.leadDays) <= input.today;
}

/** One open action in a round's strategies, with the people who own it and its latest update. */
export interface ActionFacts {
  id: string;
  ownerIds: readonly string[];
  lastUpdateAt: Date | null;
}

/** True when the action has an update recorded at or after the moment. */
export function updatedSince(action: { lastUpdateAt: Date | null }, since: Date): boolean {
  return action.lastUpdateAt !== null && action.lastUpdateAt.getTime() >= since.getTime();
}

/**
 * Who is asked, and about what: every owner of an action with no update since `since`, each
 * once, with their actions in the order given. An action with two owners is asked of both.
 */
export function dueRequests(actions: readonly ActionFacts[], since: Date): Map<string, string[]> {
  const byOwner = new Map<string, string[]>();
  for (const action of actions) {
    if (updatedSince(action, since)) continue;
    for (const owner of new Set(action.ownerIds)) {
      const list = byOwner.get(owner) ?? [];
      list.push(action.id);
      byOwner.set(owner, list);
    }
  }
  return byOwner;
}

/** The actions of a request still without an update since the round began. */
export function outstanding(
  actionIds: readonly string[],
  lastUpdates: ReadonlyMap<string, Date | null>,
  roundStartedAt: Date,
): string[] {
  return actionIds.filter(
    (id) => !updatedSince({ lastUpdateAt: lastUpdates.get(id) ?? null }, roundStartedAt),
  );
}

export type ResponseState = 'waiting' | 'responded' | 'partly' | 'not_responded';

/** How a person stands in a round, as the programme office sees it. */
export function responseState(input: {
  requestedAt: Date | null;
  asked: number;
  outstanding: number;
}): ResponseState {
  if (input.outstanding === 0) return 'responded';
  if (!input.requestedAt) return 'waiting';
  return input.outstanding < input.asked ? 'partly' : 'not_responded';
}

/** Whether a person is due the reminder now. */
export function reminderDue(input: {
  now: Date;
  remindAt: Date;
  requestedAt: Date | null;
  remindedAt: Date | null;
  outstanding: number;
  meetingStatus: 'planned' | 'held' | 'cancelled';
}): boolean {
  return (
    input.meetingStatus === 'planned' &&
    input.requestedAt !== null &&
    input.remindedAt === null &&
    input.outstanding > 0 &&
    input.now.getTime() >= input.remindAt.getTime()
  );
}

/** The moment a round's reminder goes: the board's reminder_after_days after it began. */
export function remindAt(startedAt: Date, reminderAfterDays: number): Date {
  return new Date(startedAt.getTime() + reminderAfterDays * DAY_MS);
}

/** A nudge may go when the person was not nudged in the last hour; else, when it may. */
export function nudgeAllowed(
  lastNudgedAt: Date | null,
  now: Date,
): { allowed: true } | { allowed: false; nextAt: Date } {
  if (!lastNudgedAt) return { allowed: true };
  const nextAt = new Date(lastNudgedAt.getTime() + NUDGE_INTERVAL_MS);
  return now.getTime() >= nextAt.getTime() ? { allowed: true } : { allowed: false, nextAt };
}
