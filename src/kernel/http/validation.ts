import type { z } from 'zod';
import type { FieldError } from './errors.js';

export type Parsed<T> =
  { ok: true; data: T } | { ok: false; errors: FieldError[]; values: Record<string, unknown> };

/** Turns zod issues into field errors, one per field (the first, as the GOV.UK pattern asks). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: issue.message });
  }
  return out;
}

/** Parses a form or JSON body with its schema; on failure keeps what was typed for re-display. */
export function parseInput<S extends z.ZodType>(schema: S, body: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  // What was typed comes back to the form, except secrets.
  const values = Object.fromEntries(
    Object.entries(typeof body === 'object' && body !== null ? body : {}).filter(
      ([k]) => !/password|secret|code/i.test(k),
    ),
  );
  return { ok: false, errors: fieldErrors(result.error), values };
}

/** The shape the GOV.UK error summary and each field's errorMessage want. */
export function errorView(errors: FieldError[]) {
  const byField: Record<string, { text: string }> = {};
  for (const e of errors) byField[e.field] = { text: e.message };
  return {
    errorList: errors.map((e) => ({ text: e.message, href: `#${e.field.replaceAll('.', '-')}` })),
    byField,
  };
}
