import type { WaymarkModule } from './module.js';
import { homeModule } from './home/index.js';
import { identityModule } from './identity/index.js';

/** Every module, in the order their navigation items appear. */
export const modules: WaymarkModule[] = [homeModule, identityModule];
