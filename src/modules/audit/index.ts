import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';

const routes: FastifyPluginAsync = async () => {};

export const auditModule: WaymarkModule = {
  name: 'audit',
  routes,
  navigation: [{ href: '/admin/audit', text: 'Audit trail', permission: 'audit.read' }],
};
