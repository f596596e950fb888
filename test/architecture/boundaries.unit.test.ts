/**
 * The layout rules of docs/architecture.md, checked on every run: a module's index.ts is its only
 * public face, and the kernel never depends on a module. Tests may reach inside (to set up data).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') &&
      !entry.name.includes('.test.') &&
      !entry.name.includes('test-support')
      ? [path]
      : [];
  });
}

/** Relative import specifiers of a file, resolved to paths under the project. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map(
    (m) => m[1] ?? '',
  );
  return specifiers.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

function moduleOf(path: string): string | null {
  const parts = relative(join(SRC, 'modules'), path).split(sep);
  return parts[0] && parts[0] !== '..' && parts.length > 1 ? parts[0] : null;
}

describe('module boundaries', () => {
  const files = sourceFiles(SRC);

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('reaches another module only through its index.ts', () => {
    const breaches: string[] = [];
    for (const file of files) {
      const own = moduleOf(file);
      for (const target of importsOf(file)) {
        const other = moduleOf(target);
        if (!other || other === own) continue;
        if (target !== join(SRC, 'modules', other, 'index.ts'))
          breaches.push(`${relative(ROOT, file)} → ${relative(ROOT, target)}`);
      }
    }
    expect(breaches).toEqual([]);
  });

  it('keeps the kernel free of modules', () => {
    const breaches: string[] = [];
    for (const file of files.filter((f) => f.startsWith(join(SRC, 'kernel') + sep))) {
      for (const target of importsOf(file)) {
        if (target.startsWith(join(SRC, 'modules') + sep))
          breaches.push(`${relative(ROOT, file)} → ${relative(ROOT, target)}`);
      }
    }
    expect(breaches).toEqual([]);
  });
});
