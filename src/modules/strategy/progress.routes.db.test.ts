import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent, csrfFrom } from '../../../test/helpers/agent.js';
import { PASSWORD } from '../../../test/helpers/fixtures.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { assignPostHolder } from './posts.service.js';
import { makePlan, multipartForm, person, type Plan } from './progress.test-support.js';
import { todayInLondon } from './status.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function signedIn(email: string) {
  const agent = new Agent(t.app);
  await agent.signIn(email, PASSWORD);
  return agent;
}

/** The references in the order the page's table rows show them. */
function refsInOrder(html: string, caption: RegExp): string[] {
  const start = html.search(caption);
  const table = html.slice(start, html.indexOf('</table>', start));
  return [...table.matchAll(/href="\/actions\/[0-9a-f-]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

async function state(plan: Plan, ref: string) {
  const id = plan.actions[ref]!.id;
  return withTenant(t.database.db, plan.orgId, null, async (trx) => ({
    action: await trx
      .selectFrom('actions')
      .select(['status', 'forecast_status', 'last_update_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow(),
    updates: await trx
      .selectFrom('progress_updates')
      .selectAll()
      .where('action_id', '=', id)
      .orderBy('recorded_at', 'desc')
      .execute(),
    audit: await trx
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'after'])
      .where('entity_id', '=', id)
      .orderBy('seq')
      .execute(),
  }));
}

/** Posts the record-progress form as a browser does: multipart, with the page's CSRF token. */
async function postProgress(
  agent: Agent,
  actionId: string,
  fields: Record<string, string>,
  file?: { name: string; content: Buffer },
) {
  const page = await agent.get(`/actions/${actionId}/progress`);
  const csrf = csrfFrom(page.body) ?? '';
  const form = multipartForm(
    { _csrf: csrf, ...fields },
    file ? { field: 'evidenceFile', ...file } : undefined,
  );
  const res = await t.app.inject({
    method: 'POST',
    url: `/actions/${actionId}/progress`,
    headers: { cookie: agent.cookieHeader(), 'content-type': form.contentType },
    payload: form.payload,
  });
  keepCookies(agent, res.headers['set-cookie']);
  return res;
}

/** The agent keeps the cookies a response set (the flash message travels in one). */
function keepCookies(agent: Agent, header: string | string[] | undefined) {
  for (const line of [header ?? []].flat()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    agent.setCookie(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

describe('My actions', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await makePlan(t.database.db);
  });

  it('lists what the owner owns through their post, what needs an update first', async () => {
    const agent = await signedIn(plan.owner.email);
    const res = await agent.get('/my-actions');
    expect(res.statusCode).toBe(200);
    expect(refsInOrder(res.body, /Your open actions/)).toEqual(['1.2', '1.3', '1.4', '1.1', '1.5']);
    expect(res.body).toContain('3 of your 5 open actions need an update.');
    expect(res.body).toContain('Overdue: it was due by');
    expect(res.body).toContain('No progress recorded yet');
    expect(res.body).toMatch(/No update for 10\d days/);
    // The colleague's action is not theirs; the finished one is listed apart.
    expect(res.body).not.toContain('Procure a new finance system');
    expect(refsInOrder(res.body, /Your finished actions/)).toEqual(['2.1']);
    // Repeated links say which action they are for.
    expect(res.body).toContain(
      `href="/actions/${plan.actions['1.2']!.id}/progress">Record progress<span class="govuk-visually-hidden"> on 1.2 Test the disaster recovery plan</span>`,
    );
    expect(res.body).toContain('Start with 1.2');
    expect(res.body).toContain('Last updated');
    expect(res.body).toContain('Never updated');
  });

  it('is refused to viewers and board members', async () => {
    for (const role of ['viewer', 'board'] as const) {
      const reader = await person(t.database.db, plan.orgId, role);
      const agent = await signedIn(reader.email);
      expect((await agent.get('/my-actions')).statusCode).toBe(403);
    }
  });

  it('shows an editor who holds no post how to reach the plan instead', async () => {
    const agent = await signedIn(plan.editor.email);
    const res = await agent.get('/my-actions');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('There is nothing here for you to update');
    expect(res.body).toContain('href="/strategies"');
  });

  it('follows a post when it changes hands: the new holder sees its actions, the old one no longer does', async () => {
    const handover = await makePlan(t.database.db);
    const successor = await person(t.database.db, handover.orgId, 'contributor');
    await withTenant(t.database.db, handover.orgId, null, (trx) =>
      assignPostHolder(
        trx,
        handover.editor.ctx.actor,
        handover.orgId,
        handover.postId,
        { userId: successor.id, personName: null },
        todayInLondon(),
      ),
    );
    const newHolder = await signedIn(successor.email);
    const theirs = await newHolder.get('/my-actions');
    expect(refsInOrder(theirs.body, /Your open actions/)).toEqual([
      '1.2',
      '1.3',
      '1.4',
      '1.1',
      '1.5',
    ]);
    const previous = await signedIn(handover.owner.email);
    const gone = await previous.get('/my-actions');
    expect(gone.body).not.toContain('Test the disaster recovery plan');
    expect(gone.body).toContain('There is nothing here for you to update');
    // And the previous holder may no longer record progress on them.
    expect(
      (await previous.get(`/actions/${handover.actions['1.2']!.id}/progress`)).statusCode,
    ).toBe(403);
    expect(
      (await newHolder.get(`/actions/${handover.actions['1.2']!.id}/progress`)).statusCode,
    ).toBe(200);
  });
});

describe('recording progress', () => {
  it('shows the action, its due date and latest update above three fields', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.owner.email);
    const res = await agent.get(`/actions/${plan.actions['1.4']!.id}/progress`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-l">Record progress on 1.4</h1>');
    expect(res.body).toContain('Move the data centre to the cloud');
    expect(res.body).toContain('Latest update,');
    expect(res.body).toContain('Work on 1.4 as at that date.');
    expect(res.body).toContain('What is its status now?');
    expect(res.body).toContain('What has happened since the last update?');
    expect(res.body).toContain('What happens next? (optional)');
    expect(res.body).toMatch(/<details[^>]*class="govuk-details"/);
    expect(res.body).toContain('enctype="multipart/form-data"');
    // Each status has its word and a hint; the current one is chosen.
    expect(res.body).toMatch(/value="on_track" checked/);
    expect(res.body).toContain('Going to plan: expected to finish on time');
    // Skipping goes on down My actions: after 1.4 nothing needs an update.
    expect(res.body).not.toContain('Skip to the next action');
    const first = await agent.get(`/actions/${plan.actions['1.2']!.id}/progress`);
    expect(first.body).toContain(
      `href="/actions/${plan.actions['1.3']!.id}/progress">Skip to the next action<span class="govuk-visually-hidden">: 1.3 Review the firewall rules</span>`,
    );
  });

  it('records an update from the post holder, audits it and goes on to their next action', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.owner.email);
    const res = await postProgress(agent, plan.actions['1.2']!.id, {
      status: 'at_risk',
      happened: 'The test was postponed: the supplier could not attend.',
      nextSteps: 'New date agreed for next month.',
      forecastStatus: 'complete',
      percentComplete: '40',
      evidenceUrl: 'https://intranet.example/dr-test',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/actions/${plan.actions['1.3']!.id}/progress`);
    const next = await agent.get(res.headers.location as string);
    expect(next.body).toContain('Progress recorded for 1.2. Next: 1.3 Review the firewall rules');

    const after = await state(plan, '1.2');
    expect(after.action.status).toBe('at_risk');
    expect(after.action.forecast_status).toBe('complete');
    expect(after.action.last_update_at).not.toBeNull();
    expect(after.updates).toHaveLength(1);
    expect(after.updates[0]).toMatchObject({
      status: 'at_risk',
      forecast_status: 'complete',
      percent_complete: 40,
      happened: 'The test was postponed: the supplier could not attend.',
      next_steps: 'New date agreed for next month.',
      evidence_url: 'https://intranet.example/dr-test',
      recorded_by: plan.owner.id,
      corrects_id: null,
    });
    const event = after.audit.find((e) => e.action === 'progress.recorded');
    expect(event?.actor_user_id).toBe(plan.owner.id);
    expect(event?.after).toMatchObject({ status: 'at_risk', update_id: after.updates[0]!.id });

    // The one just saved no longer needs an update; the last one goes back to My actions.
    const mine = await agent.get('/my-actions');
    expect(mine.body).toContain('2 of your 5 open actions need an update.');
    await postProgress(agent, plan.actions['1.3']!.id, { status: 'on_track', happened: 'Done.' });
    const last = await postProgress(agent, plan.actions['1.4']!.id, {
      status: 'on_track',
      happened: 'Migration wave 2 complete.',
    });
    expect(last.headers.location).toBe('/my-actions');
    const back = await agent.get('/my-actions');
    expect(back.body).toContain('Progress recorded for 1.4. All your actions are up to date.');
    expect(back.body).toContain('All 5 of your open actions are up to date.');
  });

  it('accepts a plain form post too (no file), as the API and old browsers send', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.owner.email);
    await agent.get(`/actions/${plan.actions['1.3']!.id}/progress`);
    const res = await agent.post(`/actions/${plan.actions['1.3']!.id}/progress`, {
      status: 'on_track',
      happened: 'Rules reviewed with the security team.',
    });
    expect(res.statusCode).toBe(303);
    expect((await state(plan, '1.3')).updates).toHaveLength(1);
  });

  it('refuses a contributor who does not hold the post, writing nothing', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.other.email);
    const id = plan.actions['1.2']!.id;
    const page = await agent.get(`/actions/${id}/progress`);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain(
      'You can record progress only on actions owned by a post you hold.',
    );
    await agent.get('/my-actions');
    const res = await agent.post(`/actions/${id}/progress`, {
      status: 'complete',
      happened: 'Not mine to say.',
    });
    expect(res.statusCode).toBe(403);
    // Even an invalid form says nothing about the action to them.
    const invalid = await agent.post(`/actions/${id}/progress`, { happened: '' });
    expect(invalid.statusCode).toBe(403);
    const after = await state(plan, '1.2');
    expect(after.updates).toHaveLength(0);
    expect(after.action.status).toBe('not_started');
    expect(after.audit.map((e) => e.action)).not.toContain('progress.recorded');
  });

  it('refuses a multipart form without its CSRF token, writing nothing', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.owner.email);
    const form = multipartForm(
      { status: 'complete', happened: 'Sent from another site.' },
      { field: 'evidenceFile', name: 'notes.txt', content: Buffer.from('hello') },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: `/actions/${plan.actions['1.2']!.id}/progress`,
      headers: { cookie: agent.cookieHeader(), 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(403);
    expect((await state(plan, '1.2')).updates).toHaveLength(0);
  });

  it('refuses viewers and board members', async () => {
    const plan = await makePlan(t.database.db);
    const id = plan.actions['1.2']!.id;
    for (const role of ['viewer', 'board'] as const) {
      const reader = await person(t.database.db, plan.orgId, role);
      const agent = await signedIn(reader.email);
      expect((await agent.get(`/actions/${id}/progress`)).statusCode).toBe(403);
      await agent.get('/my-actions');
      const res = await agent.post(`/actions/${id}/progress`, {
        status: 'complete',
        happened: 'x',
      });
      expect(res.statusCode).toBe(403);
    }
    expect((await state(plan, '1.2')).updates).toHaveLength(0);
  });

  it('lets an editor record progress on any action, and sends them back to it', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.editor.email);
    const res = await postProgress(agent, plan.actions['3.1']!.id, {
      status: 'on_track',
      happened: 'Entered for the owner, who reported by email.',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/actions/${plan.actions['3.1']!.id}`);
    expect((await state(plan, '3.1')).action.status).toBe('on_track');
  });

  describe('validation', () => {
    let plan: Plan;
    let agent: Agent;
    let id: string;
    beforeAll(async () => {
      plan = await makePlan(t.database.db);
      agent = await signedIn(plan.owner.email);
      id = plan.actions['1.1']!.id;
    });

    async function expectError(fields: Record<string, string>, field: string, message: string) {
      const res = await postProgress(agent, id, fields);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(res.body).toContain('<title>Error: Record progress on 1.1');
      expect(res.body).toContain(`href="#${field}">${message}</a>`);
      return res;
    }

    it('asks for the status and what has happened, keeping what was typed', async () => {
      const res = await expectError(
        { nextSteps: 'Order the kit', percentComplete: '20' },
        'status',
        'Select the status now',
      );
      expect(res.body).toContain('href="#happened">Enter what has happened</a>');
      expect(res.body).toContain('>Order the kit</textarea>');
      expect(res.body).toContain('value="20"');
      // The summary follows the order of the page: status first.
      expect(res.body.indexOf('href="#status"')).toBeLessThan(res.body.indexOf('href="#happened"'));
    });

    it('rejects a percentage over 100, opening "More detail" to show it', async () => {
      const res = await expectError(
        { status: 'on_track', happened: 'Kit ordered', percentComplete: '150' },
        'percentComplete',
        'Percent complete must be 100 or less',
      );
      expect(res.body).toMatch(/<details[^>]*open/);
      expect(res.body).toContain('>Kit ordered</textarea>');
    });

    it('rejects a link that is not a web address', async () => {
      await expectError(
        { status: 'on_track', happened: 'Kit ordered', evidenceUrl: 'sharepoint/reports' },
        'evidenceUrl',
        'Evidence link must be a web address starting with https://',
      );
    });

    it('asks what a correction changes', async () => {
      const updateId = (await state(plan, '1.1')).updates[0]!.id;
      await expectError(
        { status: 'on_track', happened: 'Kit ordered', correctsId: updateId },
        'correctionNote',
        'Say what this correction changes',
      );
    });

    it('refuses to correct an update of another action', async () => {
      const otherUpdate = (await state(plan, '1.5')).updates[0]!.id;
      await expectError(
        {
          status: 'on_track',
          happened: 'Kit ordered',
          correctsId: otherUpdate,
          correctionNote: 'Wrong date',
        },
        'correctsId',
        'The update being corrected is not one of this action’s updates',
      );
    });

    it('refuses a file whose content is not what its name says', async () => {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
      const res = await postProgress(
        agent,
        id,
        { status: 'on_track', happened: 'Minutes attached' },
        { name: 'minutes.pdf', content: png },
      );
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(
        'href="#evidenceFile">The selected file’s name says it is PDF, but its content is not',
      );
      expect(res.body).toContain('>Minutes attached</textarea>');
      const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]);
      const text = await postProgress(
        agent,
        id,
        { status: 'on_track', happened: 'Notes attached' },
        { name: 'notes.txt', content: program },
      );
      expect(text.body).toContain('name says it is text, but its content is not');
      const exe = await postProgress(
        agent,
        id,
        { status: 'on_track', happened: 'Tool attached' },
        { name: 'tool.exe', content: program },
      );
      expect(exe.body).toContain('The selected file must be a PDF, Word (.docx)');
      const rows = await withTenant(t.database.db, plan.orgId, null, (trx) =>
        trx.selectFrom('evidence_files').select('id').execute(),
      );
      expect(rows).toHaveLength(0);
    });
  });

  it('refuses a file over the upload limit, keeping the rest of the form', async () => {
    const small = await createTestApp({ env: { UPLOAD_LIMIT_MB: '1' } });
    try {
      const plan = await makePlan(small.database.db);
      const agent = new Agent(small.app);
      await agent.signIn(plan.owner.email, PASSWORD);
      const id = plan.actions['1.1']!.id;
      const page = await agent.get(`/actions/${id}/progress`);
      expect(page.body).toContain('smaller than 1 MB');
      const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1024 * 1024 + 10, 0x20)]);
      const form = multipartForm(
        { _csrf: csrfFrom(page.body) ?? '', status: 'on_track', happened: 'Report attached' },
        { field: 'evidenceFile', name: 'report.pdf', content: big },
      );
      const res = await small.app.inject({
        method: 'POST',
        url: `/actions/${id}/progress`,
        headers: { cookie: agent.cookieHeader(), 'content-type': form.contentType },
        payload: form.payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(
        'href="#evidenceFile">The selected file must be smaller than 1 MB</a>',
      );
      expect(res.body).toContain('>Report attached</textarea>');
      const count = await withTenant(small.database.db, plan.orgId, null, (trx) =>
        trx.selectFrom('progress_updates').select('id').where('action_id', '=', id).execute(),
      );
      expect(count).toHaveLength(1); // only the one the plan began with
    } finally {
      await small.close();
    }
  });
});

