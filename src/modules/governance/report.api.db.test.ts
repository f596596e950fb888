import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Command } from 'commander';
import type { Kysely } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { engine, openTestDatabase } from '../../../test/helpers/db.js';
import { makeOrganisation, makeUser } from '../../../test/helpers/fixtures.js';
import { openPglite } from '../../kernel/db/connect.js';
import type { DB } from '../../kernel/db/schema.js';
import { newId } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import {
  actionInput,
  createActionInTx,
  createStrategyInTx,
  strategyInput,
} from '../strategy/index.js';
import { UsageError } from '../../cli/errors.js';
import { draftReportFile, registerReportCommand } from './report.cli.js';
import {
  auditFor,
  bearer,
  makeBoard,
  makePlan,
  makeReportOrg,
  recordUpdate,
} from './report.test-support.js';
import type { ReportSnapshot } from './report.types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close(), 60_000);

async function setUp() {
  const org = await makeReportOrg(t);
  const editor = await org.ctx('editor');
  const plan = await makePlan(
    t,
    editor,
    {
      title: 'Customer Access Strategy',
      periodStart: '2025-04-01',
      documentDate: '2025-04-01',
      areas: [
        {
          number: '3',
          title: 'Self-service',
          actions: [
            { ref: '3.1', title: 'Web self-service for ICT calls', timescale: 'Sept 2025' },
          ],
        },
      ],
    },
    { fromDocument: true },
  );
  await recordUpdate(t, editor, plan.actions['3.1']!.id, {
    status: 'at_risk',
    happened: 'Portal delayed by testing',
    asAt: '2025-06-20',
  });
  const boardId = await makeBoard(t, org.id, { name: 'Cabinet', kind: 'cabinet' });
  return { org, plan, boardId };
}

