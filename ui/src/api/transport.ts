//! The one way to Cashline: `call(command, request)`, by Tauri `invoke` in the desktop window or over HTTP to `cashline serve`.
//
// Only the command modules beside this file call it; views never do: they see typed functions,
// never `invoke`, `fetch`, the token or a URL. Both hosts run the same commands with the same
// snake_case request objects (the generated request types), so adding a command is one row in
// ROUTES below, not a method per transport. The answer comes back undecoded: decoding is the
// command module's job.

import { invoke } from '@tauri-apps/api/core';

import { isRecord } from './decode';
import { ApiError, malformed } from './error';

// ---------------------------------------------------------------------------------------------
// Limits.

/** Reads answer quickly; past this the UI says so instead of spinning forever. */
export const READ_TIMEOUT_MS = 30_000;
/** An import parses and writes a whole file in one transaction, so it gets longer. */
export const IMPORT_TIMEOUT_MS = 120_000;
/**
 * A call to a bank waits for it, and retries a slow or failing one with backoff (four tries of
 * up to 30 s each); a call to an ERP waits for its server's answers as long.
 */
export const BANK_TIMEOUT_MS = 300_000;

// ---------------------------------------------------------------------------------------------
// The command table.

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Route {
  method: Method;
  /** Under `/api`; each `{field}` is taken out of the request and written into the path. */
  path: string;
  /** What the answer is: JSON (the default), text, binary, or nothing (204). */
  answer?: 'json' | 'text' | 'blob' | 'none';
  /** The Accept header over HTTP, where the answer is not JSON. */
  accept?: string;
  /**
   * In the desktop window the path fields are arguments of their own and the rest, if any, is
   * `request` (`account_update` takes `{ account, request }`); otherwise the whole request is
   * `request`, path fields included (`chart` takes `{ request: { chart, … } }`).
   */
  splitArgs?: true;
  /** The desktop window has no such command (it cannot rasterise a chart). */
  httpOnly?: true;
  /**
   * A raw-body upload: these request fields travel as percent-encoded headers in the desktop
   * window (field → header name) and in the query string over HTTP.
   */
  upload?: Readonly<Record<string, string>>;
  /** A call that waits for a bank or an ERP server: it gets BANK_TIMEOUT_MS instead of READ_TIMEOUT_MS. */
  bank?: true;
  /**
   * A login: over HTTP its answer is `{ token, session }`, and the token then acts for every
   * later call of this tab; the answer given back is the session alone, as in the desktop
   * window (which keeps who is working itself).
   */
  session?: true;
}

