import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ROLE_LABELS } from '../../kernel/auth/permissions.js';
import { SESSION_COOKIE, signedIn } from '../../kernel/auth/plugin.js';
import { requiredText } from '../../kernel/http/fields.js';
import { parseInput } from '../../kernel/http/validation.js';
import {
  activeSessionCount,
  changePassword,
  renameUser,
  signOutEverywhere,
} from './account.service.js';
import { twoFactorStatus } from './two-factor.service.js';

const nameSchema = z.object({ displayName: requiredText('your name', 200) });

const passwordSchema = z.object({
  current: z.string({ error: 'Enter your current password' }).min(1, 'Enter your current password'),
  password: z.string({ error: 'Enter a new password' }).min(1, 'Enter a new password'),
  confirm: z
    .string({ error: 'Enter the new password again' })
    .min(1, 'Enter the new password again'),
});

export const accountRoutes: FastifyPluginAsync = async (app) => {
  const { config } = app.deps;
  const { db } = app.deps.database;
  const rateLimit = { max: config.SIGN_IN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' };

  app.get('/account', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = signedIn(request);
    const [twoFactor, sessions] = await Promise.all([
      twoFactorStatus(db, auth.user.id),
      activeSessionCount(db, auth.user.id, config.SESSION_IDLE_MINUTES),
    ]);
    return reply.page('identity/views/account.njk', {
      title: 'Your account',
      user: auth.user,
      memberships: auth.memberships.map((m) => ({
        name: m.name,
        role: ROLE_LABELS[m.role].name,
        current: m.tenantId === auth.organisation?.id,
      })),
      twoFactor,
      sessions,
      requireTwoFactor: auth.organisation?.requireTwoFactor === true,
    });
  });

  app.get('/account/name', { config: { access: 'signed-in' } }, async (request, reply) =>
    reply.page('identity/views/change-name.njk', {
      title: 'Change your name',
      values: { displayName: signedIn(request).user.displayName },
    }),
  );

  app.post('/account/name', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = signedIn(request);
    const parsed = parseInput(nameSchema, request.body);
    if (!parsed.ok) {
      return reply.page(
        'identity/views/change-name.njk',
        { title: 'Change your name', errors: parsed.errors, values: parsed.values },
        400,
      );
    }
    await renameUser(db, auth.user.id, parsed.data.displayName, request.actor());
    return reply.flash('Your name has been changed.').redirect('/account', 303);
  });

  app.get('/account/password', { config: { access: 'signed-in' } }, async (request, reply) => {
    const status = await twoFactorStatus(db, signedIn(request).user.id);
    return reply.page('identity/views/change-password.njk', {
      title: 'Change your password',
      hasPassword: status.hasPassword,
    });
  });

  app.post(
    '/account/password',
    { config: { access: 'signed-in', rateLimit } },
    async (request, reply) => {
      const auth = signedIn(request);
      const parsed = parseInput(passwordSchema, request.body);
      const errors = parsed.ok
        ? await changePassword(
            db,
            auth.user.id,
            parsed.data,
            auth.session?.id ?? null,
            request.actor(),
          )
        : parsed.errors;
      if (errors.length) {
        return reply.page(
          'identity/views/change-password.njk',
          { title: 'Change your password', hasPassword: true, errors },
          400,
        );
      }
      return reply
        .flash('Your password has been changed. You have been signed out on other devices.')
        .redirect('/account', 303);
    },
  );

  app.post(
    '/account/sign-out-everywhere',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const auth = signedIn(request);
      await signOutEverywhere(db, auth.user.id, request.actor());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply
        .flash('You have been signed out everywhere, on this device and all others.')
        .redirect('/sign-in', 303);
    },
  );
};
