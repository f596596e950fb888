import { z } from 'zod';
import { emailField, requiredText } from '../../kernel/http/fields.js';
import { normaliseIssuer, parseDomains } from './sso.rules.js';

/** New people never become administrators automatically: an admin promotes them by hand. */
export const DEFAULT_ROLES = ['editor', 'contributor', 'board', 'viewer'] as const;

const ISSUER_EXAMPLE = 'https://login.microsoftonline.com/<directory (tenant) ID>/v2.0';

function issuerProblem(value: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `Enter the issuer URL in the correct format, like ${ISSUER_EXAMPLE}`;
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return 'The issuer URL must start with https://';
  }
  if (url.search || url.hash || url.username || url.password) {
    return `The issuer URL must be just the address, like ${ISSUER_EXAMPLE}`;
  }
  return null;
}

/** The single sign-on settings form. The secret may be left blank to keep the stored one. */
export function settingsSchema(allowHttp: boolean) {
  return z.object({
    issuer: z
      .string({ error: 'Enter the issuer URL' })
      .trim()
      .min(1, 'Enter the issuer URL')
      .max(500, 'The issuer URL must be 500 characters or fewer')
      .transform(normaliseIssuer)
      .superRefine((value, ctx) => {
        const problem = issuerProblem(value, allowHttp);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    client_id: requiredText('the client ID', 255),
    client_secret: z
      .string()
      .trim()
      .max(1000, 'The client secret must be 1,000 characters or fewer')
      .optional()
      .transform((v) => v ?? ''),
    allowed_domains: z
      .string({ error: 'Enter at least one email domain, like council.gov.uk' })
      .max(5000, 'The email domains must be 5,000 characters or fewer')
      .transform((text, ctx) => {
        const { domains, invalid } = parseDomains(text);
        if (invalid.length) {
          ctx.addIssue({
            code: 'custom',
            message: `${invalid.map((d) => `“${d}”`).join(', ')} ${invalid.length === 1 ? 'is not an email domain' : 'are not email domains'}. Enter domains like council.gov.uk, one per line`,
          });
          return z.NEVER;
        }
        if (!domains.length) {
          ctx.addIssue({
            code: 'custom',
            message: 'Enter at least one email domain, like council.gov.uk',
          });
          return z.NEVER;
        }
        if (domains.length > 50) {
          ctx.addIssue({ code: 'custom', message: 'Enter 50 email domains or fewer' });
          return z.NEVER;
        }
        return domains;
      }),
    default_role: z.enum(DEFAULT_ROLES, { error: 'Select the role new people get' }),
    enabled: z
      .enum(['yes', 'no'], { error: 'Select yes if people can sign in with single sign-on' })
      .transform((v) => v === 'yes'),
  });
}

export type SettingsInput = z.output<ReturnType<typeof settingsSchema>>;

export const ssoEmailSchema = z.object({ email: emailField('your work email address') });
