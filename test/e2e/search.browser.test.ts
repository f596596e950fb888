import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, startHarness, type Harness } from './harness.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import type { TenantContext } from '../../src/kernel/auth/plugin.js';
import {
  actionInput,
  createActionInTx,
  createStrategyInTx,
  addAreaInTx,
  progressInput,
  recordProgressInTx,
  strategyInput,
} from '../../src/modules/strategy/index.js';
import { withTenant } from '../../src/kernel/db/tenancy.js';

/**
 * A viewer searches the council's strategy in a real browser, with JavaScript on and off and
 * axe on every page: types words, reads the marked results, narrows them to one type, follows
 * a result to its action; and is told plainly when the words are too long.
 */

let h: Harness;
let viewer: { email: string };
let actionId: string;

beforeAll(async () => {
  h = await startHarness();
  const db = h.t.database.db;
  const org = await makeOrganisation(db);
  const editor = await makeUser(db, org.id, 'editor');
  viewer = await makeUser(db, org.id, 'viewer');
  const ctx: TenantContext = {
    tenantId: org.id,
    role: 'editor',
    actor: { userId: editor.id, label: editor.email },
  };
  await withTenant(db, org.id, editor.id, async (trx) => {
    const strategy = await createStrategyInTx(
      trx,
      ctx,
      strategyInput.parse({
        title: 'Digital Inclusion Strategy',
        summary: 'Closing the digital divide, from broadband to skills.',
      }),
    );
    const area = await addAreaInTx(trx, ctx, strategy.id, {
      number: '2',
      title: 'Connectivity',
      vision: 'Every household can reach fast broadband.',
    });
    const action = await createActionInTx(
      trx,
      ctx,
      strategy.id,
      actionInput.parse({
        ref: '2.1',
        title: 'Broadband rollout for libraries',
        areaId: area.id,
        targets: 'All libraries connected by March',
      }),
    );
    actionId = action.id;
    await createActionInTx(
      trx,
      ctx,
      strategy.id,
      actionInput.parse({ ref: '2.2', title: 'Replace the telephony platform', areaId: area.id }),
    );
    await recordProgressInTx(
      trx,
      ctx,
      action.id,
      progressInput.parse({
        status: 'on_track',
        happened: 'Reviewing the bids for the library broadband contract.',
      }),
    );
  });
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

const SEARCH_LABEL = 'Search strategies, areas, actions and progress updates';

describe.each(MODES)('a viewer searches (JavaScript %s)', (mode) => {
  it('finds marked results, narrows them to actions and follows one', async () => {
    const s = await h.newSession(mode);
    await s.signIn(viewer.email, PASSWORD);
    await s.followLink(/^Search$/);
    expect(s.path()).toBe('/search');
    expect(await s.heading()).toBe('Search');

    await s.fill({ [SEARCH_LABEL]: 'broadband' });
    await s.submit('Search');
    expect(s.path()).toBe('/search?q=broadband');
    expect(await s.page.title()).toMatch(/^Search results for “broadband”/);
    const main = await s.mainText();
    expect(main).toContain('4 results');
    expect(main).toContain('In Digital Inclusion Strategy');
    // The matched word is marked in titles and snippets.
    const marks = await s.page.locator('#main-content mark').allInnerTexts();
    expect(marks.length).toBeGreaterThanOrEqual(4);
    expect(marks.every((m) => /^broadband$/i.test(m))).toBe(true);

    await s.followLink(/^Actions \(1\)$/);
    expect(s.path()).toBe('/search?q=broadband&type=action');
    expect(await s.page.locator('[aria-current="page"]', { hasText: 'Actions (1)' }).count()).toBe(
      1,
    );

    await s.followLink('2.1 Broadband rollout for libraries');
    expect(s.path()).toBe(`/actions/${actionId}`);
    s.done();
  });

  it('searches by pressing Enter, and explains words that are too long', async () => {
    const s = await h.newSession(mode);
    await s.signIn(viewer.email, PASSWORD);
    await s.goto('/search');
    await s.page.getByLabel(SEARCH_LABEL, { exact: true }).fill('reviewing');
    await s.pressAndWait('Enter');
    expect(s.path()).toBe('/search?q=reviewing');
    expect(await s.mainText()).toContain('Update on 2.1 Broadband rollout for libraries');

    await s.page.getByLabel(SEARCH_LABEL, { exact: true }).fill('broadband '.repeat(21));
    await s.submit('Search');
    expect(await s.page.title()).toMatch(/^Error: Search/);
    expect(await s.errorSummary()).toEqual(['Search words must be 200 characters or fewer']);

    await s.page.getByLabel(SEARCH_LABEL, { exact: true }).fill('zeppelin');
    await s.submit('Search');
    expect(await s.mainText()).toContain('There are no matching results.');
    s.done();
  });
});
