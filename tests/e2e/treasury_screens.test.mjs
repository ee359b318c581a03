//! End-to-end: a ledger seeded through the CLI (a camt.053 statement, an entity, approved payments and open items) on a fixed clock, then the Positions, History, Forecast and Accounts screens in a real Chromium.
//
// Run with `tests/e2e/run.sh`. The server and the CLI share the ledger and CASHLINE_NOW, so every
// date below is deterministic: Monday 23 November 2026, the statement closing Friday the 20th.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  FIXTURES,
  apiGet,
  endSession,
  runCli,
  screenshot,
  startServer,
  startSession,
  stopServer,
  withScreenshotOnFailure,
} from './harness.mjs';

const NOW = '2026-11-23T10:00:00Z';
/** A week later: the statement of the 20th is long overdue by then. */
const NOW_WEEK_LATER = '2026-11-30T10:00:00Z';
const STATEMENT = path.join(FIXTURES, 'camt053/demo-single.xml');
const ACCOUNT = 'DE89370400440532013000';
const CLOSING = '12345.67';
const ENTITY = 'NW-DE';
const ENTRY_AMOUNTS = ['-54.33', '-600.00', '3000.00'];

const PAYMENTS = `id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference
P1,E2E-P1,${ACCOUNT},Fabrikam,NL91ABNA0417164300,ABNANL2A,500.00,EUR,2026-11-24,RENT-11
P2,E2E-P2,${ACCOUNT},Contoso,NL91ABNA0417164300,,1000.00,EUR,2026-11-25,BILL-2
`;
const OPEN_ITEMS = `id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference,probability
INV-1,receivable,Tailspin,,2000.00,EUR,2026-11-24,,0.5
BILL-1,payable,Alpine Ski House,,150.00,EUR,2026-11-26,,
`;

let session;
let page;
let origin;

before(async () => {
  session = await startSession({ prefix: 'cashline-e2e-treasury-', env: { CASHLINE_NOW: NOW } });
  page = session.page;
  origin = new URL(session.server.url).origin;
  await seed(session);
  await runCli(session, ['payments', 'import', await write('payments.csv', PAYMENTS), '--json']);
  await runCli(session, ['open-items', 'import', await write('open-items.csv', OPEN_ITEMS), '--json']);
  // Four eyes: whoever imported the run may not approve it.
  await runCli(session, ['payments', 'approve', 'P1', 'P2'], { user: 'approver' });
});

after(async () => {
  await endSession(session);
});

/** The statement, the entity and the account's assignment, through the CLI. */
async function seed(target) {
  await runCli(target, ['import', STATEMENT, '--json']);
  await runCli(target, ['entities', 'add', ENTITY, '--name', 'Northwind GmbH']);
  await runCli(target, ['accounts', 'set', ACCOUNT, '--entity', ENTITY]);
}

async function write(name, text) {
  const file = path.join(session.workDir, name);
  await writeFile(file, text);
  return file;
}

function shot(name, body) {
  return withScreenshotOnFailure(page, name, body);
}