describe('the reports API', () => {
  it('creates, edits, signs off, publishes and corrects a report', async () => {
    const { org, plan, boardId } = await setUp();
    const editor = bearer(await org.token('editor'));
    const board = bearer(await org.token('board'));

    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: editor,
      payload: { strategyId: plan.strategy.id, asAt: '2025-02-30', title: '' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: editor,
      payload: { strategyId: plan.strategy.id, boardId, asAt: '2025-06-30', title: 'Quarter 1' },
    });
    expect(created.statusCode).toBe(201);
    const report = created.json<{
      id: string;
      status: string;
      narrative: Record<string, string>;
    }>();
    expect(report.status).toBe('draft');
    expect(report.narrative.recommendation).toBe('The Cabinet is asked to NOTE this report.');
    expect(created.headers.location).toBe(`/api/v1/reports/${report.id}`);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/reports/${report.id}`,
      headers: editor,
      payload: { narrative: { background: 'Agreed by Cabinet in March.', legal: '' } },
    });
    expect(patched.statusCode).toBe(200);
    const narrative = patched.json<{ narrative: Record<string, string> }>().narrative;
    expect(narrative.background).toBe('Agreed by Cabinet in March.');
    expect(narrative.legal).toBeUndefined();

    // A draft renders as a preview from the record: json by default, others by Accept or ?format=.
    const json = await t.app.inject({
      url: `/api/v1/reports/${report.id}/rendered`,
      headers: board,
    });
    expect(json.statusCode).toBe(200);
    expect(json.json<ReportSnapshot>().exceptions.map((a) => a.ref)).toEqual(['3.1']);
    const docx = await t.app.inject({
      url: `/api/v1/reports/${report.id}/rendered`,
      headers: {
        ...board,
        accept: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      },
    });
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    const html = await t.app.inject({
      url: `/api/v1/reports/${report.id}/rendered?format=html`,
      headers: board,
    });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Portal delayed by testing');

    const approverId = await org.userId('board');
    const submitted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${report.id}/submit`,
      headers: editor,
      payload: { approverId },
    });
    expect(submitted.json<{ status: string; approverId: string }>()).toMatchObject({
      status: 'submitted',
      approverId,
    });
    // Publishing before approval is a conflict.
    const early = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${report.id}/publish`,
      headers: editor,
      payload: {},
    });
    expect(early.statusCode).toBe(409);
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${report.id}/approve`,
      headers: board,
      payload: {},
    });
    expect(approved.json<{ status: string }>().status).toBe('approved');
    const published = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${report.id}/publish`,
      headers: editor,
      payload: { public: true },
    });
    expect(published.statusCode).toBe(200);
    expect(published.json<{ status: string; versions: unknown[] }>()).toMatchObject({
      status: 'published',
      versions: [{ version: 1, public: true, changeNote: null }],
    });

    const noNote = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${report.id}/supersede`,
      headers: editor,
      payload: {},
    });
    expect(noNote.statusCode).toBe(400);
    const superseded = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${report.id}/supersede`,
      headers: editor,
      payload: {
        changeNote: 'Corrected the background',
        narrative: { background: 'Agreed in April.' },
      },
    });
    expect(superseded.json<{ versions: { version: number }[] }>().versions).toHaveLength(2);

    const v1 = await t.app.inject({
      url: `/api/v1/reports/${report.id}/versions/1/rendered?format=json`,
      headers: board,
    });
    expect(v1.json<ReportSnapshot>().narrative.background).toBe('Agreed by Cabinet in March.');
    const v2 = await t.app.inject({
      url: `/api/v1/reports/${report.id}/versions/2/rendered`,
      headers: { ...board, accept: 'application/json' },
    });
    expect(v2.json<ReportSnapshot>()).toMatchObject({
      narrative: { background: 'Agreed in April.' },
      published: { version: 2, supersedes: { version: 1, note: 'Corrected the background' } },
    });
    const pdf = await t.app.inject({
      url: `/api/v1/reports/${report.id}/versions/2/rendered?format=pdf`,
      headers: board,
    });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain('quarter-1-2025-06-30-v2.pdf');
    expect(
      (
        await t.app.inject({
          url: `/api/v1/reports/${report.id}/versions/3/rendered`,
          headers: board,
        })
      ).statusCode,
    ).toBe(404);

    const list = await t.app.inject({ url: '/api/v1/reports', headers: board });
    expect(list.json<{ data: { id: string }[] }>().data.map((r) => r.id)).toEqual([report.id]);

    expect((await auditFor(t, org.id, report.id)).map((e) => e.action)).toEqual([
      'report.created',
      'report.updated',
      'report.submitted',
      'report.approved',
      'report.published',
      'report.superseded',
    ]);
  }, 120_000);

  it('puts a report for a meeting on that meeting’s agenda', async () => {
    const { org, plan, boardId } = await setUp();
    const editor = bearer(await org.token('editor'));
    const meetingId = newId();
    await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .insertInto('meetings')
        .values({
          tenant_id: org.id,
          id: meetingId,
          board_id: boardId,
          meets_on: '2025-07-15',
          starts_at: null,
          location: null,
          minutes_url: null,
        })
        .execute(),
    );
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: editor,
      payload: { strategyId: plan.strategy.id, meetingId, asAt: '2025-06-30', title: 'For July' },
    });
    expect(created.statusCode).toBe(201);
    const report = created.json<{ id: string; boardId: string; meetingId: string }>();
    // The board is the meeting's.
    expect(report).toMatchObject({ boardId, meetingId });
    const items = await withTenant(t.database.db, org.id, null, (trx) =>
      trx.selectFrom('agenda_items').selectAll().where('meeting_id', '=', meetingId).execute(),
    );
    expect(items).toMatchObject([
      { title: 'For July', kind: 'report', report_id: report.id, strategy_id: plan.strategy.id },
    ]);
    // A meeting of another board is refused.
    const otherBoard = await makeBoard(t, org.id, {
      name: 'Steering group',
      kind: 'steering_group',
    });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: editor,
      payload: {
        strategyId: plan.strategy.id,
        boardId: otherBoard,
        meetingId,
        asAt: '2025-06-30',
        title: 'Wrong',
      },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<{ errors: { field: string }[] }>().errors[0]?.field).toBe('meetingId');
  }, 60_000);

  it('keeps each step to those allowed to take it', async () => {
    const { org, plan } = await setUp();
    const viewer = bearer(await org.token('viewer'));
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: viewer,
      payload: { strategyId: plan.strategy.id, asAt: '2025-06-30', title: 'No' },
    });
    expect(denied.statusCode).toBe(403);
    const missing = await t.app.inject({
      url: '/api/v1/reports/0190a1d2-0000-7000-8000-000000000000',
      headers: viewer,
    });
    expect(missing.statusCode).toBe(404);
  }, 60_000);
});

describe('the reports API in the OpenAPI document', () => {
  it('lists every endpoint under the Reports tag', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json<{
      tags: { name: string; description: string }[];
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>();
    expect(doc.tags.find((tag) => tag.name === 'Reports')?.description).toContain(
      'Progress reports',
    );
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/reports'));
    expect(paths.sort()).toEqual([
      '/api/v1/reports',
      '/api/v1/reports/{id}',
      '/api/v1/reports/{id}/approve',
      '/api/v1/reports/{id}/publish',
      '/api/v1/reports/{id}/rendered',
      '/api/v1/reports/{id}/return',
      '/api/v1/reports/{id}/submit',
      '/api/v1/reports/{id}/supersede',
      '/api/v1/reports/{id}/versions/{version}/rendered',
      '/api/v1/reports/{id}/withdraw',
    ]);
    for (const path of paths)
      for (const operation of Object.values(doc.paths[path]!))
        expect(operation.tags, path).toEqual(['Reports']);
  });
});

describe('waymark report', () => {
  it('drafts and renders a report without publishing it', async () => {
    const { org, plan, boardId } = await setUp();
    const result = await draftReportFile(t.database.db, {
      organisation: org.id,
      strategy: plan.strategy.id,
      asAt: '2025-06-30',
      format: 'html',
      board: boardId,
    });
    expect(result.snapshot.title).toBe('Customer Access Strategy: progress as at 30 June 2025');
    expect(String(result.rendered.body)).toContain('Portal delayed by testing');
    expect(String(result.rendered.body)).toMatch(/^<!DOCTYPE html>/);
    expect(result.snapshot.narrative.recommendation).toBe(
      'The Cabinet is asked to NOTE this report.',
    );
    const reports = await t.database.db
      .selectFrom('reports')
      .select('id')
      .where('tenant_id', '=', org.id)
      .execute();
    expect(reports).toEqual([]);

    await expect(
      draftReportFile(t.database.db, {
        organisation: 'no-such-council',
        strategy: plan.strategy.id,
        asAt: '2025-06-30',
        format: 'pdf',
      }),
    ).rejects.toThrow(UsageError);
    await expect(
      draftReportFile(t.database.db, {
        organisation: org.id,
        strategy: 'nope',
        asAt: '2025-06-30',
        format: 'pdf',
      }),
    ).rejects.toThrow(/has no strategy/);
    await expect(
      draftReportFile(t.database.db, {
        organisation: org.id,
        strategy: plan.strategy.id,
        asAt: '30/06/2025',
        format: 'pdf',
      }),
    ).rejects.toThrow(/--as-at must be a real date/);
  }, 60_000);

  it('explains itself in --help', () => {
    const program = new Command().name('waymark').exitOverride();
    registerReportCommand(program);
    const help = program.commands.find((c) => c.name() === 'report')!.helpInformation();
    expect(help).toContain('--as-at <date>');
    expect(help).toContain('--format <format>');
    expect(help).toContain('"docx"');
  });

  // One end-to-end run of the real command, as a child process on the engine under test.
  it('runs as `node bin/waymark.js report`: writes the file, or exits 2 for bad usage', async () => {
    const target = await cliDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'waymark-report-out-'));
    try {
      const org = await makeOrganisation(target.db);
      const user = await makeUser(target.db, org.id, 'editor');
      const ctx = {
        tenantId: org.id,
        role: 'editor' as const,
        actor: { userId: user.id, label: user.email },
      };
      const plan = await withTenant(target.db, org.id, user.id, async (trx) => {
        const strategy = await createStrategyInTx(
          trx,
          ctx,
          strategyInput.parse({ title: 'Command line strategy', documentDate: '2025-04-01' }),
        );
        await createActionInTx(
          trx,
          ctx,
          strategy.id,
          actionInput.parse({ ref: '1', title: 'Keep the lights on' }),
          { source: { kind: 'test' } },
        );
        return strategy;
      });
      await target.release();
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...target.env };
      if (!target.env.DATABASE_URL) delete env.DATABASE_URL;
      const run = (args: string[]) =>
        promisify(execFile)(process.execPath, ['bin/waymark.js', 'report', ...args], {
          cwd: ROOT,
          env,
          timeout: 120_000,
        }).then(
          (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
          (e: unknown) => e as { code: number; stdout: string; stderr: string },
        );
      const out = join(dir, 'report.html');
      const ok = await run([
        '--organisation',
        org.slug,
        '--strategy',
        plan.id,
        '--as-at',
        '2025-06-30',
        '--format',
        'html',
        '--out',
        out,
      ]);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`Wrote ${out}`);
      const written = readFileSync(out, 'utf8');
      expect(written).toMatch(/^<!DOCTYPE html>/);
      expect(written).toContain(
        '<title>Command line strategy: progress as at 30 June 2025</title>',
      );
      const unknown = await run([
        '--organisation',
        'no-such-council',
        '--strategy',
        plan.id,
        '--as-at',
        '2025-06-30',
        '--format',
        'pdf',
        '--out',
        join(dir, 'x.pdf'),
      ]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(
        'There is no organisation with the id or short name "no-such-council"',
      );
      expect(() => readFileSync(join(dir, 'x.pdf'))).toThrow();
    } finally {
      await target.finish();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

/** A database the command line can open by configuration (as the audit command's test does). */
async function cliDatabase(): Promise<{
  db: Kysely<DB>;
  env: { DATA_DIR?: string; DATABASE_URL?: string };
  release(): Promise<void>;
  finish(): Promise<void>;
}> {
  if (engine === 'postgres') {
    const database = await openTestDatabase();
    return {
      db: database.db,
      env: { DATABASE_URL: database.url! },
      release: async () => undefined,
      finish: () => database.close(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'waymark-report-cli-'));
  const dataDir = join(dir, 'data');
  const database = await openPglite({
    dataDir,
    loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]),
    lock: false,
  });
  let open = true;
  const release = async () => {
    if (open) await database.close();
    open = false;
  };
  return {
    db: database.db,
    env: { DATA_DIR: dataDir },
    release,
    async finish() {
      await release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
