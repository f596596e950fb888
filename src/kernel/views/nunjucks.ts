import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const SRC = fileURLToPath(new URL('../../', import.meta.url));
const GOVUK = fileURLToPath(new URL('../../../node_modules/govuk-frontend/dist/', import.meta.url));

const ukDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const ukDateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'string' && value) {
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/**
 * Templates are found by name from three roots: the kernel's shared templates, the modules folder
 * (so a module's page is `identity/views/sign-in.njk`) and GOV.UK Frontend (`govuk/…`).
 */
export function createViewEnvironment(options: { cache: boolean }) {
  const loader = new nunjucks.FileSystemLoader(
    [`${SRC}kernel/views/templates`, `${SRC}modules`, GOVUK],
    { noCache: !options.cache },
  );
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false });
  env.addFilter('ukDate', (v: unknown) => {
    const d = toDate(v);
    return d ? ukDate.format(d) : '';
  });
  env.addFilter('ukDateTime', (v: unknown) => {
    const d = toDate(v);
    return d ? ukDateTime.format(d).replace(' am', 'am').replace(' pm', 'pm') : '';
  });
  // Nunjucks' own trim uses a regex that backtracks over long runs of whitespace, and GOV.UK macros
  // pipe most of their output through it: a linear trim halves the CPU of a large page.
  env.addFilter('trim', (v: unknown) => {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- SafeString stringifies to its text
    const trimmed = String(v ?? '').trim();
    return v instanceof nunjucks.runtime.SafeString
      ? new nunjucks.runtime.SafeString(trimmed)
      : trimmed;
  });
  env.addFilter('isoDateTime', (v: unknown) => toDate(v)?.toISOString() ?? '');
  return env;
}
