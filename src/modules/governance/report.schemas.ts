import { z } from 'zod';
import { optionalDate, requiredText } from '../../kernel/http/fields.js';
import { NARRATIVE_SECTIONS, type NarrativeSectionKey } from './report.types.js';

/** Zod schemas for every report input: the forms, and (through report.api.ts) the JSON API. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NARRATIVE_MAX = 20_000;
const NOTE_MAX = 2000;

function optionalId(message: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().regex(UUID, message).optional(),
  );
}

const AS_AT_MISSING = 'Enter the “as at” date: the date the report reports the position on';

function isRealDate(value: string): boolean {
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const asAtField = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z
    .string({ error: AS_AT_MISSING })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'The “as at” date must be a real date, like 2027-03-31')
    .refine(isRealDate, 'The “as at” date must be a real date'),
);

export const createReportInput = z.object({
  strategyId: z
    .string({ error: 'Select a strategy' })
    .trim()
    .regex(UUID, 'Select a strategy')
    .describe('The strategy version reported on.'),
  boardId: optionalId('Select a board from the list').describe(
    'The board it goes to; the period runs from the last report published to this board.',
  ),
  meetingId: optionalId('Select a meeting from the list').describe(
    'The meeting it is for (optional); the board is the meeting’s.',
  ),
  asAt: asAtField.describe('YYYY-MM-DD: the date the record is read as at.'),
  title: requiredText('the title of the report', 300).describe('Up to 300 characters.'),
});
export type CreateReportInput = z.output<typeof createReportInput>;

const narrativeText = (key: string) =>
  z
    .string()
    .max(NARRATIVE_MAX, `The text of “${key}” must be ${NARRATIVE_MAX} characters or fewer`)
    .optional();

export const narrativeShape = Object.fromEntries(
  NARRATIVE_SECTIONS.map((k) => [k, narrativeText(k)]),
) as Record<NarrativeSectionKey, ReturnType<typeof narrativeText>>;

export const narrativeObject = z
  .object(narrativeShape)
  .describe(
    'Officers’ words by section; an empty string clears a section. Paragraphs are separated by a blank line.',
  );

export const narrativeInput = z.object({
  title: requiredText('the title of the report', 300).optional(),
  asAt: optionalDate('the “as at” date'),
  narrative: narrativeObject,
});
export type NarrativeInput = z.output<typeof narrativeInput>;

/** The edit form posts `narrative-<key>` for each section, with the title and the date parts. */
export function narrativeFromForm(body: Record<string, unknown>) {
  const narrative: Record<string, unknown> = {};
  for (const key of NARRATIVE_SECTIONS) {
    const v = body[`narrative-${key}`];
    if (typeof v === 'string') narrative[key] = v.replace(/\r\n/g, '\n');
  }
  return { title: body.title, asAt: body.asAt, narrative };
}

export const submitInput = z.object({
  approverId: z
    .string({ error: 'Select who is to approve the report' })
    .trim()
    .regex(UUID, 'Select who is to approve the report')
    .describe('A member who may approve reports (a board member or an administrator).'),
});

export const returnInput = z.object({
  comment: requiredText('what needs to change before it can be approved', NOTE_MAX).describe(
    'What needs to change; shown to the officer on the report.',
  ),
});

const checkbox = z
  .preprocess((v) => v === 'yes' || v === true || v === 'true', z.boolean())
  .default(false);

export const publishInput = z.object({
  public: checkbox.describe('Show this version on the organisation’s public pages.'),
});

export const supersedeInput = z.object({
  changeNote: requiredText('what this version corrects', NOTE_MAX).describe(
    'What changed from the previous version (shown with both).',
  ),
  public: checkbox.describe('Show this version on the organisation’s public pages.'),
  narrative: narrativeObject.optional(),
});
export type SupersedeInput = z.output<typeof supersedeInput>;
