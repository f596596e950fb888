import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { invitationRoutes } from './invitation.routes.js';
import { peopleRoutes } from './people.routes.js';
import { settingsRoutes } from './settings.routes.js';

export {
  addMember,
  addMemberInTx,
  createOrganisation,
  findOrganisation,
  getOrganisationSettings,
  slugify,
  updateOrganisationSettings,
} from './organisation.service.js';
export { changeRole, LastAdminError, removeMember } from './people.service.js';
export { createInvitation, INVITATION_DAYS, withdrawInvitation } from './invitation.service.js';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(peopleRoutes);
  await app.register(invitationRoutes);
  await app.register(settingsRoutes);
};

export const organisationsModule: WaymarkModule = {
  name: 'organisations',
  routes,
  navigation: [
    { href: '/admin/people', text: 'People', permission: 'members.manage' },
    { href: '/admin/settings', text: 'Settings', permission: 'settings.manage' },
  ],
};
