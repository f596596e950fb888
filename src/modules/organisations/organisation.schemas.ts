import { z } from 'zod';
import { ROLES } from '../../kernel/db/schema.js';
import { emailField, requiredText } from '../../kernel/http/fields.js';

const roleField = (message: string) => z.enum(ROLES, { error: message });

/** The form at /admin/people/invite. */
export const inviteSchema = z.object({
  email: emailField('their email address'),
  role: roleField('Select the role they will have'),
});

/** The form at /admin/people/:userId/role. */
export const changeRoleSchema = z.object({
  role: roleField('Select a role'),
});

/** The form at /admin/settings. */
export const settingsSchema = z.object({
  name: requiredText('the organisation’s name'),
  requireTwoFactor: z
    .enum(['yes', 'no'], { error: 'Select yes if everyone must use two-step verification' })
    .transform((v) => v === 'yes'),
});

/** The form a person with no account fills in to accept an invitation. */
export const newAccountSchema = z.object({
  fullName: requiredText('your full name'),
  password: z.string({ error: 'Enter a password' }).min(1, 'Enter a password'),
  confirm: z.string({ error: 'Enter the password again' }).min(1, 'Enter the password again'),
});

/** Ids in URLs: anything that is not a UUID cannot be a person here, so it is "not found". */
export const userIdParams = z.object({ userId: z.uuid() });
export const invitationIdParams = z.object({ invitationId: z.uuid() });