const ROUTES = {
  // treasury
  positions: { method: 'GET', path: '/positions' },
  forecast: { method: 'GET', path: '/forecast' },
  history: { method: 'GET', path: '/history' },
  intraday: { method: 'GET', path: '/intraday' },
  entries: { method: 'GET', path: '/entries' },
  chart: { method: 'GET', path: '/charts/{chart}.svg', answer: 'text', accept: 'image/svg+xml' },
  chart_png: { method: 'GET', path: '/charts/{chart}.png', answer: 'blob', accept: 'image/png', httpOnly: true },
  // import
  import_file: { method: 'POST', path: '/import', upload: { file: 'x-file-name', csv_mapping: 'x-csv-mapping' } },
  csv_mappings: { method: 'GET', path: '/csv-mappings' },
  csv_mapping_save: { method: 'POST', path: '/csv-mappings' },
  csv_mapping_remove: { method: 'DELETE', path: '/csv-mappings/{name}', answer: 'none', splitArgs: true },
  // exceptions
  exceptions: { method: 'GET', path: '/exceptions' },
  exception_detail: { method: 'GET', path: '/exceptions/detail' },
  exceptions_assign: { method: 'POST', path: '/exceptions/assign' },
  exception_comment: { method: 'POST', path: '/exceptions/comment' },
  exceptions_resolve: { method: 'POST', path: '/exceptions/resolve' },
  audit_verify: { method: 'GET', path: '/audit/verify' },
  // reference
  calendar: { method: 'GET', path: '/calendar' },
  entities: { method: 'GET', path: '/entities' },
  entity_save: { method: 'POST', path: '/entities' },
  accounts: { method: 'GET', path: '/accounts' },
  account_update: { method: 'PUT', path: '/accounts/{account}', splitArgs: true },
  fx_rates: { method: 'GET', path: '/fx-rates' },
  fx_set: { method: 'POST', path: '/fx-rates' },
  reveal: { method: 'POST', path: '/reveal' },
  // payments
  open_items: { method: 'GET', path: '/open-items' },
  payments: { method: 'GET', path: '/payments' },
  payments_approve: { method: 'POST', path: '/payments/approve' },
  payment_show: { method: 'GET', path: '/payments/show' },
  payments_cancel: { method: 'POST', path: '/payments/cancel' },
  payment_runs: { method: 'GET', path: '/payments/runs' },
  payments_release: { method: 'POST', path: '/payments/release' },
  payments_export: { method: 'POST', path: '/payments/export' },
  payment_exports: { method: 'GET', path: '/payments/exports' },
  payment_export_document: { method: 'GET', path: '/payments/exports/document' },
  approval_limits: { method: 'GET', path: '/payments/limits' },
  approval_limit_set: { method: 'POST', path: '/payments/limits' },
  cutoffs: { method: 'GET', path: '/cutoffs' },
  cutoff_set: { method: 'POST', path: '/cutoffs' },
  // recon
  recon_run: { method: 'POST', path: '/recon/run' },
  recon_matches: { method: 'GET', path: '/recon/matches' },
  recon_confirm: { method: 'POST', path: '/recon/confirm' },
  recon_reject: { method: 'POST', path: '/recon/reject' },
  recon_undo: { method: 'POST', path: '/recon/undo' },
  recon_match: { method: 'POST', path: '/recon/match' },
  recon_workbench: { method: 'GET', path: '/recon/workbench' },
  recon_rules: { method: 'GET', path: '/recon/rules' },
  recon_rule_add: { method: 'POST', path: '/recon/rules' },
  recon_thresholds_set: { method: 'POST', path: '/recon/thresholds' },
  recon_rule_enable: { method: 'POST', path: '/recon/rules/enable' },
  recon_rule_disable: { method: 'POST', path: '/recon/rules/disable' },
  recon_rule_move: { method: 'POST', path: '/recon/rules/move' },
  recon_rule_remove: { method: 'POST', path: '/recon/rules/remove' },
  recon_learnt: { method: 'GET', path: '/recon/learnt' },
  recon_alias_remove: { method: 'POST', path: '/recon/aliases/remove' },
  recon_negative_remove: { method: 'POST', path: '/recon/negatives/remove' },
  recon_evaluate: { method: 'POST', path: '/recon/evaluate' },
  recon_summary: { method: 'GET', path: '/recon/summary' },
  // connections
  connections: { method: 'GET', path: '/connections' },
  connection_add: { method: 'POST', path: '/connections/add', bank: true },
  connection_renew: { method: 'POST', path: '/connections/renew', bank: true },
  connection_remove: { method: 'POST', path: '/connections/remove', bank: true },
  sync: { method: 'POST', path: '/sync', bank: true },
  payments_send: { method: 'POST', path: '/payments/send', bank: true },
  // erp: a sync is many calls to Tryton (a login, pages of items, payments, write-backs), each
  // allowed a minute, and adding one logs in first; removing one and the list stay local.
  erp_connections: { method: 'GET', path: '/erp' },
  erp_add: { method: 'POST', path: '/erp/add', bank: true },
  erp_remove: { method: 'POST', path: '/erp/remove' },
  erp_sync: { method: 'POST', path: '/erp/sync', bank: true },
  // settings
  settings: { method: 'GET', path: '/settings' },
  settings_save: { method: 'PUT', path: '/settings' },
  // db: the ledger file and its daily backup
  db: { method: 'GET', path: '/db' },
  db_auto_backup_save: { method: 'PUT', path: '/db/auto-backup' },
  db_backup_now: { method: 'POST', path: '/db/backup' },
  // users: who is working (a session of the local API, the window's user) and the ledger's users
  whoami: { method: 'GET', path: '/session' },
  login: { method: 'POST', path: '/session', session: true },
  users: { method: 'GET', path: '/users' },
  user_add: { method: 'POST', path: '/users' },
  user_change: { method: 'POST', path: '/users/change' },
  // audit
  audit_log: { method: 'GET', path: '/audit' },
  audit_export: { method: 'GET', path: '/audit/export', answer: 'text', accept: 'text/csv' },
} as const satisfies Record<string, Route>;

