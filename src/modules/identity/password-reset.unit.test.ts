import { describe, expect, it } from 'vitest';
import { newPasswordErrors } from './password-reset.service.js';
import { safeNext } from './sign-in.service.js';

describe('choosing a new password', () => {
  it('accepts a long, uncommon password typed the same twice', () => {
    expect(
      newPasswordErrors('kettle harbour violin', 'kettle harbour violin', 'jo@example.org'),
    ).toEqual([]);
  });

  it('names the field to fix: the password first, then the confirmation', () => {
    expect(newPasswordErrors('short', 'short', 'jo@example.org')).toEqual([
      { field: 'password', message: 'Password must be 12 characters or more' },
    ]);
    expect(
      newPasswordErrors('kettle harbour violin', 'kettle harbour viola', 'jo@example.org'),
    ).toEqual([
      { field: 'confirm', message: 'The passwords do not match: type the same password twice' },
    ]);
  });

  it('refuses a password made from the email address', () => {
    const [error] = newPasswordErrors(
      'jo.bloggs-1234567',
      'jo.bloggs-1234567',
      'jo.bloggs@example.org',
    );
    expect(error?.message).toBe('Password must not contain your email address');
  });
});

describe('where to go after signing in', () => {
  it.each([
    ['/account', '/account'],
    ['/sign-in/two-factor?next=%2F', '/sign-in/two-factor?next=%2F'],
    ['//evil.example/', '/'],
    ['https://evil.example/', '/'],
    ['/\\evil.example', '/'],
    [undefined, '/'],
  ])('%s goes to %s', (next, expected) => expect(safeNext(next)).toBe(expected));
});
