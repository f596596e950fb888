/**
 * `npm run bench`: generates a council's data, starts Waymark as a real server, drives it over
 * HTTP with autocannon and prints where it stands against its floors and the targets of issue 6.
 *
 *   npm run bench                      full run (10 s a measure), PGlite, and PostgreSQL too
 *                                      when DATABASE_URL is set
 *   npm run bench -- --quick           a short run (3 s a measure)
 *   npm run bench -- --json            machine-readable output on stdout
 *   npm run bench -- --profile shared  10 organisations in one database
 *   npm run bench -- --profile national             400 organisations (PostgreSQL only)
 *   npm run bench -- --profile national --scale 0.05  the national profile's shape, 20 organisations
 *   npm run bench -- --only dashboard,reportPdf     only some measures (HTTP and documents)
 *
 * Documents (the import preview and report rendering) are timed in this process, once a run,
 * before the engines.
 *
 * Missing a target is reported, not failed (a slow machine is not an error): the exit code is
 * non-zero only when something went wrong (errors, wrong answers, lost or duplicated writes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestContext } from 'autocannon';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Engine } from '../src/kernel/db/connect.js';
import { PROFILES, type Fixture, type ProfileName } from './dataset.js';
import {
  DOCUMENT_KEYS,
  measureDocuments,
  type DocumentKey,
  type DocumentResult,
} from './documents.js';
import { LIST_FILTER, SEARCH_WORDS } from './floors.js';
import { probe, runLoad, signIn, type LoadSpec } from './http.js';
import { BENCH_PASSWORD, createTarget, loadProfile, type Loaded } from './load.js';
import { loadNational, NATIONAL_ORGANISATIONS, nationalOrganisations } from './national.js';
import {
  progressText,
  type FloorName,
  type Counters,
  type LatencyStats,
  type Memory,
  type ProgressRows,
  type Reply,
  type Request,
  type ServerStart,
} from './protocol.js';
import {
  HEADERS,
  IDLE_MEMORY_TARGET_MB,
  judge,
  mb,
  ms,
  measureRow,
  memoryRows,
  PGLITE_FACTOR,
  table,
  targetFor,
  whole,
  type MeasureKey,
  type MeasureResult,
  type MemoryResult,
} from './report.js';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  quick: boolean;
  json: boolean;
  profile: ProfileName;
  /** Organisations to load (the profile's, or the national profile scaled). */
  organisations: number;
  scale: number;
  connections: number;
  seconds: number;
  warmSeconds: number;
  floorSeconds: number;
  engines: Engine[];
  only: MeasureKey[] | null;
  documents: DocumentKey[];
  runs: number;
  seed: string;
  cpuProf: string | null;
}

const MEASURE_KEYS: MeasureKey[] = [
  'httpFloor',
  'actionListApi',
  'planPage',
  'actionPage',
  'dashboard',
  'search',
  'recordProgress',
];

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new InvalidArgumentError('must be a number above 0, at most 1 (e.g. 0.05)');
  return n;
}

