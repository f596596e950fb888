import type { Kysely } from 'kysely';
import { z } from 'zod';
import { canonicalJson, recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { parseInput, type Parsed } from '../../kernel/http/validation.js';
import {
  DEFAULT_STATUS_HINTS,
  loadPriorities,
  statusLabelsFrom,
  type StatusLabels,
} from './display.js';
import type { PriorityLevel } from './priority.js';
import { DEFAULT_STATUS_LABELS, type Rag } from './status.js';
import { STATUSES, type Status } from './strategy.tables.js';

/**
 * The organisation's own words for each status, and the RAG colour each maps to. The codes
 * (on_track …) never change: reports, filters and the API keep working whatever the words.
 */

export const RAGS = ['red', 'amber', 'green', 'blue', 'grey'] as const satisfies readonly Rag[];

export const RAG_NAMES: Record<Rag, string> = {
  red: 'Red',
  amber: 'Amber',
  green: 'Green',
  blue: 'Blue',
  grey: 'Grey',
};

export interface StatusWord {
  label: string;
  rag: Rag;
  hint: string;
}

export type StatusWords = Record<Status, StatusWord>;

function statusName(status: Status) {
  return DEFAULT_STATUS_LABELS[status].label.toLowerCase();
}

/** The form posts `<status>-label`, `<status>-rag` and `<status>-hint` for every status. */
export const statusWordsInput = z
  .object(
    Object.fromEntries(
      STATUSES.flatMap((status) => [
        [
          `${status}-label`,
          z
            .string({ error: `Enter a word for “${statusName(status)}”` })
            .trim()
            .min(1, `Enter a word for “${statusName(status)}”`)
            .max(40, `The word for “${statusName(status)}” must be 40 characters or fewer`),
        ],
        [`${status}-rag`, z.enum(RAGS, { error: `Select a colour for “${statusName(status)}”` })],
        [
          `${status}-hint`,
          z
            .string()
            .trim()
            .max(200, `The hint for “${statusName(status)}” must be 200 characters or fewer`)
            .optional(),
        ],
      ]),
    ) as Record<string, z.ZodType>,
  )
  .transform((value): StatusWords => {
    const out = {} as StatusWords;
    for (const status of STATUSES) {
      const hint = (value[`${status}-hint`] as string | undefined) ?? '';
      out[status] = {
        label: value[`${status}-label`] as string,
        rag: value[`${status}-rag`] as Rag,
        hint: hint || DEFAULT_STATUS_HINTS[status],
      };
    }
    return out;
  });

/**
 * Two statuses with the same word could not be told apart on any page. Checked on the words as
 * typed, so it is reported alongside any other problem in the form.
 */
function duplicateWords(body: unknown): FieldError[] {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const seen = new Map<string, Status>();
  const errors: FieldError[] = [];
  for (const status of STATUSES) {
    const typed = raw[`${status}-label`];
    const word = typeof typed === 'string' ? typed.trim().toLowerCase() : '';
    if (!word) continue;
    const first = seen.get(word);
    if (first) {
      errors.push({
        field: `${status}-label`,
        message: `“${statusName(status)}” needs a different word from “${statusName(first)}”: each status must have its own`,
      });
    } else seen.set(word, status);
  }
  return errors;
}

/** Reads the form: every problem at once, in the order of the page. */
export function parseStatusWords(body: unknown): Parsed<StatusWords> {
  const parsed = parseInput(statusWordsInput, body);
  const duplicates = duplicateWords(body);
  if (parsed.ok && !duplicates.length) return parsed;
  const errors = parsed.ok ? [] : [...parsed.errors];
  for (const d of duplicates) if (!errors.some((e) => e.field === d.field)) errors.push(d);
  const order = (field: string) => {
    const [status = '', part = ''] = field.split('-');
    return STATUSES.indexOf(status as Status) * 3 + ['label', 'rag', 'hint'].indexOf(part);
  };
  errors.sort((a, b) => order(a.field) - order(b.field));
  return {
    ok: false,
    errors,
    values: parsed.ok
      ? typeof body === 'object' && body !== null
        ? { ...body }
        : {}
      : parsed.values,
  };
}

/** The form's values for the current words. */
export function statusWordsValues(labels: StatusLabels): Record<string, string> {
  const values: Record<string, string> = {};
  for (const status of STATUSES) {
    values[`${status}-label`] = labels[status].label;
    values[`${status}-rag`] = labels[status].rag;
    // Waymark's own hint shows as the field's hint, not as its value.
    values[`${status}-hint`] =
      labels[status].hint === DEFAULT_STATUS_HINTS[status] ? '' : labels[status].hint;
  }
  return values;
}

/** What is stored: a hint only where it differs from ours, so better defaults still reach them. */
function stored(words: StatusWords) {
  const out: Record<string, { label: string; rag: Rag; hint?: string }> = {};
  for (const status of STATUSES) {
    const { label, rag, hint } = words[status];
    out[status] = hint === DEFAULT_STATUS_HINTS[status] ? { label, rag } : { label, rag, hint };
  }
  return out;
}

async function currentSettings(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('strategy_settings')
    .select(['status_labels', 'priorities'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}

/** Saves the words (an upsert: the settings row may not exist yet), audited when they change. */
export async function saveStatusWords(
  db: Kysely<DB>,
  ctx: TenantContext,
  words: StatusWords,
): Promise<{ changed: boolean }> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const row = await currentSettings(trx, ctx.tenantId);
    const before = statusLabelsFrom(row?.status_labels);
    const next = stored(words);
    const changed = STATUSES.some(
      (s) =>
        canonicalJson({ label: before[s].label, rag: before[s].rag, hint: before[s].hint }) !==
        canonicalJson(words[s]),
    );
    if (!changed) return { changed: false };
    const now = new Date();
    await trx
      .insertInto('strategy_settings')
      .values({
        tenant_id: ctx.tenantId,
        priorities: JSON.stringify({}),
        status_labels: JSON.stringify(next),
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .column('tenant_id')
          .doUpdateSet({ status_labels: JSON.stringify(next), updated_at: now }),
      )
      .execute();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'strategy_settings.status_words_updated',
      entityType: 'strategy_settings',
      entityId: ctx.tenantId,
      before: row?.status_labels ?? null,
      after: next,
    });
    return { changed: true };
  });
}

