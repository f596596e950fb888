/**
 * Profiling aid for the benchmark: loads the council profile (or the national one, on
 * PostgreSQL), sends one request to each measured
 * route through the real app (app.inject), and lists every SQL statement the request sent with
 * its time; with --plans, prints EXPLAIN (ANALYZE, BUFFERS) of each SELECT, run the way the
 * application ran it (as waymark_app under row-level security after `set local role`).
 *
 *   npx tsx bench/explain.ts [--engine pglite|postgres] [--profile council|national] [--scale 0.05]
 *                            [--route api|plan|action|dashboard|search|progress] [--plans] [--repeat 20]
 */
import { Command, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/kernel/db/connect.js';
import { PGliteDialect } from '../src/kernel/db/pglite-dialect.js';
import type { DB } from '../src/kernel/db/schema.js';
import { withTenant } from '../src/kernel/db/tenancy.js';
import { createDeps } from '../src/server.js';
import { LIST_FILTER, SEARCH_WORDS } from './floors.js';
import { BENCH_PASSWORD, createTarget, loadProfile, openTarget } from './load.js';
import { loadNational, nationalOrganisations } from './national.js';
import { progressText } from './protocol.js';
import { whole } from './report.js';

const options = new Command('npx tsx bench/explain.ts')
  .addOption(
    new Option('--engine <name>', 'database engine')
      .choices(['pglite', 'postgres'])
      .default(process.env.DATABASE_URL ? 'postgres' : 'pglite'),
  )
  .addOption(
    new Option('--route <name>', 'only this route').choices([
      'api',
      'plan',
      'action',
      'dashboard',
      'search',
      'progress',
    ]),
  )
  .addOption(
    new Option('--profile <name>', 'data profile')
      .choices(['council', 'national'])
      .default('council'),
  )
  .option(
    '--scale <fraction>',
    'national profile: this fraction of its organisations',
    Number,
    0.05,
  )
  .option('--plans', 'print EXPLAIN (ANALYZE, BUFFERS) of each SELECT', false)
  .option('--repeat <n>', 'requests per route for the mean times', (v) => Number(v), 20)
  .parse(process.argv)
  .opts<{
    engine: 'pglite' | 'postgres';
    profile: 'council' | 'national';
    scale: number;
    route?: string;
    plans: boolean;
    repeat: number;
  }>();
if (options.profile === 'national' && options.engine !== 'postgres') {
  console.error('The national profile runs on PostgreSQL only: set DATABASE_URL.');
  process.exit(2);
}

interface Seen {
  sql: string;
  parameters: readonly unknown[];
  ms: number;
  tenant: boolean;
}

const target = await createTarget(options.engine, process.env.DATABASE_URL);
try {
  const loaded =
    options.profile === 'national'
      ? await loadNational(
          target,
          'waymark-bench-1',
          nationalOrganisations(options.scale),
          () => undefined,
        )
      : await loadProfile(target, 'council', 'waymark-bench-1', () => undefined);
  const { fixture } = loaded;
  const opened = await openTarget(target);
  let capture: Seen[] | null = null;
  let inTenant = false;
  const log = (event: LogEvent) => {
    if (!capture) return;
    const text = event.query.sql;
    if (text.startsWith('set local role') || text.includes("set_config('role'")) inTenant = true;
    capture.push({
      sql: text,
      parameters: event.query.parameters,
      ms: event.queryDurationMillis,
      tenant: inTenant,
    });
  };
  const dialect = opened.pglite
    ? new PGliteDialect(opened.pglite)
    : new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 10 }) });
  const db = new Kysely<DB>({ dialect, log });
  const database: Database = { ...opened, db };
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    SIGN_IN_RATE_LIMIT_PER_MINUTE: '100000000',
    DATA_DIR: '/nonexistent',
  });
  const deps = await createDeps(config, database);
  const app = await buildApp(deps, { logger: false });
  await app.ready();

  async function session(email: string) {
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    const csrfCookie = page.cookies.find((c) => c.name === 'waymark_csrf');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const answer = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie: `waymark_csrf=${csrfCookie?.value ?? ''}` },
      payload: { _csrf: token, email, password: BENCH_PASSWORD },
    });
    const sessionCookie = answer.cookies.find((c) => c.name === 'waymark_session');
    return {
      cookie: `waymark_csrf=${csrfCookie?.value ?? ''}; waymark_session=${sessionCookie?.value ?? ''}`,
      csrf: token,
    };
  }
  const reader = await session(fixture.reader.email);
  const owner = await session(fixture.owner.email);
  const list = `priority=${LIST_FILTER.priority}&sort=${LIST_FILTER.sort}`;
  let sequence = 0;
  const routes: Record<string, () => Promise<{ statusCode: number; body: string }>> = {
    api: async () =>
      await app.inject({
        url: `/api/v1/strategies/${fixture.strategyId}/actions?${list}&limit=50`,
        headers: { authorization: `Bearer ${fixture.apiToken}` },
      }),
    plan: async () =>
      await app.inject({
        url: `/strategies/${fixture.strategyId}/actions?${list}`,
        headers: { cookie: reader.cookie },
      }),
    action: async () =>
      await app.inject({
        url: `/actions/${fixture.actionPageIds[0] ?? ''}`,
        headers: { cookie: reader.cookie },
      }),
    dashboard: async () =>
      await app.inject({
        url: `/strategies/${fixture.strategyId}/dashboard`,
        headers: { cookie: reader.cookie },
      }),
    search: async () =>
      await app.inject({
        url: `/search?${new URLSearchParams({ q: SEARCH_WORDS }).toString()}`,
        headers: { cookie: reader.cookie },
      }),
    progress: async () =>
      await app.inject({
        method: 'POST',
        url: `/actions/${fixture.ownedActionIds[0] ?? ''}/progress`,
        headers: { cookie: owner.cookie },
        payload: {
          _csrf: owner.csrf,
          status: 'on_track',
          happened: progressText('Explain', ++sequence),
        },
      }),
  };

  for (const [name, send] of Object.entries(routes)) {
    if (options.route && options.route !== name) continue;
    await send(); // warm
    const runs: Seen[][] = [];
    let status = 0;
    let bytes = 0;
    const started = performance.now();
    for (let i = 0; i < options.repeat; i++) {
      capture = [];
      inTenant = false;
      const answer = await send();
      status = answer.statusCode;
      bytes = Buffer.byteLength(answer.body);
      runs.push(capture);
    }
    const wall = (performance.now() - started) / options.repeat;
    capture = null;
    const first = runs[0] ?? [];
    console.log(
      `\n== ${name}: status ${String(status)}, ${whole(bytes)} bytes, ${String(first.length)} statements, ${wall.toFixed(1)} ms a request (mean of ${String(options.repeat)}, one at a time)`,
    );
    first.forEach((q, i) => {
      const times = runs.map((r) => r[i]?.ms ?? 0);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      console.log(
        `  ${mean.toFixed(2).padStart(7)} ms  ${q.tenant ? 'tenant' : 'system'}  ${q.sql.replace(/\s+/g, ' ').slice(0, 150)}`,
      );
    });
    const total =
      runs.map((r) => r.reduce((a, q) => a + q.ms, 0)).reduce((a, b) => a + b, 0) / runs.length;
    console.log(`  ${total.toFixed(2).padStart(7)} ms  in SQL, of ${wall.toFixed(1)} ms`);
    if (!options.plans) continue;
    for (const q of first) {
      if (!/^\s*(select|with)\b/i.test(q.sql) || q.sql.includes('set_config')) continue;
      const explain = CompiledQuery.raw(`explain (analyze, buffers) ${q.sql}`, [...q.parameters]);
      const run = async (conn: Kysely<DB>) =>
        (await conn.executeQuery<{ 'QUERY PLAN': string }>(explain)).rows;
      const rows = q.tenant
        ? await withTenant(opened.db, fixture.tenantId, fixture.reader.userId, (trx) => run(trx))
        : await run(opened.db);
      console.log(`\n  -- ${q.sql.replace(/\s+/g, ' ').slice(0, 200)}`);
      for (const r of rows) console.log(`     ${r['QUERY PLAN']}`);
    }
  }
  await sql`select 1`.execute(db);
  await app.close();
  deps.mailer.close();
  if (!opened.pglite) await db.destroy();
  await opened.close();
} finally {
  await target.dispose();
}
