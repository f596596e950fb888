/**
 * Waymark as a real server for the benchmark, in its own process (so the load generator does not
 * share its CPU time): buildApp + createDeps, listening on 127.0.0.1 at a free port, logger off,
 * rate limits raised. It answers the benchmark over IPC: database floors, memory, row counts.
 *
 * Started by run.ts with child_process.fork; not meant to be run by hand.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql, type KyselyPlugin } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/kernel/db/connect.js';
import { withTenant } from '../src/kernel/db/tenancy.js';
import { createDeps } from '../src/server.js';
import { floorOperation, measureLoop } from './floors.js';
import {
  sequenceOf,
  type Counters,
  type Memory,
  type ProgressRows,
  type Reply,
  type Request,
  type ServerStart,
} from './protocol.js';

/** Linux: memory not backed by a file (the heaps), as opposed to the node binary's own pages. */
function anonymousBytes(): number | null {
  try {
    const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = /^Anonymous:\s+(\d+) kB/m.exec(rollup)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

function send(message: Reply) {
  process.send?.(message);
}

async function start(init: ServerStart) {
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    SIGN_IN_RATE_LIMIT_PER_MINUTE: '100000000',
    ...(init.engine === 'pglite' ? { DATA_DIR: init.dataDir } : { DATABASE_URL: init.url }),
    ...(process.env.DATABASE_POOL_SIZE
      ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE }
      : {}),
  });
  const opened = await openDatabase(config);
  // Counts the statements the application sends, so the benchmark can show queries per request.
  let statements = 0;
  const counter: KyselyPlugin = {
    transformQuery: ({ node }) => node,
    transformResult: async ({ result }) => {
      statements++;
      return result;
    },
  };
  const database: Database = { ...opened, db: opened.db.withPlugin(counter) };
  const deps = await createDeps(config, database);
  const app = await buildApp(deps, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  // Every request that reaches the server, answered or cut off (for CPU time per request).
  let requestsSeen = 0;
  app.server.on('request', () => {
    requestsSeen++;
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  // Resident memory, sampled often enough to catch the peak of a load run.
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  sampler.unref();

  const { db } = database;
  const { fixture } = init;

  async function handle(request: Request): Promise<unknown> {
    switch (request.cmd) {
      case 'floor':
        return measureLoop(
          floorOperation(db, fixture, request.floor),
          request.concurrency,
          request.seconds,
        );
      case 'memory': {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        return {
          rss: m.rss,
          peakRss,
          heapUsed: m.heapUsed,
          heapTotal: m.heapTotal,
          external: m.external,
          anonymous: anonymousBytes(),
        } satisfies Memory;
      }
      case 'drain': {
        // Requests cut off when a load run stops are still being served, and PGlite runs them
        // on this very thread: wait until a trivial query goes straight through (the queues of
        // PGlite and of the pg pool are first come, first served) so the next measure starts clean.
        const deadline = Date.now() + request.timeoutSeconds * 1000;
        let quick = 0;
        while (quick < 3 && Date.now() < deadline) {
          const t = performance.now();
          await sql`select 1`.execute(db);
          await new Promise((done) => setTimeout(done, 20));
          quick = performance.now() - t < 60 ? quick + 1 : 0;
        }
        return quick >= 3;
      }
      case 'counters': {
        const cpu = process.cpuUsage();
        return {
          requests: requestsSeen,
          statements,
          cpuMs: (cpu.user + cpu.system) / 1000,
        } satisfies Counters;
      }
      case 'resetPeak':
        peakRss = process.memoryUsage.rss();
        return null;
      case 'progressRows': {
        // Read as the application reads it: through row-level security, as the organisation.
        const rows = await withTenant(db, fixture.tenantId, null, (trx) =>
          trx
            .selectFrom('progress_updates')
            .select('happened')
            .where('tenant_id', '=', fixture.tenantId)
            .where('happened', 'like', `${request.marker} #%`)
            .execute(),
        );
        const sequences = rows.flatMap((r) => {
          const n = sequenceOf(request.marker, r.happened);
          return n === null ? [] : [n];
        });
        return { total: rows.length, sequences } satisfies ProgressRows;
      }
      case 'stop':
        clearInterval(sampler);
        await app.close();
        deps.mailer.close();
        await database.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  }

  process.on('message', (message: Request) => {
    handle(message).then(
      (value) => {
        send({ type: 'result', id: message.id, ok: true, value });
      },
      (error: unknown) => {
        send({
          type: 'result',
          id: message.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
  });
  send({ type: 'ready', port, poolSize: config.DATABASE_POOL_SIZE });
}

process.once('message', (init: ServerStart) => {
  start(init).catch((error: unknown) => {
    send({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    setImmediate(() => process.exit(1));
  });
});
// If the benchmark dies, do not linger.
process.on('disconnect', () => process.exit(0));
