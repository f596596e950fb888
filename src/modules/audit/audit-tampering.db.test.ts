import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import { recordAudit, verifyChain, type Actor } from '../../kernel/audit/audit.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { verifyChains } from './index.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const db = () => t.database.db;

/** An organisation with an admin (2 events) and `extra` more events of its own. */
async function organisationWithTrail(extra: number) {
  const org = await makeOrganisation(db());
  const admin = await makeUser(db(), org.id, 'admin');
  const actor: Actor = { userId: admin.id, label: `${admin.display_name} <${admin.email}>` };
  await withTenant(db(), org.id, admin.id, async (trx) => {
    for (let i = 1; i <= extra; i++) {
      await recordAudit(trx, actor, {
        tenantId: org.id,
        action: 'action.updated',
        entityType: 'action',
        entityId: `A-${String(i)}`,
        before: { status: 'Not started' },
        after: { status: 'On track' },
      });
    }
  });
  const events = await db()
    .selectFrom('audit_events')
    .selectAll()
    .where('tenant_id', '=', org.id)
    .orderBy('seq')
    .execute();
  return { org, admin, events };
}

/** What someone with the database owner's password could do behind Waymark's back. */
async function behindTheBack(statement: ReturnType<typeof sql>) {
  await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`.execute(db());
  try {
    await statement.execute(db());
  } finally {
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`.execute(db());
  }
}

describe('tampering with the audit trail', () => {
  it('names exactly the edited event as the first broken link, in verify, the page and the CLI', async () => {
    const { org, admin, events } = await organisationWithTrail(4);
    const untouched = await organisationWithTrail(1);
    expect(events).toHaveLength(6);
    expect((await verifyChain(db(), org.id)).broken).toBeNull();

    const target = events[3]!; // seq 4: events follow it, so only the first broken one is named
    await behindTheBack(
      sql`UPDATE audit_events SET after = ${JSON.stringify({ status: 'Complete' })}::jsonb WHERE id = ${target.id}`,
    );
    const changed = await db()
      .selectFrom('audit_events')
      .select('after')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(changed.after).toEqual({ status: 'Complete' });

    const report = await verifyChain(db(), org.id);
    expect(report.broken).toEqual({
      seq: 4,
      id: target.id,
      reason: 'its contents were changed after it was written',
    });
    expect(report.checked).toBe(3);
    expect((await verifyChain(db(), untouched.org.id)).broken).toBeNull();

    const agent = new Agent(t.app);
    await agent.signIn(admin.email, PASSWORD);
    const page = await agent.get('/admin/audit');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      'The audit trail has been altered: event #4 — its contents were changed after it was written',
    );
    expect(page.body).toContain('The 3 events before it are intact');
    expect(page.body).toContain(`href="/admin/audit/${target.id}">See event #4</a>`);
    expect(page.body).not.toContain('no changes found');
    expect(page.body.match(/govuk-tag--red">Altered</g)).toHaveLength(1);

    const detail = await agent.get(`/admin/audit/${target.id}`);
    expect(detail.body).toContain('its contents no longer match its hash');
    expect(detail.body).toContain('No: this event was changed after it was recorded');
    const before = await agent.get(`/admin/audit/${events[2]!.id}`);
    expect(before.body).not.toContain('its contents no longer match its hash');

    const cli = await verifyChains(db());
    expect(cli.lines).toContain(
      `BROKEN ${org.slug}: event #4 (${target.id}) — its contents were changed after it was written`,
    );
    expect(cli.lines).toContain(`OK ${untouched.org.slug}: 3 events`);
    expect(cli.broken).toBe(1);
  });

  it('names the event after a deleted one', async () => {
    const { org, events } = await organisationWithTrail(3);
    await behindTheBack(sql`DELETE FROM audit_events WHERE id = ${events[2]!.id}`);
    expect((await verifyChain(db(), org.id)).broken).toEqual({
      seq: 4,
      id: events[3]!.id,
      reason: 'event number 3 is missing',
    });
  });

  it('is refused by the database when changed directly, whoever asks', async () => {
    const { org, admin, events } = await organisationWithTrail(1);
    const target = events[1]!;
    // As the owner: the append-only trigger refuses.
    await expect(
      sql`UPDATE audit_events SET actor_label = 'Someone else' WHERE id = ${target.id}`.execute(
        db(),
      ),
    ).rejects.toThrow(/append-only: UPDATE is not allowed/);
    await expect(
      sql`DELETE FROM audit_events WHERE id = ${target.id}`.execute(db()),
    ).rejects.toThrow(/append-only: DELETE is not allowed/);
    await expect(sql`TRUNCATE audit_events`.execute(db())).rejects.toThrow(
      /append-only: TRUNCATE is not allowed/,
    );
    // As the application's own role: not even granted.
    await expect(
      withTenant(db(), org.id, admin.id, (trx) =>
        trx
          .updateTable('audit_events')
          .set({ actor_label: 'x' })
          .where('id', '=', target.id)
          .execute(),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withTenant(db(), org.id, admin.id, (trx) =>
        trx.deleteFrom('audit_events').where('id', '=', target.id).execute(),
      ),
    ).rejects.toThrow(/permission denied/);

    const row = await db()
      .selectFrom('audit_events')
      .select('actor_label')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(row.actor_label).toBe(target.actor_label);
    expect((await verifyChain(db(), org.id)).broken).toBeNull();
  });
});
