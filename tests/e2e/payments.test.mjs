//! End-to-end: the Payments screen in a real Chromium, on a ledger seeded through the CLI (the demo statement names the debtor account; three CSV runs, one prepared by the server's own user, one with a payment over the two-approver limit and one on a Saturday, one repeating a payment as a possible duplicate) on a fixed clock: the funnel per run, a payment's timeline, approval refused to the preparer and given by someone else, a second approver above the limit, a duplicate released and a payment cancelled with a reason, and the approved ones written as a bank file and saved again.
//
// Run with `tests/e2e/run.sh`. The server acts as `e2e` (the harness's CASHLINE_USER); the runs
// are imported as `e2e` (so its approval is refused as the preparer's) and as `clerk`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES, UI_TIMEOUT_MS, apiGet, endSession, runCli, screenshot, startSession, withScreenshotOnFailure } from './harness.mjs';

// Monday 23 November 2026; the requested dates are the Wednesday and Thursday after, and one
// Saturday (not a TARGET2 business day, so validation keeps it imported with an issue).
const NOW = '2026-11-23T10:00:00Z';
/** The account of tests/fixtures/camt053/demo-single.xml, in EUR. */
const DEBTOR = 'DE89370400440532013000';
const HEADER = 'id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference';
const line = (id, creditor, iban, amount, date, reference) => `${id},E2E-${id},${DEBTOR},${creditor},${iban},,${amount},EUR,${date},${reference}`;

/** Prepared by the server's own user: its approval in the screen is refused. */
const RUN_SELF = [HEADER, line('P-SELF', 'Contoso Services', 'FR7630006000011234567890189', '310.00', '2026-11-25', 'Invoice 2001')].join('\n');
/** Prepared by clerk: one under the limit, one above it, one requested on a Saturday. */
const RUN_CLERK = [
  HEADER,
  line('P-1', 'Nordlicht Handel GmbH', 'DE12500105170648489890', '250.00', '2026-11-25', 'Invoice 1001'),
  line('P-2', 'Alpha Trading Ltd', 'NL91ABNA0417164300', '4500.00', '2026-11-25', 'Invoice 1002'),
  line('P-3', 'Beta Foods AG', 'DE02120300000000202051', '120.00', '2026-11-28', 'Invoice 1003'),
].join('\n');
/** P-1 again under another id: same creditor account, amount and reference, so it is held. */
const RUN_DUPLICATE = [HEADER, line('P-DUP', 'Nordlicht Handel GmbH', 'DE12500105170648489890', '250.00', '2026-11-26', 'Invoice 1001')].join('\n');

let session;
let page;

before(async () => {
  session = await startSession({ prefix: 'cashline-e2e-payments-', env: { CASHLINE_NOW: NOW } });
  page = session.page;
  await runCli(session, ['import', path.join(FIXTURES, 'camt053/demo-single.xml'), '--json'], { user: 'clerk' });
  await runCli(session, ['payments', 'limit', 'EUR', '1000.00']);
  await runCli(session, ['payments', 'import', await write('run-self.csv', RUN_SELF), '--json'], { user: 'e2e' });
  await runCli(session, ['payments', 'import', await write('run-clerk.csv', RUN_CLERK), '--json'], { user: 'clerk' });
  await runCli(session, ['payments', 'import', await write('run-duplicate.csv', RUN_DUPLICATE), '--json'], { user: 'clerk' });
});

after(async () => {
  await endSession(session);
});

async function write(name, text) {
  const file = path.join(session.workDir, name);
  await writeFile(file, `${text}\n`);
  return file;
}

function shot(name, body) {
  return withScreenshotOnFailure(page, name, body);
}

async function payment(id) {
  return apiGet(session, `/api/payments/show?id=${encodeURIComponent(id)}`);
}

/** Waits until the list shows exactly the payments `ids` (sorted). */
async function rowsAre(ids) {
  const shown = () => page.getByTestId('payment-row').evaluateAll((list) => list.map((r) => r.dataset.id).sort());
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let last = await shown();
  while (JSON.stringify(last) !== JSON.stringify(ids) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    last = await shown();
  }
  assert.deepEqual(last, ids);
}

const row = (id) => page.locator(`[data-testid="payment-row"][data-id="${id}"]`);
const runRow = (name) => page.locator('[data-testid="payments-run"]').filter({ hasText: name });
const cell = (run, state) => run.locator(`[data-testid="payments-run-state"][data-state="${state}"]`);

