import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeOrganisation } from '../../../test/helpers/fixtures.js';
import { NotFoundError } from '../http/errors.js';
import { findOwned } from './find.js';
import { newId } from './ids.js';
import { withTenant } from './tenancy.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close());

describe('findOwned', () => {
  it('finds a row by id within its organisation and parent, and says "not found" otherwise', async () => {
    const { db } = t.database;
    const org = await makeOrganisation(db);
    const other = await makeOrganisation(db);
    const post = {
      tenant_id: org.id,
      id: newId(),
      short_name: 'ICT BS Mgr',
      title: 'ICT Business Services Manager',
    };
    await withTenant(db, org.id, null, (trx) => trx.insertInto('posts').values(post).execute());

    const found = await withTenant(db, org.id, null, (trx) =>
      findOwned(trx, 'posts', { tenantId: org.id, id: post.id }, 'There is no such post.'),
    );
    expect(found).toMatchObject({ id: post.id, short_name: 'ICT BS Mgr', kind: 'post' });
    expect(found.created_at).toBeInstanceOf(Date);

    const within = await withTenant(db, org.id, null, (trx) =>
      findOwned(trx, 'posts', { tenantId: org.id, id: post.id }, 'No.', { kind: 'post' }),
    );
    expect(within.id).toBe(post.id);

    const misses = [
      () =>
        withTenant(db, org.id, null, (trx) =>
          findOwned(trx, 'posts', { tenantId: org.id, id: 'not-a-uuid' }, 'Nope.'),
        ),
      () =>
        withTenant(db, org.id, null, (trx) =>
          findOwned(trx, 'posts', { tenantId: org.id, id: newId() }, 'Nope.'),
        ),
      () =>
        withTenant(db, org.id, null, (trx) =>
          findOwned(trx, 'posts', { tenantId: org.id, id: post.id }, 'Nope.', { kind: 'body' }),
        ),
      () =>
        withTenant(db, other.id, null, (trx) =>
          findOwned(trx, 'posts', { tenantId: other.id, id: post.id }, 'Nope.'),
        ),
    ];
    for (const miss of misses) {
      await expect(miss()).rejects.toThrow(NotFoundError);
      await expect(miss()).rejects.toThrow('Nope.');
    }
  });
});
