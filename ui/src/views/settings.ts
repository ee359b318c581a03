//! The Settings screen: the watched inbox folder, the users and their roles, and the ledger file with its backups.

import { fetchSettings, saveInboxFolder, type Settings } from '../api';
import { h, replaceChildren } from '../dom';
import { ledgerFileCard } from './settings-db';
import { usersCard } from './settings-users';
import { errorBox, type View } from './view';

/** Longest path accepted in the field; longer is a paste gone wrong. */
const PATH_CHARS_MAX = 4096;

export const settingsView: View = {
  title: 'Settings',
  mount(container, alive) {
    const input = h('input', {
      type: 'text',
      id: 'settings-inbox',
      class: 'input path',
      maxlength: PATH_CHARS_MAX,
      placeholder: 'Full path, e.g. /Users/finance/Bank inbox or C:\\Bank\\Inbox',
      spellcheck: false,
      autocomplete: 'off',
      'data-testid': 'settings-inbox',
    });
    const save = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'settings-inbox-save' }, 'Save');
    const clear = h('button', { type: 'button', class: 'button', 'data-testid': 'settings-inbox-clear' }, 'Clear');
    const current = h('p', { class: 'current', 'data-testid': 'settings-inbox-current' }, 'Loading…');
    const status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'settings-status' });
    const form = h(
      'form',
      { class: 'card settings-card', novalidate: true },
      h('h2', {}, 'Watched inbox folder'),
      h(
        'p',
        { class: 'explain' },
        'Bank files that land in this folder (from a bank portal download, an SFTP sync or a mail rule) are imported automatically, then moved to its imported/ or failed/ subfolder.',
      ),
      current,
      h('label', { for: 'settings-inbox', class: 'label' }, 'Folder'),
      h('div', { class: 'inline-form' }, input, save, clear),
      h('p', { class: 'hint' }, 'The folder must already exist. Cashline starts or stops watching it within a few seconds.'),
      status,
    );

    replaceChildren(container, h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Settings'), h('p', { class: 'subtitle' }, 'Settings of this Cashline installation.'))), form, usersCard(alive), ledgerFileCard(alive));

    const show = (settings: Settings): void => {
      const folder = settings.inbox_folder;
      current.dataset.value = folder ?? '';
      replaceChildren(
        current,
        folder === null ? h('span', { class: 'muted' }, 'No inbox folder is set: files are imported only from the Import screen or the command line.') : 'Inbox folder: ',
        folder === null ? null : h('span', { class: 'mono' }, folder),
        otherFilesNote(settings.inbox_other_files),
      );
      clear.disabled = folder === null;
    };

    const run = async (folder: string | null, done: string): Promise<void> => {
      save.disabled = true;
      clear.disabled = true;
      replaceChildren(status, h('span', { class: 'muted' }, 'Saving…'));
      try {
        const settings = await saveInboxFolder(folder);
        if (!alive()) return;
        show(settings);
        input.value = settings.inbox_folder ?? '';
        replaceChildren(status, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'settings-saved' }, done));
      } catch (error) {
        if (!alive()) return;
        replaceChildren(status, errorBox(error));
        clear.disabled = current.dataset.value === '';
      } finally {
        save.disabled = false;
      }
    };

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const folder = input.value.trim();
      if (folder === '') {
        replaceChildren(status, h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'incomplete' }, 'Type the folder’s full path, or use Clear to stop watching one.'));
        return;
      }
      void run(folder, 'Saved. Cashline now watches this folder.');
    });
    clear.addEventListener('click', () => void run(null, 'Cleared. No folder is watched.'));

    void (async () => {
      try {
        const settings = await fetchSettings();
        if (!alive()) return;
        show(settings);
        input.value = settings.inbox_folder ?? '';
      } catch (error) {
        if (!alive()) return;
        replaceChildren(current);
        replaceChildren(status, errorBox(error));
      }
    })();
  },
};

/** Confirms that files which are not bank files stay where they are, naming a few. */
function otherFilesNote(names: string[]): HTMLElement | null {
  if (names.length === 0) return null;
  const shown = names.slice(0, OTHER_FILES_NAMED_MAX).join(', ');
  const more = names.length > OTHER_FILES_NAMED_MAX ? ` and ${names.length - OTHER_FILES_NAMED_MAX} more` : '';
  const count = names.length === 1 ? '1 file here is not a bank file and will be left where it is' : `${names.length} files here are not bank files and will be left where they are`;
  return h('p', { class: 'muted', 'data-testid': 'inbox-other-files' }, `${count}: ${shown}${more}.`);
}

/** Names listed in that note before "and N more". */
const OTHER_FILES_NAMED_MAX = 5;
