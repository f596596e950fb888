import { pagesSuite } from './pages.suite.js';

pagesSuite(['no-js']);
