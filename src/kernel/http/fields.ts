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
