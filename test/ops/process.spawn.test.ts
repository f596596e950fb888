import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDataFolder, startServe, waymark, type Server } from './processes.js';

/**
 * `waymark serve` as a process: the embedded data folder's lock, and stopping cleanly on SIGTERM.
 * Both are about the embedded database's folder, so they run once, on PGlite.
 */
describe('the server process', () => {
  let root: string;
  let dataDir: string;
  const running: Server[] = [];

  beforeAll(async () => {
    ({ root, dataDir } = await seededDataFolder());
  }, 60_000);

  afterAll(async () => {
    for (const server of running) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  async function serve() {
    const server = await startServe({ DATA_DIR: dataDir });
    running.push(server);
    return server;
  }

  it('locks the data folder: a second server on it stops with exit status 3 and says why', async () => {
    const first = await serve();
    expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
    expect(existsSync(`${dataDir}.lock`)).toBe(true);

    const second = await waymark(['serve'], { env: { DATA_DIR: dataDir, PORT: '0' } });
    expect(second.code).toBe(3);
    expect(second.stderr).toContain('Another Waymark process is already using the data folder');
    expect(second.stderr).toContain(dataDir);
    // The first carries on undisturbed.
    expect((await fetch(`${first.url}/health/live`)).status).toBe(200);
  }, 120_000);

  it('stops cleanly on SIGTERM, exiting 0 and freeing the folder for the next server', async () => {
    const first = running[0] ?? (await serve());
    first.child.kill('SIGTERM');
    const stopped = await first.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.signal).toBeNull();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    const next = await serve();
    expect((await fetch(`${next.url}/health/ready`)).status).toBe(200);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  }, 120_000);
});