async function openPayments() {
  await page.goto(session.server.url);
  await page.getByTestId('nav-payments').click();
  assert.match(page.url(), /#\/payments$/);
  await row('P-1').waitFor();
}

/** Opens a payment's panel from the keyboard and waits for its timeline. */
async function openByKeyboard(id) {
  await row(id).focus();
  await page.keyboard.press('Enter');
  const panel = page.locator(`[data-testid="payment-detail"][data-id="${id}"]`);
  await panel.getByTestId('payment-timeline').waitFor();
  return panel;
}

test('the funnel shows each run with its payments per state, and a run chosen filters the list', async () => {
  await shot('payments-funnel-failure', async () => {
    await openPayments();
    await page.locator('[data-testid="payments-funnel"][data-count="3"]').waitFor();
    const clerk = runRow('run-clerk.csv');
    assert.equal(await clerk.getAttribute('data-payments'), '3');
    assert.equal(await cell(clerk, 'imported').getAttribute('data-count'), '1');
    assert.equal(await cell(clerk, 'validated').getAttribute('data-count'), '2');
    assert.equal(await cell(clerk, 'approved').getAttribute('data-count'), '0');
    assert.equal(await cell(clerk, 'validated').locator('[data-field="amount"]').getAttribute('data-value'), '4750.00');
    assert.match(await cell(clerk, 'validated').innerText(), /4,750\.00 EUR/);
    assert.match(await clerk.innerText(), /csv · 2026-11-23 10:00 UTC · by clerk · 3 payments/);
    // Every state has its labelled column, the way forward first and the ends after.
    const heads = await page.locator('table.funnel thead th').allInnerTexts();
    assert.deepEqual(
      heads.map((t) => t.toLowerCase()),
      ['run', 'imported', 'validated', 'approved', 'sent', 'acknowledged', 'accepted', 'settled', 'rejected', 'returned', 'cancelled'],
    );
    assert.equal(await cell(runRow('run-duplicate.csv'), 'validated').getAttribute('data-count'), '1');

    await rowsAre(['P-1', 'P-2', 'P-3', 'P-DUP', 'P-SELF']);
    const filterButton = clerk.getByTestId('payments-run-filter');
    await filterButton.click();
    assert.equal(await filterButton.getAttribute('aria-pressed'), 'true');
    await rowsAre(['P-1', 'P-2', 'P-3']);
    assert.equal(await page.getByTestId('payments-run-select').inputValue(), await clerk.getAttribute('data-run'));
    await page.getByTestId('payments-state').selectOption('imported');
    await rowsAre(['P-3']);
    await filterButton.click();
    assert.equal(await filterButton.getAttribute('aria-pressed'), 'false');
    await page.getByTestId('payments-clear-filters').click();
    await rowsAre(['P-1', 'P-2', 'P-3', 'P-DUP', 'P-SELF']);
    await page.getByTestId('payments-creditor').fill('nordlicht');
    await rowsAre(['P-1', 'P-DUP']);
    await page.getByTestId('payments-clear-filters').click();
    await rowsAre(['P-1', 'P-2', 'P-3', 'P-DUP', 'P-SELF']);
  });
});

test('needs action lists the held duplicate and the payment validation found wrong, with the reasons in words', async () => {
  await shot('payments-needs-action-failure', async () => {
    await openPayments();
    const duplicate = page.locator('[data-testid="payments-action-row"][data-id="P-DUP"]');
    await duplicate.waitFor();
    assert.equal(await duplicate.getAttribute('data-need'), 'payment_duplicate');
    assert.match(await duplicate.locator('[data-field="why"]').innerText(), /may duplicate P-1/);
    const issues = page.locator('[data-testid="payments-action-row"][data-id="P-3"]');
    assert.equal(await issues.getAttribute('data-need'), 'issues');
    assert.match(await row('P-3').locator('[data-field="reason"]').innerText(), /\S/);
    // A held payment cannot be ticked for approval until someone decides.
    assert.equal(await row('P-DUP').getByTestId('payment-held').count(), 1);
    assert.equal(await row('P-DUP').getByTestId('payment-select').isDisabled(), true);
    await screenshot(page, 'payments-screen');
  });
});

test("a payment's timeline lists its events with their source, and its issues", async () => {
  await shot('payments-timeline-failure', async () => {
    await openPayments();
    const panel = await openByKeyboard('P-3');
    assert.equal(await row('P-3').getAttribute('aria-expanded'), 'true');
    const events = panel.getByTestId('payment-event');
    assert.equal(await events.count(), 1);
    assert.equal(await events.first().getAttribute('data-status'), 'imported');
    assert.equal(await events.first().getAttribute('data-source'), 'csv');
    assert.match(await events.first().locator('[data-field="reason"]').innerText(), /1 issue found on the way in/);
    assert.match(await events.first().locator('[data-field="recorded_by"]').innerText(), /clerk/);
    const issue = panel.getByTestId('payment-issue');
    assert.equal(await issue.count(), 1);
    assert.equal(await issue.getAttribute('data-field'), 'requested_date');
    // An imported payment cannot be approved: the panel offers no approval, only a cancel.
    assert.equal(await panel.getByTestId('payment-approve').count(), 0);
    assert.equal(await panel.getByTestId('payment-cancel').count(), 1);

    await page.keyboard.press('Enter');
    await panel.waitFor({ state: 'detached' });
    const p1 = await openByKeyboard('P-1');
    assert.deepEqual(await p1.getByTestId('payment-event').evaluateAll((list) => list.map((e) => e.dataset.status)), ['imported', 'validated']);
    assert.match(await p1.locator('[data-field="prepared_by"]').innerText(), /clerk/);
    await page.keyboard.press('Enter');
    await p1.waitFor({ state: 'detached' });
  });
});

test("approving as the preparer is refused with the service's message, and the refusal is on the timeline", async () => {
  await shot('payments-approve-self-failure', async () => {
    await openPayments();
    await row('P-SELF').getByTestId('payment-select').check();
    assert.equal(await page.getByTestId('payments-selected-count').getAttribute('data-count'), '1');
    await page.getByTestId('payments-approve').click();
    const error = page.getByTestId('payments-approve-status').getByTestId('error');
    await error.waitFor();
    assert.match(await error.innerText(), /prepared by e2e; another person must approve it/);
    assert.equal(await row('P-SELF').getAttribute('data-status'), 'validated');

    const panel = await openByKeyboard('P-SELF');
    const refused = panel.locator('[data-testid="payment-event"][data-applied="false"]');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-status'), 'approved');
    assert.match(await refused.locator('[data-field="refusal"]').innerText(), /Refused.*another person must approve it/s);
    // The same refusal from the panel's own button is shown in the panel.
    await panel.getByTestId('payment-approve').click();
    const again = page.locator('[data-testid="payment-detail"][data-id="P-SELF"] [data-testid="payment-detail-status"] [data-testid="error"]');
    await again.waitFor();
    assert.match(await again.innerText(), /another person must approve it/);
    assert.equal((await payment('P-SELF')).status, 'validated');
  });
});

test('approving as someone else works; above the limit the payment waits for a second, different approver', async () => {
  await shot('payments-approve-failure', async () => {
    await openPayments();
    await row('P-1').getByTestId('payment-select').check();
    await row('P-2').getByTestId('payment-select').check();
    await page.getByTestId('payments-approve').click();
    await page.getByTestId('payments-approve-status').getByTestId('payment-done').waitFor();
    await page.locator('[data-testid="payment-row"][data-id="P-1"][data-status="approved"]').waitFor();
    assert.equal(await row('P-2').getAttribute('data-status'), 'validated');
    assert.deepEqual((await payment('P-1')).approvals, ['e2e']);
    assert.deepEqual((await payment('P-2')).approvals, ['e2e']);

    const panel = await openByKeyboard('P-2');
    assert.match(await panel.locator('[data-field="approvals"]').innerText(), /e2e; waiting for a second approver/);
    // The same person twice is refused by the service, and the panel says so.
    await panel.getByTestId('payment-approve').click();
    const error = page.locator('[data-testid="payment-detail"][data-id="P-2"] [data-testid="payment-detail-status"] [data-testid="error"]');
    await error.waitFor();
    assert.match(await error.innerText(), /second, different approver/);

    await runCli(session, ['payments', 'approve', 'P-2'], { user: 'boss' });
    await page.getByTestId('payments-refresh').click();
    await page.locator('[data-testid="payment-row"][data-id="P-2"][data-status="approved"]').waitFor();
    assert.equal(await cell(runRow('run-clerk.csv'), 'approved').getAttribute('data-count'), '2');
    assert.deepEqual((await payment('P-2')).approvals.sort(), ['boss', 'e2e']);
  });
});

test('the duplicate decision: a release clears the hold, and a cancel needs a reason', async () => {
  await shot('payments-duplicate-failure', async () => {
    await openPayments();
    const duplicate = page.locator('[data-testid="payments-action-row"][data-id="P-DUP"][data-need="payment_duplicate"]');
    await duplicate.getByTestId('payments-action-release').click();
    await page.getByTestId('payments-action-status').getByTestId('payment-done').waitFor();
    await duplicate.waitFor({ state: 'detached' });
    await row('P-DUP').getByTestId('payment-held').waitFor({ state: 'detached' });
    assert.equal(await row('P-DUP').getByTestId('payment-select').isDisabled(), false);
    assert.deepEqual((await payment('P-DUP')).cases, []);

    // Released, it is approved like any other.
    const panel = await openByKeyboard('P-DUP');
    assert.equal(await panel.getByTestId('payment-release').count(), 0);
    await panel.getByTestId('payment-approve').click();
    await page.locator('[data-testid="payment-detail"][data-id="P-DUP"][data-status="approved"] [data-testid="payment-done"]').waitFor();
    assert.equal((await payment('P-DUP')).status, 'approved');
    await page.keyboard.press('Enter');

    // A cancel without a reason is not sent; with one, the reason is on the payment.
    const p3 = await openByKeyboard('P-3');
    await p3.getByTestId('payment-cancel').click();
    assert.equal(await p3.getByTestId('payment-cancel-reason').getAttribute('aria-invalid'), 'true');
    assert.equal((await payment('P-3')).status, 'imported');
    await p3.getByTestId('payment-cancel-reason').fill('Requested on a Saturday; paid with the next run');
    await p3.getByTestId('payment-cancel').click();
    await page.locator('[data-testid="payment-detail"][data-id="P-3"][data-status="cancelled"] [data-testid="payment-done"]').waitFor();
    assert.equal(await row('P-3').getAttribute('data-status'), 'cancelled');
    assert.match(await row('P-3').locator('[data-field="reason"]').innerText(), /paid with the next run/);
    assert.equal(await page.locator('[data-testid="payments-action-row"][data-id="P-3"]').count(), 0);
    assert.equal(await page.locator('[data-testid="payments-action-row"]').count(), 0);
    assert.deepEqual(session.pageErrors, []);
  });
});

test('the approved payments are written as one bank file, and a file is saved again byte for byte', async () => {
  await shot('payments-export-failure', async () => {
    await openPayments();
    const card = page.getByTestId('payments-export-waiting');
    await page.waitForFunction(() => /3 approved payments wait/.test(document.querySelector('[data-testid="payments-export-waiting"]')?.textContent ?? ''));
    assert.match(await card.innerText(), /3 approved payments wait to be sent/);
    assert.equal(await page.getByTestId('payments-exports').getAttribute('data-count'), '0');
    await page.getByTestId('payments-export-format').selectOption('pain.001.001.03');
    await page.getByTestId('payments-export').click();
    const done = page.getByTestId('payments-export-done');
    await done.waitFor();
    const message = await done.innerText();
    assert.match(message, /3 payments written to .*exports\/pain001-.*\.xml/);
    const file = /written to (\S+\.xml)/.exec(message)[1];
    for (const id of ['P-1', 'P-2', 'P-DUP']) await page.locator(`[data-testid="payment-row"][data-id="${id}"][data-status="sent"]`).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="payments-exports"]')?.dataset.count === '1');
    const exported = page.getByTestId('payments-export-row');
    assert.match(await exported.innerText(), /pain\.001\.001\.03/);
    // Nothing is left to send: a second press writes no file.
    await page.getByTestId('payments-export').click();
    await page.getByTestId('payments-export-done').filter({ hasText: 'No approved payment waits' }).waitFor();
    assert.equal(await page.getByTestId('payments-exports').getAttribute('data-count'), '1');
    // Saved again: the very bytes of the file written.
    const [download] = await Promise.all([page.waitForEvent('download'), exported.getByTestId('payments-export-save').click()]);
    const saved = await readFile(await download.path());
    assert.deepEqual(saved, await readFile(file));
    assert.equal(download.suggestedFilename(), path.basename(file));
    assert.deepEqual(session.pageErrors, []);
    await screenshot(page, 'payments-export');
  });
});
