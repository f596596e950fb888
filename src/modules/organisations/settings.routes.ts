import type { FastifyPluginAsync } from 'fastify';
import { member } from '../../kernel/auth/plugin.js';
import { parseInput } from '../../kernel/http/validation.js';
import { settingsSchema } from './organisation.schemas.js';
import { getOrganisationSettings, updateOrganisationSettings } from './organisation.service.js';

const SETTINGS_PAGE = 'organisations/views/settings.njk';

/** The organisation's own settings, for administrators. */
export const settingsRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const access = { access: 'settings.manage' } as const;

  app.get('/admin/settings', { config: access }, async (request, reply) => {
    const auth = member(request);
    const settings = await getOrganisationSettings(db, request.actor(), auth.organisation.id);
    return reply.page(SETTINGS_PAGE, {
      title: 'Organisation settings',
      values: { name: settings.name, requireTwoFactor: settings.requireTwoFactor ? 'yes' : 'no' },
    });
  });

  app.post('/admin/settings', { config: access }, async (request, reply) => {
    const auth = member(request);
    const parsed = parseInput(settingsSchema, request.body);
    if (!parsed.ok) {
      return reply.page(
        SETTINGS_PAGE,
        { title: 'Organisation settings', errors: parsed.errors, values: parsed.values },
        400,
      );
    }
    const { changed } = await updateOrganisationSettings(
      db,
      request.actor(),
      auth.organisation.id,
      parsed.data,
    );
    // Requiring two-step verification applies to the admin too: send them to set it up now.
    if (parsed.data.requireTwoFactor && !auth.user.twoFactorEnabled) {
      return reply
        .flash(
          `The settings have been saved. ${parsed.data.name} now requires two-step verification: set it up for your own account to carry on.`,
        )
        .redirect('/account/two-factor', 303);
    }
    return reply
      .flash(changed ? 'The organisation settings have been saved.' : 'Nothing was changed.')
      .redirect('/admin/settings', 303);
  });
};
