import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { importRoutes } from './import.routes.js';
import { importApi } from './import.api.js';

export { registerImportCommand } from './import.cli.js';
export { readSource } from './readers/index.js';
export { understandDocument } from './understand/index.js';
export type * from './import.types.js';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(importRoutes);
  await app.register(importApi);
};

export const importsModule: WaymarkModule = {
  name: 'imports',
  routes,
  navigation: [{ href: '/imports/new', text: 'Import a plan', permission: 'strategy.manage' }],
};
