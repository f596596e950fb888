import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { boardsPlugin } from './boards.plugin.js';
import { roundsPlugin } from './rounds.plugin.js';
import { reportsPlugin } from './reports.plugin.js';
import { dashboardsPlugin } from './dashboards.plugin.js';
import { publicPlugin } from './public.plugin.js';

export type * from './governance.tables.js';
export type * from './report.types.js';
export { registerReportCommand } from './report.cli.js';
export { startScheduler } from './scheduler.js';
export { governanceHistory, type GovernanceHistory } from './governance-history.service.js';
export {
  createBoardInTx,
  addMemberInTx,
  setBoardStrategiesInTx,
  findBoard,
  type Board,
} from './board.service.js';
export {
  createMeetingInTx,
  addAgendaItemInTx,
  setMeetingStatusInTx,
  findMeeting,
  type Meeting,
} from './meeting.service.js';
export { recordDecisionInTx } from './decision.service.js';
export { boardInput, meetingInput, agendaItemInput, decisionInput } from './board.schemas.js';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(boardsPlugin);
  await app.register(roundsPlugin);
  await app.register(reportsPlugin);
  await app.register(dashboardsPlugin);
  await app.register(publicPlugin);
};

export const governanceModule: WaymarkModule = {
  name: 'governance',
  routes,
  navigation: [
    { href: '/boards', text: 'Boards', permission: 'org.read' },
    { href: '/reports', text: 'Reports', permission: 'org.read' },
  ],
};
