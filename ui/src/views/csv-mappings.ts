//! The CSV mappings screen: the saved mappings, and a form that builds one from a sample file read in the window (nothing is uploaded until the mapping is saved).

import { fetchCsvMappings, removeCsvMapping, saveCsvMapping, type CsvMapping, type CsvMappingDefinition } from '../api';
import {
  DATE_FORMAT_PRESETS,
  DELIMITERS,
  guessDateFormat,
  guessDelimiter,
  guessSeparators,
  guessSkipRows,
  headerColumns,
  joinHeader,
  parseRecords,
  previewRows,
  readSample,
  SAMPLE_RECORDS_MAX,
  type PreviewCell,
  type Sample,
} from '../csv';
import { h, replaceChildren } from '../dom';
import { formatMoney, isNegative, plural } from '../format';
import { findUpload, retryWithMapping } from '../uploads';
import { errorBox, type View } from './view';

/** Data rows shown in the sample and result previews. */
const PREVIEW_ROWS_MAX = 8;
/** Rows before the header shown (greyed) in the sample preview. */
const PREAMBLE_ROWS_SHOWN_MAX = 6;
/** The most rows a person may skip before or after the data; more is a mistake, not a bank. */
const SKIP_ROWS_MAX = 200;
/** The engine's limit on a mapping name. */
const NAME_CHARS_MAX = 64;
const OTHER_FORMAT = 'other';

/** An upload the Import screen asked a mapping for; taken by the next mount. */
let pendingUploadId: number | null = null;

/** Opens this screen with the form prefilled from a file the Import screen could not read. */
export function mapFileOfUpload(uploadId: number): void {
  pendingUploadId = uploadId;
  location.hash = '#/csv-mappings';
}

export const csvMappingsView: View = {
  title: 'CSV mappings',
  mount(container, alive) {
    const listStatus = h('div', { class: 'status', 'aria-live': 'polite' });
    const listBody = h('div', {});
    const form = new MappingForm(alive, () => void loadList());

    replaceChildren(
      container,
      h(
        'div',
        { class: 'page-head' },
        h(
          'div',
          {},
          h('h1', {}, 'CSV mappings'),
          h(
            'p',
            { class: 'subtitle' },
            'A mapping tells Cashline how one bank lays out its CSV export. A file whose header row matches a saved mapping is imported with it.',
          ),
        ),
      ),
      h('section', { class: 'card' }, h('h2', {}, 'Saved mappings'), listStatus, listBody),
      form.element,
    );

    async function loadList(): Promise<void> {
      listStatus.textContent = 'Loading mappings…';
      let mappings: CsvMapping[];
      try {
        mappings = await fetchCsvMappings();
      } catch (error) {
        if (!alive()) return;
        replaceChildren(listStatus, errorBox(error));
        return;
      }
      if (!alive()) return;
      listStatus.textContent = '';
      drawList(listBody, mappings, form, () => void loadList());
    }

    const fromUpload = pendingUploadId;
    pendingUploadId = null;
    const upload = fromUpload === null ? null : findUpload(fromUpload);
    if (upload?.file) void form.loadSample(upload.file, upload.id);
    void loadList();
  },
};

// ---------------------------------------------------------------------------------------------
// The list.

