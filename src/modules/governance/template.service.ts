import type { Kysely } from 'kysely';
import { canonicalJson, recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import type { Parsed } from '../../kernel/http/validation.js';
import type { BoardKind, ReportTemplateSection } from './governance.tables.js';
import {
  DATA_SECTIONS,
  NARRATIVE_SECTIONS,
  type NarrativeSectionKey,
  type SectionKey,
} from './report.types.js';

/**
 * An organisation's report template: the order of the sections, their headings and the standard
 * words an officer starts from. Without one of its own, an organisation gets the default below,
 * laid out as committee papers usually are.
 */

export interface TemplateSection {
  key: SectionKey;
  heading: string;
  /** Only narrative sections have standard words; data sections come from the record. */
  standardText: string;
}

export const ALL_SECTIONS: readonly SectionKey[] = [...NARRATIVE_SECTIONS, ...DATA_SECTIONS];

export function isNarrativeKey(key: string): key is NarrativeSectionKey {
  return (NARRATIVE_SECTIONS as readonly string[]).includes(key);
}

function isSectionKey(key: string): key is SectionKey {
  return (ALL_SECTIONS as readonly string[]).includes(key);
}

/** What each section is for, shown on the template page and beside the report's text boxes. */
export const SECTION_PURPOSE: Record<SectionKey, string> = {
  purpose: 'Why the paper is on the agenda, in a sentence or two.',
  recommendation: 'What the board is asked to do.',
  background: 'What led to the strategy and this report.',
  previousDecisions: 'From the record: decisions already taken on the strategy.',
  progressSummary: 'From the record: actions by status and by theme, now and forecast.',
  completed: 'From the record: actions completed since the last report.',
  exceptions: 'From the record: actions off track, at risk or overdue, and what is being done.',
  changes: 'From the record: new, moved, re-dated and dropped actions since the last report.',
  milestones: 'From the record: what is due before the next report.',
  resources: 'From the record: the amounts in the plan and actions needing more resources.',
  financial: 'The financial implications, as the finance officer agrees them.',
  legal: 'The legal implications, as the legal officer agrees them.',
  equalities: 'The equalities implications.',
  risk: 'The risks, and how they are managed.',
  contacts: 'The officers to contact about the report, with their telephone or email.',
};

export const DEFAULT_TEMPLATE: readonly TemplateSection[] = [
  {
    key: 'purpose',
    heading: 'Purpose of the report',
    standardText:
      'This report tells the {board} how the {strategy} is being delivered, as at {asAt}.',
  },
  {
    key: 'recommendation',
    heading: 'Recommendation',
    standardText: 'The {board} is asked to NOTE this report.',
  },
  { key: 'background', heading: 'Background', standardText: '' },
  { key: 'previousDecisions', heading: 'Previous decisions', standardText: '' },
  { key: 'progressSummary', heading: 'Progress summary', standardText: '' },
  { key: 'completed', heading: 'Completed since the last report', standardText: '' },
  { key: 'exceptions', heading: 'Exceptions', standardText: '' },
  { key: 'changes', heading: 'Changes since the last report', standardText: '' },
  { key: 'milestones', heading: 'Upcoming milestones', standardText: '' },
  { key: 'resources', heading: 'Resource implications', standardText: '' },
  {
    key: 'financial',
    heading: 'Financial implications',
    standardText: 'The costs of the strategy are met from the budgets already agreed for it.',
  },
  {
    key: 'legal',
    heading: 'Legal implications',
    standardText: 'There are no legal implications arising directly from this report.',
  },
  {
    key: 'equalities',
    heading: 'Equalities implications',
    standardText: 'There are no equalities implications arising directly from this report.',
  },
  {
    key: 'risk',
    heading: 'Risk implications',
    standardText: 'The risks to delivery are shown in the exceptions section above.',
  },
  { key: 'contacts', heading: 'Officers to contact', standardText: '' },
];

const DEFAULT_HEADINGS = Object.fromEntries(
  DEFAULT_TEMPLATE.map((d) => [d.key, d.heading]),
) as Record<SectionKey, string>;

/** The stored sections, repaired: unknown keys dropped, missing ones added in the default place. */
export function templateFrom(stored: readonly ReportTemplateSection[] | null | undefined) {
  if (!stored?.length) return DEFAULT_TEMPLATE.map((s) => ({ ...s }));
  const out: TemplateSection[] = [];
  const seen = new Set<string>();
  for (const s of stored) {
    if (!isSectionKey(s.key) || seen.has(s.key)) continue;
    seen.add(s.key);
    out.push({
      key: s.key,
      heading: s.heading.trim() || DEFAULT_HEADINGS[s.key],
      standardText: isNarrativeKey(s.key) ? (s.standardText ?? '') : '',
    });
  }
  DEFAULT_TEMPLATE.forEach((d, i) => {
    if (!seen.has(d.key)) out.splice(Math.min(i, out.length), 0, { ...d });
  });
  return out;
}

export async function loadTemplate(trx: Tx, tenantId: string): Promise<TemplateSection[]> {
  const row = await trx
    .selectFrom('report_templates')
    .select('sections')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return templateFrom(row?.sections);
}

/** How papers name a board of each kind in "The … is asked to NOTE this report". */
export function boardNoun(board: { kind: BoardKind; name: string } | null): string {
  if (!board) return 'Board';
  switch (board.kind) {
    case 'cabinet':
      return 'Cabinet';
    case 'scrutiny':
      return /committee/i.test(board.name) ? 'Committee' : 'Commission';
    case 'business_strategy_group':
    case 'steering_group':
    case 'working_group':
      return 'Group';
    case 'corporate_management_team':
    case 'directorate_leadership_team':
      return 'Team';
    default:
      return 'Board';
  }
}

export interface WordingContext {
  board: { kind: BoardKind; name: string } | null;
  strategyTitle: string;
  asAt: string;
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

export function longDate(date: string): string {
  return LONG_DATE.format(new Date(`${date}T00:00:00Z`));
}

/** Fills the placeholders {board}, {boardName}, {strategy} and {asAt} in standard words. */
export function fillWording(text: string, ctx: WordingContext): string {
  return text
    .replaceAll('{boardName}', ctx.board?.name ?? 'board')
    .replaceAll('{board}', boardNoun(ctx.board))
    .replaceAll('{strategy}', ctx.strategyTitle)
    .replaceAll('{asAt}', longDate(ctx.asAt));
}

/** A new report's narrative: the template's standard words, filled in. */
export function standardNarrative(
  template: readonly TemplateSection[],
  ctx: WordingContext,
): Partial<Record<NarrativeSectionKey, string>> {
  const out: Partial<Record<NarrativeSectionKey, string>> = {};
  for (const s of template) {
    if (isNarrativeKey(s.key) && s.standardText.trim())
      out[s.key] = fillWording(s.standardText, ctx);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The template form: one row per section, with its order, heading and (narrative) standard words

const HEADING_MAX = 120;
const TEXT_MAX = 5000;

export function templateFormValues(template: readonly TemplateSection[]) {
  const values: Record<string, string> = {};
  template.forEach((s, i) => {
    values[`${s.key}-order`] = String(i + 1);
    values[`${s.key}-heading`] = s.heading;
    if (isNarrativeKey(s.key)) values[`${s.key}-text`] = s.standardText;
  });
  return values;
}

/**
 * Reads the form; every problem named against its own box. `current` is the template the page
 * showed: a section given the place another already holds goes just after it when moved down and
 * just before it when moved up, as people expect of "move this to place N".
 */
export function parseTemplateForm(
  body: unknown,
  current: readonly TemplateSection[] = DEFAULT_TEMPLATE,
): Parsed<TemplateSection[]> {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (k: string) => (typeof raw[k] === 'string' ? raw[k].trim() : '');
  const errors: FieldError[] = [];
  const rows: (TemplateSection & { order: number })[] = [];
  ALL_SECTIONS.forEach((key) => {
    const name = DEFAULT_HEADINGS[key];
    const heading = text(`${key}-heading`);
    const orderText = text(`${key}-order`);
    const order = Number(orderText);
    if (!heading)
      errors.push({ field: `${key}-heading`, message: `Enter a heading for “${name}”` });
    else if (heading.length > HEADING_MAX)
      errors.push({
        field: `${key}-heading`,
        message: `The heading for “${name}” must be ${HEADING_MAX} characters or fewer`,
      });
    if (!/^\d{1,2}$/.test(orderText) || order < 1 || order > ALL_SECTIONS.length)
      errors.push({
        field: `${key}-order`,
        message: `Enter the place of “${name}” as a number from 1 to ${ALL_SECTIONS.length}`,
      });
    const standardText = isNarrativeKey(key) ? text(`${key}-text`) : '';
    if (standardText.length > TEXT_MAX)
      errors.push({
        field: `${key}-text`,
        message: `The standard words for “${name}” must be ${TEXT_MAX} characters or fewer`,
      });
    rows.push({ key, heading, standardText, order });
  });
  if (errors.length) {
    const values = Object.fromEntries(
      Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    return { ok: false, errors, values };
  }
  const was = new Map(current.map((s, i) => [s.key, i + 1]));
  const place = (r: (typeof rows)[number]) => {
    const before = was.get(r.key) ?? r.order;
    return r.order + (r.order > before ? 0.5 : r.order < before ? -0.5 : 0);
  };
  rows.sort((a, b) => place(a) - place(b) || (was.get(a.key) ?? 0) - (was.get(b.key) ?? 0));
  return {
    ok: true,
    data: rows.map(({ key, heading, standardText }) => ({ key, heading, standardText })),
  };
}

export async function saveTemplate(
  db: Kysely<DB>,
  ctx: TenantContext,
  sections: TemplateSection[],
): Promise<{ changed: boolean }> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await loadTemplate(trx, ctx.tenantId);
    if (canonicalJson(before) === canonicalJson(sections)) return { changed: false };
    const value = JSON.stringify(sections);
    const now = new Date();
    await trx
      .insertInto('report_templates')
      .values({ tenant_id: ctx.tenantId, sections: value, updated_at: now })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ sections: value, updated_at: now }))
      .execute();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'report_template.updated',
      entityType: 'report_template',
      entityId: ctx.tenantId,
      before: { sections: before },
      after: { sections },
    });
    return { changed: true };
  });
}
