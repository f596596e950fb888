import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { can, ROLE_LABELS } from '../../kernel/auth/permissions.js';
import { signedIn } from '../../kernel/auth/plugin.js';

const routes: FastifyPluginAsync = async (app) => {
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = signedIn(request);
    const role = auth.role;
    return reply.page('home/views/home.njk', {
      title: 'Home',
      roleLabel: role ? ROLE_LABELS[role] : null,
      canManageMembers: can(role, 'members.manage'),
      canManageSettings: can(role, 'settings.manage'),
      canReadAudit: can(role, 'audit.read'),
      canUseTokens: can(role, 'tokens.own'),
      needsTwoFactor: auth.organisation?.requireTwoFactor === true && !auth.user.twoFactorEnabled,
    });
  });

  app.get('/accessibility', { config: { access: 'public' } }, async (_request, reply) =>
    reply.page('home/views/accessibility.njk', { title: 'Accessibility statement' }),
  );
  app.get('/privacy', { config: { access: 'public' } }, async (_request, reply) =>
    reply.page('home/views/privacy.njk', { title: 'Privacy notice' }),
  );
};

export const homeModule: WaymarkModule = {
  name: 'home',
  routes,
  navigation: [{ href: '/', text: 'Home', permission: 'org.read' }],
};
