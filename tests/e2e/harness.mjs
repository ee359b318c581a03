// What every browser end-to-end test file shares: a `cashline serve` on a fresh ledger, the system Chromium, and screenshots when a step fails.
//
// The binary comes from CASHLINE_BIN, else target/debug/cashline of this checkout; the browser
// is the system Chromium (CHROMIUM_BIN, else /usr/bin/chromium), since no browser build can be
// downloaded. Each test file starts its own server on its own ledger. A test of the ERP starts
// a real Tryton (`startTryton`) from the seeded template of scripts/tryton/ensure.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CASHLINE_BIN = process.env.CASHLINE_BIN
  ? path.resolve(process.env.CASHLINE_BIN)
  : path.resolve(HERE, '../../target/debug/cashline');
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const FIXTURES = path.resolve(HERE, '../fixtures');
export const ARTIFACTS = path.join(HERE, 'artifacts');
const REPO_ROOT = path.resolve(HERE, '../..');

const SERVE_URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/;
const SERVE_START_TIMEOUT_MS = 30_000;
const SERVE_STOP_TIMEOUT_MS = 5_000;
export const UI_TIMEOUT_MS = 15_000;
/** Captured child output kept for failure messages; the rest is dropped. */
const OUTPUT_CHARS_MAX = 64 * 1024;

/** How long one seeding command of the CLI may take. */
const CLI_TIMEOUT_MS = 60_000;

/**
 * Starts a server on a fresh ledger in a temporary folder and a Chromium page on it.
 * `env` is added to the server's environment (and to `runCli`'s), e.g. `{ CASHLINE_NOW:
 * '2026-11-23T10:00:00Z' }` to freeze the clock of both. `beforeServe(session)`, if given, runs
 * before the server starts (seeding with `runCli`, so the server's first scheduled sync sees
 * the seed). Returns `{ workDir, dbPath, env, server: { child, output(), url }, browser, page,
 * pageErrors }`.
 */
