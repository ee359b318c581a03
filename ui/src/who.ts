//! "Who is working" in the top bar: the user this window or tab acts as, with their role, and
//! a list of the ledger's users to switch to. Every command after a switch acts as the new
//! user, and the screen is drawn again for them.

import { ApiError, fetchUsers, login, whoami, type Session } from './api';
import { h, replaceChildren } from './dom';

/** Draws the control into `slot`; `redraw` draws the current screen again after a switch. */
export function mountWho(slot: HTMLElement, redraw: () => void): void {
  const select = h('select', { class: 'who-select', 'aria-label': 'Who is working', 'data-testid': 'who-select' });
  const role = h('span', { class: 'who-role', 'data-testid': 'who-role' });
  const problem = h('span', { class: 'who-problem', role: 'alert', 'data-testid': 'who-problem', hidden: true });
  replaceChildren(slot, h('label', { class: 'who-label' }, 'Working as'), select, role, problem);

  const show = (session: Session): void => {
    slot.dataset.user = session.user;
    role.textContent = session.role;
    role.title = session.rights.length === 0 ? 'May read everything and change nothing' : `May ${session.rights.join(', ').replaceAll('_', ' ')}`;
    select.value = session.user;
  };

  const load = async (): Promise<void> => {
    try {
      const [session, users] = await Promise.all([whoami(), fetchUsers()]);
      replaceChildren(
        select,
        ...users.users.filter((u) => !u.disabled || u.name === session.user).map((u) => h('option', { value: u.name }, `${u.name}`)),
      );
      show(session);
      problem.hidden = true;
    } catch (error) {
      problem.hidden = false;
      problem.textContent = error instanceof ApiError ? error.message : 'Who is working could not be read.';
    }
  };

  select.addEventListener('change', () => {
    const name = select.value;
    void (async () => {
      try {
        show(await login(name));
        problem.hidden = true;
        redraw();
      } catch (error) {
        problem.hidden = false;
        problem.textContent = error instanceof ApiError ? error.message : `Could not switch to ${name}.`;
        void load();
      }
    })();
  });
  void load();
}
