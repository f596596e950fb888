/** Inputs of the import flow (forms and API bodies) and the preview's shape for the API docs. */
import { z } from 'zod';
import { optionalText } from '../../kernel/http/fields.js';
import { COLUMN_FIELDS } from './import.types.js';

export const MAPPING_CHOICES = [...COLUMN_FIELDS, 'extra', 'ignore'] as const;

const index = z.string().regex(/^\d{1,6}$/, 'Use the number of the column or action, from 0');
const sheet = z.string().trim().max(200, 'The sheet’s name must be 200 characters or fewer');

// ---------------------------------------------------------------------------------------------
// Pages

/** The upload page: a file, or text pasted into the box (the file is read beside the body). */
export const startForm = z.object({
  text: optionalText('the text of the plan', 100_000_000),
  sheet: optionalText('sheet', 200),
});

/** The mapping form: one select per column, named column-<index>. */
export function mappingFromForm(body: Record<string, unknown>) {
  const mapping: Record<string, (typeof MAPPING_CHOICES)[number]> = {};
  for (const [key, value] of Object.entries(body)) {
    const m = /^column-(\d{1,6})$/.exec(key);
    if (
      m?.[1] &&
      typeof value === 'string' &&
      (MAPPING_CHOICES as readonly string[]).includes(value)
    )
      mapping[m[1]] = value as (typeof MAPPING_CHOICES)[number];
  }
  return mapping;
}

/** The "fix a cell" page of one action: one text box per field. */
export const fixForm = z.object(
  Object.fromEntries(
    COLUMN_FIELDS.map((f) => [
      f,
      z.string().max(5000, 'Each cell must be 5000 characters or fewer').optional(),
    ]),
  ) as Record<(typeof COLUMN_FIELDS)[number], z.ZodOptional<z.ZodString>>,
);

/** Where the plan goes: a new strategy with its title, or an existing strategy. */
export const targetForm = z.discriminatedUnion(
  'target',
  [
    z.object({
      target: z.literal('new'),
      newStrategyTitle: z
        .string({ error: 'Enter a title for the new strategy' })
        .trim()
        .min(1, 'Enter a title for the new strategy')
        .max(300, 'The title must be 300 characters or fewer'),
    }),
    z.object({
      target: z.literal('existing'),
      strategyId: z.uuid({ error: 'Choose the strategy to import into' }),
    }),
  ],
  { error: 'Choose whether to import into a new or an existing strategy' },
);

// ---------------------------------------------------------------------------------------------
// API

export const startBody = z.object({
  text: z
    .string()
    .optional()
    .describe('The plan as text (tab-separated, as pasted from a Word table). Or send a file.'),
  name: z.string().max(200).optional().describe('A name for the text, shown in the preview.'),
  sheet: sheet.optional().describe('For a workbook: the sheet to read.'),
});

export const adjustBody = z.object({
  mapping: z
    .record(index, z.enum(MAPPING_CHOICES))
    .optional()
    .describe('Column index → what it means; merged into earlier choices.'),
  fixes: z
    .record(index, z.partialRecord(z.enum(COLUMN_FIELDS), z.string().max(5000)))
    .optional()
    .describe('Action index → field → new cell text (empty puts the cell back as read).'),
  sheet: sheet.optional().describe('Another sheet of a workbook (resets mapping and fixes).'),
});

export const commitBody = z
  .object({
    strategyId: z.uuid().optional().describe('Import into this existing strategy.'),
    newStrategyTitle: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .optional()
      .describe('Or create a new strategy with this title.'),
    archiveMissing: z
      .array(z.string().max(40))
      .max(10_000)
      .optional()
      .describe(
        'References of actions in the strategy but not in the plan to archive (they have ended). Others are kept.',
      ),
  })
  .refine((b) => (b.strategyId ? 1 : 0) + (b.newStrategyTitle ? 1 : 0) === 1, {
    message: 'Give either strategyId or newStrategyTitle',
    path: ['strategyId'],
  });

export const idParams = z.object({ id: z.string().describe('The import’s id.') });
export const diffQuery = z.object({
  strategyId: z
    .string()
    .optional()
    .describe('Compare with this strategy’s plan: the answer then holds `diff`.'),
});

const location = z
  .object({
    line: z.number().int().optional(),
    sheet: z.string().optional(),
    table: z.number().int().optional(),
    row: z.number().int().optional(),
    column: z.number().int().optional(),
  })
  .describe('Where it was read: line, or sheet and row, or table and row.');

