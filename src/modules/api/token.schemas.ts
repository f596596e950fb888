import { z } from 'zod';

export const SCOPES = ['read', 'write'] as const;
export type Scope = (typeof SCOPES)[number];

/** The expiry choices a person is offered, in days (null: never). */
export const EXPIRY_CHOICES = { '30': 30, '90': 90, '365': 365, never: null } as const;
export type ExpiryChoice = keyof typeof EXPIRY_CHOICES;

const tokenName = z
  .string({ error: 'Enter a name for the token' })
  .trim()
  .min(1, 'Enter a name for the token')
  .max(100, 'Name must be 100 characters or fewer');

/** Scopes in a fixed order, each once, whatever order they were given in. */
function normaliseScopes(scopes: readonly Scope[]): Scope[] {
  return SCOPES.filter((s) => scopes.includes(s));
}

/** The form at /account/tokens/new. Checkboxes arrive as a string, an array, or not at all. */
export const tokenFormSchema = z.object({
  name: tokenName,
  scopes: z.preprocess(
    (v) => (v === undefined || v === '' ? [] : [v].flat()),
    z
      .array(z.enum(SCOPES, { error: 'Select read, write or both' }))
      .min(1, 'Select what the token can do')
      .transform(normaliseScopes),
  ),
  expiry: z.enum(['30', '90', '365', 'never'], { error: 'Select when the token expires' }),
});

const EXPIRY_DAYS_MESSAGE = 'expiresInDays must be a whole number of days from 1 to 366, or null';

/** The body of POST /api/v1/tokens. */
export const tokenCreateBodySchema = z.object(
  {
    name: tokenName.describe(
      'So you can tell your tokens apart, e.g. "Power BI dashboard". Up to 100 characters.',
    ),
    scopes: z
      .array(z.enum(SCOPES, { error: 'Each scope must be "read" or "write"' }), {
        error: 'scopes must be a list, for example ["read"]',
      })
      .min(1, 'Give at least one scope: "read", "write" or both')
      .transform(normaliseScopes)
      .describe(
        'What the token may do: "read" (GET requests), "write" (everything else), or both. A token can only be given scopes the calling token has.',
      ),
    expiresInDays: z
      .number({ error: EXPIRY_DAYS_MESSAGE })
      .int(EXPIRY_DAYS_MESSAGE)
      .min(1, EXPIRY_DAYS_MESSAGE)
      .max(366, EXPIRY_DAYS_MESSAGE)
      .nullable()
      .default(90)
      .describe(
        'Days until the token stops working, from 1 to 366; null for a token that never expires. Default 90.',
      ),
  },
  { error: 'Send a JSON object with at least name and scopes' },
);

export const tokenStatusSchema = z
  .enum(['active', 'expired', 'revoked'])
  .describe('Whether the token works: "active", or "expired" or "revoked" (it no longer works).');

/** A token as the API shows it: never its value or hash. */
export const tokenSchema = z.object({
  id: z.uuid().describe('The token’s id, for revoking it.'),
  name: z.string().describe('The name given when it was created.'),
  prefix: z.string().describe('The first 8 characters of the token, to recognise it by.'),
  scopes: z.array(z.enum(SCOPES)).describe('What the token may do.'),
  status: tokenStatusSchema,
  createdAt: z.iso.datetime().describe('When it was created.'),
  expiresAt: z.iso.datetime().nullable().describe('When it stops working, or null if never.'),
  lastUsedAt: z.iso
    .datetime()
    .nullable()
    .describe('When it was last used (to the minute), or null if never.'),
  revokedAt: z.iso.datetime().nullable().describe('When it was revoked, or null.'),
});

export const createdTokenSchema = tokenSchema.extend({
  token: z
    .string()
    .describe('The token itself. This is the only time it is shown: store it somewhere safe now.'),
});

export const tokenIdParamsSchema = z.object({
  id: z.uuid({ error: 'id must be a token id (a UUID)' }).describe('The token’s id.'),
});