/** A command's name: the Tauri command, and the key of its HTTP route. */
export type Command = keyof typeof ROUTES;

/**
 * A generated request type as a screen fills it: an optional field may also be null or
 * undefined, meaning "not set". The transport leaves such fields out, so what is sent is the
 * generated type exactly.
 */
export type Loose<T> = Omit<T, OptionalKeys<T>> & { [K in OptionalKeys<T>]?: Exclude<T[K], undefined> | null | undefined };
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

export interface CallOptions {
  /** The body of an upload route, sent as it is. */
  body?: Blob;
  /** What is uploaded, for the messages ("… importing NAME"). */
  name?: string;
  /**
   * Told how far an upload is: a fraction from 0 to 1 of the bytes sent, 1 once all are sent
   * and the engine is reading them, or `null` when the host cannot tell (the desktop window).
   */
  onProgress?: (sentFraction: number | null) => void;
}

/** The request fields that are set: null and undefined are left out, "" is kept (it can mean "clear"). */
type Fields = Record<string, unknown>;

/**
 * Runs one command. `request` is the command's request object (snake_case, as the generated
 * types); leave it out for the commands that take none. Returns the raw answer.
 */
export function call(command: Command, request?: object, options: CallOptions = {}): Promise<unknown> {
  const route: Route = ROUTES[command];
  return host().call(command, route, request === undefined ? undefined : present(request), options);
}

/** Whether this host runs `command` (the desktop window has no PNG charts). */
export function available(command: Command): boolean {
  const route: Route = ROUTES[command];
  return host().kind === 'http' || route.httpOnly !== true;
}

/** Whether this is the desktop window, whose commands open the system browser themselves (a bank's approval page). */
export function inDesktopWindow(): boolean {
  return host().kind === 'tauri';
}

/**
 * Chooses the host; call once at start-up, before anything touches the URL, so the access
 * token is taken from `?token=` while it is still there.
 */
export function startApi(): void {
  host();
}

function present(request: object): Fields {
  const fields: Fields = {};
  for (const [key, value] of Object.entries(request)) {
    if (value !== null && value !== undefined) fields[key] = value;
  }
  return fields;
}

/** Splits the request into the fields named in the path and the rest. */
function pathFields(route: Route, command: Command, request: Fields): { path: string; params: Fields; rest: Fields } {
  const rest = { ...request };
  const params: Fields = {};
  const path = route.path.replace(/\{(\w+)\}/g, (_, field: string) => {
    const value = rest[field];
    if (value === undefined || value === '') throw new ApiError('bad_request', `The ${command} call needs ${field}.`);
    params[field] = value;
    delete rest[field];
    return encodeURIComponent(String(value));
  });
  return { path, params, rest };
}

// ---------------------------------------------------------------------------------------------
// Hosts.

interface Host {
  kind: 'tauri' | 'http';
  call(command: Command, route: Route, request: Fields | undefined, options: CallOptions): Promise<unknown>;
}

let chosen: Host | null = null;

