import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { strategyRoutes } from './strategy.routes.js';
import { actionRoutes } from './action.routes.js';
import { progressRoutes } from './progress.routes.js';
import { searchRoutes } from './search.routes.js';

export { createStrategyInTx, addAreaInTx, findStrategy } from './strategy.service.js';
export {
  archiveActionInTx,
  createActionInTx,
  findAction,
  refSortKey,
  updateActionInTx,
} from './action.service.js';
export { glossaryTermInput, putTermInTx } from './glossary.service.js';
export { listAreas } from './strategy.service.js';
export { recordProgressInTx } from './progress.service.js';
export { resolvePost, assignPostHolder, postsHeldBy } from './posts.service.js';
export { parseTimescale, describeTimescale } from './timescale.js';
export { parseOwners } from './owners.js';
export { parseResources, formatPence, describeResources } from './resources.js';
export { loadStatusLabels, type StatusLabels } from './display.js';
export { CLOSED_STATUSES } from './status.js';
export { parsePriority } from './priority.js';
export {
  DEFAULT_STATUS_LABELS,
  RAG_SHAPES,
  isOverdue,
  isStale,
  todayInLondon,
  type Rag,
} from './status.js';
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
