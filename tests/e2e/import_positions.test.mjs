//! End-to-end: `cashline serve` with a fresh ledger, a real Chromium importing a camt.053 file through the web UI, then the position it shows.
//
// Run with `tests/e2e/run.sh` (installs playwright-core, then `node --test`). The binary comes
// from CASHLINE_BIN, else target/debug/cashline of this checkout; the browser is the system
// Chromium (CHROMIUM_BIN, else /usr/bin/chromium), since no browser build can be downloaded.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CASHLINE_BIN = process.env.CASHLINE_BIN
  ? path.resolve(process.env.CASHLINE_BIN)
  : path.resolve(HERE, '../../target/debug/cashline');
const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const FIXTURE = path.resolve(HERE, '../fixtures/camt053/demo-single.xml');
const ARTIFACTS = path.join(HERE, 'artifacts');

// What the fixture holds: one account, closing booked balance and the three entries' amounts.
const FIXTURE_ACCOUNT = 'DE89370400440532013000';
const FIXTURE_CLOSING_BOOKED = '12345.67';
const FIXTURE_ENTRY_AMOUNTS = ['-54.33', '-600.00', '3000.00'];

const SERVE_URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/;
const SERVE_START_TIMEOUT_MS = 30_000;
const SERVE_STOP_TIMEOUT_MS = 5_000;
const UI_TIMEOUT_MS = 15_000;
/** Captured child output kept for failure messages; the rest is dropped. */
const OUTPUT_CHARS_MAX = 64 * 1024;

let workDir;
let server; // { child, output(), url }
let browser;
let page;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(CASHLINE_BIN), `no cashline binary at ${CASHLINE_BIN} (build it, or set CASHLINE_BIN)`);
  assert.ok(existsSync(CHROMIUM_BIN), `no Chromium at ${CHROMIUM_BIN} (apt-get install chromium, or set CHROMIUM_BIN)`);
  workDir = await mkdtemp(path.join(tmpdir(), 'cashline-e2e-'));
  server = await startServe(workDir);
  // Should the runner die without running `after`, the server still goes with it.
  process.once('exit', () => server?.child.kill('SIGKILL'));

  browser = await chromium.launch({
    executablePath: CHROMIUM_BIN,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
});

after(async () => {
  // Each step on its own, so one failing does not leave the server or the browser running.
  try {
    await browser?.close();
  } finally {
    try {
      await stopServe(server?.child);
    } finally {
      if (workDir) await rm(workDir, { recursive: true, force: true });
    }
  }
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

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'positions.png'), fullPage: true });
  });
});

test('clicking the account shows the statement entries', async () => {
  await withScreenshotOnFailure('entries-failure', async () => {
    await page.locator(`[data-testid="position-row"][data-account="${FIXTURE_ACCOUNT}"]`).click();
    const rows = page.locator('[data-testid="entries-table"] [data-testid="entry-row"]');
    await rows.first().waitFor();
    const amounts = await rows.locator('[data-field="amount"]').evaluateAll((cells) => cells.map((c) => c.dataset.value));
    assert.deepEqual([...amounts].sort(), [...FIXTURE_ENTRY_AMOUNTS].sort());
    await page.screenshot({ path: path.join(ARTIFACTS, 'positions-entries.png'), fullPage: true });
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

async function withScreenshotOnFailure(name, body) {
  try {
    await body();
  } catch (error) {
    try {
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    } catch {
      // The screenshot is a help, never the reason a test fails.
    }
    throw error;
  }
}

/** Starts `cashline serve` on a free port and resolves once it has printed its URL. */
function startServe(dir) {
  const child = spawn(CASHLINE_BIN, ['--db', path.join(dir, 'ledger.sqlite'), 'serve', '--port', '0'], {
    cwd: dir,
    env: {
      ...process.env,
      CASHLINE_USER: 'e2e',
      CASHLINE_KEYSTORE: `file:${path.join(dir, 'keystore')}`,
      RUST_BACKTRACE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let captured = '';
  const capture = (chunk) => {
    captured = (captured + chunk.toString('utf8')).slice(-OUTPUT_CHARS_MAX);
  };
  const output = () => captured || '(no output)';

  return new Promise((resolve, reject) => {
    let stdoutText = '';
    const timer = setTimeout(() => {
      void stopServe(child);
      reject(new Error(`cashline serve printed no URL within ${SERVE_START_TIMEOUT_MS} ms; output:\n${output()}`));
    }, SERVE_START_TIMEOUT_MS);
    const onExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`cashline serve exited (code ${code}, signal ${signal}) before printing its URL; output:\n${output()}`));
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${CASHLINE_BIN}: ${error.message}`));
    });
    child.stderr.on('data', capture);
    child.stdout.on('data', (chunk) => {
      capture(chunk);
      stdoutText = (stdoutText + chunk.toString('utf8')).slice(-OUTPUT_CHARS_MAX);
      const match = SERVE_URL_PATTERN.exec(stdoutText);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, output, url: match[0] });
      }
    });
  });
}

/** Stops the server: SIGTERM, then SIGKILL if it has not exited in time. */
async function stopServe(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), SERVE_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
