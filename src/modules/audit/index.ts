import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { auditRoutes } from './audit.routes.js';

export { registerAuditCommands, verifyChains } from './audit.cli.js';
/** Other pages link "History of this record" here. */
export { recordHistoryPath } from './audit.view-model.js';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(auditRoutes);
};

export const auditModule: WaymarkModule = {
  name: 'audit',
  routes,
  navigation: [{ href: '/admin/audit', text: 'Audit trail', permission: 'audit.read' }],
};
