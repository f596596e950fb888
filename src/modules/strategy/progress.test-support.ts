/**
 * Test data for the progress pages (component and browser tests): an organisation with a plan,
 * posts, people in every role, and actions whose due dates are set relative to today, so the
 * tests mean the same whenever they run.
 */
import type { Kysely } from 'kysely';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { DB, Role } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { makeOrganisation, makeUser } from '../../../test/helpers/fixtures.js';
import { createAction } from './action.service.js';
import { assignPostHolder } from './posts.service.js';
import { recordProgressInTx } from './progress.service.js';
import { todayInLondon } from './status.js';
import { actionInput, progressInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';
import type { Action } from './strategy.tables.js';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A timescale as a plan writes it ("March 2027"), `months` from this month (negative: past). */
export function monthFromNow(months: number): string {
  const today = todayInLondon();
  const index = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 + months;
  return `${MONTHS[index % 12]} ${Math.floor(index / 12)}`;
}

export function daysAgo(days: number): Date {
  return new Date(Date.now() - days * 86_400_000);
}

export type Person = Awaited<ReturnType<typeof makeUser>> & { ctx: TenantContext };

export async function person(db: Kysely<DB>, tenantId: string, role: Role): Promise<Person> {
  const user = await makeUser(db, tenantId, role);
  return {
    ...user,
    ctx: {
      tenantId,
      role,
      actor: { userId: user.id, label: `${user.display_name} <${user.email}>` },
    },
  };
}

export const POST_NAME = 'ICT Infrastructure Mgr';
export const OTHER_POST = 'ICT BS Mgr';

export interface Plan {
  orgId: string;
  strategyId: string;
  editor: Person;
  owner: Person;
  other: Person;
  /** By reference. */
  actions: Record<string, Action>;
  postId: string;
  otherPostId: string;
}

/**
 * One plan, owned through two posts: the owner holds "ICT Infrastructure Mgr" (actions 1.1 to
 * 1.5 and 2.1), a colleague holds "ICT BS Mgr" (3.1). In the order My actions should show them:
 * 1.2 (overdue), 1.3 (never updated, created 200 days ago), 1.4 (last updated 100 days ago),
 * 1.1 (updated today, due in two months), 1.5 (updated today, due in a year); 2.1 is complete.
 */
export async function makePlan(db: Kysely<DB>): Promise<Plan> {
  const org = await makeOrganisation(db);
  const editor = await person(db, org.id, 'editor');
  const owner = await person(db, org.id, 'contributor');
  const other = await person(db, org.id, 'contributor');
  const strategy = await createStrategy(
    db,
    editor.ctx,
    strategyInput.parse({
      title: 'Digital Strategy',
      periodLabel: '2025–2028',
      status: 'approved',
      documentDate: '2025-04-01',
    }),
  );
  const area = await addArea(db, editor.ctx, strategy.id, {
    number: '1',
    title: 'Reliable and secure',
  });
  const specs: [string, string, string, string][] = [
    ['1.1', 'Replace the core network switches', monthFromNow(2), POST_NAME],
    ['1.2', 'Test the disaster recovery plan', monthFromNow(-3), POST_NAME],
    ['1.3', 'Review the firewall rules', 'Ongoing', POST_NAME],
    ['1.4', 'Move the data centre to the cloud', monthFromNow(1), POST_NAME],
    ['1.5', 'Renew the PSN compliance certificate', monthFromNow(12), POST_NAME],
    ['2.1', 'Retire the old file servers', monthFromNow(-6), POST_NAME],
    ['3.1', 'Procure a new finance system', monthFromNow(4), OTHER_POST],
  ];
  const actions: Record<string, Action> = {};
  for (const [ref, title, timescale, lead] of specs) {
    actions[ref] = await createAction(
      db,
      editor.ctx,
      strategy.id,
      actionInput.parse({ ref, title, timescale, lead, areaId: area.id }),
    );
  }
  const get = (ref: string): Action => {
    const action = actions[ref];
    if (!action) throw new Error(`No action ${ref} in the test plan`);
    return action;
  };
  const postId = get('1.1').lead_post_id ?? '';
  const otherPostId = get('3.1').lead_post_id ?? '';
  await withTenant(db, org.id, null, async (trx) => {
    await assignPostHolder(
      trx,
      editor.ctx.actor,
      org.id,
      postId,
      { userId: owner.id, personName: null },
      '2025-04-01',
    );
    await assignPostHolder(
      trx,
      editor.ctx.actor,
      org.id,
      otherPostId,
      { userId: other.id, personName: null },
      '2025-04-01',
    );
    const record = (ref: string, status: string, recordedAt: Date) =>
      recordProgressInTx(
        trx,
        editor.ctx,
        get(ref).id,
        progressInput.parse({ status, happened: `Work on ${ref} as at that date.` }),
        { recordedAt, asAt: todayInLondon(recordedAt) },
      );
    await record('1.4', 'on_track', daysAgo(100));
    await record('1.1', 'on_track', new Date());
    await record('1.5', 'on_track', new Date());
    await record('2.1', 'complete', daysAgo(20));
    // 1.3 was created long ago and never updated.
    await trx
      .updateTable('actions')
      .set({ created_at: daysAgo(200) })
      .where('id', '=', get('1.3').id)
      .execute();
  });
  return {
    orgId: org.id,
    strategyId: strategy.id,
    editor,
    owner,
    other,
    actions,
    postId,
    otherPostId,
  };
}

/** A multipart form body, as a browser sends one with a file input. */
export function multipartForm(
  fields: Record<string, string>,
  file?: { field: string; name: string; content: Buffer; type?: string },
): { payload: Buffer; contentType: string } {
  const boundary = `----waymark${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