const warning = z.object({
  code: z.string().describe('Stable, e.g. "timescale-needs-checking".'),
  message: z.string(),
  at: location.optional(),
  action: z.number().int().optional().describe('Index into actions.'),
});

const date = z.string().nullable().describe('YYYY-MM-DD or null.');

export const previewSchema = z.object({
  source: z.object({
    name: z.string(),
    format: z.enum(['text', 'csv', 'xlsx', 'docx']),
    sheet: z.string().nullable(),
    sheets: z.array(z.string()),
  }),
  documentDate: z.string().describe('The plan’s own date (two-digit years are read from it).'),
  summary: z.object({
    actions: z.number().int(),
    themes: z.number().int(),
    needsChecking: z.number().int(),
    sentence: z.string().describe('"38 actions in 6 themes; 3 timescales need checking".'),
  }),
  themes: z.array(z.string()).describe('Theme headings as written, in order.'),
  sections: z.array(
    z.object({
      number: z.string().nullable(),
      title: z.string(),
      vision: z.string().nullable(),
      currentPosition: z.string().nullable(),
      gettingThere: z.string().nullable(),
    }),
  ),
  glossary: z.array(
    z.object({
      code: z.string(),
      meaning: z.string(),
      kind: z.enum(['legend', 'initials', 'sheet']),
    }),
  ),
  mapping: z.array(
    z.object({
      index: z.number().int(),
      header: z.string(),
      field: z.enum(MAPPING_CHOICES),
      recognised: z.boolean(),
    }),
  ),
  warnings: z.array(warning),
  actions: z.array(
    z.object({
      ref: z.string().nullable(),
      title: z.string(),
      theme: z.string().nullable(),
      priority: z.string().nullable().describe('"high", "medium", "low" or null.'),
      priorityText: z.string().nullable(),
      owner: z.object({
        text: z.string().nullable().describe('The cell as written.'),
        lead: z.string().nullable(),
        with: z.array(z.string()),
      }),
      supportedBy: z.string().nullable(),
      timescale: z.object({
        text: z.string().nullable(),
        start: date,
        due: date,
        needsChecking: z.boolean(),
        note: z.string().optional(),
      }),
      resources: z.object({
        kind: z.enum(['current', 'additional', 'amount', 'text']).nullable(),
        amountPence: z.number().int().nullable(),
        period: z.enum(['one-off', 'per-year']).nullable(),
        text: z.string().nullable(),
      }),
      target: z.string().nullable(),
      status: z.string().nullable(),
      comments: z.string().nullable(),
      extra: z.record(z.string(), z.string()),
      source: z.record(z.string(), z.string()).describe('The cells as read, by header.'),
      at: location,
    }),
  ),
});

const change = z.object({
  field: z.string(),
  label: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});

export const diffSchema = z.object({
  strategyId: z.string(),
  added: z.array(z.object({ index: z.number().int(), ref: z.string(), title: z.string() })),
  changed: z.array(
    z.object({
      index: z.number().int(),
      ref: z.string(),
      title: z.string(),
      actionId: z.string(),
      changes: z.array(change),
    }),
  ),
  unchanged: z.array(
    z.object({ index: z.number().int(), ref: z.string(), title: z.string(), actionId: z.string() }),
  ),
  missing: z
    .array(z.object({ ref: z.string(), title: z.string(), actionId: z.string() }))
    .describe('In the strategy, not in the plan: kept as they are, never deleted.'),
  sentence: z.string(),
});

export const problemsSchema = z
  .array(z.object({ action: z.number().int(), ref: z.string(), message: z.string() }))
  .describe('What would stop the import (fix these cells first).');

export const draftSchema = z.object({
  id: z.string(),
  expiresAt: z.string().describe('When the draft is removed if not imported.'),
  committed: z.boolean(),
  target: z
    .object({ strategyId: z.string().optional(), newStrategyTitle: z.string().optional() })
    .nullable(),
  preview: previewSchema,
  problems: problemsSchema,
  diff: diffSchema.optional(),
});

export const commitResultSchema = z.object({
  strategyId: z.string(),
  strategyTitle: z.string(),
  newStrategy: z.boolean(),
  actions: z.object({
    created: z.array(z.string()).describe('References of the actions added.'),
    updated: z.array(z.string()),
    unchanged: z.array(z.string()),
    missing: z.array(z.string()).describe('In the strategy but not in the plan: kept.'),
    archived: z.array(z.string()).describe('Missing actions archived as asked.'),
  }),
  areasCreated: z.number().int(),
  glossaryTerms: z.number().int(),
  links: z.object({ strategy: z.string(), actionPlan: z.string() }),
});