function drawList(target: HTMLElement, mappings: CsvMapping[], form: MappingForm, reload: () => void): void {
  if (mappings.length === 0) {
    replaceChildren(target, h('p', { class: 'muted', 'data-testid': 'csv-mappings-empty' }, 'No CSV mappings saved yet. Create one below from a sample of the bank’s export.'));
    return;
  }
  const rows = mappings.map((mapping) => {
    const edit = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'csv-mapping-edit' }, 'Edit');
    const remove = h('button', { type: 'button', class: 'button subtle danger', 'data-testid': 'csv-mapping-remove' }, 'Remove');
    const actions = h('td', { class: 'actions' }, edit, remove);
    const rowStatus = h('div', {});
    const row = h(
      'tr',
      { 'data-testid': 'csv-mapping-row', 'data-name': mapping.name },
      h('td', { 'data-field': 'name' }, h('strong', {}, mapping.name)),
      h('td', { 'data-field': 'header', class: 'mono wrap header-text' }, ...breakableHeader(mapping.header, mapping.definition.delimiter)),
      h('td', { 'data-field': 'summary', class: 'wrap muted' }, summarize(mapping.definition), rowStatus),
      actions,
    );
    edit.addEventListener('click', () => form.loadDefinition(mapping.definition));
    // Two steps, in place: the desktop webviews do not all show window.confirm().
    remove.addEventListener('click', () => {
      const confirm = h('button', { type: 'button', class: 'button danger-solid', 'data-testid': 'csv-mapping-remove-confirm' }, `Remove “${mapping.name}”`);
      const cancel = h('button', { type: 'button', class: 'button subtle' }, 'Cancel');
      replaceChildren(actions, confirm, cancel);
      cancel.addEventListener('click', () => replaceChildren(actions, edit, remove));
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          await removeCsvMapping(mapping.name);
          reload();
        } catch (error) {
          replaceChildren(rowStatus, errorBox(error));
          replaceChildren(actions, edit, remove);
        }
      });
      confirm.focus();
    });
    return row;
  });
  replaceChildren(
    target,
    h(
      'table',
      { class: 'data', 'data-testid': 'csv-mappings-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col' }, 'Header row'),
          h('th', { scope: 'col' }, 'Reads'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

/** The header text with line-break chances after each delimiter, so a long header wraps between columns. */
function breakableHeader(header: string, delimiter: string): (string | HTMLElement)[] {
  const parts = header.split(delimiter);
  return parts.flatMap((part, i) => (i < parts.length - 1 ? [`${part}${delimiter}`, h('wbr', {})] : [part]));
}

function summarize(d: CsvMappingDefinition): string {
  const parts = [`date “${d.date_column}” as ${d.date_format}`];
  if (d.amount_column) parts.push(`amount “${d.amount_column}”`);
  else parts.push(`debit “${d.debit_column ?? '—'}”, credit “${d.credit_column ?? '—'}”`);
  if (d.debit_credit_column) parts.push(`“${d.debit_credit_column}” = ${d.debit_marker ?? '?'} marks a debit`);
  if (d.negate) parts.push('signs flipped');
  parts.push(d.currency_column ? `currency “${d.currency_column}”${d.currency ? ` (else ${d.currency})` : ''}` : (d.currency ?? ''));
  parts.push(d.account ? `account ${maskAccount(d.account)}` : `account “${d.account_column ?? '—'}”`);
  if (d.skip_rows > 0) parts.push(`${plural(d.skip_rows, 'row', 'rows')} skipped`);
  return parts.filter((p) => p !== '').join(' · ');
}

function maskAccount(account: string): string {
  return account.length <= 4 ? account : `…${account.slice(-4)}`;
}

// ---------------------------------------------------------------------------------------------
// The form.

type ColumnRole =
  | 'date'
  | 'value_date'
  | 'amount'
  | 'debit'
  | 'credit'
  | 'debit_credit'
  | 'currency'
  | 'account'
  | 'bank_ref'
  | 'counterparty'
  | 'counterparty_iban'
  | 'balance';

const ROLE_LABELS: Record<ColumnRole | 'remittance', string> = {
  date: 'Date',
  value_date: 'Value date',
  amount: 'Amount',
  debit: 'Debit',
  credit: 'Credit',
  debit_credit: 'D/C',
  currency: 'Currency',
  account: 'Account',
  bank_ref: 'Bank ref',
  counterparty: 'Counterparty',
  counterparty_iban: 'Cpty IBAN',
  balance: 'Balance',
  remittance: 'Remittance',
};

/** Header words that suggest a role; used only to prefill a fresh form, the person decides. */
const ROLE_GUESSES: [ColumnRole | 'remittance', RegExp][] = [
  ['value_date', /valu|wertstellung|value date/i],
  ['date', /^(booking date|date|datum|buchungstag|buchungsdatum|transaction date|posting date|fecha|date op[eé]ration)$|date|datum/i],
  ['amount', /^(amount|betrag|montant|importe|umsatz|amount \(\w+\))$/i],
  ['debit', /^(debit|soll|withdrawals?|d[eé]bit|paid out|money out)$/i],
  ['credit', /^(credit|haben|deposits?|cr[eé]dit|paid in|money in)$/i],
  ['balance', /balance|saldo|solde/i],
  ['currency', /^(currency|w[aä]hrung|waehrung|devise|ccy|cur)$/i],
  ['counterparty_iban', /iban/i],
  ['counterparty', /counterparty|payee|payer|beneficiary|partner|empf[aä]nger|auftraggeber/i],
  ['remittance', /text|description|memo|purpose|verwendungszweck|label|libell[eé]|details?|narrative|reference|referenz/i],
];

class MappingForm {
  readonly element: HTMLElement;

  private readonly alive: () => boolean;
  private readonly onSaved: () => void;

  private sample: Sample | null = null;
  /** When editing a saved mapping without a sample: its header text stands in for the file. */
  private savedHeader: string | null = null;
  private editing: string | null = null;
  private sourceUploadId: number | null = null;
  private records: string[][] = [];
  private headerIndex = 0;
  private columns: string[] = [];
  /** The sample holds the whole file, so footer rows can be previewed as left out. */
  private complete = false;
  private dateFormatTouched = false;
  private separatorsTouched = false;

  private readonly title = h('h2', {}, 'New mapping');
  private readonly sampleInput = h('input', { type: 'file', accept: '.csv,.txt,.tsv,text/csv,text/plain', class: 'visually-hidden', id: 'csv-sample-input', 'data-testid': 'csv-sample-input' });
  private readonly sampleInfo = h('p', { class: 'muted', 'data-testid': 'csv-sample-info' }, 'Choose a CSV export from the bank. Its first lines are read here, in the window; nothing is uploaded until you save.');
  private readonly delimiter = h('select', { id: 'csv-delimiter', class: 'select', 'data-testid': 'csv-delimiter' }, ...DELIMITERS.map((d) => h('option', { value: d.value }, d.label)));
  private readonly skipRows = h('input', { type: 'number', id: 'csv-skip-rows', class: 'input narrow', min: 0, max: SKIP_ROWS_MAX, value: '0', 'data-testid': 'csv-skip-rows' });
  private readonly footerRows = h('input', { type: 'number', id: 'csv-footer-rows', class: 'input narrow', min: 0, max: SKIP_ROWS_MAX, value: '0', 'data-testid': 'csv-footer-rows' });
  private readonly samplePreview = h('div', { class: 'table-scroll sample-preview', 'data-testid': 'csv-preview' });

  private readonly roles: Record<ColumnRole, HTMLSelectElement>;
  private readonly amountSingle = h('input', { type: 'radio', name: 'csv-amount-mode', value: 'single', checked: true, 'data-testid': 'csv-amount-mode-single' });
  private readonly amountSplit = h('input', { type: 'radio', name: 'csv-amount-mode', value: 'split', 'data-testid': 'csv-amount-mode-split' });
  private readonly accountFixedMode = h('input', { type: 'radio', name: 'csv-account-mode', value: 'fixed', checked: true, 'data-testid': 'csv-account-mode-fixed' });
  private readonly accountColumnMode = h('input', { type: 'radio', name: 'csv-account-mode', value: 'column', 'data-testid': 'csv-account-mode-column' });
  private readonly dateFormat = h(
    'select',
    { id: 'csv-date-format', class: 'select', 'data-testid': 'csv-date-format' },
    ...DATE_FORMAT_PRESETS.map((p) => h('option', { value: p.format }, `${p.format}   (${p.example})`)),
    h('option', { value: OTHER_FORMAT }, 'Other…'),
  );
  private readonly dateFormatOther = h('input', { type: 'text', id: 'csv-date-format-other', class: 'input mono', placeholder: '%d %b %Y', spellcheck: false, 'aria-label': 'Date format (chrono)', 'data-testid': 'csv-date-format-other' });
  private readonly debitMarker = h('input', { type: 'text', id: 'csv-debit-marker', class: 'input narrow', placeholder: 'D', spellcheck: false, 'data-testid': 'csv-debit-marker' });
  private readonly negate = h('input', { type: 'checkbox', id: 'csv-negate', 'data-testid': 'csv-negate' });
  private readonly decimal = h(
    'select',
    { id: 'csv-decimal', class: 'select', 'data-testid': 'csv-decimal' },
    h('option', { value: '.' }, 'Point  1234.56'),
    h('option', { value: ',' }, 'Comma  1234,56'),
  );
  private readonly thousands = h(
    'select',
    { id: 'csv-thousands', class: 'select', 'data-testid': 'csv-thousands' },
    h('option', { value: '' }, 'None  1234'),
    h('option', { value: ',' }, 'Comma  1,234'),
    h('option', { value: '.' }, 'Point  1.234'),
    h('option', { value: ' ' }, 'Space  1 234'),
    h('option', { value: "'" }, 'Apostrophe  1’234'),
  );
  private readonly currencyFixed = h('input', { type: 'text', id: 'csv-currency-fixed', class: 'input narrow mono', maxlength: 3, placeholder: 'EUR', spellcheck: false, autocomplete: 'off', 'data-testid': 'csv-currency-fixed' });
  private readonly accountFixed = h('input', { type: 'text', id: 'csv-account-fixed', class: 'input mono', placeholder: 'IBAN or account number', spellcheck: false, autocomplete: 'off', 'data-testid': 'csv-account-fixed' });
  private readonly remittance = h('div', { class: 'checks', id: 'csv-remittance', 'data-testid': 'csv-remittance' });
  private readonly resultPreview = h('div', { class: 'table-scroll', 'data-testid': 'csv-mapping-preview' });
  private readonly name = h('input', { type: 'text', id: 'csv-mapping-name', class: 'input', maxlength: NAME_CHARS_MAX, placeholder: 'e.g. demo-bank-giro', spellcheck: false, autocomplete: 'off', 'data-testid': 'csv-mapping-name' });
  private readonly save = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'csv-mapping-save' }, 'Save mapping');
  private readonly status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'csv-mapping-status' });

  private readonly singleFields: HTMLElement;
  private readonly splitFields: HTMLElement;
  private readonly accountFixedField: HTMLElement;
  private readonly accountColumnField: HTMLElement;

  constructor(alive: () => boolean, onSaved: () => void) {
    this.alive = alive;
    this.onSaved = onSaved;
    const select = (role: ColumnRole, empty: string): HTMLSelectElement =>
      h('select', { id: `csv-role-${role}`, class: 'select', 'data-testid': `csv-role-${role.replace(/_/g, '-')}`, 'data-empty': empty });
    this.roles = {
      date: select('date', 'Choose…'),
      value_date: select('value_date', 'None (same as the date)'),
      amount: select('amount', 'Choose…'),
      debit: select('debit', 'None'),
      credit: select('credit', 'None'),
      debit_credit: select('debit_credit', 'None'),
      currency: select('currency', 'None'),
      account: select('account', 'Choose…'),
      bank_ref: select('bank_ref', 'None'),
      counterparty: select('counterparty', 'None'),
      counterparty_iban: select('counterparty_iban', 'None'),
      balance: select('balance', 'None'),
    };

    const choose = h('button', { type: 'button', class: 'button' }, 'Choose a sample CSV file…');
    choose.addEventListener('click', () => this.sampleInput.click());
    this.sampleInput.addEventListener('change', () => {
      const file = this.sampleInput.files?.[0];
      this.sampleInput.value = '';
      if (file) void this.loadSample(file, null);
    });
    const startOver = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'csv-mapping-reset' }, 'Start over');
    startOver.addEventListener('click', () => this.reset());

    this.singleFields = field('csv-role-amount', 'Amount column', this.roles.amount, 'Signed: debits are negative.');
    this.splitFields = h(
      'div',
      { class: 'field-pair' },
      field('csv-role-debit', 'Debit column', this.roles.debit),
      field('csv-role-credit', 'Credit column', this.roles.credit),
    );
    this.accountFixedField = field('csv-account-fixed', 'Account', this.accountFixed, 'Every row belongs to this account (IBAN where there is one).');
    this.accountColumnField = field('csv-role-account', 'Account column', this.roles.account);

    const form = h(
      'form',
      { class: 'card mapping-form', 'data-testid': 'csv-mapping-form', novalidate: true },
      h('div', { class: 'section-head' }, this.title, startOver),
      h(
        'div',
        { class: 'form-step' },
        h('h3', {}, '1 · Sample file'),
        h('div', { class: 'sample-row' }, choose, this.sampleInput, this.sampleInfo),
        h(
          'div',
          { class: 'inline-fields' },
          field('csv-delimiter', 'Delimiter', this.delimiter),
          field('csv-skip-rows', 'Rows before the header', this.skipRows),
          field('csv-footer-rows', 'Rows after the last entry', this.footerRows, 'Totals and the like, left unread.'),
        ),
        this.samplePreview,
      ),
      h(
        'div',
        { class: 'form-step' },
        h('h3', {}, '2 · Columns'),
        h(
          'div',
          { class: 'fieldsets' },
          h(
            'fieldset',
            {},
            h('legend', {}, 'Dates'),
            field('csv-role-date', 'Booking date column', this.roles.date),
            field('csv-date-format', 'Date format', h('div', { class: 'field-pair tight' }, this.dateFormat, this.dateFormatOther), 'chrono syntax: %d day, %m month, %Y year, %y two-digit year, %b month name.'),
            field('csv-role-value_date', 'Value date column', this.roles.value_date),
          ),
          h(
            'fieldset',
            {},
            h('legend', {}, 'Amount'),
            h('div', { class: 'choices', role: 'radiogroup', 'aria-label': 'Amount columns' }, choice(this.amountSingle, 'One signed amount column'), choice(this.amountSplit, 'Separate debit and credit columns')),
            this.singleFields,
            this.splitFields,
            h(
              'div',
              { class: 'field-pair' },
              field('csv-role-debit_credit', 'Debit/credit marker column', this.roles.debit_credit, 'For unsigned amounts.'),
              field('csv-debit-marker', 'Text marking a debit', this.debitMarker),
            ),
            h(
              'div',
              { class: 'field-pair' },
              field('csv-decimal', 'Decimal separator', this.decimal),
              field('csv-thousands', 'Thousands separator', this.thousands),
            ),
            h('label', { class: 'choice' }, this.negate, ' Flip every sign (card exports that show spending as positive)'),
          ),
          h(
            'fieldset',
            {},
            h('legend', {}, 'Account and currency'),
            h('div', { class: 'choices', role: 'radiogroup', 'aria-label': 'Account' }, choice(this.accountFixedMode, 'One account for the whole file'), choice(this.accountColumnMode, 'A column names the account')),
            this.accountFixedField,
            this.accountColumnField,
            h(
              'div',
              { class: 'field-pair' },
              field('csv-currency-fixed', 'Currency', this.currencyFixed, 'ISO code for every row…'),
              field('csv-role-currency', 'Currency column', this.roles.currency, '…or where the column is empty.'),
            ),
          ),
          h(
            'fieldset',
            {},
            h('legend', {}, 'Details'),
            h(
              'div',
              { class: 'field-pair' },
              field('csv-role-counterparty', 'Counterparty', this.roles.counterparty),
              field('csv-role-counterparty_iban', 'Counterparty IBAN', this.roles.counterparty_iban),
            ),
            h(
              'div',
              { class: 'field-pair' },
              field('csv-role-bank_ref', 'Bank reference', this.roles.bank_ref, 'The bank’s own id for the entry.'),
              field('csv-role-balance', 'Running balance', this.roles.balance, 'Gives the closing balance.'),
            ),
            h('div', { class: 'field' }, h('span', { class: 'label', id: 'csv-remittance-label' }, 'Remittance columns'), this.remittance),
          ),
        ),
      ),
      h('div', { class: 'form-step' }, h('h3', {}, '3 · Check what Cashline will read'), this.resultPreview),
      h(
        'div',
        { class: 'form-footer' },
        field('csv-mapping-name', 'Mapping name', this.name),
        this.save,
        this.status,
      ),
    );
    this.remittance.setAttribute('aria-labelledby', 'csv-remittance-label');
    this.element = form;

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    // Any change redraws the previews; the ones that change the columns re-read the sample first.
    form.addEventListener('change', (event) => {
      const target = event.target;
      if (target === this.sampleInput) return;
      if (target === this.dateFormat || target === this.dateFormatOther) this.dateFormatTouched = true;
      if (target === this.decimal || target === this.thousands) this.separatorsTouched = true;
      if (target === this.delimiter || target === this.skipRows) this.restructure(false);
      else this.update();
    });
    form.addEventListener('input', (event) => {
      if (event.target === this.skipRows || event.target === this.delimiter) return;
      if (event.target instanceof HTMLInputElement && event.target.type === 'text') this.update();
    });
    this.restructure(false);
  }

  /** Reads a sample file and, for a new mapping, guesses what it can. */
  async loadSample(file: File, uploadId: number | null): Promise<void> {
    replaceChildren(this.status);
    this.sampleInfo.textContent = `Reading ${file.name}…`;
    let sample: Sample;
    try {
      sample = await readSample(file);
    } catch (error) {
      if (!this.alive()) return;
      this.sampleInfo.textContent = error instanceof Error ? error.message : `${file.name} could not be read.`;
      return;
    }
    if (!this.alive()) return;
    const fresh = this.editing === null;
    if (fresh) this.clearRoles();
    this.sample = sample;
    this.savedHeader = null;
    this.sourceUploadId = uploadId;
    if (fresh) {
      this.delimiter.value = guessDelimiter(sample.text);
      this.skipRows.value = String(guessSkipRows(parseRecords(sample.text, this.delimiter.value, SAMPLE_RECORDS_MAX)));
      if (this.name.value.trim() === '') this.name.value = suggestName(file.name);
    }
    this.restructure(fresh);
  }

  /** Fills the form from a saved mapping, to change it (saving under the same name replaces it). */
  loadDefinition(d: CsvMappingDefinition): void {
    this.reset();
    this.editing = d.name;
    this.title.textContent = `Edit mapping “${d.name}”`;
    this.savedHeader = d.header;
    this.delimiter.value = d.delimiter;
    this.skipRows.value = String(d.skip_rows);
    this.footerRows.value = String(d.footer_rows);
    this.restructure(false);
    const set = (role: ColumnRole, column: string | null): void => {
      this.roles[role].value = column ?? '';
    };
    set('date', d.date_column);
    set('value_date', d.value_date_column);
    set('amount', d.amount_column);
    set('debit', d.debit_column);
    set('credit', d.credit_column);
    set('debit_credit', d.debit_credit_column);
    set('currency', d.currency_column);
    set('account', d.account_column);
    set('bank_ref', d.bank_ref_column);
    set('counterparty', d.counterparty_column);
    set('counterparty_iban', d.counterparty_iban_column);
    set('balance', d.balance_column);
    this.amountSingle.checked = d.amount_column !== null;
    this.amountSplit.checked = d.amount_column === null;
    this.accountFixedMode.checked = d.account !== null;
    this.accountColumnMode.checked = d.account === null;
    this.accountFixed.value = d.account ?? '';
    this.currencyFixed.value = d.currency ?? '';
    this.debitMarker.value = d.debit_marker ?? '';
    this.negate.checked = d.negate;
    this.decimal.value = d.decimal_separator;
    this.thousands.value = d.thousands_separator ?? '';
    const preset = DATE_FORMAT_PRESETS.some((p) => p.format === d.date_format);
    this.dateFormat.value = preset ? d.date_format : OTHER_FORMAT;
    this.dateFormatOther.value = preset ? '' : d.date_format;
    for (const box of Array.from(this.remittance.querySelectorAll<HTMLInputElement>('input[type="checkbox"]'))) {
      box.checked = d.remittance_columns.includes(box.value);
    }
    this.name.value = d.name;
    this.dateFormatTouched = true;
    this.separatorsTouched = true;
    this.update();
    this.element.scrollIntoView({ block: 'start' });
  }

  private reset(): void {
    this.sample = null;
    this.savedHeader = null;
    this.editing = null;
    this.sourceUploadId = null;
    this.title.textContent = 'New mapping';
    this.sampleInfo.textContent = 'Choose a CSV export from the bank. Its first lines are read here, in the window; nothing is uploaded until you save.';
    this.delimiter.value = ',';
    this.skipRows.value = '0';
    this.footerRows.value = '0';
    this.clearRoles();
    this.name.value = '';
    replaceChildren(this.status);
    this.restructure(false);
  }

  private clearRoles(): void {
    for (const select of Object.values(this.roles)) select.value = '';
    for (const box of Array.from(this.remittance.querySelectorAll<HTMLInputElement>('input'))) box.checked = false;
    this.amountSingle.checked = true;
    this.accountFixedMode.checked = true;
    this.accountFixed.value = '';
    this.currencyFixed.value = '';
    this.debitMarker.value = '';
    this.negate.checked = false;
    this.decimal.value = '.';
    this.thousands.value = '';
    this.dateFormat.value = DATE_FORMAT_PRESETS[0]?.format ?? OTHER_FORMAT;
    this.dateFormatOther.value = '';
    this.dateFormatTouched = false;
    this.separatorsTouched = false;
  }

  /** Re-reads the sample with the delimiter and rows to skip, refills the column choices, and redraws. */
  private restructure(guess: boolean): void {
    const delimiter = this.delimiter.value;
    const skip = clampCount(this.skipRows.value);
    if (this.sample) {
      const limit = skip + 1 + Math.max(PREVIEW_ROWS_MAX, SAMPLE_RECORDS_MAX - skip - 1);
      this.records = parseRecords(this.sample.text, delimiter, limit);
      this.complete = !this.sample.truncated && this.records.length < limit;
      this.headerIndex = skip;
      this.sampleInfo.textContent = '';
      this.sampleInfo.append(
        h('strong', {}, this.sample.fileName),
        ` · the first ${plural(this.records.length, 'row', 'rows')} read in this window, nothing uploaded`,
      );
      if (this.sample.notUtf8) {
        this.sampleInfo.append(' ', h('span', { class: 'badge warn' }, 'Not UTF-8'), ' Column names with accents may not match; export as UTF-8 if the bank offers it.');
      }
    } else if (this.savedHeader !== null) {
      this.records = parseRecords(this.savedHeader, delimiter, 1);
      this.complete = false;
      this.headerIndex = 0;
      this.sampleInfo.textContent = 'Editing a saved mapping: choose a sample file to see a preview.';
    } else {
      this.records = [];
      this.complete = false;
      this.headerIndex = 0;
    }
    this.columns = headerColumns(this.records[this.headerIndex]);

    for (const select of Object.values(this.roles)) fillColumns(select, this.columns);
    const ticked = new Set(Array.from(this.remittance.querySelectorAll<HTMLInputElement>('input:checked')).map((b) => b.value));
    replaceChildren(
      this.remittance,
      ...(this.columns.length === 0
        ? [h('span', { class: 'muted' }, 'The columns appear once a sample is read.')]
        : this.columns
            .map((column, i) =>
              column === ''
                ? null
                : h(
                    'label',
                    { class: 'check' },
                    h('input', { type: 'checkbox', value: column, checked: ticked.has(column), 'data-testid': 'csv-remittance-column', 'data-column': column, id: `csv-remittance-${i}` }),
                    ` ${column}`,
                  ),
            )
            .filter((label): label is HTMLLabelElement => label !== null)),
    );
    if (guess) this.guess();
    this.update();
  }

  private columnValues(column: string): string[] {
    const at = this.records[this.headerIndex]?.findIndex((c) => c.trim() === column) ?? -1;
    if (at < 0) return [];
    return this.records.slice(this.headerIndex + 1).map((r) => (r[at] ?? '').trim());
  }

  /** Prefills roles from header words and formats from sample values, where nothing is chosen yet. */
  private guess(): void {
    const taken = new Set<string>();
    const remittance: string[] = [];
    for (const [role, pattern] of ROLE_GUESSES) {
      const matches = this.columns.filter((c) => c !== '' && !taken.has(c) && pattern.test(c));
      if (role === 'remittance') {
        remittance.push(...matches);
        continue;
      }
      const column = matches[0];
      if (column === undefined || this.roles[role].value !== '') continue;
      this.roles[role].value = column;
      taken.add(column);
    }
    for (const box of Array.from(this.remittance.querySelectorAll<HTMLInputElement>('input'))) {
      if (remittance.includes(box.value)) box.checked = true;
    }
    if (this.roles.amount.value === '' && (this.roles.debit.value !== '' || this.roles.credit.value !== '')) {
      this.amountSplit.checked = true;
    }
    // Many banks name the account in the rows above the header.
    if (this.accountFixed.value === '') {
      const iban = this.records
        .slice(0, this.headerIndex)
        .flat()
        .map((f) => f.replace(/\s+/g, '').toUpperCase())
        .find((f) => /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(f));
      if (iban) this.accountFixed.value = iban;
    }
    if (!this.dateFormatTouched && this.roles.date.value !== '') {
      const format = guessDateFormat(this.columnValues(this.roles.date.value));
      if (format) this.dateFormat.value = format;
    }
    if (!this.separatorsTouched) {
      const amountColumns = [this.roles.amount, this.roles.debit, this.roles.credit, this.roles.balance].map((s) => s.value).filter((c) => c !== '');
      if (amountColumns.length > 0) {
        const { decimal, thousands } = guessSeparators(amountColumns.flatMap((c) => this.columnValues(c)));
        this.decimal.value = decimal;
        this.thousands.value = thousands ?? '';
      }
    }
  }

  /** The definition as the form stands; checked by the engine on save. */
  private definition(): CsvMappingDefinition {
    const column = (role: ColumnRole): string | null => (this.roles[role].value === '' ? null : this.roles[role].value);
    const single = this.amountSingle.checked;
    const fixedAccount = this.accountFixedMode.checked;
    const debitCredit = column('debit_credit');
    const marker = this.debitMarker.value.trim();
    const ticked = new Set(Array.from(this.remittance.querySelectorAll<HTMLInputElement>('input:checked')).map((b) => b.value));
    return {
      name: this.name.value.trim(),
      header: joinHeader(this.columns, this.delimiter.value),
      delimiter: this.delimiter.value,
      skip_rows: clampCount(this.skipRows.value),
      footer_rows: clampCount(this.footerRows.value),
      account: fixedAccount ? this.accountFixed.value.replace(/\s+/g, '') || null : null,
      account_column: fixedAccount ? null : column('account'),
      currency: this.currencyFixed.value.trim().toUpperCase() || null,
      currency_column: column('currency'),
      date_column: column('date') ?? '',
      date_format: this.dateFormat.value === OTHER_FORMAT ? this.dateFormatOther.value.trim() : this.dateFormat.value,
      value_date_column: column('value_date'),
      amount_column: single ? column('amount') : null,
      debit_column: single ? null : column('debit'),
      credit_column: single ? null : column('credit'),
      debit_credit_column: debitCredit,
      debit_marker: debitCredit === null ? null : marker || null,
      negate: this.negate.checked,
      decimal_separator: this.decimal.value,
      thousands_separator: this.thousands.value === '' ? null : this.thousands.value,
      bank_ref_column: column('bank_ref'),
      counterparty_column: column('counterparty'),
      counterparty_iban_column: column('counterparty_iban'),
      // In the order of the file, as the engine joins them.
      remittance_columns: this.columns.filter((c, i) => ticked.has(c) && this.columns.indexOf(c) === i),
      balance_column: column('balance'),
    };
  }

  /** Shows and hides the fields that depend on a choice, and redraws both previews. */
  private update(): void {
    const single = this.amountSingle.checked;
    this.singleFields.hidden = !single;
    this.splitFields.hidden = single;
    this.accountFixedField.hidden = !this.accountFixedMode.checked;
    this.accountColumnField.hidden = this.accountFixedMode.checked;
    this.dateFormatOther.hidden = this.dateFormat.value !== OTHER_FORMAT;
    this.debitMarker.disabled = this.roles.debit_credit.value === '';
    if (this.roles.debit_credit.value !== '' && this.debitMarker.value === '') {
      // Suggest the marker from the sample: the first value seen beside a "D" or "S" style code.
      const values = new Set(this.columnValues(this.roles.debit_credit.value).filter((v) => v !== ''));
      const suggestion = ['D', 'DR', 'Debit', 'S', 'Soll', '-'].find((m) => Array.from(values).some((v) => v.toLowerCase() === m.toLowerCase()));
      this.debitMarker.placeholder = suggestion ?? 'D';
    }
    const d = this.definition();
    this.drawSamplePreview(d);
    this.drawResultPreview(d);
  }

  private drawSamplePreview(d: CsvMappingDefinition): void {
    if (this.records.length === 0) {
      replaceChildren(this.samplePreview);
      return;
    }
    const rolesOf = new Map<string, string[]>();
    const tag = (column: string | null, role: ColumnRole | 'remittance'): void => {
      if (column === null || column === '') return;
      rolesOf.set(column, [...(rolesOf.get(column) ?? []), ROLE_LABELS[role]]);
    };
    tag(d.date_column, 'date');
    tag(d.value_date_column, 'value_date');
    tag(d.amount_column, 'amount');
    tag(d.debit_column, 'debit');
    tag(d.credit_column, 'credit');
    tag(d.debit_credit_column, 'debit_credit');
    tag(d.currency_column, 'currency');
    tag(d.account_column, 'account');
    tag(d.bank_ref_column, 'bank_ref');
    tag(d.counterparty_column, 'counterparty');
    tag(d.counterparty_iban_column, 'counterparty_iban');
    tag(d.balance_column, 'balance');
    for (const column of d.remittance_columns) tag(column, 'remittance');

    const header = this.records[this.headerIndex] ?? [];
    const width = Math.max(header.length, ...this.records.slice(this.headerIndex, this.headerIndex + 1 + PREVIEW_ROWS_MAX).map((r) => r.length));
    const preamble = this.records.slice(Math.max(0, this.headerIndex - PREAMBLE_ROWS_SHOWN_MAX), this.headerIndex);
    const data = this.records.slice(this.headerIndex + 1, this.headerIndex + 1 + PREVIEW_ROWS_MAX);
    const cells = (record: string[]): HTMLTableCellElement[] =>
      Array.from({ length: width }, (_, i) => h('td', {}, record[i] ?? ''));

    const rows: HTMLTableRowElement[] = [
      ...preamble.map((record) => h('tr', { class: 'skipped' }, h('th', { scope: 'row', class: 'line' }, 'skipped'), ...cells(record))),
      h(
        'tr',
        { class: 'header-row', 'data-testid': 'csv-header-row' },
        h('th', { scope: 'row', class: 'line' }, 'header'),
        ...Array.from({ length: width }, (_, i) => {
          const name = (header[i] ?? '').trim();
          return h(
            'th',
            { scope: 'col', 'data-testid': 'csv-column', 'data-column': name },
            name === '' ? h('span', { class: 'muted' }, '(no name)') : name,
            ...(rolesOf.get(name) ?? []).map((role) => h('span', { class: 'role-tag' }, role)),
          );
        }),
      ),
      ...data.map((record, i) => h('tr', {}, h('th', { scope: 'row', class: 'line' }, String(i + 1)), ...cells(record))),
    ];
    const note = this.sample ? null : h('p', { class: 'muted' }, 'Header of the saved mapping; no sample rows.');
    replaceChildren(this.samplePreview, h('table', { class: 'data compact' }, h('tbody', {}, ...rows)), note);
  }

  private drawResultPreview(d: CsvMappingDefinition): void {
    if (!this.sample) {
      replaceChildren(this.resultPreview, h('p', { class: 'muted' }, 'Choose a sample file to see the entries this mapping reads from it.'));
      return;
    }
    if (d.date_column === '') {
      replaceChildren(this.resultPreview, h('p', { class: 'muted' }, 'Choose at least the date and amount columns to see what Cashline will read.'));
      return;
    }
    const rows = previewRows(this.records, this.headerIndex, d, this.complete, PREVIEW_ROWS_MAX);
    if (rows.length === 0) {
      replaceChildren(this.resultPreview, h('p', { class: 'muted' }, 'The sample has no rows after the header.'));
      return;
    }
    const problems = rows.filter((r) => [r.date, r.value_date, r.amount, r.currency, r.account, r.balance].some((c) => c.error !== null)).length;
    const cell = (field: string, c: PreviewCell, kind: 'text' | 'money' | 'account' = 'text'): HTMLTableCellElement => {
      if (c.error !== null) {
        return h('td', { 'data-field': field, class: 'cell-error wrap', title: c.error }, c.text === '' ? '' : `${c.text} — `, c.error);
      }
      if (kind === 'money' && c.text !== '') {
        return h('td', { 'data-field': field, 'data-value': c.text, class: isNegative(c.text) ? 'num negative' : 'num' }, formatMoney(c.text));
      }
      const shown = kind === 'account' ? maskAccount(c.text) : c.text;
      return h('td', { 'data-field': field, class: c.unchecked ? 'muted' : kind === 'money' ? 'num' : 'wrap', title: c.unchecked ? 'This format is checked when a file is imported.' : null }, shown);
    };
    replaceChildren(
      this.resultPreview,
      h(
        'p',
        { class: problems > 0 ? 'preview-note error-text' : 'preview-note muted', 'data-testid': 'csv-mapping-preview-note', 'data-problems': problems },
        problems > 0
          ? `${plural(problems, 'row', 'rows')} of the sample would not be read: the import would fail until the mapping reads them.`
          : `The first ${plural(rows.length, 'row', 'rows')} of the sample read cleanly. Amounts are shown as Cashline will store them.`,
      ),
      h(
        'table',
        { class: 'data compact' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Row', 'Date', 'Value date', 'Amount', 'Ccy', 'Account', 'Counterparty', 'Remittance', 'Bank ref', 'Balance'].map((label, i) =>
              h('th', { scope: 'col', class: i === 0 || i === 3 || i === 9 ? 'num' : null }, label),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              { 'data-testid': 'csv-preview-row', class: 'preview-row' },
              h('td', { class: 'num muted' }, String(r.record - this.headerIndex - 1)),
              cell('date', r.date),
              cell('value_date', r.value_date),
              cell('amount', r.amount, 'money'),
              cell('currency', r.currency),
              cell('account', r.account, 'account'),
              cell('counterparty', r.counterparty),
              cell('remittance', r.remittance),
              cell('bank_ref', r.bank_ref),
              cell('balance', r.balance, 'money'),
            ),
          ),
        ),
      ),
    );
  }

  private async submit(): Promise<void> {
    const d = this.definition();
    const local =
      this.columns.length === 0
        ? 'Choose a sample CSV file first, so the mapping knows the header row.'
        : d.date_column === ''
          ? 'Choose the column that holds the booking date.'
          : d.date_format === ''
            ? 'Give the date format, e.g. %d.%m.%Y.'
            : null;
    if (local) {
      replaceChildren(this.status, h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'incomplete' }, local));
      return;
    }
    this.save.disabled = true;
    replaceChildren(this.status, h('span', { class: 'muted' }, 'Saving…'));
    try {
      const saved = await saveCsvMapping(d);
      if (!this.alive()) return;
      this.editing = saved.name;
      this.title.textContent = `Edit mapping “${saved.name}”`;
      const upload = this.sourceUploadId === null ? null : findUpload(this.sourceUploadId);
      let importNow: HTMLButtonElement | null = null;
      if (upload?.file) {
        importNow = h('button', { type: 'button', class: 'button primary', 'data-testid': 'csv-mapping-import-sample' }, `Import ${upload.name} with it now`);
        const uploadId = upload.id;
        importNow.addEventListener('click', () => {
          retryWithMapping(uploadId, saved.name);
          location.hash = '#/import';
        });
      }
      replaceChildren(
        this.status,
        h(
          'div',
          { class: 'notice ok', role: 'status', 'data-testid': 'csv-mapping-saved', 'data-name': saved.name },
          `Saved “${saved.name}”. Files with this header row are now imported with it.`,
          importNow ? ' ' : null,
          importNow,
        ),
      );
      this.onSaved();
    } catch (error) {
      if (!this.alive()) return;
      replaceChildren(this.status, errorBox(error));
    } finally {
      this.save.disabled = false;
    }
  }
}

function field(id: string, label: string, control: HTMLElement, hint: string | null = null): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint' }, hint) : null);
}

function choice(input: HTMLInputElement, label: string): HTMLLabelElement {
  return h('label', { class: 'choice' }, input, ` ${label}`);
}

/** Replaces a select's column options, keeping the chosen column when it is still there. */
function fillColumns(select: HTMLSelectElement, columns: string[]): void {
  const kept = select.value;
  select.replaceChildren(
    h('option', { value: '' }, select.dataset.empty ?? '—'),
    ...columns.map((column, i) =>
      column === '' ? h('option', { value: '', disabled: true }, `(column ${i + 1} has no name)`) : h('option', { value: column }, column),
    ),
  );
  select.value = kept !== '' && columns.includes(kept) ? kept : '';
}

function clampCount(text: string): number {
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) ? Math.min(SKIP_ROWS_MAX, Math.max(0, value)) : 0;
}

/** "Umsätze Giro 2026-11.csv" → "umsatze-giro"; a starting point the person can change. */
function suggestName(fileName: string): string {
  const base = fileName.replace(/\.[^.]+$/, '');
  const slug = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, NAME_CHARS_MAX) || 'bank-csv';
}