function readOptions(argv: string[]): Options {
  const program = new Command('npm run bench --')
    .description('Benchmark Waymark over HTTP against its database and HTTP floors.')
    .option('--quick', 'a short run: 3 s a measure (about a minute an engine)', false)
    .option('--json', 'print the results as JSON on stdout (progress goes to stderr)', false)
    .addOption(
      new Option('--profile <name>', 'data profile')
        .choices(['council', 'shared', 'national'])
        .default('council'),
    )
    .option(
      '--scale <fraction>',
      `national profile only: load this fraction of its ${String(NATIONAL_ORGANISATIONS)} organisations (each of full size)`,
      fraction,
    )
    .option('--connections <n>', 'concurrent connections (and database floor loops)', positive, 50)
    .option('--seconds <n>', 'seconds a measure (default 10, or 3 with --quick)', positive)
    .addOption(
      new Option(
        '--engine <name>',
        'which engines (default: PGlite, and PostgreSQL when DATABASE_URL is set)',
      ).choices(['pglite', 'postgres', 'all']),
    )
    .option(
      '--only <measures>',
      `comma-separated subset of: ${[...MEASURE_KEYS, ...DOCUMENT_KEYS].join(', ')}`,
    )
    .option(
      '--runs <n>',
      'timed runs of each document measure (default 10, or 5 with --quick)',
      positive,
    )
    .option('--seed <text>', 'seed of the generated data', 'waymark-bench-1')
    .option('--cpu-prof [dir]', 'write a V8 CPU profile of the server process (node --cpu-prof)')
    .parse(argv);
  const o = program.opts<{
    quick: boolean;
    json: boolean;
    profile: ProfileName;
    scale?: number;
    connections: number;
    seconds?: number;
    runs?: number;
    engine?: 'pglite' | 'postgres' | 'all';
    only?: string;
    seed: string;
    cpuProf?: string | boolean;
  }>();
  const hasPostgres = Boolean(process.env.DATABASE_URL);
  const national = o.profile === 'national';
  if (o.scale !== undefined && !national) program.error('--scale is for --profile national only');
  const wanted = o.engine ?? (national ? 'postgres' : hasPostgres ? 'all' : 'pglite');
  const engines: Engine[] = wanted === 'all' ? ['pglite', 'postgres'] : [wanted];
  if (national && engines.includes('pglite')) {
    program.error(
      'The national profile (400 organisations, 2,000,000 progress updates) runs on PostgreSQL only, not on PGlite: set DATABASE_URL and leave out --engine (or use --engine postgres).',
    );
  }
  if (engines.includes('postgres') && !hasPostgres) {
    program.error(
      `${national ? 'The national profile runs on PostgreSQL only and ' : 'PostgreSQL '}needs DATABASE_URL (for example postgres://postgres@127.0.0.1:5432/postgres)`,
    );
  }
  let only: MeasureKey[] | null = null;
  let documents: DocumentKey[] = [...DOCUMENT_KEYS];
  if (o.only) {
    const asked = o.only.split(',').map((s) => s.trim());
    const unknown = asked.filter(
      (k) => !(MEASURE_KEYS as string[]).includes(k) && !(DOCUMENT_KEYS as string[]).includes(k),
    );
    if (unknown.length) program.error(`Unknown measure(s): ${unknown.join(', ')}`);
    only = MEASURE_KEYS.filter((k) => asked.includes(k));
    documents = DOCUMENT_KEYS.filter((k) => asked.includes(k));
  }
  const scale = national ? (o.scale ?? 1) : 1;
  const seconds = o.seconds ?? (o.quick ? 3 : 10);
  return {
    quick: o.quick,
    json: o.json,
    profile: o.profile,
    organisations: national ? nationalOrganisations(scale) : PROFILES[o.profile].organisations,
    scale,
    connections: o.connections,
    seconds,
    warmSeconds: o.quick ? 1 : 2,
    floorSeconds: seconds,
    engines,
    only,
    documents,
    runs: o.runs ?? (o.quick ? 5 : 10),
    seed: o.seed,
    cpuProf:
      o.cpuProf === undefined || o.cpuProf === false
        ? null
        : resolve(o.cpuProf === true ? 'bench/profiles' : o.cpuProf),
  };
}

// ---------------------------------------------------------------------------------------------
// The server process

