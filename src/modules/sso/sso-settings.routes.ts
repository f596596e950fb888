import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { member } from '../../kernel/auth/plugin.js';
import { ROLE_LABELS } from '../../kernel/auth/permissions.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import { callbackUrl } from './public-url.js';
import { DEFAULT_ROLES, settingsSchema } from './sso.schemas.js';
import { loadSettings, saveSettings, type SettingsView } from './sso-settings.service.js';

const PAGE = 'sso/views/settings.njk';
const TITLE = 'Single sign-on';
const PATH = '/admin/settings/sso';

/** The form's values as text, from what is stored (the secret is never among them). */
function formValues(settings: SettingsView | null): Record<string, string> {
  if (!settings) return { default_role: 'viewer', enabled: 'yes' };
  return {
    issuer: settings.issuer,
    client_id: settings.clientId,
    allowed_domains: settings.allowedDomains.join('\n'),
    default_role: settings.defaultRole,
    enabled: settings.enabled ? 'yes' : 'no',
  };
}

/** What was typed, to show again after an error; never the secret. */
function typedValues(body: unknown): Record<string, unknown> {
  const entries = typeof body === 'object' && body !== null ? Object.entries(body) : [];
  return Object.fromEntries(entries.filter(([k]) => !/secret|_csrf/.test(k)));
}

export const ssoSettingsRoutes: FastifyPluginAsync = async (app) => {
  const roleItems = (chosen: unknown) =>
    DEFAULT_ROLES.map((role) => ({
      value: role,
      text: ROLE_LABELS[role].name,
      hint: { text: ROLE_LABELS[role].description },
      checked: role === chosen,
    }));

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    settings: SettingsView | null,
    form: { values: Record<string, unknown>; errors?: FieldError[] },
    status?: number,
  ) {
    return reply.page(
      PAGE,
      {
        title: TITLE,
        ...form,
        settings,
        roleItems: roleItems(form.values.default_role),
        redirectUri: callbackUrl(request).href,
        allowHttp: app.deps.config.OIDC_ALLOW_HTTP,
      },
      status,
    );
  }

  app.get(PATH, { config: { access: 'settings.manage' } }, async (request, reply) => {
    const auth = member(request);
    const settings = await loadSettings(app.deps, auth.organisation.id, auth.user.id);
    return render(request, reply, settings, { values: formValues(settings) });
  });

  app.post(PATH, { config: { access: 'settings.manage' } }, async (request, reply) => {
    const auth = member(request);
    const settings = await loadSettings(app.deps, auth.organisation.id, auth.user.id);
    const parsed = parseInput(settingsSchema(app.deps.config.OIDC_ALLOW_HTTP), request.body);
    if (!parsed.ok) {
      return render(
        request,
        reply,
        settings,
        { errors: parsed.errors, values: parsed.values },
        400,
      );
    }
    const result = await saveSettings(
      app.deps,
      { tenantId: auth.organisation.id, actor: request.actor() },
      parsed.data,
    );
    if (!result.ok) {
      return render(
        request,
        reply,
        settings,
        { errors: result.errors, values: typedValues(request.body) },
        400,
      );
    }
    return reply.flash('Single sign-on settings saved.').redirect(PATH, 303);
  });
};
