//! Who is working (the session of this tab, or the window's user), and the ledger's users with their roles.

import type { Session, User, UsersReport } from '../generated/wire';
import { arrayOf, bool, instant, nonEmptyText, oneOf, record, text } from './decode';
import { call } from './transport';

export type { Session, User, UsersReport };

export const ROLES = ['viewer', 'preparer', 'approver', 'controller', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who this window or tab acts as, their role and its rights. */
export async function whoami(): Promise<Session> {
  return decodeSession(await call('whoami'));
}

/** Works as `user` from now on (one of the ledger's enabled users). */
export async function login(user: string): Promise<Session> {
  return decodeSession(await call('login', { user }));
}

export async function fetchUsers(): Promise<UsersReport> {
  const o = record(await call('users'), 'users');
  return { users: arrayOf(decodeUser)(o.users, 'users.users') };
}

export async function addUser(name: string, role: Role): Promise<User> {
  return decodeUser(await call('user_add', { name, role }), 'user');
}

export async function setUserRole(name: string, role: Role): Promise<User> {
  return decodeUser(await call('user_change', { name, role }), 'user');
}

export async function setUserDisabled(name: string, disabled: boolean): Promise<User> {
  return decodeUser(await call('user_change', { name, disabled }), 'user');
}

function decodeSession(value: unknown): Session {
  const o = record(value, 'session');
  return {
    user: nonEmptyText(o.user, 'session.user'),
    role: oneOf(ROLES)(o.role, 'session.role'),
    rights: arrayOf(text)(o.rights, 'session.rights'),
  };
}

function decodeUser(value: unknown, path: string): User {
  const o = record(value, path);
  return {
    name: nonEmptyText(o.name, `${path}.name`),
    role: oneOf(ROLES)(o.role, `${path}.role`),
    created_at: instant(o.created_at, `${path}.created_at`),
    created_by: text(o.created_by, `${path}.created_by`),
    disabled: bool(o.disabled, `${path}.disabled`),
  };
}
