import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { emailField } from '../../kernel/http/fields.js';
import { parseInput } from '../../kernel/http/validation.js';
import {
  completePasswordReset,
  findUsableReset,
  requestPasswordReset,
  RESET_LINK_MINUTES,
} from './password-reset.service.js';

const forgotSchema = z.object({ email: emailField() });

const resetSchema = z.object({
  password: z.string({ error: 'Enter a new password' }).min(1, 'Enter a new password'),
  confirm: z
    .string({ error: 'Enter the new password again' })
    .min(1, 'Enter the new password again'),
});

/** The address people use to reach Waymark, for links in mail. */
export function publicBaseUrl(request: FastifyRequest): string {
  const configured = request.server.deps.config.PUBLIC_URL;
  return (configured ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

function resetMail(name: string, link: string): string {
  return [
    `Hello ${name},`,
    '',
    'Someone asked to reset the password of your Waymark account. If it was you, open this link to choose a new password:',
    '',
    link,
    '',
    `The link works once and stops working after ${RESET_LINK_MINUTES} minutes.`,
    '',
    'If you did not ask, you can ignore this email: your password has not changed.',
  ].join('\n');
}

function ssoMail(name: string, base: string): string {
  return [
    `Hello ${name},`,
    '',
    'Someone asked to reset the password of your Waymark account.',
    'Your account has no Waymark password: you sign in with your organisation’s account (single sign-on).',
    '',
    `Sign in here: ${base}/sign-in/sso`,
    '',
    'If you did not ask, you can ignore this email.',
  ].join('\n');
}

export const passwordResetRoutes: FastifyPluginAsync = async (app) => {
  const { config } = app.deps;
  const rateLimit = { max: config.SIGN_IN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' };

  app.get('/forgot-password', { config: { access: 'public' } }, async (_request, reply) =>
    reply.page('identity/views/forgot-password.njk', { title: 'Reset your password' }),
  );

  app.post(
    '/forgot-password',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const parsed = parseInput(forgotSchema, request.body);
      if (!parsed.ok) {
        return reply.page(
          'identity/views/forgot-password.njk',
          { title: 'Reset your password', errors: parsed.errors, values: parsed.values },
          400,
        );
      }
      const found = await requestPasswordReset(
        app.deps.database.db,
        parsed.data.email,
        request.actor(),
      );
      if (found) {
        const base = publicBaseUrl(request);
        const mail =
          'ssoOnly' in found
            ? {
                to: found.email,
                subject: 'Signing in to Waymark',
                text: ssoMail(found.displayName, base),
              }
            : {
                to: found.email,
                subject: 'Reset your Waymark password',
                text: resetMail(found.displayName, `${base}/reset-password/${found.token}`),
              };
        // Sent in the background, so the answer takes as long whether or not the account exists.
        app.deps.mailer.send(mail).catch((error: unknown) => {
          request.log.error({ err: error }, 'Could not send a password reset mail');
        });
      }
      return reply.redirect('/forgot-password/sent', 303);
    },
  );

  app.get('/forgot-password/sent', { config: { access: 'public' } }, async (_request, reply) =>
    reply.page('identity/views/forgot-password-sent.njk', {
      title: 'Check your email',
      minutes: RESET_LINK_MINUTES,
    }),
  );

  const invalidLink = 'identity/views/reset-link-invalid.njk';
  const invalidTitle = 'This link to reset your password does not work';

  app.get<{ Params: { token: string } }>(
    '/reset-password/:token',
    { config: { access: 'public' } },
    async (request, reply) => {
      const reset = await findUsableReset(app.deps.database.db, request.params.token);
      if (!reset)
        return reply.page(invalidLink, { title: invalidTitle, minutes: RESET_LINK_MINUTES }, 404);
      return reply.page('identity/views/reset-password.njk', {
        title: 'Choose a new password',
        token: request.params.token,
        email: reset.email,
      });
    },
  );

  app.post<{ Params: { token: string } }>(
    '/reset-password/:token',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const { token } = request.params;
      const { db } = app.deps.database;
      const parsed = parseInput(resetSchema, request.body);
      const result = parsed.ok
        ? await completePasswordReset(
            db,
            token,
            parsed.data.password,
            parsed.data.confirm,
            request.actor(),
          )
        : ({ ok: false, errors: parsed.errors } as const);
      if (result.ok) {
        return reply
          .flash('Your password has been changed. Sign in with your new password.')
          .redirect('/sign-in', 303);
      }
      const reset = await findUsableReset(db, token);
      if ('invalidLink' in result || !reset)
        return reply.page(invalidLink, { title: invalidTitle, minutes: RESET_LINK_MINUTES }, 404);
      return reply.page(
        'identity/views/reset-password.njk',
        { title: 'Choose a new password', token, email: reset.email, errors: result.errors },
        400,
      );
    },
  );
};
