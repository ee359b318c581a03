//! End-to-end: reconciliation and the exception queue in a real Chromium, on a ledger seeded through the CLI (a camt.053 written here, the demo statement, open items) on a fixed clock: suggestions confirmed and rejected, a dry run, an undo, two items matched to one entry with a fee from the keyboard alone, a case assigned, commented and resolved, bulk actions, and the dashboard card.
//
// Run with `tests/e2e/run.sh`. The server and the CLI share the ledger and CASHLINE_NOW (Monday
// 23 November 2026; the statements close Friday the 20th), so ages and dates are fixed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES, UI_TIMEOUT_MS, apiGet, endSession, runCli, screenshot, startSession, withScreenshotOnFailure } from './harness.mjs';

const NOW = '2026-11-23T10:00:00Z';
const DAY = '2026-11-20';
const ACCOUNT = 'GB33BUKB20201555555555';

/**
 * The entries of the statement written here. ALPHA and BETA agree with an item on IBAN, amount
 * and date but name no reference, so the engine only suggests them; GAMMA pays two invoices
 * less a 10.00 bank fee, which no rule finds; DELTA is explained by nothing.
 */
const ENTRIES = [
  { ref: 'E2E-ALPHA', amount: '1200.00', name: 'Alpha Trading Ltd', iban: 'NL91ABNA0417164300', remittance: 'Thank you' },
  { ref: 'E2E-BETA', amount: '800.00', name: 'Beta Foods AG', iban: 'DE02120300000000202051', remittance: 'Payment' },
  { ref: 'E2E-GAMMA', amount: '990.00', name: 'Gamma Retail', iban: null, remittance: 'Several invoices' },
  { ref: 'E2E-DELTA', amount: '-75.00', name: 'Unknown Debit Co', iban: null, remittance: 'Card 4711' },
];
const OPENING = '5000.00';

// INV-0418 is matched automatically to the demo statement's 3000.00 (its number is in the
// remittance); the two equal Stadtwerke bills make an ambiguous pair of suggestions for its -54.33.
const OPEN_ITEMS = `id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference
R-ALPHA,receivable,Alpha Trading Ltd,NL91ABNA0417164300,1200.00,EUR,2026-11-19,AL-100
R-BETA,receivable,Beta Foods AG,DE02120300000000202051,800.00,EUR,2026-11-18,BF-200
G-1,receivable,Gamma Retail,,600.00,EUR,2026-11-10,GR-301
G-2,receivable,Gamma Retail,,400.00,EUR,2026-11-12,GR-302
INV-0418,receivable,Nordlicht Handel GmbH,DE12500105170648489890,3000.00,EUR,2026-11-18,Invoice 2026-0418
SW-1,payable,Stadtwerke Demo,DE20701500000012345678,54.33,EUR,2026-11-20,Bill A
SW-2,payable,Stadtwerke Demo,DE20701500000012345678,54.33,EUR,2026-11-20,Bill B
`;

let session;
let page;

before(async () => {
  session = await startSession({ prefix: 'cashline-e2e-recon-', env: { CASHLINE_NOW: NOW } });
  page = session.page;
  const statement = await write('recon.xml', camt053({ account: ACCOUNT, id: 'E2E-RECON-20261120', date: DAY, opening: OPENING, entries: ENTRIES }));
  await runCli(session, ['import', statement, path.join(FIXTURES, 'camt053/demo-single.xml'), '--json']);
  await runCli(session, ['open-items', 'import', await write('open-items.csv', OPEN_ITEMS), '--json']);
  await runCli(session, ['recon', 'run', '--json']);
});

after(async () => {
  await endSession(session);
});

async function write(name, text) {
  const file = path.join(session.workDir, name);
  await writeFile(file, text);
  return file;
}

function shot(name, body) {
  return withScreenshotOnFailure(page, name, body);
}

async function matches() {
  return (await apiGet(session, '/api/recon/matches?limit=500')).matches;
}

/** Waits until the queue shows exactly the cases `ids` (sorted), as the filters settle. */
async function rowsAre(ids) {
  const shown = () => page.getByTestId('exception-row').evaluateAll((list) => list.map((r) => r.dataset.id).sort());
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let last = await shown();
  while (JSON.stringify(last) !== JSON.stringify(ids) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    last = await shown();
  }
  assert.deepEqual(last, ids);
}

function byEntry(list, ref) {
  return list.filter((m) => m.entries.includes(ref));
}