test('the dashboard shows the group and entity totals, and an account drills down to its entries', async () => {
  await shot('treasury-positions-failure', async () => {
    await page.goto(session.server.url);
    const group = page.locator('[data-testid="consolidated"][data-complete="true"]');
    await group.waitFor();
    assert.equal(await group.getAttribute('data-value'), CLOSING);
    assert.equal(await group.getAttribute('data-currency'), 'EUR');
    assert.match(await group.innerText(), /12,345\.67/);

    const entity = page.locator(`[data-testid="entity-total-row"][data-entity="${ENTITY}"]`);
    await entity.waitFor();
    assert.equal(await entity.locator('[data-field="booked"]').getAttribute('data-value'), CLOSING);
    assert.match(await entity.innerText(), /Northwind GmbH/);

    const row = page.locator(`[data-testid="positions-table"] [data-testid="position-row"][data-account="${ACCOUNT}"]`);
    assert.equal(await row.locator('[data-field="entity"]').innerText(), ENTITY);
    assert.equal(await row.locator('[data-field="basis"]').innerText(), 'closing booked');
    assert.equal(await row.locator('[data-field="converted"]').getAttribute('data-value'), CLOSING);
    assert.equal(await row.getByTestId('stale-marker').count(), 0, 'the statement of Friday is on time on Monday');

    await row.click();
    const entries = page.locator('[data-testid="entries-table"] [data-testid="entry-row"]');
    await entries.first().waitFor();
    const amounts = await entries.locator('[data-field="amount"]').evaluateAll((cells) => cells.map((c) => c.dataset.value));
    assert.deepEqual([...amounts].sort(), [...ENTRY_AMOUNTS].sort());

    await page.locator('[data-testid="entities-chart"] svg').waitFor();
    await page.locator('[data-testid="banks-chart"] svg').waitFor();
    await page.locator('[data-testid="balances-chart"] svg').waitFor();
    await screenshot(page, 'treasury-positions');
  });
});

test('the by-bank view lists the accounts under their bank and drills down the same way', async () => {
  await shot('treasury-by-bank-failure', async () => {
    await page.getByTestId('entries-close').click();
    await page.getByTestId('layout-bank').click();
    const group = page.locator('[data-testid="positions-by-bank"] [data-testid="bank-group"][data-bank="Demo Bank"]');
    await group.waitFor();
    await group.locator(`[data-testid="position-row"][data-account="${ACCOUNT}"]`).click();
    await page.locator('[data-testid="entries-table"] [data-testid="entry-row"]').first().waitFor();
    assert.equal(await page.locator('[data-testid="entries-table"] [data-testid="entry-row"]').count(), ENTRY_AMOUNTS.length);
    await screenshot(page, 'treasury-positions-by-bank');
    await page.getByTestId('layout-list').click();
  });
});

test('a chart exports as SVG and as PNG through the token-protected API', async () => {
  await shot('treasury-export-failure', async () => {
    const card = page.locator('.chart-card[data-chart="entities"]');
    await card.locator('svg').waitFor();

    const [svg] = await Promise.all([page.waitForEvent('download'), card.getByTestId('chart-export-svg').click()]);
    assert.match(svg.suggestedFilename(), /^cashline-entities.*\.svg$/);
    assert.match(await readFile(await svg.path(), 'utf8'), /<svg[\s>]/);

    const [png] = await Promise.all([page.waitForEvent('download'), card.getByTestId('chart-export-png').click()]);
    assert.match(png.suggestedFilename(), /^cashline-entities.*\.png$/);
    const bytes = await readFile(await png.path());
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG signature');
    assert.equal(await card.getByTestId('error').count(), 0);
  });
});

test('without a rate there is no consolidated number; a rate entered by hand brings it', async () => {
  await shot('treasury-fx-failure', async () => {
    await page.getByTestId('scope-currency').selectOption('USD');
    const warning = page.getByTestId('consolidated-incomplete');
    await warning.waitFor();
    assert.match(await warning.innerText(), /No consolidated total: no rate for EUR/);
    assert.equal(await page.locator('[data-testid="consolidated"]').getAttribute('data-value'), null, 'no number beside the warning');
    await screenshot(page, 'treasury-positions-no-rate');

    await page.getByTestId('nav-accounts').click();
    await page.getByTestId('fx-base').fill('EUR');
    await page.getByTestId('fx-quote').fill('USD');
    await page.getByTestId('fx-rate-date').fill('2026-11-20');
    await page.getByTestId('fx-rate').fill('1.1');
    await page.getByTestId('fx-save').click();
    await page.getByTestId('fx-saved').waitFor();
    await page.locator('[data-testid="fx-row"][data-base="EUR"][data-quote="USD"]').waitFor();

    await page.getByTestId('nav-positions').click();
    const group = page.locator('[data-testid="consolidated"][data-complete="true"]');
    await group.waitFor();
    const api = await apiGet(session, '/api/positions?reporting_currency=USD');
    assert.equal(api.consolidated.complete, true);
    assert.equal(await group.getAttribute('data-currency'), 'USD');
    assert.equal(await group.getAttribute('data-value'), api.consolidated.booked);
    const converted = page.locator(`[data-testid="position-row"][data-account="${ACCOUNT}"] [data-field="converted"]`);
    assert.match(await converted.getAttribute('title'), /1 EUR = 1\.1 USD/);

    await page.getByTestId('scope-currency').selectOption('EUR');
    await page.locator('[data-testid="consolidated"][data-currency="EUR"]').waitFor();
  });
});

