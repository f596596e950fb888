import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';

export {
  addMember,
  addMemberInTx,
  createOrganisation,
  findOrganisation,
  slugify,
} from './organisation.service.js';

const routes: FastifyPluginAsync = async () => {};

export const organisationsModule: WaymarkModule = {
  name: 'organisations',
  routes,
  navigation: [
    { href: '/admin/people', text: 'People', permission: 'members.manage' },
    { href: '/admin/settings', text: 'Settings', permission: 'settings.manage' },
  ],
};
