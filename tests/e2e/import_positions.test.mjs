//! End-to-end: `cashline serve` with a fresh ledger, a real Chromium importing a camt.053 file through the web UI, then the position it shows.
//
// Run with `tests/e2e/run.sh` (installs playwright-core, then `node --test`); the server and the
// browser come from ./harness.mjs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURES, endSession, screenshot, startSession, withScreenshotOnFailure as withScreenshot } from './harness.mjs';

const FIXTURE = path.join(FIXTURES, 'camt053/demo-single.xml');

// What the fixture holds: one account, closing booked balance and the three entries' amounts.
const FIXTURE_ACCOUNT = 'DE89370400440532013000';
const FIXTURE_CLOSING_BOOKED = '12345.67';
const FIXTURE_ENTRY_AMOUNTS = ['-54.33', '-600.00', '3000.00'];

let session;
let server; // { child, output(), url }
let page;
let pageErrors;

before(async () => {
  session = await startSession();
  ({ server, page, pageErrors } = session);
});

after(async () => {
  await endSession(session);
});

test('the API refuses a request without the access token', async () => {
  const origin = new URL(server.url).origin;
  const response = await fetch(`${origin}/api/positions`);
  assert.equal(response.status, 401, await response.text());

  const wrong = await fetch(`${origin}/api/positions`, { headers: { Authorization: 'Bearer not-the-token' } });
  assert.equal(wrong.status, 401, await wrong.text());

  const token = new URL(server.url).searchParams.get('token');
  const allowed = await fetch(`${origin}/api/positions`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await allowed.text();
  assert.equal(allowed.status, 200, text);
  const body = JSON.parse(text);
  assert.deepEqual(body.accounts, [], 'a fresh ledger has no positions');
});

test('a fresh ledger shows the empty state and the token leaves the address bar', async () => {
  await page.goto(server.url);
  await page.getByTestId('positions-empty').waitFor();
  assert.match(await page.getByTestId('positions-empty').innerText(), /No statements imported yet/);
  assert.ok(!page.url().includes('token='), `token still in the URL: ${page.url()}`);
});

test('importing a camt.053 file through the UI shows its closing balance as the position', async () => {
  await withScreenshotOnFailure('import-failure', async () => {
    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-input').setInputFiles(FIXTURE);
    const imported = page.locator('[data-testid="import-result"][data-status="imported"]');
    await imported.waitFor();
    assert.equal(await imported.getAttribute('data-file'), 'demo-single.xml');
    assert.equal(await imported.locator('[data-field="new_entries"]').innerText(), '3');

    await page.getByTestId('nav-positions').click();
    const row = page.locator(`[data-testid="position-row"][data-account="${FIXTURE_ACCOUNT}"]`);
    await row.waitFor();
    const booked = row.locator('[data-field="booked"]');
    assert.equal(await booked.getAttribute('data-value'), FIXTURE_CLOSING_BOOKED);
    assert.equal(digits(await booked.innerText()), digits(FIXTURE_CLOSING_BOOKED));
    assert.equal(await row.locator('[data-field="currency"]').innerText(), 'EUR');
    // The table shows the masked key; the full key stays out of the visible text.
    assert.ok(!(await row.locator('[data-field="account"]').innerText()).includes(FIXTURE_ACCOUNT));

    const total = page.locator('[data-testid="totals-table"] [data-testid="total-row"][data-currency="EUR"]');
    assert.equal(await total.locator('[data-field="booked"]').getAttribute('data-value'), FIXTURE_CLOSING_BOOKED);

    await page.locator('[data-testid="balances-chart"] svg').first().waitFor();
    assert.equal(await page.locator('[data-testid="balances-chart"] [data-testid="error"]').count(), 0);

    await screenshot(page, 'positions');
  });
});

test('clicking the account shows the statement entries', async () => {
  await withScreenshotOnFailure('entries-failure', async () => {
    await page.locator(`[data-testid="position-row"][data-account="${FIXTURE_ACCOUNT}"]`).click();
    const rows = page.locator('[data-testid="entries-table"] [data-testid="entry-row"]');
    await rows.first().waitFor();
    const amounts = await rows.locator('[data-field="amount"]').evaluateAll((cells) => cells.map((c) => c.dataset.value));
    assert.deepEqual([...amounts].sort(), [...FIXTURE_ENTRY_AMOUNTS].sort());
    await screenshot(page, 'positions-entries');
  });
});

test('importing the same file again is reported as a duplicate', async () => {
  await withScreenshotOnFailure('duplicate-failure', async () => {
    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-input').setInputFiles(FIXTURE);
    const duplicate = page.locator('[data-testid="import-result"][data-status="duplicate"]');
    await duplicate.waitFor();
    assert.equal(await duplicate.locator('[data-field="new_entries"]').innerText(), '0');
    assert.equal(await page.locator('[data-testid="import-result"][data-status="failed"]').count(), 0);

    // The position is unchanged by the duplicate.
    await page.getByTestId('nav-positions').click();
    const booked = page.locator(`[data-testid="position-row"][data-account="${FIXTURE_ACCOUNT}"] [data-field="booked"]`);
    await booked.waitFor();
    assert.equal(await booked.getAttribute('data-value'), FIXTURE_CLOSING_BOOKED);
    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  });
});

// ---------------------------------------------------------------------------------------------

function digits(text) {
  return text.replace(/\D/g, '');
}

function withScreenshotOnFailure(name, body) {
  return withScreenshot(page, name, body);
}