type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly poolSize: number,
  ) {
    child.on('message', (message: Reply) => {
      if (message.type !== 'result') return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.message));
    });
    child.on('exit', () => {
      for (const w of this.pending.values()) w.reject(new Error('The server process ended'));
      this.pending.clear();
    });
  }

  static async start(init: ServerStart, execArgv: string[]): Promise<ServerProcess> {
    const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
      // The same V8 flag as `npm start`, so memory is measured as it runs in production.
      execArgv: [...process.execArgv, '--max-semi-space-size=4', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ port: number; poolSize: number }>((done, fail) => {
      child.once('message', (message: Reply) => {
        if (message.type === 'ready') done(message);
        else if (message.type === 'failed')
          fail(new Error(`The server did not start: ${message.message}`));
      });
      child.once('exit', (code) => {
        fail(new Error(`The server process ended before it was ready (exit ${String(code)})`));
      });
      child.send(init);
    });
    return new ServerProcess(child, ready.port, ready.poolSize);
  }

  call<T>(request: Call): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((done, fail) => {
      this.pending.set(id, { resolve: (v) => done(v as T), reject: fail });
      this.child.send({ ...request, id });
    });
  }

  private running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Asks the server to close (connections, database) and waits for the process to end. */
  async stop() {
    if (!this.running()) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    await this.call({ cmd: 'stop' }).catch(() => undefined);
    await Promise.race([exited, sleep(10_000)]);
    this.kill();
  }

  kill() {
    if (this.running()) this.child.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// One engine

interface ProgressCheck {
  /** Requests answered 2xx/3xx. */
  answeredOk: number;
  /** New progress updates the run wrote. */
  newRows: number;
  /** Rows whose request was still in flight when the load generator stopped (never answered). */
  cutOff: number;
  /** Answered 2xx/3xx but no row: a lost write. */
  missing: number;
  /** More than one row for one request. */
  duplicated: number;
  /** A row written for a request answered with an error. */
  writtenOnError: number;
  ok: boolean;
}

interface EngineResult {
  engine: Engine;
  poolSize: number | null;
  load: Loaded['timings'] & { rows: Record<string, number> };
  measures: MeasureResult[];
  memory: MemoryResult | null;
  progressCheck: ProgressCheck | null;
  listPage: { count: number; total: number } | null;
  problems: string[];
}

interface MeasurePlan {
  key: MeasureKey;
  label: string;
  floor?: FloorName;
  /** The path to probe (GET) to see whether the route exists yet. */
  probePath: string;
  probeHeaders: Record<string, string>;
  /** One request, as the load sends them (for counting its SQL statements). */
  once: (base: string, marker: string) => Promise<number>;
  /** What a right answer holds: null, or what is wrong with the page (checked once, before the load). */
  check?: (body: string) => string | null;
  /** The load to send; `marker` tells apart the rows each progress run writes. */
  shape: (marker: string) => LoadShape;
}

type LoadShape = Omit<LoadSpec, 'base' | 'connections' | 'seconds'>;

const log = (line: string) => process.stderr.write(`${line}\n`);

function rotating<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => {
    const item = items[i++ % items.length];
    if (item === undefined) throw new Error('Nothing to rotate through');
    return item;
  };
}

const isOk = (status: number) => status >= 200 && status < 300;
const isOkOrRedirect = (status: number) => status >= 200 && status < 400;

