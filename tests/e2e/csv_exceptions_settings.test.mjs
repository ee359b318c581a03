//! End-to-end: a CSV mapping made in the browser from a sample file, that CSV imported with it, a camt.053 whose balances do not add up shown on the Exceptions screen, the inbox folder set and cleared, and the ledger file's encryption and daily backup on the Settings screen.
//
// Run with `tests/e2e/run.sh`; the server (on its own fresh ledger) and the browser come from
// ./harness.mjs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES, apiGet, endSession, screenshot, startSession, withScreenshotOnFailure } from './harness.mjs';

const CSV_ACCOUNT = 'DE89370400440532013000';
const CSV_HEADER = 'Date;Text;Amount;Balance';
// German-style export: semicolons, dd.mm.yyyy dates, decimal commas, points grouping thousands.
const CSV_FIRST = `${CSV_HEADER}\n23.11.2026;Coffee beans;-3,50;12.342,17\n24.11.2026;Invoice 42;1.000,00;13.342,17\n`;
// The next export of the same account, continuing from the first one's closing balance.
const CSV_SECOND = `${CSV_HEADER}\n25.11.2026;Rent November;-1.200,00;12.142,17\n`;
const MAPPING_NAME = 'demo-bank';

// The camt fixture for another account, with a closing balance that its entries do not reach.
const MISMATCH_ACCOUNT = 'GB82WEST12345698765432';
const MISMATCH_CLOSING = '12000.00';

let session;
let page;
let files;

before(async () => {
  session = await startSession({ prefix: 'cashline-e2e-csv-' });
  page = session.page;
  files = path.join(session.workDir, 'files');
  await mkdir(files);
  await writeFile(path.join(files, 'demo-bank.csv'), CSV_FIRST);
  await writeFile(path.join(files, 'demo-bank-2.csv'), CSV_SECOND);
  const camt = await readFile(path.join(FIXTURES, 'camt053/demo-single.xml'), 'utf8');
  const mismatch = camt
    .replaceAll(CSV_ACCOUNT, MISMATCH_ACCOUNT)
    .replace(/(<Cd>CLBD<\/Cd>[\s\S]*?<Amt Ccy="EUR">)12345\.67(<\/Amt>)/, `$1${MISMATCH_CLOSING}$2`);
  assert.ok(mismatch.includes(`>${MISMATCH_CLOSING}</Amt>`), 'the fixture no longer has the CLBD balance this test edits');
  await writeFile(path.join(files, 'mismatch.xml'), mismatch);
});

after(async () => {
  await endSession(session);
});