test('an account whose statement is overdue shows the stale marker with the reason', async () => {
  const later = await startServer({ env: { CASHLINE_NOW: NOW_WEEK_LATER } });
  try {
    await shot('treasury-stale-failure', async () => {
      await seed(later);
      await page.goto(later.server.url);
      const marker = page.locator(`[data-testid="position-row"][data-account="${ACCOUNT}"] [data-testid="stale-marker"]`);
      await marker.waitFor();
      assert.match(await marker.getAttribute('title'), /was due/);
      assert.match(await page.getByTestId('freshness').innerText(), /1 stale/);
      await screenshot(page, 'treasury-positions-stale');
    });
  } finally {
    await stopServer(later);
    // Back to the main server (and its token) for the tests that follow.
    await page.goto(session.server.url);
  }
});

test('the history screen shows the closing of 2026-11-20 and greys the carried-over days', async () => {
  await shot('treasury-history-failure', async () => {
    await page.getByTestId('nav-history').click();
    const day = page.locator('[data-testid="history-table"] [data-testid="history-day"][data-date="2026-11-20"]');
    await day.waitFor();
    assert.equal(await day.locator('[data-total="EUR"]').getAttribute('data-value'), CLOSING);
    const reported = day.locator(`[data-account="${ACCOUNT}"]`);
    assert.equal(await reported.getAttribute('data-value'), CLOSING);
    assert.equal(await reported.getAttribute('data-reported'), 'true');
    const carried = page.locator(`[data-testid="history-day"][data-date="2026-11-21"] [data-account="${ACCOUNT}"]`);
    assert.equal(await carried.getAttribute('data-reported'), 'false');
    assert.match(await carried.getAttribute('class'), /carried/);
    // The default period is the engine's: 90 days up to its today.
    assert.equal(await page.getByTestId('history-to').inputValue(), '2026-11-23');
    await page.locator('[data-testid="history-chart"] svg').waitFor();

    // Today (the 23rd) has no entries yet; the statement's day has three, with running sums.
    await page.getByTestId('intraday-empty').waitFor();
    await page.getByTestId('intraday-date').fill('2026-11-20');
    const entries = page.locator('[data-testid="intraday-table"] [data-testid="intraday-entry"]');
    await entries.first().waitFor();
    assert.equal(await entries.count(), 3);
    assert.equal(await entries.last().locator('[data-field="running"]').getAttribute('data-value'), '2345.67');
    await screenshot(page, 'treasury-history');
  });
});