async function benchEngine(engine: Engine, options: Options, runId: string): Promise<EngineResult> {
  const profile = options.profile;
  const problems: string[] = [];
  log(`\n[${engine}] creating a fresh database`);
  const target = await createTarget(engine, process.env.DATABASE_URL);
  let server: ServerProcess | undefined;
  const cleanUp = () => {
    server?.kill();
  };
  process.once('exit', cleanUp);
  try {
    log(
      `[${engine}] migrating and loading the ${profile} profile (${whole(options.organisations)} organisation${options.organisations === 1 ? '' : 's'})`,
    );
    const loaded =
      profile === 'national'
        ? await loadNational(target, options.seed, options.organisations, log)
        : await loadProfile(target, profile, options.seed, log);
    const { fixture } = loaded;
    log(
      `[${engine}] loaded in ${secs(loaded.timings.insertMs)} (migrations ${secs(loaded.timings.migrateMs)})`,
    );

    const execArgv: string[] = [];
    if (options.cpuProf) {
      mkdirSync(options.cpuProf, { recursive: true });
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`);
    }
    const init: ServerStart = {
      engine,
      dataDir: target.dataDir,
      url: target.url,
      fixture: stripToken(fixture),
    };
    server = await ServerProcess.start(init, execArgv);
    const atStart = await server.call<Memory>({ cmd: 'memory' });
    const base = `http://127.0.0.1:${String(server.port)}`;
    log(`[${engine}] Waymark listening at ${base}; signing in`);

    const firstOwned = fixture.ownedActionIds[0];
    if (!firstOwned) throw new Error('The owner owns no actions: the generator is wrong');
    const reader = await signIn(base, fixture.reader.email, BENCH_PASSWORD, '/strategies');
    const owner = await signIn(
      base,
      fixture.owner.email,
      BENCH_PASSWORD,
      `/actions/${firstOwned}/progress`,
    );

    const plans = measurePlans(fixture, reader.cookie, owner);
    const running = server;
    const drain = async () => {
      const t = performance.now();
      const done = await running.call<boolean>({ cmd: 'drain', timeoutSeconds: 120 });
      const waited = performance.now() - t;
      if (!done) problems.push('the server was still busy 2 minutes after a load run stopped');
      else if (waited > 2000)
        log(`[${engine}]   (waited ${secs(waited)} for requests left in flight)`);
    };
    const load = (p: MeasurePlan, marker: string, seconds: number, connections: number) =>
      runLoad({ base, connections, seconds, ...p.shape(marker) });
    const chosen = plans.filter((p) => !options.only || options.only.includes(p.key));

    // Which routes exist yet.
    const available = new Map<MeasureKey, string | null>();
    for (const p of chosen) {
      const status = await probe(base, p.probePath, p.probeHeaders);
      available.set(
        p.key,
        status === 404 || status === 405
          ? `GET ${p.probePath.split('?')[0] ?? ''} answered ${String(status)}: not built yet`
          : null,
      );
    }
    for (const p of chosen) {
      if (!p.check || available.get(p.key) !== null) continue;
      const response = await fetch(`${base}${p.probePath}`, { headers: p.probeHeaders });
      const wrong = p.check(await response.text());
      if (wrong) problems.push(`${p.label}: wrong answer: ${wrong}`);
    }
    let listPage: EngineResult['listPage'] = null;
    const api = plans.find((p) => p.key === 'actionListApi');
    if (api && available.get('actionListApi') === null) {
      const response = await fetch(`${base}${api.probePath}`, { headers: api.probeHeaders });
      const body = (await response.json()) as { meta?: { count?: number; total?: number } };
      listPage = { count: body.meta?.count ?? 0, total: body.meta?.total ?? 0 };
    }

    // Warm-up: every route for a moment (at most 10 connections: what matters is that the code
    // is compiled and caches filled, not a backlog to wait for), then idle memory.
    log(`[${engine}] warming up`);
    const statements = new Map<MeasureKey, number>();
    for (const p of chosen) {
      if (available.get(p.key) !== null) continue;
      await load(p, `${runId} warm-up`, options.warmSeconds, Math.min(10, options.connections));
      await drain();
      // SQL statements one request sends, counted alone on a quiet server (the least of three,
      // in case something left over from the warm-up was still finishing).
      let fewest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const before = await running.call<Counters>({ cmd: 'counters' });
        await p.once(base, `${runId} single`);
        const after = await running.call<Counters>({ cmd: 'counters' });
        fewest = Math.min(fewest, after.statements - before.statements);
      }
      statements.set(p.key, fewest);
    }
    await sleep(2000);
    const idle = await server.call<Memory>({ cmd: 'memory' });
    let overallPeak = idle.rss;

    const measures: MeasureResult[] = [];
    const floors = new Map<FloorName, LatencyStats>();
    let progressCheck: ProgressCheck | null = null;
    for (const p of chosen) {
      const target = targetFor(p.key, engine);
      const missing = available.get(p.key);
      if (missing !== null && missing !== undefined) {
        measures.push({
          key: p.key,
          label: p.label,
          available: false,
          note: missing,
          target,
          met: null,
          misses: [],
          errorCount: 0,
        });
        continue;
      }
      log(
        `[${engine}] ${p.label}: ${String(options.connections)} connections for ${String(options.seconds)} s`,
      );
      await running.call({ cmd: 'resetPeak' });
      const before = await running.call<Counters>({ cmd: 'counters' });
      const http = await load(p, runId, options.seconds, options.connections);
      await drain();
      const after = await running.call<Counters>({ cmd: 'counters' });
      const peak = await running.call<Memory>({ cmd: 'memory' });
      overallPeak = Math.max(overallPeak, peak.peakRss);
      // The drain's own trivial queries are a rounding error next to the load's requests.
      const served = after.requests - before.requests;
      const cpuPerRequest = served > 0 ? (after.cpuMs - before.cpuMs) / served : undefined;
      if (p.key === 'recordProgress') {
        progressCheck = await checkProgress(server, runId, options.connections);
        if (!progressCheck.ok) problems.push(`record progress: ${describeCheck(progressCheck)}`);
      }
      let dbFloor: LatencyStats | undefined;
      if (p.floor) {
        dbFloor = floors.get(p.floor);
        if (!dbFloor) {
          log(`[${engine}]   database floor (${p.floor})`);
          dbFloor = await server.call<LatencyStats>({
            cmd: 'floor',
            floor: p.floor,
            concurrency: options.connections,
            seconds: options.floorSeconds,
          });
          floors.set(p.floor, dbFloor);
          if (dbFloor.errors) {
            problems.push(
              `database floor ${p.floor}: ${String(dbFloor.errors)} errors (${dbFloor.firstError ?? ''})`,
            );
          }
        }
      }
      const errorCount = Object.values(http.unexpected).reduce((a, b) => a + b, 0) + http.errors;
      if (errorCount) {
        problems.push(
          `${p.label}: ${String(errorCount)} errors (${Object.entries(http.unexpected)
            .map(([s, n]) => `${s}×${String(n)}`)
            .join(', ')}${http.errors ? ` connection errors ×${String(http.errors)}` : ''})`,
        );
      }
      measures.push({
        key: p.key,
        label: p.label,
        available: true,
        http,
        dbFloor,
        target,
        ...judge(http, target),
        errorCount,
        statements: statements.get(p.key),
        cpuPerRequest,
        peakMb: mb(peak.peakRss),
      });
    }
    const factor = engine === 'pglite' ? PGLITE_FACTOR : 1;
    const memory: MemoryResult = {
      startMb: mb(atStart.rss),
      idleMb: mb(idle.rss),
      idleHeapUsedMb: mb(idle.heapUsed),
      idleHeapTotalMb: mb(idle.heapTotal),
      idleExternalMb: mb(idle.external),
      idleAnonymousMb: idle.anonymous === null ? null : mb(idle.anonymous),
      peakMb: mb(overallPeak),
      targetMb: IDLE_MEMORY_TARGET_MB * factor,
      met: mb(idle.rss) <= IDLE_MEMORY_TARGET_MB * factor,
    };
    await server.stop();
    return {
      engine,
      poolSize: engine === 'postgres' ? server.poolSize : null,
      load: { ...loaded.timings, rows: loaded.rows },
      measures,
      memory,
      progressCheck,
      listPage,
      problems,
    };
  } finally {
    server?.kill();
    process.removeListener('exit', cleanUp);
    await target.dispose();
  }
}

