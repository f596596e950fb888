import { z } from 'zod';

/** Form fields used across modules, each with the GOV.UK wording for its errors. */
export function emailField(label = 'your email address') {
  return z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(254, 'Email address must be 254 characters or fewer')
    .pipe(z.email('Enter an email address in the correct format, like name@example.org'))
    .transform((e) => e.toLowerCase());
}

export function requiredText(label: string, max = 200) {
  return z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(
      max,
      `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`,
    );
}

/** Empty form fields arrive as ''; optional fields treat them as absent. */
export function optionalText(label: string, max = 5000) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .max(
        max,
        `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`,
      )
      .optional(),
  );
}

function isRealDate(value: string): boolean {
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A calendar date as YYYY-MM-DD (the API's form, and what date inputs are turned into). */
export function optionalDate(label: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(
        /^\d{4}-\d{2}-\d{2}$/,
        `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a real date, like 2027-03-31`,
      )
      .refine(isRealDate, `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a real date`)
      .optional(),
  );
}

/**
 * GOV.UK date inputs post three fields (name-day, name-month, name-year); this joins them into
 * YYYY-MM-DD, or leaves the raw text when incomplete so validation can say what is wrong.
 */
export function joinDateParts(body: Record<string, unknown>, name: string): string | undefined {
  const text = (key: string) => {
    const value = body[key];
    return typeof value === 'string' ? value.trim() : '';
  };
  const [day, month, year] = [text(`${name}-day`), text(`${name}-month`), text(`${name}-year`)];
  if (!day && !month && !year) return text(name) || undefined;
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year))
    return `${year}-${month}-${day}`;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}