test('the forecast opens at the position and each day lists the items behind it', async () => {
  await shot('treasury-forecast-failure', async () => {
    await page.getByTestId('nav-forecast').click();
    const days = page.locator('[data-testid="forecast-table"] [data-testid="forecast-day"]');
    await days.first().waitFor();
    assert.equal(await days.count(), 10);
    assert.equal(await days.first().getAttribute('data-date'), '2026-11-23');
    assert.equal(await days.first().locator('[data-field="opening"]').getAttribute('data-value'), CLOSING, 'the first opening is the position');

    const tuesday = page.locator('[data-testid="forecast-table"] [data-testid="forecast-day"][data-date="2026-11-24"]');
    await tuesday.click();
    const detail = page.locator('[data-testid="forecast-table"] [data-testid="forecast-day-detail"][data-date="2026-11-24"]');
    await detail.waitFor();
    const ids = await detail.getByTestId('forecast-component').evaluateAll((rows) => rows.map((r) => r.dataset.id));
    assert.deepEqual([...ids].sort(), ['INV-1', 'P1']);
    const invoice = detail.locator('[data-testid="forecast-component"][data-id="INV-1"]');
    assert.equal(await invoice.locator('[data-field="probability"]').innerText(), '50%');
    assert.equal(await invoice.locator('[data-field="weighted"]').getAttribute('data-value'), '1000.00');

    await page.locator('[data-testid="forecast-table"] [data-testid="forecast-day"][data-date="2026-11-25"]').click();
    const wednesday = page.locator('[data-testid="forecast-day-detail"][data-date="2026-11-25"] [data-testid="forecast-component"]');
    assert.deepEqual(await wednesday.evaluateAll((rows) => rows.map((r) => r.dataset.id)), ['P2']);

    await page.locator('[data-testid="forecast-chart"] svg').waitFor();
    await screenshot(page, 'treasury-forecast');
  });
});

test('an account renamed on the accounts screen keeps its name after a reload; a bad entity shows the engine’s sentence', async () => {
  await shot('treasury-accounts-failure', async () => {
    await page.getByTestId('nav-accounts').click();
    const row = page.locator(`[data-testid="account-row"][data-account="${ACCOUNT}"]`);
    await row.waitFor();
    await row.getByTestId('account-edit').click();
    const editor = page.locator(`[data-testid="account-edit-row"][data-account="${ACCOUNT}"]`);
    await editor.getByTestId('account-name-input').fill('Operating account');
    await editor.getByTestId('account-purpose-input').fill('Payables');
    await editor.getByTestId('account-save').click();
    await page.getByTestId('account-saved').waitFor();
    assert.equal(await row.locator('[data-field="name"]').getAttribute('data-value'), 'Operating account');

    await page.reload();
    await row.waitFor();
    assert.equal(await row.locator('[data-field="name"]').innerText(), 'Operating account');
    assert.equal(await row.locator('[data-field="purpose"]').innerText(), 'Payables');
    assert.equal(await row.locator('[data-field="entity"]').innerText(), ENTITY);
    const api = await apiGet(session, '/api/accounts');
    assert.equal(api.accounts.find((a) => a.account === ACCOUNT).name, 'Operating account');

    // An invalid due time is refused with a sentence in the row, and nothing changes.
    await row.getByTestId('account-edit').click();
    await editor.getByTestId('account-due-input').fill('25:00');
    await editor.getByTestId('account-save').click();
    assert.match(await editor.getByTestId('account-error').innerText(), /due time/i);
    await editor.getByTestId('account-cancel').click();
    assert.equal(await row.locator('[data-field="due"]').innerText(), '09:00');

    // The engine's own sentence for an entity code it refuses.
    await page.getByTestId('entity-code').fill('not a code!');
    await page.getByTestId('entity-name').fill('Broken');
    await page.getByTestId('entity-save').click();
    const error = page.locator('[data-testid="entity-status"] [data-testid="error"]');
    await error.waitFor();
    assert.match(await error.innerText(), /entity code 'not a code!' must be/);

    await page.getByTestId('entity-code').fill('NW-FR');
    await page.getByTestId('entity-name').fill('Northwind SARL');
    await page.getByTestId('entity-country').fill('fr');
    await page.getByTestId('entity-currency').selectOption('EUR');
    await page.getByTestId('entity-save').click();
    await page.getByTestId('entity-saved').waitFor();
    const created = page.locator('[data-testid="entity-row"][data-code="NW-FR"]');
    assert.equal(await created.locator('[data-field="country"]').innerText(), 'FR');
    await screenshot(page, 'treasury-accounts');
    assert.deepEqual(session.pageErrors, [], 'uncaught errors in the page');
  });
});