/** The fixture without the token's plaintext (the server does not need it). */
function stripToken(fixture: Fixture & { apiToken: string }): Fixture {
  return {
    tenantId: fixture.tenantId,
    strategyId: fixture.strategyId,
    reader: fixture.reader,
    owner: fixture.owner,
    ownedActionIds: fixture.ownedActionIds,
    actionPageIds: fixture.actionPageIds,
  };
}

/** For each progress run (by marker): request number → status answered. */
const answers = new Map<string, Map<number, number>>();

function measurePlans(
  fixture: Fixture & { apiToken: string },
  readerCookie: string,
  owner: { cookie: string; csrf: string },
): MeasurePlan[] {
  const listQuery = `priority=${LIST_FILTER.priority}&sort=${LIST_FILTER.sort}`;
  const bearer = { authorization: `Bearer ${fixture.apiToken}` };
  const cookie = { cookie: readerCookie };
  const apiPath = `/api/v1/strategies/${fixture.strategyId}/actions?${listQuery}&limit=50`;
  const planPath = `/strategies/${fixture.strategyId}/actions?${listQuery}`;
  const dashboardPath = `/strategies/${fixture.strategyId}/dashboard`;
  const searchPath = `/search?${new URLSearchParams({ q: SEARCH_WORDS }).toString()}`;
  const firstAction = fixture.actionPageIds[0] ?? '';
  const firstOwned = fixture.ownedActionIds[0] ?? '';
  return [
    {
      key: 'httpFloor',
      label: 'HTTP floor: GET /health/live',
      probePath: '/health/live',
      probeHeaders: {},
      once: (base) => probe(base, '/health/live', {}),
      shape: () => ({ path: '/health/live', expect: isOk }),
    },
    {
      key: 'actionListApi',
      label: 'action list API (JSON, 50)',
      floor: 'actionList',
      probePath: apiPath,
      probeHeaders: bearer,
      once: (base) => probe(base, apiPath, bearer),
      shape: () => ({ path: apiPath, headers: bearer, expect: isOk }),
    },
    {
      key: 'planPage',
      label: 'action plan page (HTML, 50)',
      floor: 'actionList',
      probePath: planPath,
      probeHeaders: cookie,
      once: (base) => probe(base, planPath, cookie),
      shape: () => ({ path: planPath, headers: cookie, expect: isOk }),
    },
    {
      key: 'actionPage',
      label: 'action page (HTML, history)',
      floor: 'actionPage',
      probePath: `/actions/${firstAction}`,
      probeHeaders: cookie,
      once: (base) => probe(base, `/actions/${firstAction}`, cookie),
      shape: () => {
        // A different action each request (50 of them), as people move around a plan.
        const next = rotating(fixture.actionPageIds);
        return {
          path: `/actions/${firstAction}`,
          headers: cookie,
          request: { method: 'GET', setupRequest: (r) => ({ ...r, path: `/actions/${next()}` }) },
          expect: isOk,
        };
      },
    },
    {
      key: 'dashboard',
      label: 'strategy dashboard (HTML, plan of 250)',
      floor: 'dashboard',
      probePath: dashboardPath,
      probeHeaders: cookie,
      once: (base) => probe(base, dashboardPath, cookie),
      // The generated governance records must show: past reports in the trend, the next meeting.
      check: (body) =>
        body.includes('No progress report has been published')
          ? 'no published report in the trend'
          : body.includes('ICT Steering Group')
            ? null
            : 'the next meeting of the ICT Steering Group is not shown',
      shape: () => ({ path: dashboardPath, headers: cookie, expect: isOk }),
    },
    {
      key: 'search',
      label: `search (HTML, “${SEARCH_WORDS}”)`,
      floor: 'search',
      probePath: searchPath,
      probeHeaders: cookie,
      once: (base) => probe(base, searchPath, cookie),
      shape: () => ({ path: searchPath, headers: cookie, expect: isOk }),
    },
    {
      key: 'recordProgress',
      label: 'record progress (POST, owner)',
      floor: 'recordProgress',
      probePath: `/actions/${firstOwned}/progress`,
      probeHeaders: { cookie: owner.cookie },
      once: async (base, marker) => {
        const response = await fetch(`${base}/actions/${firstOwned}/progress`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            _csrf: owner.csrf,
            status: 'on_track',
            happened: progressText(marker, 1),
          }).toString(),
        });
        await response.arrayBuffer();
        return response.status;
      },
      shape: (marker) => {
        // Round the owner's actions; each request numbered so its row can be matched to its answer.
        const next = rotating(fixture.ownedActionIds);
        const answered = new Map<number, number>();
        answers.set(marker, answered);
        let sequence = 0;
        const headers = {
          cookie: owner.cookie,
          'content-type': 'application/x-www-form-urlencoded',
        };
        return {
          method: 'POST',
          path: `/actions/${firstOwned}/progress`,
          headers,
          request: {
            method: 'POST',
            headers,
            setupRequest: (r, context: RequestContext) => {
              context.sequence = ++sequence;
              return {
                ...r,
                path: `/actions/${next()}/progress`,
                body: new URLSearchParams({
                  _csrf: owner.csrf,
                  status: 'on_track',
                  happened: progressText(marker, sequence),
                  nextSteps: 'Report to the Board of Directors next month.',
                }).toString(),
              };
            },
            onResponse: (status, _body, context) => {
              answered.set(context.sequence as number, status);
            },
          },
          expect: isOkOrRedirect,
        };
      },
    },
  ];
}