function host(): Host {
  chosen ??= '__TAURI_INTERNALS__' in window ? tauriHost() : httpHost();
  return chosen;
}

function tauriHost(): Host {
  async function run(command: string, args?: Parameters<typeof invoke>[1], options?: Parameters<typeof invoke>[2]): Promise<unknown> {
    try {
      return await invoke<unknown>(command, args, options);
    } catch (error) {
      throw toApiError(error);
    }
  }

  return {
    kind: 'tauri',
    async call(command, route, request, options) {
      if (route.httpOnly) throw new ApiError('unsupported', `${command} is not available in the desktop window.`);
      if (route.upload) {
        // invoke() reports no progress: the screen shows that the engine is busy, not how far.
        options.onProgress?.(null);
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await (options.body ?? new Blob()).arrayBuffer());
        } catch {
          throw new ApiError('unreadable', `${options.name ?? 'The file'} could not be read from disk.`);
        }
        const headers: Record<string, string> = {};
        for (const [field, header] of Object.entries(route.upload)) {
          const value = request?.[field];
          if (value !== undefined) headers[header] = encodeURIComponent(String(value));
        }
        const raw = await run(command, bytes, { headers });
        // A raw-body command may hand back its JSON as text; accept both forms.
        return typeof raw === 'string' ? parseJson(raw) : raw;
      }
      if (request === undefined) return run(command);
      if (route.splitArgs) {
        const { params, rest } = pathFields(route, command, request);
        return run(command, Object.keys(rest).length > 0 ? { ...params, request: rest } : params);
      }
      return run(command, { request });
    },
  };
}

const TOKEN_KEY = 'cashline.token';

/**
 * Takes the access token from `?token=` once, keeps it in sessionStorage (it survives a reload
 * of this tab and nothing else), and removes it from the address bar so it is not copied along
 * with the URL.
 */
function accessToken(): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const query = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const SESSION_KEY = 'cashline.session';

const NO_TOKEN = 'No access token: open the link that `cashline serve` printed.';
const UNREACHABLE = 'Cashline cannot be reached: is `cashline serve` still running?';

