//! End-to-end: the Connections screen in a real Chromium against simulated banks (`cashline bank-sim`, started here) on a fixed clock: a connection added through the form whose consent is approved in a second browser tab at the bank's page, one whose consent ends in nine days (renewed from its card), and one failing on a malformed answer, each card saying so in words; then approved payments sent through a connection from the Payments screen.

import { after, before, test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import assert from 'node:assert/strict';
import { endSession, runCli, screenshot, startBankSim, startSession, stopBankSim, withScreenshotOnFailure } from './harness.mjs';

const NOW = '2026-11-23T09:00:00Z';

let session;
let page;
let pageErrors;
const banks = [];

before(async () => {
  session = await startSession({ prefix: 'cashline-e2e-connections-', viewport: { width: 1280, height: 1100 }, env: { CASHLINE_NOW: NOW } });
  ({ page, pageErrors } = session);
});

after(async () => {
  try {
    for (const bank of banks) await stopBankSim(bank);
  } finally {
    await endSession(session);
  }
});

function card(name) {
  return page.locator(`[data-testid="connection-card"][data-name="${name}"]`);
}

async function addThroughForm(name, url, days) {
  await page.getByTestId('connection-name').fill(name);
  await page.getByTestId('connection-url').fill(url);
  if (days !== undefined) await page.getByTestId('connection-days').fill(String(days));
  await page.getByTestId('connection-add').click();
  await card(name).waitFor();
}

test('a consent approved at the bank in another tab turns the connection healthy, and a sync reads its accounts', async () => {
  await withScreenshotOnFailure(page, 'connections-consent', async () => {
    const bank = await startBankSim(session);
    banks.push(bank);
    await page.goto(session.server.url);
    await page.getByTestId('nav-connections').click();
    await page.getByTestId('connections-empty').waitFor();

    // The browser opens the bank's page by itself; the link on the card is there if it did not.
    // The bank's page is held until the waiting state has been seen: it approves as it loads,
    // and could otherwise turn the card healthy before the test looks.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    const sca = /\/sim\/sca\//;
    await page.context().route(sca, async (route) => { await held; await route.continue(); });
    const popup = page.context().waitForEvent('page', { timeout: 5_000 }).catch(() => null);
    await addThroughForm('Hausbank', bank.url);
    const hausbank = card('Hausbank');
    assert.equal(await hausbank.getAttribute('data-state'), 'awaiting_consent');
    const link = hausbank.getByTestId('connection-approve-link');
    assert.match(await link.getAttribute('href'), sca);
    release();
    let tab = await popup;
    if (tab === null) {
      [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    }
    await tab.waitForLoadState();
    assert.match(await tab.locator('body').innerText(), /sent you back to Cashline/);
    await tab.close();
    await page.context().unroute(sca);

    // The screen asks every few seconds while a consent waits.
    await page.locator('[data-testid="connection-card"][data-name="Hausbank"][data-state="healthy"]').waitFor();
    await card('Hausbank').getByTestId('connection-sync').click();
    await page.locator('[data-testid="connection-card"][data-name="Hausbank"] [data-testid="connection-accounts"]').waitFor();
    const accounts = await card('Hausbank').getByTestId('connection-accounts').innerText();
    assert.match(accounts, /^4 accounts: /);
    assert.ok(!accounts.includes('DE89370400440532013000'), 'account numbers are masked');
    assert.match(await card('Hausbank').getByTestId('connection-state-text').innerText(), /^Synced at 2026-11-23 09:00 UTC\.$/);
    assert.equal(await card('Hausbank').locator('[data-field="reads_left_today"]').innerText(), '4 of 4', 'a person’s sync does not use the budget');
  });
});

test('an expiring consent and a failing bank are shown in words, and the consent is renewed from its card', async () => {
  await withScreenshotOnFailure(page, 'connections-states', async () => {
    const quick = await startBankSim(session, ['--auto-consent']);
    const broken = await startBankSim(session, ['--auto-consent']);
    banks.push(quick, broken);

    await addThroughForm('Nordbank', quick.url, 9);
    const nordbank = card('Nordbank');
    await page.locator('[data-testid="connection-card"][data-name="Nordbank"][data-state="consent_expiring"]').waitFor();
    assert.equal(await nordbank.getByTestId('connection-state').innerText(), 'Consent expiring');
    assert.match(await nordbank.getByTestId('connection-state-text').innerText(), /The consent ends in 9 days, on 2026-12-02: renew it before then\./);
    assert.match(await nordbank.locator('[data-field="consent_valid_until"]').innerText(), /2026-12-02 \(9 days left\)/);
    assert.match(await nordbank.getByTestId('connection-renew').getAttribute('class'), /primary/, 'renewing is the card’s first action');

    await addThroughForm('Ostbank', broken.url);
    await broken.setFaults('malformed:accounts');
    await card('Ostbank').getByTestId('connection-sync').click();
    const ostbank = page.locator('[data-testid="connection-card"][data-name="Ostbank"][data-state="failing"]');
    await ostbank.waitFor();
    assert.equal(await ostbank.getByTestId('connection-state').innerText(), 'Failing');
    assert.match(await ostbank.getByTestId('connection-state-text').innerText(), /^The last sync failed at 2026-11-23 09:00 UTC: the bank's answer does not follow its contract/);
    await ostbank.locator('summary').click();
    assert.equal(await ostbank.locator('[data-testid="connection-run"][data-outcome="failed"]').count(), 1);
    await screenshot(page, 'connections');

    // Renewed for the default 90 days, the consent is no longer about to end.
    await nordbank.getByTestId('connection-renew').click();
    await page.locator('[data-testid="connection-card"][data-name="Nordbank"][data-state="healthy"]').waitFor();
    assert.match(await card('Nordbank').locator('[data-field="consent_valid_until"]').innerText(), /2027-02-21 \(90 days left\)/);
    // Once the bank answers again, the failing one recovers.
    await broken.setFaults('');
    await card('Ostbank').getByTestId('connection-sync').click();
    await page.locator('[data-testid="connection-card"][data-name="Ostbank"][data-state="healthy"]').waitFor();
    assert.deepEqual(pageErrors, []);
  });
});

test('approved payments are sent through a connection from the Payments screen, each with the bank’s answer', async () => {
  await withScreenshotOnFailure(page, 'connections-send', async () => {
    const run = path.join(session.workDir, 'run.csv');
    await writeFile(
      run,
      [
        'id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference',
        'S1,E2E-S1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,ABNANL2A,1200.00,EUR,2026-11-23,INV-S1',
        'S2,E2E-S2,DE89370400440532013000,Contoso,NL91ABNA0417164300,,80.00,EUR,2026-11-23,INV-S2',
        '',
      ].join('\n'),
    );
    await runCli(session, ['payments', 'import', run, '--json'], { user: 'clerk' });
    await runCli(session, ['payments', 'approve', 'S1', 'S2'], { user: 'approver' });

    await page.getByTestId('nav-payments').click();
    const card = page.getByTestId('payments-send-card');
    await card.getByText('Send 2 approved payments').waitFor();
    await page.getByTestId('payments-send-via').selectOption('Hausbank');
    await page.getByTestId('payments-send').click();
    const rows = page.locator('[data-testid="payments-send-row"]');
    await page.getByTestId('payments-send-done').waitFor();
    assert.equal(await rows.count(), 2);
    for (const id of ['S1', 'S2']) {
      const row = page.locator(`[data-testid="payments-send-row"][data-payment="${id}"]`);
      assert.equal(await row.getAttribute('data-outcome'), 'answered');
      assert.match(await row.innerText(), /With the bank\s+RCVD\s+Acknowledged/);
    }
    // Nothing is left to send, by API or by file.
    await card.getByText('No approved payment waits to be sent.').waitFor();
    const shown = JSON.parse(await runCli(session, ['payments', 'show', 'S1', '--json']));
    assert.equal(shown.status, 'acknowledged');
    await screenshot(page, 'payments-sent-by-api');
  });
});