async function checkProgress(server: ServerProcess, marker: string, connections: number) {
  const rows = await server.call<ProgressRows>({ cmd: 'progressRows', marker });
  const answered = answers.get(marker) ?? new Map<number, number>();
  const perSequence = new Map<number, number>();
  for (const s of rows.sequences) perSequence.set(s, (perSequence.get(s) ?? 0) + 1);
  let answeredOk = 0;
  let missing = 0;
  let writtenOnError = 0;
  for (const [sequence, status] of answered) {
    const n = perSequence.get(sequence) ?? 0;
    if (isOkOrRedirect(status)) {
      answeredOk++;
      if (n === 0) missing++;
    } else if (n > 0) writtenOnError++;
  }
  const duplicated = [...perSequence.values()].filter((n) => n > 1).length;
  const cutOff = [...perSequence.keys()].filter((s) => !answered.has(s)).length;
  const check: ProgressCheck = {
    answeredOk,
    newRows: rows.total,
    cutOff,
    missing,
    duplicated,
    writtenOnError,
    ok:
      missing === 0 &&
      duplicated === 0 &&
      writtenOnError === 0 &&
      cutOff <= connections &&
      rows.total === answeredOk + cutOff,
  };
  return check;
}

function describeCheck(c: ProgressCheck): string {
  const base = `${whole(c.answeredOk)} answered 2xx/3xx → ${whole(c.newRows)} new progress updates`;
  const detail = [
    c.cutOff
      ? `${whole(c.cutOff)} more written for requests still in flight when the load stopped (never answered)`
      : '',
    c.missing ? `${whole(c.missing)} answered but NOT written` : '',
    c.duplicated ? `${whole(c.duplicated)} written twice` : '',
    c.writtenOnError ? `${whole(c.writtenOnError)} written despite an error answer` : '',
  ].filter(Boolean);
  return `${base}${detail.length ? ` (${detail.join('; ')})` : ''}: ${c.ok ? 'every answered update is in the database exactly once' : 'MISMATCH'}`;
}