export async function startSession({ viewport = { width: 1280, height: 800 }, prefix = 'cashline-e2e-', env = {}, beforeServe } = {}) {
  assert.ok(existsSync(CASHLINE_BIN), `no cashline binary at ${CASHLINE_BIN} (build it, or set CASHLINE_BIN)`);
  assert.ok(existsSync(CHROMIUM_BIN), `no Chromium at ${CHROMIUM_BIN} (apt-get install chromium, or set CHROMIUM_BIN)`);
  const workDir = await mkdtemp(path.join(tmpdir(), prefix));
  const session = { workDir, dbPath: ledgerPath(workDir), env, server: null, browser: null, page: null, pageErrors: [] };
  try {
    if (beforeServe) await beforeServe(session);
    session.server = await startServe(session.workDir, env);
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  // Should the runner die without running `after`, the server still goes with it.
  process.once('exit', () => session.server?.child.kill('SIGKILL'));

  session.browser = await chromium.launch({
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
  const context = await session.browser.newContext({ viewport });
  session.page = await context.newPage();
  session.page.setDefaultTimeout(UI_TIMEOUT_MS);
  session.page.on('pageerror', (error) => session.pageErrors.push(String(error)));
  return session;
}

/** Closes the browser, stops the server and removes the folder, each even if another step fails. */
export async function endSession(session) {
  try {
    await session?.browser?.close();
  } finally {
    try {
      await stopServe(session?.server?.child);
    } finally {
      if (session?.workDir) await rm(session.workDir, { recursive: true, force: true });
    }
  }
}

/**
 * Starts one more server on a fresh ledger of its own, e.g. with another `CASHLINE_NOW`; stop
 * it with `stopServer`. Returns `{ workDir, dbPath, env, server }`, usable with `runCli`.
 */
export async function startServer({ prefix = 'cashline-e2e-extra-', env = {} } = {}) {
  const workDir = await mkdtemp(path.join(tmpdir(), prefix));
  const server = await startServe(workDir, env);
  process.once('exit', () => server.child.kill('SIGKILL'));
  return { workDir, dbPath: ledgerPath(workDir), env, server };
}

/** Stops a server from `startServer` and removes its folder. */
export async function stopServer(extra) {
  try {
    await stopServe(extra?.server?.child);
  } finally {
    if (extra?.workDir) await rm(extra.workDir, { recursive: true, force: true });
  }
}

/**
 * Runs the CLI on a session's ledger (the same `--db` as its server, the same extra
 * environment) as `user`, and resolves with its stdout; a failure rejects with its stderr.
 * `--json` output can be parsed by the caller. `input`, if given, is written to its stdin
 * (a password for `--password-stdin`), which is then closed.
 */
/** The people the tests act as besides `e2e` (the server's user, so the ledger's first admin), in their roles. */
const TEST_ROLES = { clerk: 'preparer', approver: 'approver', boss: 'approver', viewer: 'viewer' };

export async function runCli(session, args, { user = 'e2e', input } = {}) {
  if (user !== 'e2e') await addTestUser(session, user);
  return runCliAs(session, args, user, input);
}

/** Adds one of TEST_ROLES's people to the session's ledger, once, as its admin `e2e`. */
async function addTestUser(session, user) {
  session.users ??= new Set();
  if (session.users.has(user)) return;
  const role = TEST_ROLES[user];
  assert.ok(role, `no role for a test user named ${user}`);
  try {
    await runCliAs(session, ['users', 'add', user, '--role', role], 'e2e');
  } catch (error) {
    if (!String(error.message).includes('already')) throw error;
  }
  session.users.add(user);
}

function runCliAs(session, args, user, input) {
  const argv = ['--db', session.dbPath, '--user', user, ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      CASHLINE_BIN,
      argv,
      {
        cwd: session.workDir,
        env: { ...process.env, ...cliEnv(session.workDir), ...session.env },
        timeout: CLI_TIMEOUT_MS,
        maxBuffer: OUTPUT_CHARS_MAX * 16,
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`cashline ${args.join(' ')} failed (${error.code ?? error.signal}): ${stderr || stdout}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/** GETs an API path with the session's token and returns the parsed JSON. */
export async function apiGet(session, apiPath) {
  const url = new URL(session.server.url);
  const response = await fetch(`${url.origin}${apiPath}`, {
    headers: { Authorization: `Bearer ${url.searchParams.get('token')}` },
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${apiPath}: ${text}`);
  return JSON.parse(text);
}

export async function withScreenshotOnFailure(page, name, body) {
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

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

function ledgerPath(dir) {
  return path.join(dir, 'ledger.sqlite');
}

/** What the server and the CLI of one ledger share: its keystore and its log folder. */
function cliEnv(dir) {
  return {
    CASHLINE_KEYSTORE: `file:${path.join(dir, 'keystore')}`,
    CASHLINE_HOME: path.join(dir, 'home'),
  };
}

/** Starts `cashline serve` on a free port and resolves once it has printed its URL. */
function startServe(dir, env = {}) {
  const child = spawn(CASHLINE_BIN, ['--db', ledgerPath(dir), 'serve', '--port', '0'], {
    cwd: dir,
    env: {
      ...process.env,
      CASHLINE_USER: 'e2e',
      ...cliEnv(dir),
      RUST_BACKTRACE: '1',
      ...env,
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
  await stopChild(child, SERVE_STOP_TIMEOUT_MS);
}

/**
 * Starts `cashline bank-sim` with `args` (e.g. `['--auto-consent']`) on a free port, in the
 * session's environment (so a frozen `CASHLINE_NOW` holds the bank's clock too). Returns
 * `{ child, url, setFaults(spec) }`; stop it with `stopBankSim`.
 */
export function startBankSim(session, args = []) {
  const child = spawn(CASHLINE_BIN, ['bank-sim', '--port', '0', ...args], {
    cwd: session.workDir,
    env: { ...process.env, ...session.env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cashline bank-sim printed no URL within ${SERVE_START_TIMEOUT_MS} ms`));
    }, SERVE_START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`cashline bank-sim exited (${code}) before printing its URL`)));
    child.stdout.on('data', (chunk) => {
      text += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(text);
      if (!match) return;
      clearTimeout(timer);
      const url = match[0];
      resolve({
        child,
        url,
        async setFaults(spec) {
          const response = await fetch(`${url}/sim/faults`, { method: 'POST', body: spec });
          assert.ok(response.ok, `${response.status}: ${await response.text()}`);
        },
      });
    });
  });
}

export async function stopBankSim(sim) {
  await stopServe(sim?.child);
}

// ---------------------------------------------------------------------------------------------
// A real Tryton.

/** `CASHLINE_TRYTON_SKIP=1` skips the Tryton tests on purpose; without it a missing Tryton fails them. */
export const TRYTON_SKIP = Boolean(process.env.CASHLINE_TRYTON_SKIP);
/** Tryton's admin login in the seeded template (scripts/tryton/ensure). */
export const TRYTON_USER = 'admin';
export const TRYTON_PASSWORD = 'admin';
/** The first run installs trytond from PyPI and seeds the template: minutes, not seconds. */
const TRYTON_ENSURE_TIMEOUT_MS = 15 * 60_000;
/** trytond loads every database's modules before it listens: seconds here, more on a loaded machine. */
const TRYTON_START_TIMEOUT_MS = 120_000;
const TRYTON_STOP_TIMEOUT_MS = 5_000;

/**
 * Starts a trytond serving a fresh copy of the seeded template as database `database`, on a
 * free port of 127.0.0.1, and resolves once it listens. Returns `{ child, url, port, database,
 * dir, log() }`, or null (with a note) when CASHLINE_TRYTON_SKIP is set; without Python or
 * PyPI it rejects and says why. `stopTryton` stops it (an ERP gone away, mid-test);
 * `removeTryton` stops it and removes its folder.
 */
export async function startTryton({ database = 'cashline' } = {}) {
  if (TRYTON_SKIP) {
    console.log('NOTE: CASHLINE_TRYTON_SKIP is set: the Tryton tests are skipped');
    return null;
  }
  const template = await ensureTryton();
  const dir = await mkdtemp(path.join(tmpdir(), 'cashline-e2e-tryton-'));
  try {
    await copyFile(template, path.join(dir, `${database}.sqlite`));
    const port = await freePort();
    const logPath = path.join(dir, 'trytond.log');
    const log = openSync(logPath, 'w');
    let child;
    try {
      // Without -d the server would load the database's modules on its first request, and
      // trytond 8.2 answers that first login with an error: it is named up front.
      child = spawn(path.join(REPO_ROOT, 'target/tryton/venv/bin/trytond'), ['-d', database], {
        cwd: dir,
        env: {
          ...process.env,
          TRYTOND_DATABASE__URI: 'sqlite://',
          TRYTOND_DATABASE__PATH: dir,
          TRYTOND_WEB__LISTEN: `127.0.0.1:${port}`,
        },
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    process.once('exit', () => child.kill('SIGKILL'));
    const tryton = { child, url: `http://127.0.0.1:${port}`, port, database, dir, log: () => readLog(logPath), spawnError: null };
    child.once('error', (error) => {
      tryton.spawnError = error;
    });
    try {
      await waitListening(tryton);
    } catch (error) {
      await stopChild(child, TRYTON_STOP_TIMEOUT_MS);
      throw error;
    }
    return tryton;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Stops a Tryton from `startTryton` (what a crash of the ERP looks like to Cashline); again is a no-op. */
export async function stopTryton(tryton) {
  if (!tryton) return;
  await stopChild(tryton.child, TRYTON_STOP_TIMEOUT_MS);
}

/** Stops the Tryton and removes its folder. */
export async function removeTryton(tryton) {
  if (!tryton) return;
  try {
    await stopTryton(tryton);
  } finally {
    await rm(tryton.dir, { recursive: true, force: true });
  }
}

/** Runs scripts/tryton/ensure (idempotent) and resolves with the template database's path, its last line. */
function ensureTryton() {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [path.join(REPO_ROOT, 'scripts/tryton/ensure')],
      { cwd: REPO_ROOT, timeout: TRYTON_ENSURE_TIMEOUT_MS, maxBuffer: OUTPUT_CHARS_MAX * 16 },
      (error, stdout, stderr) => {
        const template = stdout.trim().split('\n').pop() ?? '';
        if (error || !template.endsWith('.sqlite') || !existsSync(template)) {
          reject(
            new Error(
              `scripts/tryton/ensure could not make Tryton ready (set CASHLINE_TRYTON_SKIP=1 to skip the Tryton tests on purpose): ${
                error ? (error.code ?? error.signal) : `no template at '${template}'`
              }\n${stderr.slice(-OUTPUT_CHARS_MAX)}`,
            ),
          );
        } else {
          resolve(template);
        }
      },
    );
  });
}

/** A port nothing listens on now (the OS's choice). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitListening(tryton) {
  const deadline = Date.now() + TRYTON_START_TIMEOUT_MS;
  for (;;) {
    if (tryton.spawnError) throw new Error(`trytond cannot be started: ${tryton.spawnError.message}`);
    if (tryton.child.exitCode !== null || tryton.child.signalCode !== null) {
      throw new Error(`trytond stopped before it listened (${tryton.child.exitCode ?? tryton.child.signalCode}):\n${tryton.log()}`);
    }
    if (await canConnect(tryton.port)) return;
    if (Date.now() > deadline) throw new Error(`trytond did not listen within ${TRYTON_START_TIMEOUT_MS / 1000} s:\n${tryton.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readLog(file) {
  try {
    return readFileSync(file, 'utf8').slice(-OUTPUT_CHARS_MAX) || '(no output)';
  } catch {
    return '(no log)';
  }
}

/** SIGTERM, then SIGKILL if the child has not exited in time. */
async function stopChild(child, timeoutMs) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
