import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { openPglite } from '../../src/kernel/db/connect.js';
import { migrate } from '../../src/kernel/db/migrate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/waymark.js');

/**
 * Puts a migrated, empty embedded database in `dataDir`, from the suite's dump when there is one
 * (PGlite's initdb takes seconds), so that the spawned commands start quickly.
 */
export async function seedDataDir(dataDir: string): Promise<void> {
  const dump = inject('pgliteDump');
  const database = await openPglite({
    dataDir,
    lock: false,
    ...(dump ? { loadDataDir: new Blob([readFileSync(dump)]) } : {}),
  });
  if (!dump) await migrate(database);
  await database.close();
}

/** A temporary folder with a seeded data folder inside it. */
export async function seededDataFolder(): Promise<{ root: string; dataDir: string }> {
  const root = mkdtempSync(join(tmpdir(), 'waymark-ops-'));
  const dataDir = join(root, 'data');
  await seedDataDir(dataDir);
  return { root, dataDir };
}

/**
 * The environment a command runs with: only what it needs, so that a DATABASE_URL set for the
 * test run cannot send the command to PostgreSQL.
 */
export function commandEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LOG_LEVEL: 'silent',
    ...env,
  };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `waymark …` to the end, optionally writing `input` to its standard input. */
export function waymark(
  args: string[],
  options: { env: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: commandEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`waymark ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface Server {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves when the process has ended. */
  exited: Promise<Finished>;
}

/** Starts `waymark serve` and waits for it to print its address. */
export function startServe(env: Record<string, string>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: commandEnv({ HOST: '127.0.0.1', PORT: '0', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<Finished>((done) => {
      child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`waymark serve did not start:\n${stdout}\n${stderr}`));
    }, 45_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /running at (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output: () => stdout + stderr, exited });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then((f) => {
      clearTimeout(timer);
      reject(new Error(`waymark serve stopped before starting (${String(f.code)}):\n${f.stderr}`));
    });
  });
}
