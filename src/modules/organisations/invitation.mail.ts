import { ROLE_LABELS } from '../../kernel/auth/permissions.js';
import type { Role } from '../../kernel/db/schema.js';
import type { Mail } from '../../kernel/mail/mailer.js';

const whenFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

/** "Sunday 29 November 2026 at 3:05pm", UK time, as people write it. */
export function inviteExpiry(date: Date): string {
  return whenFormat.format(date).replace(',', '').replace(' am', 'am').replace(' pm', 'pm');
}

/** The plain-text mail that carries an invitation link. */
export function invitationMail(input: {
  to: string;
  organisationName: string;
  inviterName: string;
  role: Role;
  link: string;
  expiresAt: Date;
}): Mail {
  const role = ROLE_LABELS[input.role];
  return {
    to: input.to,
    subject: `You have been invited to join ${input.organisationName} on Waymark`,
    text: [
      'Hello,',
      '',
      `${input.inviterName} has invited you to join ${input.organisationName} on Waymark, the system it uses to run its ICT strategy and action plan.`,
      '',
      `Your role will be ${role.name}. ${role.description}`,
      '',
      'To accept, open this link:',
      '',
      input.link,
      '',
      `The link can be used once, and stops working on ${inviteExpiry(input.expiresAt)}.`,
      '',
      'If you were not expecting this email, you can ignore it: nothing happens unless you accept.',
    ].join('\n'),
  };
}
