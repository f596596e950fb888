/**
 * Inputs for boards, their members and the strategies they oversee; meetings, agenda items and
 * decisions. The same schemas read forms (where every value arrives as text) and API bodies.
 */
import { z } from 'zod';
import { optionalText, requiredText } from '../../kernel/http/fields.js';
import { isUuid } from '../../kernel/db/ids.js';
import { BOARD_KINDS, DECISION_OUTCOMES, REPORTING_CYCLES } from './governance.tables.js';

const blankToUndefined = (v: unknown) =>
  (typeof v === 'string' && v.trim() === '') || v === null ? undefined : v;

/** A whole number in a range, from a form's text or a JSON number. */
function wholeNumber(label: string, min: number, max: number, fallback: number) {
  const message = `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    (v) => {
      const b = blankToUndefined(v);
      return typeof b === 'string' && /^\s*-?\d+\s*$/.test(b) ? Number(b) : b;
    },
    z.number({ error: message }).int(message).min(min, message).max(max, message).default(fallback),
  );
}

/** An optional id chosen from a list; anything that is not an id reads as "not chosen well". */
function optionalId(message: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string({ error: message })
      .refine((v) => isUuid(v), message)
      .optional(),
  );
}

function optionalUrl(label: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(2000, `${label} must be 2000 characters or fewer`)
      .regex(/^https?:\/\/\S+$/, `${label} must be a web address starting http:// or https://`)
      .optional(),
  );
}

export const boardInput = z.object({
  name: requiredText('the board’s name', 200),
  kind: z.enum(BOARD_KINDS, { error: 'Select what kind of board it is' }),
  purpose: optionalText('purpose or terms of reference', 20_000),
  reportingCycle: z.preprocess(
    blankToUndefined,
    z
      .enum(REPORTING_CYCLES, { error: 'Select how often it receives reports' })
      .default('quarterly'),
  ),
  reportsToBoardId: optionalId('Select the board it reports to from the list'),
  updateLeadDays: wholeNumber('days before a report that owners are asked', 0, 120, 14),
  reminderAfterDays: wholeNumber('days before a reminder', 1, 60, 7),
});
export type BoardInput = z.output<typeof boardInput>;

export const memberInput = z
  .object({
    userId: optionalId('Select a person from the list'),
    personName: optionalText('the member’s name', 200),
    memberRole: optionalText('role on the board', 200),
  })
  .refine((m) => m.userId !== undefined || m.personName !== undefined, {
    path: ['userId'],
    message: 'Select a person with an account, or enter the name of someone without one',
  })
  .refine((m) => !(m.userId !== undefined && m.personName !== undefined), {
    path: ['personName'],
    message: 'Either select a person or enter a name, not both',
  });
export type MemberInput = z.output<typeof memberInput>;

/** Forms send one value or several for the same name; the API sends an array. */
export const idList = (message: string) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
    z.array(z.string().refine((s) => isUuid(s), message)).max(200),
  );

export const boardStrategiesInput = z.object({
  strategyLineageIds: idList('Select strategies from the list'),
});

function isRealDate(value: string): boolean {
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export const meetingInput = z.object({
  meetsOn: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Enter the date of the meeting' })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date of the meeting must be a real date, like 14 7 2027')
      .refine(isRealDate, 'Date of the meeting must be a real date'),
  ),
  startsAt: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(TIME, 'Start time must be a time on the 24-hour clock, like 14:00')
      .transform((t) => {
        const [h = '0', m = '00'] = t.split(':');
        return `${h.padStart(2, '0')}:${m}`;
      })
      .optional(),
  ),
  location: optionalText('location', 300),
  minutesUrl: optionalUrl('Minutes link'),
});
export type MeetingInput = z.output<typeof meetingInput>;

export const MEETING_STATUSES = ['planned', 'held', 'cancelled'] as const;
export const meetingStatusInput = z.object({
  status: z.enum(MEETING_STATUSES, { error: 'Select whether the meeting was held or cancelled' }),
});

export const AGENDA_KINDS = ['report', 'paper', 'other'] as const;

export const agendaItemInput = z.object({
  title: requiredText('the item’s title', 300),
  kind: z.preprocess(
    blankToUndefined,
    z.enum(AGENDA_KINDS, { error: 'Select what kind of item it is' }).default('paper'),
  ),
  strategyId: optionalId('Select a strategy from the list'),
  paperUrl: optionalUrl('Paper link'),
});
export type AgendaItemInput = z.output<typeof agendaItemInput>;

export const decisionInput = z.object({
  outcome: z.enum(DECISION_OUTCOMES, { error: 'Select the decision' }),
  note: optionalText('the decision’s wording', 20_000),
});
export type DecisionInput = z.output<typeof decisionInput>;

export const moveInput = z.object({
  direction: z.enum(['up', 'down'], { error: 'Choose up or down' }),
});