// ---------------------------------------------------------------------------------------------
// Output

function secs(msValue: number): string {
  return `${(msValue / 1000).toFixed(1)} s`;
}

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

const TODO: string[] = [];

const DOCUMENT_HEADERS = [
  'document (in-process)',
  'runs',
  'median',
  'p95',
  'slowest',
  'CPU (median)',
  'first (cold)',
  'output',
  'target',
  'met?',
];

function documentRow(d: DocumentResult): string[] {
  const target = `< ${ms(d.targetMs)}`;
  if (!d.available)
    return [d.label, 'not available', '', '', '', '', '', d.note ?? '', target, '—'];
  return [
    d.label,
    String(d.runs),
    ms(d.medianMs ?? 0),
    ms(d.p95Ms ?? 0),
    ms(d.maxMs ?? 0),
    d.cpuMs === undefined ? '—' : ms(d.cpuMs),
    ms(d.firstMs ?? 0),
    d.output ?? '',
    target,
    d.met ? 'yes' : `NO (p95 ${ms(d.p95Ms ?? 0)})`,
  ];
}

function printText(
  options: Options,
  started: Date,
  info: ReturnType<typeof machine>,
  results: EngineResult[],
  documents: DocumentResult[],
  failures: string[],
) {
  const out: string[] = [];
  const size = PROFILES[options.profile];
  const orgs = options.organisations;
  out.push(
    `Waymark benchmark: ${options.profile} profile, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  );
  out.push(
    `Machine: ${String(info.cores)} cores (${info.cpu}), ${String(info.memoryGb)} GB memory, Node ${info.node}, ${info.os}; ` +
      `load average at start ${info.loadAverage.join(' / ')}${info.loadAverage[0] !== undefined && info.loadAverage[0] > info.cores ? ' (the machine is busy with other work: every figure is lower than on an idle machine)' : ''}`,
  );
  out.push(
    `Load: ${String(options.connections)} connections, ${String(options.seconds)} s a measure${options.quick ? ' (quick)' : ''}, ` +
      `after a ${String(options.warmSeconds)} s warm-up of each; database floors ${String(options.connections)} loops for ${String(options.floorSeconds)} s; seed "${options.seed}"`,
  );
  out.push(
    `Data: ${orgs === 1 ? '1 organisation' : `${whole(orgs)} organisations, each`} with 3 strategies, ${whole(size.actionsPerStrategy.reduce((a, b) => a + b, 0))} actions, ` +
      `${whole(size.updatesPerOrganisation)} progress updates, ${String(size.peoplePerOrganisation)} people` +
      (orgs > 1
        ? ` (in all ${whole(orgs * size.actionsPerStrategy.reduce((a, b) => a + b, 0))} actions, ${whole(orgs * size.updatesPerOrganisation)} progress updates)`
        : '') +
      `${options.profile === 'national' && options.scale !== 1 ? `; national profile at scale ${String(options.scale)}` : ''}; measured in the first organisation`,
  );
  if (documents.length) {
    out.push('');
    out.push(
      `== Documents (timed in the benchmark's process, no database; a warm-up run, then ${String(options.runs)} timed runs each) ==`,
    );
    out.push(table(DOCUMENT_HEADERS, documents.map(documentRow)));
  }
  for (const r of results) {
    out.push('');
    out.push(
      `== ${r.engine === 'pglite' ? 'PGlite (embedded, in the server process)' : `PostgreSQL (pool of ${String(r.poolSize)})`} ==`,
    );
    const total = Object.values(r.load.rows).reduce((a, b) => a + b, 0);
    const n = r.load.national;
    if (n) {
      out.push(
        `Loaded ${whole(total)} rows (${whole(r.load.rows.actions ?? 0)} actions, ${whole(r.load.rows.progress_updates ?? 0)} progress updates, ` +
          `${whole(r.load.rows.audit_events ?? 0)} audit events) in ${secs(r.load.insertMs + r.load.analyzeMs)}: ` +
          `${String(n.templates)} organisations generated in ${secs(r.load.generateMs)} and written with multi-row inserts in ${secs(n.templateInsertMs)}, ` +
          `${whole(n.organisations - n.templates)} cloned from them on the server with INSERT … SELECT in ${secs(n.cloneMs)}` +
          `${n.foreignKeyTriggersSkipped ? ' (foreign-key triggers skipped)' : ''}, secondary indexes dropped and rebuilt in ${secs(n.indexMs)}, ` +
          `vacuum analyze ${secs(r.load.analyzeMs)} (migrations ${secs(r.load.migrateMs)})`,
      );
    } else {
      out.push(
        `Loaded ${whole(total)} rows in ${secs(r.load.insertMs)} with multi-row inserts (generated in ${secs(r.load.generateMs)}, ` +
          `migrations ${secs(r.load.migrateMs)}, analyze ${secs(r.load.analyzeMs)})`,
      );
    }
    const httpFloor = r.measures.find((m) => m.key === 'httpFloor')?.http;
    const rows = r.measures.map((m) => measureRow(m, httpFloor));
    if (r.memory) rows.push(...memoryRows(r.memory));
    out.push(table(HEADERS, rows));
    if (r.listPage) {
      out.push(
        `Action list: ${String(r.listPage.count)} actions a page of ${whole(r.listPage.total)} matching (high priority, by due date).`,
      );
    }
    if (r.progressCheck) out.push(`Record progress check: ${describeCheck(r.progressCheck)}.`);
    const peaks = r.measures.filter((m) => m.peakMb !== undefined);
    if (peaks.length) {
      out.push(
        `Peak RSS during each measure: ${peaks.map((m) => `${m.label.split(' (')[0] ?? m.label} ${whole(m.peakMb ?? 0)} MB`).join('; ')}.`,
      );
    }
    if (r.memory) {
      out.push(
        `Idle memory: RSS ${whole(r.memory.idleMb)} MB, of which JavaScript heap ${whole(r.memory.idleHeapUsedMb)} MB used of ${whole(r.memory.idleHeapTotalMb)} MB, ` +
          `external ${whole(r.memory.idleExternalMb)} MB${r.engine === 'pglite' ? " (PGlite's WebAssembly memory is external)" : ''}` +
          (r.memory.idleAnonymousMb === null
            ? '.'
            : `; ${whole(r.memory.idleAnonymousMb)} MB anonymous (heaps), ${whole(r.memory.idleMb - r.memory.idleAnonymousMb)} MB pages of the node binary and libraries.`),
      );
    }
    if (r.engine === 'pglite') {
      out.push(
        `Targets on PGlite are the PostgreSQL targets relaxed ${String(PGLITE_FACTOR)}× (issue 6: "PGlite within 2×").`,
      );
    }
    for (const p of r.problems) out.push(`PROBLEM: ${p}`);
  }
  out.push('');
  out.push(
    'DB floor: the same data query sent straight through Kysely inside withTenant, in the server process, at the same concurrency. HTTP floor: GET /health/live on the same stack. Ratio = measured req/s ÷ floor req/s.',
  );
  if (TODO.length) {
    out.push('Not yet covered (TODO):');
    for (const t of TODO) out.push(`  - ${t}`);
  }
  for (const f of failures) out.push(`FAILED: ${f}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main() {
  const options = readOptions(process.argv);
  const started = new Date();
  const info = machine();
  const runId = `Benchmark ${randomBytes(4).toString('hex')}`;
  const results: EngineResult[] = [];
  const failures: string[] = [];
  // Documents first, while this process holds nothing else.
  let documents: DocumentResult[] = [];
  const documentProblems: string[] = [];
  if (options.documents.length) {
    const measured = await measureDocuments(options.documents, options.runs, log);
    documents = measured.results;
    documentProblems.push(...measured.problems);
  }
  // `--only` with documents alone starts no server.
  const engines = options.only && !options.only.length ? [] : options.engines;
  for (const engine of engines) {
    try {
      results.push(await benchEngine(engine, options, runId));
    } catch (error) {
      failures.push(
        `${engine}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
  if (options.json) {
    const json = {
      profile: options.profile,
      organisations: options.organisations,
      scale: options.scale,
      started: started.toISOString(),
      machine: info,
      options: {
        quick: options.quick,
        connections: options.connections,
        seconds: options.seconds,
        warmSeconds: options.warmSeconds,
        floorSeconds: options.floorSeconds,
        seed: options.seed,
        documentRuns: options.runs,
      },
      documents,
      engines: results,
      todo: TODO,
      failures,
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    printText(options, started, info, results, documents, failures);
  }
  if (options.cpuProf) log(`CPU profiles of the server written to ${options.cpuProf}`);
  const problems = [...documentProblems, ...results.flatMap((r) => r.problems)];
  return failures.length || problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