test('a suggestion shows its explanation beside both lines; one is confirmed, another rejected and not proposed again', async () => {
  await shot('recon-decide-failure', async () => {
    await page.goto(session.server.url);
    await page.getByTestId('nav-recon').click();
    assert.match(page.url(), /#\/recon$/);

    const alpha = page.locator('[data-testid="recon-suggestion"][data-entries="E2E-ALPHA"]');
    await alpha.waitFor();
    assert.equal(await alpha.getAttribute('data-items'), 'R-ALPHA');
    assert.equal(await alpha.locator('[data-field="rule"]').getAttribute('data-value'), 'iban_amount_date');
    assert.match(await alpha.locator('[data-field="confidence"]').innerText(), /confidence \d+%/);
    assert.equal(await alpha.locator('[data-testid="match-entry-lines"] [data-testid="match-line"]').getAttribute('data-id'), 'E2E-ALPHA');
    assert.equal(await alpha.locator('[data-testid="match-item-lines"] [data-testid="match-line"]').getAttribute('data-id'), 'R-ALPHA');
    const iban = alpha.locator('[data-testid="evidence-row"][data-field="counterparty_iban"]');
    assert.equal(await iban.locator('[data-field="entry"]').innerText(), 'NL91ABNA0417164300');
    assert.equal(await iban.locator('[data-field="item"]').innerText(), 'NL91ABNA0417164300');
    assert.equal(await alpha.locator('[data-field="difference"]').getAttribute('data-value'), '0.00');
    assert.match(await alpha.locator('[data-field="days_apart"]').innerText(), /1 day apart/);

    // Two equal bills for one entry: both are suggested, each saying why none was taken.
    const ambiguous = page.locator('[data-testid="recon-suggestion"][data-entries="DEMO-20261120-000003"]');
    assert.equal(await ambiguous.count(), 2);
    assert.match(await ambiguous.first().getByTestId('match-notes').innerText(), /ambiguous: 2 candidates/);
    await screenshot(page, 'recon-screen');

    await alpha.getByTestId('recon-confirm').click();
    await page.locator('[data-testid="recon-decided"][data-state="confirmed"]').waitFor();
    const beta = page.locator('[data-testid="recon-suggestion"][data-entries="E2E-BETA"]');
    await beta.getByTestId('recon-reject').click();
    await page.locator('[data-testid="recon-decided"][data-state="rejected"]').waitFor();
    await beta.waitFor({ state: 'detached' });
    await alpha.waitFor({ state: 'detached' });

    let all = await matches();
    assert.deepEqual(byEntry(all, 'E2E-ALPHA').map((m) => [m.items, m.state]), [[['R-ALPHA'], 'confirmed']]);
    assert.deepEqual(byEntry(all, 'E2E-BETA').map((m) => [m.items, m.state]), [[['R-BETA'], 'rejected']]);
    const negatives = (await apiGet(session, '/api/recon/learnt')).negatives;
    assert.deepEqual(negatives.map((n) => [n.entry, n.target]), [['E2E-BETA', 'R-BETA']]);
    await page.locator('[data-testid="recon-negative"][data-entry="E2E-BETA"]').waitFor();

    // A dry run writes nothing.
    const before = all.length;
    await page.getByTestId('recon-dry-run').click();
    await page.locator('[data-testid="recon-run-result"][data-dry-run="true"]').waitFor();
    assert.equal((await matches()).length, before, 'a dry run adds no match');

    // Another run: the rejected pair is not proposed again.
    await page.getByTestId('recon-run').click();
    const result = page.locator('[data-testid="recon-run-result"][data-dry-run="false"]');
    await result.waitFor();
    assert.match(await result.locator('[data-field="examined"]').getAttribute('data-value'), /^\d+$/);
    all = await matches();
    assert.deepEqual(byEntry(all, 'E2E-BETA').map((m) => m.state), ['rejected'], 'no new match for the rejected entry');
    assert.equal(await page.locator('[data-testid="recon-suggestion"][data-entries="E2E-BETA"]').count(), 0);
  });
});

test('an automatic match shows its explanation and is undone', async () => {
  await shot('recon-undo-failure', async () => {
    await page.getByTestId('recon-matches-state').selectOption('auto');
    const auto = page.locator('[data-testid="recon-match"][data-state="auto"][data-items="INV-0418"]');
    await auto.waitFor();
    assert.equal(await auto.locator('[data-field="rule"]').getAttribute('data-value'), 'invoice_number');
    await auto.locator('[data-testid="evidence-row"][data-field="remittance"]').waitFor();
    const id = await auto.getAttribute('data-id');
    await auto.getByTestId('recon-undo').click();
    await page.locator(`[data-testid="recon-decided"][data-id="${id}"][data-state="undone"]`).waitFor();
    const undone = (await matches()).find((m) => m.id === id);
    assert.equal(undone.state, 'undone');
    // Its entry is open again, on the left of the workbench.
    await page.locator('[data-testid="recon-entries"] [data-testid="recon-line"][data-id="DEMO-20261120-000001"]').waitFor();
  });
});

test('two items are matched to one entry with a fee difference from the keyboard alone', async () => {
  await shot('recon-keyboard-failure', async () => {
    const workbench = await apiGet(session, '/api/recon/workbench');
    const entry = workbench.entries.findIndex((l) => l.id === 'E2E-GAMMA');
    const first = workbench.items.findIndex((l) => l.id === 'G-1');
    const second = workbench.items.findIndex((l) => l.id === 'G-2');
    assert.ok(entry >= 0 && first >= 0 && second > first, `the workbench lists GAMMA, G-1 and G-2: ${JSON.stringify(workbench)}`);
    await page.locator('[data-testid="recon-entries"] [data-testid="recon-line"][data-id="E2E-GAMMA"]').waitFor();
    await page.getByTestId('recon-shortcuts').waitFor();

    // From here on only keys: the search field, then Tab into the entries.
    await page.getByTestId('recon-find').focus();
    const keys = page.keyboard;
    await keys.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'recon-entries');
    await keys.press('Home');
    for (let i = 0; i < entry; i += 1) await keys.press('ArrowDown');
    await keys.press('Space');
    await keys.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'recon-items');
    await keys.press('Home');
    for (let i = 0; i < first; i += 1) await keys.press('ArrowDown');
    await keys.press('Space');
    for (let i = first; i < second; i += 1) await keys.press('ArrowDown');
    await keys.press('Space');

    assert.equal(await page.getByTestId('recon-sum-entries').getAttribute('data-value'), '990.00');
    assert.equal(await page.getByTestId('recon-sum-items').getAttribute('data-value'), '1000.00');
    assert.equal(await page.getByTestId('recon-difference').getAttribute('data-value'), '-10.00');
    assert.deepEqual(
      await page.locator('[data-testid="recon-line"][aria-selected="true"]').evaluateAll((rows) => rows.map((r) => r.dataset.id)),
      ['E2E-GAMMA', 'G-1', 'G-2'],
    );
    await screenshot(page, 'recon-workbench-selected');

    // Enter alone matches only lines that agree: the engine asks to name the difference.
    await keys.press('Enter');
    const refused = page.locator('[data-testid="recon-manual-status"] [data-testid="error"]');
    await refused.waitFor();
    assert.match(await refused.innerText(), /differ by -10\.00 EUR/);

    await keys.press('f');
    await page.getByTestId('recon-matched').waitFor();
    await page.locator('[data-testid="recon-entries"] [data-id="E2E-GAMMA"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-testid="recon-items"] [data-id="G-1"]').count(), 0);

    const manual = (await apiGet(session, '/api/recon/matches?state=confirmed')).matches.filter((m) => m.rule === 'manual');
    assert.equal(manual.length, 1, JSON.stringify(manual));
    assert.deepEqual(manual[0].entries, ['E2E-GAMMA']);
    assert.deepEqual([...manual[0].items].sort(), ['G-1', 'G-2']);
    assert.equal(manual[0].difference_kind, 'fee');
    assert.equal(manual[0].difference, '-10.00');
  });
});

