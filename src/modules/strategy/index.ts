import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { strategyRoutes } from './strategy.routes.js';
import { actionRoutes } from './action.routes.js';
import { progressRoutes } from './progress.routes.js';
import { searchRoutes } from './search.routes.js';

export { createStrategyInTx, addAreaInTx, findStrategy } from './strategy.service.js';
export { createActionInTx, findAction, refSortKey } from './action.service.js';
export { recordProgressInTx } from './progress.service.js';
export { resolvePost, assignPostHolder, postsHeldBy } from './posts.service.js';
export { parseTimescale, describeTimescale } from './timescale.js';
export { parseOwners } from './owners.js';
export { parseResources } from './resources.js';
export { parsePriority } from './priority.js';
export { actionInput, areaInput, progressInput, strategyInput } from './strategy.schemas.js';
export type * from './strategy.tables.js';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(strategyRoutes);
  await app.register(actionRoutes);
  await app.register(progressRoutes);
  await app.register(searchRoutes);
};

export const strategyModule: WaymarkModule = {
  name: 'strategy',
  routes,
  navigation: [
    { href: '/strategies', text: 'Strategies', permission: 'org.read' },
    { href: '/my-actions', text: 'My actions', permission: 'progress.record' },
    { href: '/search', text: 'Search', permission: 'org.read' },
  ],
};