describe('evidence files', () => {
  it('stores an uploaded file with its update and gives it back as a download', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.owner.email);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const res = await postProgress(
      agent,
      plan.actions['1.2']!.id,
      { status: 'complete', happened: 'Test passed: report attached.' },
      { name: 'C:\\fakepath\\DR test – report.pdf', content: pdf },
    );
    expect(res.statusCode).toBe(303);
    const { updates, audit } = await state(plan, '1.2');
    const fileId = updates[0]!.evidence_file_id;
    expect(fileId).toBeTruthy();
    const stored = await withTenant(t.database.db, plan.orgId, null, async (trx) => ({
      file: await trx
        .selectFrom('evidence_files')
        .select(['file_name', 'content_type', 'size_bytes', 'uploaded_by'])
        .where('id', '=', fileId!)
        .executeTakeFirstOrThrow(),
      event: await trx
        .selectFrom('audit_events')
        .select(['action', 'after'])
        .where('entity_id', '=', fileId!)
        .executeTakeFirstOrThrow(),
    }));
    expect(stored.file).toEqual({
      file_name: 'DR test – report.pdf',
      content_type: 'application/pdf',
      size_bytes: pdf.byteLength,
      uploaded_by: plan.owner.id,
    });
    expect(stored.event.action).toBe('evidence.uploaded');
    expect(audit.map((e) => e.action)).toContain('progress.recorded');

    // Any reader of the organisation may download it.
    const viewer = await person(t.database.db, plan.orgId, 'viewer');
    const reader = await signedIn(viewer.email);
    const download = await reader.get(`/evidence/${fileId}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="DR test _ report.pdf"; filename*=UTF-8''DR%20test%20%E2%80%93%20report.pdf`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.rawPayload.equals(pdf)).toBe(true);

    // The update page links to it.
    const page = await agent.get(`/actions/${plan.actions['1.2']!.id}/progress`);
    expect(page.body).toContain(`href="/evidence/${fileId}"`);

    // Another organisation's people cannot reach it, even knowing its id.
    const elsewhere = await makePlan(t.database.db);
    const stranger = await signedIn(elsewhere.editor.email);
    expect((await stranger.get(`/evidence/${fileId}`)).statusCode).toBe(404);
    expect((await stranger.get('/evidence/not-an-id')).statusCode).toBe(404);
  });
});