test('a case is assigned, commented and resolved from its detail; others are assigned and written off in bulk', async () => {
  await shot('exceptions-queue-failure', async () => {
    await page.getByTestId('nav-exceptions').click();
    const delta = page.locator('[data-testid="exception-row"][data-kind="unmatched_entry"]', { hasText: 'E2E-DELTA' });
    await delta.waitFor();
    const id = await delta.getAttribute('data-id');
    assert.equal(await delta.locator('[data-field="amount"]').getAttribute('data-value'), '-75.00');
    assert.equal(await delta.locator('[data-field="age"]').getAttribute('data-value'), '3');
    assert.equal(await delta.locator('[data-field="age_bucket"]').innerText(), '3–7 days');

    // Filters: kind and age bucket, the same cases as the API gives.
    await page.getByTestId('exceptions-kind').selectOption('unmatched_entry');
    await page.getByTestId('exceptions-age').selectOption('3-7');
    await page.locator('[data-testid="exceptions-count"]', { hasText: 'match the filters' }).waitFor();
    const expected = (await apiGet(session, '/api/exceptions?kind=unmatched_entry&age=3-7')).exceptions.map((e) => e.id).sort();
    await rowsAre(expected);
    assert.ok(expected.includes(id));

    await delta.locator('[data-field="subject"]').click();
    const detail = page.locator(`[data-testid="exception-detail"][data-id="${id}"]`);
    await detail.waitFor();
    assert.equal(await detail.getByTestId('exception-event').first().getAttribute('data-action'), 'opened');

    await detail.getByTestId('exception-owner-input').fill('anna');
    await detail.getByTestId('exception-assign').click();
    await page.locator(`[data-testid="exception-detail"][data-owner="anna"] [data-testid="exception-saved"]`).waitFor();

    const comment = 'Card payment <b>4711</b>: asked the bank for the slip';
    await page.getByTestId('exception-comment-input').fill(comment);
    await page.getByTestId('exception-comment-add').click();
    const note = page.locator('[data-testid="exception-detail"] [data-testid="exception-note"]');
    await note.waitFor();
    assert.match(await note.innerText(), /Card payment <b>4711<\/b>/, 'a comment is shown as text, never as HTML');

    const resolution = 'Bank fee for card 4711, booked to account 6855';
    await page.getByTestId('exception-resolution-input').fill(resolution);
    await page.getByTestId('exception-close-state').selectOption('resolved');
    await page.getByTestId('exception-close').click();
    // The filters still take it (no state filter), so it stays open below its row, resolved.
    await page.locator(`[data-testid="exception-detail"][data-id="${id}"][data-state="resolved"]`).waitFor();
    await page.locator(`[data-testid="exception-row"][data-id="${id}"][data-state="resolved"]`).waitFor();
    await screenshot(page, 'exceptions-queue');

    const stored = await apiGet(session, `/api/exceptions/detail?id=${encodeURIComponent(id)}`);
    assert.equal(stored.exception.owner, 'anna');
    assert.equal(stored.exception.state, 'resolved');
    assert.equal(stored.exception.resolution, resolution);
    assert.deepEqual(stored.notes.map((n) => n.text), [comment]);
    assert.deepEqual(stored.history.map((e) => e.action), ['opened', 'assigned', 'commented', 'resolved']);

    // Bulk: the open unmatched entries ticked, assigned to one owner, then written off.
    await page.getByTestId('exceptions-clear-filters').click();
    await page.getByTestId('exceptions-kind').selectOption('unmatched_entry');
    await page.getByTestId('exceptions-state').selectOption('open');
    await page.locator('[data-testid="exceptions-count"]', { hasText: 'match the filters' }).waitFor();
    const items = (await apiGet(session, '/api/exceptions?kind=unmatched_entry&state=open')).exceptions.map((e) => e.id).sort();
    assert.ok(items.length >= 2, `open unmatched entries: ${items}`);
    await rowsAre(items);
    await page.getByTestId('exceptions-select-all').check();
    await page.locator(`[data-testid="exceptions-selected-count"][data-count="${items.length}"]`).waitFor();
    await page.getByTestId('exceptions-bulk-owner').fill('ben');
    await page.getByTestId('exceptions-bulk-assign').click();
    await page.locator(`[data-testid="exceptions-bulk-done"][data-changed="${items.length}"]`).waitFor();
    for (const e of (await apiGet(session, '/api/exceptions?kind=unmatched_entry&state=open')).exceptions) assert.equal(e.owner, 'ben');

    await page.getByTestId('exceptions-select-all').check();
    await page.getByTestId('exceptions-bulk-resolution').fill('Paid in cash, outside the bank');
    await page.getByTestId('exceptions-bulk-state').selectOption('written_off');
    await page.getByTestId('exceptions-bulk-close').click();
    await page.getByTestId('exceptions-empty').waitFor();
    const written = (await apiGet(session, '/api/exceptions?kind=unmatched_entry&state=written_off')).exceptions;
    assert.deepEqual(written.map((e) => e.id).sort(), items);
    assert.ok(written.every((e) => e.resolution === 'Paid in cash, outside the bank' && e.owner === 'ben'));
    await page.getByTestId('exceptions-clear-filters').click();
  });
});

