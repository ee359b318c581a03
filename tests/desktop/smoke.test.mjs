// Desktop smoke test: drives the real cashline-desktop window through tauri-driver, speaking
// W3C WebDriver with fetch (no npm dependencies). Run by tests/desktop/smoke.sh, which starts
// Xvfb and tauri-driver and seeds the ledger; see there for the environment it passes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/desktop/smoke.sh`);
  return value;
};
const WEBDRIVER = env('WEBDRIVER_URL');
const APP = env('CASHLINE_DESKTOP_BIN');
const DB = env('CASHLINE_TEST_DB');
const FIXTURE = env('CASHLINE_FIXTURE');
const SCREENSHOT = env('SCREENSHOT');

const ACCOUNT = 'DE89370400440532013000';
const ROW = `[data-testid="position-row"][data-account="${ACCOUNT}"]`;
// W3C WebDriver's key for an element reference.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class WebDriverError extends Error {
  constructor(status, value) {
    super(`WebDriver ${status}: ${value?.error ?? 'error'}: ${value?.message ?? JSON.stringify(value)}`);
    this.error = value?.error;
  }
}

// No request may hang the test: a window that fails to start leaves session creation waiting.
async function webdriver(method, path, body, timeoutMs = 30_000) {
  const response = await fetch(WEBDRIVER + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error) => {
    throw new Error(`WebDriver ${method} ${path}: ${error.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : error.message}`);
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`WebDriver ${response.status}: not JSON: ${text.slice(0, 300)}`);
  }
  // W3C WebDriver reports every error with a 4xx/5xx status.
  if (!response.ok) throw new WebDriverError(response.status, json.value);
  return json.value;
}

/** Polls `probe` until it returns something other than undefined, or throws after `ms`. */
async function waitFor(what, probe, ms = 20_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(200);
  }
}

let session;
const s = (path = '') => `/session/${session}${path}`;

async function find(selector, from) {
  const base = from ? s(`/element/${from}`) : s();
  const found = await webdriver('POST', `${base}/element`, { using: 'css selector', value: selector });
  return found[ELEMENT];
}

/** Runs `body` in the page as an async function; `arguments[0..]` are `args`. */
async function inPage(body, ...args) {
  const script = `const done = arguments[arguments.length - 1];
    (async (...args) => { ${body} })(...Array.from(arguments).slice(0, -1))
      .then((value) => done({ ok: true, value }), (error) => done({ ok: false, error }));`;
  return webdriver('POST', s('/execute/async'), { script, args });
}

async function screenshot(path) {
  const png = Buffer.from(await webdriver('GET', s('/screenshot')), 'base64');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, png);
}

before(async () => {
  await waitFor('tauri-driver', () => webdriver('GET', '/status', undefined, 1_000).then(() => true), 10_000);
  const created = await webdriver('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'wry',
        'tauri:options': { application: APP, args: ['--db', DB] },
      },
    },
  });
  session = created.sessionId;
  assert.ok(session, `no session id in ${JSON.stringify(created)}`);
  await webdriver('POST', s('/timeouts'), { script: 20_000 });
});

after(async () => {
  if (session) await webdriver('DELETE', s()).catch(() => {});
});

test('the positions screen shows the imported closing balance', async (t) => {
  try {
    const row = await waitFor(`${ROW} in the DOM`, () => find(ROW));
    const booked = await find('[data-field="booked"]', row);
    const value = await webdriver('GET', s(`/element/${booked}/attribute/data-value`));
    assert.equal(value, '12345.67');
  } catch (error) {
    const page = await inPage(
      `return { rows: document.querySelectorAll(args[0]).length, url: location.href,
                html: document.querySelector('main')?.outerHTML.slice(0, 3000) ?? null }`,
      ROW,
    ).catch((e) => e.message);
    t.diagnostic(`page: ${JSON.stringify(page)}`);
    await screenshot(SCREENSHOT.replace(/\.png$/, '-failure.png')).catch(() => {});
    throw error;
  }
  // Let the page paint what the DOM now holds before the picture is taken.
  await inPage('await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));');
  await screenshot(SCREENSHOT);
});

test('a bad date comes back as {code, message} through the real IPC', async () => {
  const result = await inPage("return await window.__TAURI_INTERNALS__.invoke('positions', { request: { as_of: '20.11.2026' } });");
  assert.equal(result.ok, false, JSON.stringify(result));
  assert.equal(result.error.code, 'bad_request');
  assert.match(result.error.message, /20\.11\.2026/);
});

test('import_file takes raw bytes and a percent-encoded file name', async () => {
  const xml = await readFile(FIXTURE, 'utf8');
  const result = await inPage(
    `return await window.__TAURI_INTERNALS__.invoke('import_file', new TextEncoder().encode(args[0]), {
       headers: { 'x-file-name': encodeURIComponent(args[1]) },
     });`,
    xml,
    'démo single.xml',
  );
  assert.equal(result.ok, true, JSON.stringify(result));
  const [file] = result.value.files;
  assert.equal(file.file, 'démo single.xml');
  // The CLI imported the same statement already.
  assert.equal(file.status, 'duplicate', JSON.stringify(file));
});
