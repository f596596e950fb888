import { z } from 'zod';
import { optionalDate, optionalText, requiredText } from '../../kernel/http/fields.js';
import { STATUSES, STRATEGY_STATUSES } from './strategy.tables.js';

/** Lists arrive from forms as one text (comma or new-line separated) and from the API as arrays. */
const textList = z.preprocess(
  (v) => {
    if (Array.isArray(v)) return v as unknown[];
    if (typeof v === 'string') {
      return v
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean);
    }
    return [];
  },
  z.array(z.string().trim().min(1).max(200)).max(50, 'List at most 50 items'),
);

const statusField = (what: string) => z.enum(STATUSES, { error: `Select the ${what}` });

const optionalStatus = (what: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), statusField(what).optional());

export const strategyInput = z
  .object({
    title: requiredText('the strategy’s title', 300),
    periodLabel: optionalText('period', 50),
    periodStart: optionalDate('start of the period'),
    periodEnd: optionalDate('end of the period'),
    status: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.enum(STRATEGY_STATUSES, { error: 'Select a status' }).default('draft'),
    ),
    approvedBy: optionalText('body that approved it', 200),
    approvedOn: optionalDate('approval date'),
    nextReviewOn: optionalDate('next review date'),
    leadOfficer: optionalText('lead officer', 200),
    summary: optionalText('summary', 20_000),
    documentDate: optionalDate('document date'),
  })
  .refine((s) => !s.periodStart || !s.periodEnd || s.periodEnd >= s.periodStart, {
    path: ['periodEnd'],
    message: 'End of the period must be the same as or after its start',
  });
export type StrategyInput = z.output<typeof strategyInput>;

export const areaInput = z.object({
  number: optionalText('number', 20),
  title: requiredText('the area’s title', 300),
  vision: optionalText('vision', 50_000),
  currentPosition: optionalText('current position', 50_000),
  gettingThere: optionalText('getting there', 50_000),
});
export type AreaInput = z.output<typeof areaInput>;

export const actionInput = z.object({
  ref: requiredText('a reference, like 4.7', 40).regex(
    /^[A-Za-z0-9][A-Za-z0-9.\-/ ]*$/,
    'Reference must start with a letter or digit, like 4.7 or A-12',
  ),
  title: requiredText('what the action is', 2000),
  description: optionalText('description', 20_000),
  areaId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid('Select an area').optional()),
  objectiveId: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.uuid('Select an objective').optional(),
  ),
  priority: optionalText('priority', 40),
  timescale: optionalText('timescale', 200),
  lead: optionalText('lead', 200),
  with: textList.optional(),
  resources: optionalText('resources', 500),
  targets: optionalText('targets', 5000),
  outcome: optionalText('outcome', 5000),
  comments: optionalText('comments', 5000),
  status: optionalStatus('status'),
  forecastStatus: optionalStatus('forecast'),
  tags: textList.optional(),
  dependsOn: textList.optional(),
});
export type ActionInput = z.output<typeof actionInput>;

export const progressInput = z
  .object({
    status: statusField('status now'),
    forecastStatus: optionalStatus('forecast for the end of the period'),
    percentComplete: z.preprocess(
      (v) => (v === '' || v === undefined || v === null ? undefined : Number(v)),
      z
        .number({ error: 'Percent complete must be a number from 0 to 100' })
        .int('Percent complete must be a whole number')
        .min(0, 'Percent complete must be 0 or more')
        .max(100, 'Percent complete must be 100 or less')
        .optional(),
    ),
    happened: requiredText('what has happened', 5000),
    nextSteps: optionalText('what happens next', 5000),
    evidenceUrl: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .url({
          protocol: /^https?$/,
          error: 'Evidence link must be a web address starting with https://',
        })
        .max(2000)
        .optional(),
    ),
    correctsId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()),
    correctionNote: optionalText('what the correction changes', 1000),
  })
  .refine((p) => !p.correctsId || p.correctionNote, {
    path: ['correctionNote'],
    message: 'Say what this correction changes',
  });
export type ProgressInput = z.output<typeof progressInput>;

export const objectiveInput = z.object({
  ref: optionalText('reference', 40),
  title: requiredText('the objective', 500),
});
export type ObjectiveInput = z.output<typeof objectiveInput>;