test('the dashboard card shows the automation rate, open cases by age and what is unreconciled, and links to the queue', async () => {
  await shot('recon-dashboard-failure', async () => {
    const summary = await apiGet(session, '/api/recon/summary');
    await page.getByTestId('nav-positions').click();
    const card = page.getByTestId('recon-card');
    await card.waitFor();
    await page.locator(`[data-testid="recon-automation"][data-value="${summary.automation_rate}"]`).waitFor();
    for (const bucket of summary.open_exceptions) {
      assert.equal(await card.locator(`[data-testid="recon-aging-bucket"][data-bucket="${bucket.bucket}"]`).getAttribute('data-count'), String(bucket.count));
    }
    for (const total of summary.unreconciled) {
      const row = card.locator(`[data-testid="recon-unreconciled-row"][data-currency="${total.currency}"]`);
      assert.equal(await row.locator('[data-field="credits"]').getAttribute('data-value'), total.credits);
      assert.equal(await row.locator('[data-field="debits"]').getAttribute('data-value'), total.debits);
    }
    await screenshot(page, 'recon-dashboard');

    const aged = summary.open_exceptions.find((b) => b.count > 0);
    assert.ok(aged, 'some case is still open');
    await card.locator(`[data-testid="recon-aging-bucket"][data-bucket="${aged.bucket}"]`).click();
    assert.match(page.url(), /#\/exceptions$/);
    assert.equal(await page.getByTestId('exceptions-age').inputValue(), aged.bucket);
    // The card counts the cases still to work on: open or in progress.
    assert.equal(await page.getByTestId('exceptions-state').inputValue(), 'still_open');
    const still = (await apiGet(session, `/api/exceptions?age=${aged.bucket}`)).exceptions.filter((e) => e.state === 'open' || e.state === 'in_progress');
    assert.equal(still.length, aged.count);
    await rowsAre(still.map((e) => e.id).sort());
    assert.deepEqual(session.pageErrors, [], 'uncaught errors in the page');
  });
});

// ---------------------------------------------------------------------------------------------
// A camt.053 day statement with chosen entries, its closing balance the opening plus the entries.

function toMinor(amount) {
  const [, sign, whole, fraction = ''] = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  const minor = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign ? -minor : minor;
}

function fromMinor(minor) {
  const abs = minor < 0n ? -minor : minor;
  return `${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

function camt053({ account, id, date, opening, entries }) {
  const open = toMinor(opening);
  const close = entries.reduce((sum, e) => sum + toMinor(e.amount), open);
  const balance = (code, minor) =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${fromMinor(minor)}</Amt><CdtDbtInd>${minor < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  const entry = (e, i) => {
    const credit = !e.amount.startsWith('-');
    const party = credit ? 'Dbtr' : 'Cdtr';
    return [
      `<Ntry><NtryRef>${i + 1}</NtryRef><Amt Ccy="EUR">${fromMinor(toMinor(e.amount))}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>`,
      `<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${date}</Dt></BookgDt><ValDt><Dt>${date}</Dt></ValDt><AcctSvcrRef>${e.ref}</AcctSvcrRef>`,
      `<NtryDtls><TxDtls><RltdPties><${party}><Pty><Nm>${e.name}</Nm></Pty></${party}>`,
      e.iban ? `<${party}Acct><Id><IBAN>${e.iban}</IBAN></Id></${party}Acct>` : '',
      `</RltdPties><RmtInf><Ustrd>${e.remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
    ].join('');
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>${id}</MsgId><CreDtTm>${date}T18:00:00Z</CreDtTm></GrpHdr>
<Stmt><Id>${id}</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>${date}T18:00:00Z</CreDtTm>
<Acct><Id><IBAN>${account}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>COBADEFFXXX</BICFI><Nm>Demo Bank</Nm></FinInstnId></Svcr></Acct>
${balance('OPBD', open)}
${balance('CLBD', close)}
${entries.map(entry).join('\n')}
</Stmt></BkToCstmrStmt></Document>
`;
}

test('the matching thresholds are changed on the rules card, and a suggestion threshold above the automatic one is refused in words', async () => {
  await withScreenshotOnFailure(page, 'recon-thresholds-failure', async () => {
    await page.getByTestId('nav-recon').click();
    const auto = page.getByTestId('recon-threshold-auto');
    await auto.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="recon-threshold-auto"]')?.value !== '');
    const before = await apiGet(session, '/api/recon/rules');
    assert.equal(await auto.inputValue(), before.auto_threshold);

    await page.getByTestId('recon-threshold-suggest').fill('0.99');
    await page.getByTestId('recon-thresholds-save').click();
    const error = page.locator('[data-testid="recon-rules-status"] [data-testid="error"]');
    await error.waitFor();
    assert.match(await error.innerText(), /may not be above the automatic one/);

    await auto.fill('0.93');
    await page.getByTestId('recon-threshold-suggest').fill(before.suggest_threshold);
    await page.getByTestId('recon-thresholds-save').click();
    await page.locator('[data-testid="recon-rules-status"] .notice.ok').waitFor();
    assert.equal((await apiGet(session, '/api/recon/rules')).auto_threshold, '0.93');
    assert.match(await page.getByTestId('recon-thresholds').innerText(), /93/);
    assert.deepEqual(session.pageErrors, [], 'uncaught errors in the page');
  });
});