describe('corrections', () => {
  it('adds a correction as a new update linked to the one it corrects, never changing it', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.owner.email);
    const id = plan.actions['1.1']!.id;
    const original = (await state(plan, '1.1')).updates[0]!;
    const page = await agent.get(`/actions/${id}/progress`);
    expect(page.body).toContain('Does this correct an earlier update? (optional)');
    expect(page.body).toContain(`<option value="${original.id}"`);

    const res = await postProgress(agent, id, {
      status: 'at_risk',
      happened: 'The switches arrived damaged; replacements ordered.',
      correctsId: original.id,
      correctionNote: 'The last update said on track before the delivery was checked.',
    });
    expect(res.statusCode).toBe(303);
    const after = await state(plan, '1.1');
    expect(after.updates).toHaveLength(2);
    const correction = after.updates.find((u) => u.corrects_id === original.id)!;
    expect(correction.correction_note).toBe(
      'The last update said on track before the delivery was checked.',
    );
    expect(after.updates.find((u) => u.id === original.id)).toEqual(original);
    expect(after.action.status).toBe('at_risk');
    expect(after.audit.map((e) => e.action)).toContain('progress.corrected');

    const timeline = await agent.get(`/actions/${id}/progress`);
    expect(timeline.body).toContain('(correction)');
    expect(timeline.body).toContain('<strong>Correction</strong> of the update of');
    expect(timeline.body).toContain('<strong>Corrected</strong> by a later update of');
  });

  it('corrects an older update without overriding the newer status', async () => {
    const plan = await makePlan(t.database.db);
    const agent = await signedIn(plan.owner.email);
    const id = plan.actions['1.4']!.id;
    const old = (await state(plan, '1.4')).updates[0]!;
    await postProgress(agent, id, { status: 'on_track', happened: 'Wave 2 moved.' });
    const before = (await state(plan, '1.4')).action;
    await postProgress(agent, id, {
      status: 'off_track',
      happened: 'Wave 1 had in fact stalled at the time.',
      correctsId: old.id,
      correctionNote: 'Wave 1 was off track, not on track.',
    });
    const after = await state(plan, '1.4');
    expect(after.updates).toHaveLength(3);
    expect(after.action.status).toBe('on_track');
    expect(after.action.last_update_at).toEqual(before.last_update_at);
  });
});