function httpHost(): Host {
  // Read once at start-up, before the router rewrites the URL.
  const token = accessToken();
  // The session this tab logged in to, if any: it acts as that user. A server restarted since
  // has forgotten it, so a refusal of it falls back to the server's own token, once.
  let session = sessionStorage.getItem(SESSION_KEY);
  const bearer = (): string | null => session ?? token;
  const forgetSession = (): void => {
    session = null;
    sessionStorage.removeItem(SESSION_KEY);
  };

  async function request(path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    if (!token) throw new ApiError('unauthorized', NO_TOKEN);
    let response: Response;
    const send = (): Promise<Response> =>
      fetch(path, {
        ...init,
        cache: 'no-store',
        credentials: 'omit',
        headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${bearer() ?? ''}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
    try {
      response = await send();
      if (response.status === 401 && session !== null) {
        forgetSession();
        response = await send();
      }
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ApiError('timeout', `Cashline did not answer within ${timeoutMs / 1000} seconds.`);
      }
      throw new ApiError('unreachable', UNREACHABLE);
    }
    if (!response.ok) throw await httpError(response);
    return response;
  }

  /**
   * POSTs a file with XMLHttpRequest rather than fetch, because only XHR reports how many
   * bytes of a request body have been sent.
   */
  function upload(path: string, content: Blob, name: string, onProgress: (sentFraction: number | null) => void): Promise<unknown> {
    if (!token) return Promise.reject(new ApiError('unauthorized', NO_TOKEN));
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.responseType = 'text';
      xhr.timeout = IMPORT_TIMEOUT_MS;
      xhr.withCredentials = false;
      xhr.setRequestHeader('Authorization', `Bearer ${bearer() ?? ''}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      onProgress(content.size === 0 ? 1 : 0);
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(Math.min(1, event.loaded / event.total));
      });
      // Every byte is sent; what is left is the engine reading and writing the file.
      xhr.upload.addEventListener('load', () => onProgress(1));
      xhr.addEventListener('load', () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          try {
            resolve(parseJson(xhr.responseText));
          } catch (error) {
            reject(error);
          }
        } else {
          reject(errorFromHttp(xhr.status, xhr.responseText));
        }
      });
      xhr.addEventListener('timeout', () =>
        reject(new ApiError('timeout', `Cashline did not finish importing ${name} within ${IMPORT_TIMEOUT_MS / 1000} seconds.`)),
      );
      xhr.addEventListener('error', () => reject(new ApiError('unreachable', UNREACHABLE)));
      xhr.addEventListener('abort', () => reject(new ApiError('aborted', `The import of ${name} was stopped.`)));
      xhr.send(content);
    });
  }

  return {
    kind: 'http',
    async call(command, route, fields, options) {
      const { path, rest } = pathFields(route, command, fields ?? {});
      const url = `/api${path}`;
      if (route.upload) {
        return upload(`${url}${query(rest)}`, options.body ?? new Blob(), options.name ?? 'the file', options.onProgress ?? (() => undefined));
      }
      const answer = route.answer ?? 'json';
      const headers: Record<string, string> = { Accept: route.accept ?? 'application/json' };
      let init: RequestInit;
      let target = url;
      if (route.method === 'GET' || route.method === 'DELETE') {
        target = `${url}${query(rest)}`;
        init = { method: route.method, headers };
      } else {
        init = { method: route.method, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(rest) };
      }
      const response = await request(target, init, route.bank === true ? BANK_TIMEOUT_MS : READ_TIMEOUT_MS);
      if (route.session) {
        const started: unknown = parseJson(await response.text());
        if (!isRecord(started) || typeof started.token !== 'string' || started.token === '') throw malformed('the login answer has no session token');
        session = started.token;
        sessionStorage.setItem(SESSION_KEY, session);
        return started.session;
      }
      switch (answer) {
        case 'json':
          return parseJson(await response.text());
        case 'text':
          return response.text();
        case 'blob':
          return response.blob();
        case 'none':
          return null;
      }
    },
  };
}

/** `?a=1&b=x` of the fields that are set and not empty; numbers and booleans as text. */
function query(fields: Fields): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' ? value !== '' : typeof value === 'number' || typeof value === 'boolean') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// ---------------------------------------------------------------------------------------------
// Errors and JSON.

async function httpError(response: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // No body: the status alone makes the sentence.
  }
  return errorFromHttp(response.status, text);
}

function errorFromHttp(status: number, text: string): ApiError {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy, or something in front of `cashline serve`): a sentence from the status.
  }
  if (isErrorBody(body)) return new ApiError(body.code, body.message);
  if (status === 401) {
    return new ApiError('unauthorized', 'The access token was refused: open the link that `cashline serve` printed.');
  }
  // A plain-text line from something on the way is still worth showing.
  const line = text.trim().split('\n')[0] ?? '';
  if (status >= 400 && status < 500 && line.length > 0 && line.length <= 300) {
    return new ApiError(`http_${status}`, line);
  }
  return new ApiError(`http_${status}`, `Cashline answered with HTTP status ${status}.`);
}

function isErrorBody(value: unknown): value is { code: string; message: string } {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isErrorBody(error)) return new ApiError(error.code, error.message);
  if (typeof error === 'string') {
    // Some command errors arrive serialized; take the structured form where there is one.
    try {
      const parsed: unknown = JSON.parse(error);
      if (isErrorBody(parsed)) return new ApiError(parsed.code, parsed.message);
    } catch {
      // A plain sentence.
    }
    return new ApiError('error', error);
  }
  return new ApiError('error', 'The desktop engine reported an error without a message.');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw malformed('the answer is not JSON');
  }
}
