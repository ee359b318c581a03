//! The Settings screen's card for the ledger file: encrypted or not, its key kept or not, and
//! the daily backup (its folder, how many it keeps, those kept, and one made now).

import { backupNow, fetchDb, saveAutoBackup, type DbReport } from '../api';
import { h, replaceChildren } from '../dom';
import { errorBox } from './view';

/** Longest path accepted in the field; longer is a paste gone wrong. */
const PATH_CHARS_MAX = 4096;
/** The daily backups a person may keep: a year's. */
const KEEP_MAX = 366;

export function ledgerFileCard(alive: () => boolean): HTMLElement {
  const file = h('div', { class: 'current', 'data-testid': 'db-file' }, 'Loading…');
  const folder = h('input', {
    type: 'text',
    id: 'db-backup-folder',
    class: 'input path',
    maxlength: PATH_CHARS_MAX,
    placeholder: 'Full path of an existing folder, e.g. /Volumes/Backup/Cashline',
    spellcheck: false,
    autocomplete: 'off',
    'data-testid': 'db-backup-folder',
  });
  const keep = h('input', { type: 'number', id: 'db-backup-keep', class: 'input narrow', min: 1, max: KEEP_MAX, value: '7', 'data-testid': 'db-backup-keep' });
  const save = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'db-backup-save' }, 'Save');
  const off = h('button', { type: 'button', class: 'button', 'data-testid': 'db-backup-off' }, 'Turn off');
  const now = h('button', { type: 'button', class: 'button', 'data-testid': 'db-backup-now' }, 'Back up now');
  const kept = h('div', { 'data-testid': 'db-backups' });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'db-status' });
  const form = h(
    'form',
    { class: 'card settings-card', novalidate: true, 'data-testid': 'db-card' },
    h('h2', {}, 'Ledger file and backups'),
    file,
    h('h3', {}, 'Daily backup'),
    h('p', { class: 'explain' }, 'While Cashline runs it copies the ledger once a day into this folder, encrypted under the ledger’s own key, and keeps the last ones. A backup is restored with cashline db restore FILE, which checks it first.'),
    h('label', { for: 'db-backup-folder', class: 'label' }, 'Folder'),
    h('div', { class: 'inline-form' }, folder, h('label', { for: 'db-backup-keep', class: 'label inline' }, 'Keep'), keep, save, off, now),
    kept,
    status,
  );

  const show = (report: DbReport): void => {
    const ledger = report.ledger;
    const protection = !ledger.encrypted
      ? h('div', { class: 'notice warn', 'data-testid': 'db-plain' }, 'Not encrypted: this ledger comes from an earlier version. Close Cashline and run cashline db encrypt to encrypt it in place.')
      : ledger.key_kept === false
        ? h('div', { class: 'notice warn' }, `Encrypted, but its key is not in ${ledger.key_store} (${ledger.key_reference ?? ''}).`)
        : h('div', { class: 'notice ok', 'data-testid': 'db-encrypted' }, `Encrypted (SQLCipher ${ledger.cipher}); its key is kept in ${ledger.key_store}.`);
    replaceChildren(
      file,
      h('p', {}, 'Ledger: ', h('span', { class: 'mono' }, ledger.file), ` (${megabytes(ledger.bytes)})`),
      protection,
    );
    const auto = report.auto_backup;
    folder.value = auto.folder ?? '';
    keep.value = String(auto.keep);
    off.disabled = auto.folder === null;
    now.disabled = auto.folder === null;
    kept.dataset.count = String(auto.backups.length);
    replaceChildren(
      kept,
      auto.folder === null
        ? h('p', { class: 'muted' }, 'The daily backup is off.')
        : auto.backups.length === 0
          ? h('p', { class: 'muted' }, 'No backup in this folder yet: the first is made within a minute, or now.')
          : h(
              'div',
              {},
              h('p', { class: 'label' }, `Backups kept (newest first, up to ${auto.keep})`),
              h('ul', { class: 'backup-list' }, ...auto.backups.map((path) => h('li', { class: 'mono', 'data-testid': 'db-backup' }, path))),
            ),
    );
  };

  const run = async (work: () => Promise<DbReport>, done: string): Promise<void> => {
    for (const button of [save, off, now]) button.disabled = true;
    replaceChildren(status, h('span', { class: 'muted' }, 'Working…'));
    try {
      const report = await work();
      if (!alive()) return;
      show(report);
      replaceChildren(status, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'db-saved' }, done));
    } catch (error) {
      if (!alive()) return;
      replaceChildren(status, errorBox(error));
    } finally {
      save.disabled = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const count = Number(keep.value);
    if (folder.value.trim() === '' || !Number.isInteger(count) || count < 1 || count > KEEP_MAX) {
      replaceChildren(status, h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'incomplete' }, `Type the folder’s full path, and keep between 1 and ${KEEP_MAX} backups.`));
      return;
    }
    void run(() => saveAutoBackup(folder.value, count), `Saved. Cashline keeps the last ${count} daily backups there.`);
  });
  off.addEventListener('click', () => void run(() => saveAutoBackup(null, Number(keep.value) || 7), 'Turned off. The backups already made stay where they are.'));
  now.addEventListener('click', () => void run(backupNow, 'Backed up: today’s backup is in the folder.'));

  void (async () => {
    try {
      const report = await fetchDb();
      if (!alive()) return;
      show(report);
    } catch (error) {
      if (!alive()) return;
      replaceChildren(file);
      replaceChildren(status, errorBox(error));
    }
  })();
  return form;
}

function megabytes(bytes: number): string {
  return bytes < 1_000_000 ? `${Math.max(1, Math.round(bytes / 1000))} kB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}