test('a CSV file without a mapping fails and offers a mapping prefilled from its first lines', async () => {
  await withScreenshotOnFailure(page, 'csv-unknown-failure', async () => {
    await page.goto(session.server.url);
    // The list of saved mappings is held back until the file's answer has come, as on a busy
    // machine: the offer to create a mapping must still appear once the list arrives.
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    const mappingList = (url) => url.pathname === '/api/csv-mappings';
    await page.route(mappingList, async (route) => {
      if (route.request().method() === 'GET') await held;
      await route.continue();
    });
    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-input').setInputFiles(path.join(files, 'demo-bank.csv'));

    const failed = page.locator('[data-testid="import-result"][data-status="failed"][data-file="demo-bank.csv"]');
    await failed.waitFor();
    // Released, the route passes every later request straight through.
    release();
    const bar = failed.getByTestId('import-progress');
    assert.equal(await bar.getAttribute('data-state'), 'done');
    assert.equal(await bar.getAttribute('data-result'), 'failed');
    const detail = page.locator('[data-testid="import-detail"][data-file="demo-bank.csv"]');
    assert.match(await detail.locator('[data-field="error"]').innerText(), /not a bank statement format/);
    assert.match(await page.getByTestId('import-overall-line').innerText(), /^1 of 1 file/);
    await screenshot(page, 'import-csv-unknown');

    await detail.getByTestId('import-create-mapping').click();
    await page.getByTestId('csv-mapping-form').waitFor();
    assert.match(page.url(), /#\/csv-mappings$/);
    await page.locator('[data-testid="csv-column"][data-column="Balance"]').waitFor();
    const columns = await page.getByTestId('csv-column').evaluateAll((cells) => cells.map((c) => c.dataset.column));
    assert.deepEqual(columns, ['Date', 'Text', 'Amount', 'Balance']);
    assert.equal(await page.getByTestId('csv-delimiter').inputValue(), ';', 'the delimiter is guessed from the sample');
    assert.equal(await page.getByTestId('csv-mapping-name').inputValue(), MAPPING_NAME, 'the name is suggested from the file name');
  });
});

test('the mapping form shows the engine’s sentence for a bad mapping, then saves a good one', async () => {
  await withScreenshotOnFailure(page, 'csv-mapping-failure', async () => {
    const form = page.getByTestId('csv-mapping-form');
    await form.getByTestId('csv-delimiter').selectOption(';');
    await form.getByTestId('csv-skip-rows').fill('0');
    await form.getByTestId('csv-role-date').selectOption('Date');
    await form.getByTestId('csv-date-format').selectOption('%d.%m.%Y');
    await form.getByTestId('csv-amount-mode-single').check();
    await form.getByTestId('csv-role-amount').selectOption('Amount');
    await form.getByTestId('csv-role-balance').selectOption('Balance');
    await form.locator('[data-testid="csv-remittance-column"][data-column="Text"]').check();
    await form.getByTestId('csv-decimal').selectOption(',');
    await form.getByTestId('csv-thousands').selectOption('.');
    await form.getByTestId('csv-account-mode-fixed').check();
    await form.getByTestId('csv-account-fixed').fill(CSV_ACCOUNT);
    await form.getByTestId('csv-currency-fixed').fill('');
    await form.getByTestId('csv-mapping-name').fill(MAPPING_NAME);

    // The preview reads the sample the way the engine will.
    const previewAmounts = await form
      .locator('[data-testid="csv-preview-row"] [data-field="amount"]')
      .evaluateAll((cells) => cells.map((c) => c.dataset.value));
    assert.deepEqual(previewAmounts, ['-3.50', '1000.00']);
    assert.equal(await form.locator('[data-testid="csv-preview-row"] [data-field="date"]').first().innerText(), '2026-11-23');

    // No currency: the engine refuses and says which field is missing.
    await form.getByTestId('csv-mapping-save').click();
    const error = form.locator('[data-testid="csv-mapping-status"] [data-testid="error"]');
    await error.waitFor();
    assert.match(await error.innerText(), /currency/);
    assert.equal((await apiGet(session, '/api/csv-mappings')).mappings.length, 0, 'a refused mapping is not saved');

    await form.getByTestId('csv-currency-fixed').fill('EUR');
    await form.getByTestId('csv-mapping-save').click();
    await form.getByTestId('csv-mapping-saved').waitFor();
    const row = page.locator(`[data-testid="csv-mapping-row"][data-name="${MAPPING_NAME}"]`);
    await row.waitFor();
    assert.equal(await row.locator('[data-field="header"]').innerText(), CSV_HEADER);
    await screenshot(page, 'csv-mappings');

    const saved = (await apiGet(session, '/api/csv-mappings')).mappings.find((m) => m.name === MAPPING_NAME);
    assert.ok(saved, 'the mapping is saved');
    assert.equal(saved.header, CSV_HEADER);
    assert.deepEqual(
      {
        delimiter: saved.definition.delimiter,
        date_column: saved.definition.date_column,
        date_format: saved.definition.date_format,
        amount_column: saved.definition.amount_column,
        balance_column: saved.definition.balance_column,
        remittance_columns: saved.definition.remittance_columns,
        decimal_separator: saved.definition.decimal_separator,
        thousands_separator: saved.definition.thousands_separator,
        account: saved.definition.account,
        currency: saved.definition.currency,
      },
      {
        delimiter: ';',
        date_column: 'Date',
        date_format: '%d.%m.%Y',
        amount_column: 'Amount',
        balance_column: 'Balance',
        remittance_columns: ['Text'],
        decimal_separator: ',',
        thousands_separator: '.',
        account: CSV_ACCOUNT,
        currency: 'EUR',
      },
    );
  });
});

test('the CSV is imported with the new mapping, and a later export is recognised by its header', async () => {
  await withScreenshotOnFailure(page, 'csv-import-failure', async () => {
    await page.getByTestId('csv-mapping-import-sample').click();
    assert.match(page.url(), /#\/import$/);
    const first = page.locator('[data-testid="import-result"][data-status="imported"][data-file="demo-bank.csv"]');
    await first.waitFor();
    assert.equal(await first.locator('[data-field="format"]').innerText(), `csv:${MAPPING_NAME}`);
    assert.equal(await first.locator('[data-field="new_entries"]').innerText(), '2');
    assert.equal(await first.getByTestId('import-progress').getAttribute('data-state'), 'done');
    assert.equal(await page.locator('[data-testid="import-result"][data-status="failed"]').count(), 0, 'the failed row became the imported one');

    await page.getByTestId('import-input').setInputFiles(path.join(files, 'demo-bank-2.csv'));
    const second = page.locator('[data-testid="import-result"][data-status="imported"][data-file="demo-bank-2.csv"]');
    await second.waitFor();
    assert.equal(await second.locator('[data-field="format"]').innerText(), `csv:${MAPPING_NAME}`);
    assert.equal(await second.locator('[data-field="new_entries"]').innerText(), '1');

    const entries = await apiGet(session, `/api/entries?account=${CSV_ACCOUNT}`);
    assert.deepEqual(entries.entries.map((e) => e.amount).sort(), ['-1200.00', '-3.50', '1000.00']);
  });
});

test('a camt.053 whose balances do not add up shows as a balance_mismatch exception', async () => {
  await withScreenshotOnFailure(page, 'exceptions-failure', async () => {
    await page.getByTestId('import-input').setInputFiles(path.join(files, 'mismatch.xml'));
    const row = page.locator('[data-testid="import-result"][data-status="imported"][data-file="mismatch.xml"]');
    await row.waitFor();
    const opened = page.locator('[data-testid="import-detail"][data-file="mismatch.xml"] [data-testid="import-exception"][data-kind="balance_mismatch"]');
    await opened.waitFor();
    await screenshot(page, 'import-results');

    const open = (await apiGet(session, '/api/exceptions?state=open')).exceptions.length;
    await page.locator(`[data-testid="nav-exceptions-count"][data-count="${open}"]`).waitFor();
    assert.ok(open >= 1);

    await page.getByTestId('nav-exceptions').click();
    const mismatch = page.locator('[data-testid="exceptions-table"] [data-testid="exception-row"][data-kind="balance_mismatch"]');
    await mismatch.waitFor();
    assert.equal(await mismatch.count(), 1);
    assert.match(await mismatch.locator('[data-field="subject"]').innerText(), /…5432/);
    assert.match(await mismatch.locator('[data-field="detail"]').innerText(), new RegExp(MISMATCH_CLOSING.replace('.', '\\.')));
    assert.equal(await mismatch.getAttribute('data-state'), 'open');
    await screenshot(page, 'exceptions');

    await page.getByTestId('exceptions-kind').selectOption('balance_mismatch');
    await page.locator('[data-testid="exceptions-count"]', { hasText: 'match the filters' }).waitFor();
    const kinds = await page.getByTestId('exception-row').evaluateAll((rows) => rows.map((r) => r.dataset.kind));
    assert.deepEqual(kinds, ['balance_mismatch']);

    await page.getByTestId('exceptions-state').selectOption('resolved');
    await page.getByTestId('exceptions-empty').waitFor();

    await page.getByTestId('exceptions-kind').selectOption('');
    await page.getByTestId('exceptions-state').selectOption('');
    await mismatch.waitFor();
  });
});

test('the inbox folder is set, a relative path is refused with the engine’s sentence, and it is cleared', async () => {
  await withScreenshotOnFailure(page, 'settings-failure', async () => {
    const inbox = path.join(session.workDir, 'inbox');
    await mkdir(inbox);
    await page.getByTestId('nav-settings').click();
    const current = page.getByTestId('settings-inbox-current');
    await page.locator('[data-testid="settings-inbox-current"][data-value=""]').waitFor();

    await page.getByTestId('settings-inbox').fill(inbox);
    await page.getByTestId('settings-inbox-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.equal(await current.getAttribute('data-value'), inbox);
    assert.equal((await apiGet(session, '/api/settings')).inbox_folder, inbox);
    await screenshot(page, 'settings');

    await page.getByTestId('settings-inbox').fill('relative/folder');
    await page.getByTestId('settings-inbox-save').click();
    const error = page.locator('[data-testid="settings-status"] [data-testid="error"]');
    await error.waitFor();
    assert.match(await error.innerText(), /full path/);
    assert.equal((await apiGet(session, '/api/settings')).inbox_folder, inbox, 'a refused folder changes nothing');

    await page.getByTestId('settings-inbox-clear').click();
    await page.locator('[data-testid="settings-inbox-current"][data-value=""]').waitFor();
    assert.equal((await apiGet(session, '/api/settings')).inbox_folder, null);
    assert.deepEqual(session.pageErrors, [], 'uncaught errors in the page');
  });
});

test('the ledger shows as encrypted, and the daily backup is set, made now and listed', async () => {
  await withScreenshotOnFailure(page, 'settings-db-failure', async () => {
    const folder = path.join(session.workDir, 'backups');
    await mkdir(folder);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('db-encrypted').waitFor();
    assert.match(await page.getByTestId('db-encrypted').innerText(), /Encrypted \(SQLCipher 4\./);
    assert.equal(await page.getByTestId('db-backup-now').isDisabled(), true, 'no folder yet');

    await page.getByTestId('db-backup-folder').fill('relative/folder');
    await page.getByTestId('db-backup-save').click();
    const error = page.locator('[data-testid="db-status"] [data-testid="error"]');
    await error.waitFor();
    assert.match(await error.innerText(), /full path/);
    assert.equal((await apiGet(session, '/api/db')).auto_backup.folder, null, 'a refused folder changes nothing');

    await page.getByTestId('db-backup-folder').fill(folder);
    await page.getByTestId('db-backup-keep').fill('3');
    await page.getByTestId('db-backup-save').click();
    await page.getByTestId('db-saved').waitFor();
    await page.getByTestId('db-backup-now').click();
    await page.getByTestId('db-backup').first().waitFor();
    const listed = await page.getByTestId('db-backup').allInnerTexts();
    assert.equal(listed.length, 1, listed.join(', '));
    assert.ok(listed[0].startsWith(folder) && listed[0].endsWith('.backup'), listed[0]);
    const report = await apiGet(session, '/api/db');
    assert.equal(report.auto_backup.keep, 3);
    assert.equal(report.ledger.encrypted, true);
    await screenshot(page, 'settings-db');

    await page.getByTestId('db-backup-off').click();
    await page.getByTestId('db-saved').waitFor();
    assert.equal((await apiGet(session, '/api/db')).auto_backup.folder, null);
    assert.deepEqual(session.pageErrors, [], 'uncaught errors in the page');
  });
});

test('an admin adds a viewer, who once working is refused a change, and the Audit screen lists who did what', async () => {
  await withScreenshotOnFailure(page, 'users-audit-failure', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('users-row').first().waitFor();
    const admin = await page.getByTestId('who').getAttribute('data-user');
    await page.getByTestId('users-name').fill('vera.viewer');
    await page.getByTestId('users-role').selectOption('viewer');
    await page.getByTestId('users-add').click();
    await page.getByTestId('users-saved').waitFor();
    await page.locator('[data-testid="users-row"][data-user="vera.viewer"]').waitFor();

    // The top bar lists the new user; working as her, a change is refused with the engine's sentence.
    await page.reload();
    await page.getByTestId('who-select').locator('option[value="vera.viewer"]').waitFor({ state: 'attached' });
    await page.getByTestId('who-select').selectOption('vera.viewer');
    await page.waitForFunction(() => document.querySelector('[data-testid="who-role"]')?.textContent === 'viewer');
    await page.getByTestId('users-name').fill('mallory');
    await page.getByTestId('users-add').click();
    const refused = page.locator('[data-testid="users-status"] [data-testid="error"]');
    await refused.waitFor();
    assert.match(await refused.innerText(), /vera\.viewer is a viewer and may not add users/);
    assert.equal((await apiGet(session, '/api/users')).users.some((u) => u.name === 'mallory'), false);

    // The Audit screen: the admin's addition is there under their name, filtered by user.
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-row').first().waitFor();
    await page.getByTestId('audit-actor').selectOption(admin);
    await page.locator('[data-testid="audit-row"][data-action="users.add"]').first().waitFor();
    const actions = await page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.action));
    assert.ok(actions.includes('users.add'), actions.join(', '));
    await page.getByTestId('audit-verify').click();
    await page.getByTestId('audit-chain-ok').waitFor();
    await screenshot(page, 'audit');
    // Back to the admin, for the tests after this one.
    await page.getByTestId('who-select').selectOption(admin);
    await page.waitForFunction(() => document.querySelector('[data-testid="who-role"]')?.textContent === 'admin');
    assert.deepEqual(session.pageErrors, [], 'uncaught errors in the page');
  });
});

test('account numbers show masked until someone who may asks on that screen, and the asking is audited', async () => {
  await withScreenshotOnFailure(page, 'reveal-failure', async () => {
    await page.getByTestId('nav-accounts').click();
    const number = page.getByTestId('account-number').first();
    await number.waitFor();
    assert.match(await number.innerText(), /^….{4}$/, 'masked to its last four characters');
    await page.getByTestId('accounts-reveal').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="account-number"]')?.textContent?.startsWith('…'));
    const full = await number.innerText();
    assert.ok(full.length > 8, full);
    const log = await apiGet(session, '/api/audit?action=accounts.reveal');
    assert.equal(log.records[0]?.subject, 'accounts', JSON.stringify(log.records[0]));

    // Another screen, or the same one drawn again, is masked again.
    await page.getByTestId('nav-positions').click();
    await page.getByTestId('nav-accounts').click();
    await page.getByTestId('account-number').first().waitFor();
    assert.match(await page.getByTestId('account-number').first().innerText(), /^…/);

    // A viewer is refused with the engine's sentence and sees nothing more.
    const admin = await page.getByTestId('who').getAttribute('data-user');
    await page.getByTestId('who-select').selectOption('vera.viewer');
    await page.waitForFunction(() => document.querySelector('[data-testid="who-role"]')?.textContent === 'viewer');
    await page.getByTestId('accounts-reveal').click();
    const refused = page.locator('[data-testid="accounts-status"] [data-testid="error"]');
    await refused.waitFor();
    assert.match(await refused.innerText(), /may not reveal full account numbers/);
    assert.match(await page.getByTestId('account-number').first().innerText(), /^…/);
    await page.getByTestId('who-select').selectOption(admin);
    await page.waitForFunction(() => document.querySelector('[data-testid="who-role"]')?.textContent === 'admin');
    assert.deepEqual(session.pageErrors, [], 'uncaught errors in the page');
  });
});
