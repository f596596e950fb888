export { loadDemo, DEMO_ORGANISATION, DEMO_PASSWORD, DEMO_PEOPLE } from './demo.service.js';
