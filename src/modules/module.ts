import type { FastifyPluginAsync } from 'fastify';
import type { NavItem } from '../kernel/views/plugin.js';

/** What a module gives the app: its routes (pages and API) and its service-navigation items. */
export interface WaymarkModule {
  name: string;
  routes: FastifyPluginAsync;
  navigation?: NavItem[];
}
