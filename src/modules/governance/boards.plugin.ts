import type { FastifyPluginAsync } from 'fastify';
import { boardApiRoutes } from './board.api.js';
import { boardRoutes } from './board.routes.js';
import { governanceHistoryRoutes } from './governance-history.routes.js';
import { meetingApiRoutes } from './meeting.api.js';
import { meetingRoutes } from './meeting.routes.js';

/** Boards, meetings, decisions, the forward plan, calendar feeds and governance history. */
export const boardsPlugin: FastifyPluginAsync = async (app) => {
  await app.register(boardRoutes);
  await app.register(meetingRoutes);
  await app.register(governanceHistoryRoutes);
  await app.register(boardApiRoutes);
  await app.register(meetingApiRoutes);
};
