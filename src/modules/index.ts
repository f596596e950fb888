import type { WaymarkModule } from './module.js';
import { homeModule } from './home/index.js';
import { identityModule } from './identity/index.js';
import { organisationsModule } from './organisations/index.js';
import { ssoModule } from './sso/index.js';
import { apiModule } from './api/index.js';
import { auditModule } from './audit/index.js';
import { strategyModule } from './strategy/index.js';
import { importsModule } from './imports/index.js';
import { governanceModule } from './governance/index.js';

/** Every module, in the order their navigation items appear. */
export const modules: WaymarkModule[] = [
  homeModule,
  strategyModule,
  governanceModule,
  importsModule,
  identityModule,
  organisationsModule,
  ssoModule,
  apiModule,
  auditModule,
];
