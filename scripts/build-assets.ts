// Compiles the stylesheet once at install (and before tests) so nothing is fetched or built at run time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const result = sass.compile(`${root}src/kernel/views/styles/app.scss`, {
  importers: [new sass.NodePackageImporter()],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import'],
});
mkdirSync(`${root}public`, { recursive: true });
writeFileSync(`${root}public/app.css`, result.css);
console.log(`Built public/app.css in ${Date.now() - started} ms`);
