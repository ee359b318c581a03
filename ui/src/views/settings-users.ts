//! The Settings screen's card for the ledger's users: each with their role, which an admin
//! changes, disables or enables, and a form to add one. Who may do what is checked by the
//! engine for every command; this card only shows and asks.

import { addUser, fetchUsers, ROLES, setUserDisabled, setUserRole, type Role, type User } from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant } from '../format';
import { errorBox } from './view';

const NAME_CHARS_MAX = 64;

const ROLE_MEANS: Record<Role, string> = {
  viewer: 'reads everything, changes nothing',
  preparer: 'imports, syncs, prepares and sends payments',
  approver: 'also approves payments others prepared',
  controller: 'imports, reconciles, works exceptions, keeps the rules',
  admin: 'everything, including settings and users',
};

export function usersCard(alive: () => boolean): HTMLElement {
  const list = h('tbody', { 'data-testid': 'users-rows' });
  const name = h('input', { type: 'text', id: 'users-name', class: 'input', maxlength: NAME_CHARS_MAX, placeholder: 'Name, e.g. anna.schmidt', autocomplete: 'off', 'data-testid': 'users-name' });
  const role = roleSelect('users-role', 'viewer');
  const add = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'users-add' }, 'Add user');
  const status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'users-status' });
  const form = h(
    'form',
    { class: 'card settings-card', novalidate: true, 'data-testid': 'users-card' },
    h('h2', {}, 'Users and roles'),
    h('p', { class: 'explain' }, `Everyone who works in this ledger, and what their role lets them do: ${ROLES.map((r) => `${r} ${ROLE_MEANS[r]}`).join('; ')}. Four eyes still holds: nobody approves a payment they prepared. Only an admin changes users.`),
    h('table', { class: 'data compact' }, h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Role'), h('th', {}, 'Added'), h('th', {}, ''))), list),
    h('div', { class: 'inline-form' }, h('label', { for: 'users-name', class: 'label inline' }, 'New user'), name, role, add),
    status,
  );

  const done = (message: string): void => replaceChildren(status, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'users-saved' }, message));
  const failed = (error: unknown): void => {
    if (alive()) replaceChildren(status, errorBox(error));
  };

  const row = (user: User): HTMLTableRowElement => {
    const select = roleSelect(`users-role-${user.name}`, user.role as Role);
    select.setAttribute('aria-label', `Role of ${user.name}`);
    select.addEventListener('change', () => {
      void setUserRole(user.name, select.value as Role)
        .then((changed) => {
          done(`${changed.name} is now ${changed.role}.`);
          return load();
        })
        .catch((error: unknown) => {
          select.value = user.role;
          failed(error);
        });
    });
    const toggle = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'users-toggle' }, user.disabled ? 'Enable' : 'Disable');
    toggle.addEventListener('click', () => {
      void setUserDisabled(user.name, !user.disabled)
        .then((changed) => {
          done(changed.disabled ? `${changed.name} can no longer work in this ledger.` : `${changed.name} can work again.`);
          return load();
        })
        .catch(failed);
    });
    return h(
      'tr',
      { 'data-testid': 'users-row', 'data-user': user.name, class: user.disabled ? 'muted' : null },
      h('td', {}, user.name, user.disabled ? ' (disabled)' : ''),
      h('td', {}, select),
      h('td', { class: 'nowrap' }, `${formatInstant(user.created_at)} by ${user.created_by}`),
      h('td', {}, toggle),
    );
  };

  const load = async (): Promise<void> => {
    try {
      const report = await fetchUsers();
      if (!alive()) return;
      replaceChildren(list, ...report.users.map(row));
    } catch (error) {
      failed(error);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = name.value.trim();
    if (typed === '') {
      replaceChildren(status, h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'incomplete' }, 'Type the new user’s name.'));
      return;
    }
    add.disabled = true;
    void addUser(typed, role.value as Role)
      .then((added) => {
        name.value = '';
        done(`Added ${added.name} as ${added.role}.`);
        return load();
      })
      .catch(failed)
      .finally(() => {
        add.disabled = false;
      });
  });
  void load();
  return form;
}

function roleSelect(id: string, chosen: Role): HTMLSelectElement {
  const select = h('select', { id, class: 'select', 'data-testid': id }, ...ROLES.map((r) => h('option', { value: r }, r)));
  select.value = chosen;
  return select;
}