// ---------------------------------------------------------------------------------------------
// The priority scale: High/Medium/Low unless the organisation keeps its own

/** Rows on the form: the levels there are, and room for two more. */
export const PRIORITY_ROWS_SPARE = 2;
export const MAX_PRIORITY_LEVELS = 8;

const CODE = /^[a-z0-9][a-z0-9-]{0,19}$/;

function rowText(raw: Record<string, unknown>, key: string): string {
  const v = raw[key];
  return typeof v === 'string' ? v.trim() : '';
}

/** Reads the priority form: rows left wholly empty are dropped; every problem is named. */
export function parsePriorities(body: unknown): Parsed<PriorityLevel[]> {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const levels: PriorityLevel[] = [];
  const used = new Map<string, string>();
  for (let i = 0; i < MAX_PRIORITY_LEVELS + PRIORITY_ROWS_SPARE; i++) {
    const code = rowText(raw, `level-${i}-code`).toLowerCase();
    const label = rowText(raw, `level-${i}-label`);
    const aliasText = rowText(raw, `level-${i}-aliases`);
    if (!code && !label && !aliasText) continue;
    const name = label || code || `level ${i + 1}`;
    if (!code)
      errors.push({ field: `level-${i}-code`, message: `Enter a code for ${name}, like high` });
    else if (!CODE.test(code))
      errors.push({
        field: `level-${i}-code`,
        message: `The code for ${name} must be up to 20 lower-case letters, digits or hyphens, like high`,
      });
    if (!label)
      errors.push({ field: `level-${i}-label`, message: `Enter the name of ${name}, like High` });
    else if (label.length > 40)
      errors.push({
        field: `level-${i}-label`,
        message: `The name of ${name} must be 40 characters or fewer`,
      });
    const aliases = [
      ...new Set(
        aliasText
          .split(',')
          .map((a) => a.trim().toLowerCase())
          .filter(Boolean),
      ),
    ];
    if (aliases.some((a) => a.length > 20) || aliases.length > 20)
      errors.push({
        field: `level-${i}-aliases`,
        message: `List at most 20 ways of writing ${name}, each 20 characters or fewer`,
      });
    // Whatever a plan writes must lead to one level only.
    for (const word of new Set([code, label.toLowerCase(), ...aliases].filter(Boolean))) {
      const owner = used.get(word);
      if (owner && owner !== name) {
        errors.push({
          field: word === code ? `level-${i}-code` : `level-${i}-aliases`,
          message: `“${word}” is used for both ${owner} and ${name}: a plan’s words must lead to one level`,
        });
      } else used.set(word, name);
    }
    levels.push({ code, label, aliases });
  }
  if (!levels.length && !errors.length)
    errors.push({ field: 'level-0-code', message: 'Enter at least one priority level' });
  if (levels.length > MAX_PRIORITY_LEVELS)
    errors.push({
      field: `level-${MAX_PRIORITY_LEVELS}-code`,
      message: `A scale can have at most ${MAX_PRIORITY_LEVELS} levels`,
    });
  const seen = new Set<string>();
  const unique = errors.filter((e) => !seen.has(e.field) && seen.add(e.field));
  if (unique.length) {
    const values = Object.fromEntries(
      Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    return { ok: false, errors: unique, values };
  }
  return { ok: true, data: levels };
}

export function priorityValues(levels: readonly PriorityLevel[]): Record<string, string> {
  const values: Record<string, string> = {};
  levels.forEach((level, i) => {
    values[`level-${i}-code`] = level.code;
    values[`level-${i}-label`] = level.label;
    values[`level-${i}-aliases`] = level.aliases.join(', ');
  });
  return values;
}

/** Saves the scale (upsert), audited when it changes. */
export async function savePriorities(
  db: Kysely<DB>,
  ctx: TenantContext,
  levels: PriorityLevel[],
): Promise<{ changed: boolean }> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const row = await currentSettings(trx, ctx.tenantId);
    const before = await loadPriorities(trx, ctx.tenantId);
    if (canonicalJson(before) === canonicalJson(levels)) return { changed: false };
    const value = JSON.stringify({ levels });
    const now = new Date();
    await trx
      .insertInto('strategy_settings')
      .values({
        tenant_id: ctx.tenantId,
        priorities: value,
        status_labels: JSON.stringify({}),
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({ priorities: value, updated_at: now }),
      )
      .execute();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'strategy_settings.priorities_updated',
      entityType: 'strategy_settings',
      entityId: ctx.tenantId,
      before: row?.priorities ?? null,
      after: { levels },
    });
    return { changed: true };
  });
}
