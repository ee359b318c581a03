//! Matching by hand on the Reconciliation screen: unmatched bank entries on the left, open items and payments on the right, the selected sums and their difference live, driven by the keyboard.
//
// Each side is a multi-select listbox that takes the focus (Tab and Shift+Tab move between
// them in page order, so the keyboard is never trapped); the row under the cursor is its
// `aria-activedescendant`. The sums are exact (../money): they are what the person has chosen
// and not yet sent, and the engine checks the same difference again when the match is made.

import { DIFFERENCE_KINDS, fetchWorkbench, matchByHand, type DifferenceKind, type ReconLine, type ReconWorkbench } from '../api';
import { h, replaceChildren } from '../dom';
import { formatMoney, humanize, plural } from '../format';
import { isZeroAmount, subtractAmounts, sumAmounts } from '../money';
import { amountText, lineNote } from './recon-match';
import { errorBox } from './view';

/** Rows drawn per side at most; narrow with the search field to reach the others. */
const ROWS_SHOWN_MAX = 500;
/** Rows PageUp and PageDown move by. */
const PAGE_ROWS = 10;
/** A search typed into the find field, at most. */
const FIND_CHARS_MAX = 200;

type SideName = 'entries' | 'items';

interface Side {
  name: SideName;
  lines: ReconLine[];
  /** Indices into `lines` that pass the search, in order, at most ROWS_SHOWN_MAX. */
  shown: number[];
  /** How many pass the search in all. */
  matching: number;
  /** Position in `shown` of the row under the cursor. */
  cursor: number;
  /** Indices into `lines`. */
  selected: Set<number>;
  list: HTMLElement;
  rows: HTMLElement[];
}

export interface Workbench {
  element: HTMLElement;
  /** Reads both sides again; the selection is cleared. */
  reload: () => Promise<void>;
}

/** The card; `onMatched` is told after each match so the rest of the screen can reload. */
export function workbenchCard(alive: () => boolean, onMatched: () => void): Workbench {
  const find = h('input', {
    type: 'search',
    id: 'recon-find',
    class: 'input',
    placeholder: 'Counterparty, reference, amount…',
    maxlength: FIND_CHARS_MAX,
    autocomplete: 'off',
    spellcheck: false,
    'data-testid': 'recon-find',
  });
  const kind = h(
    'select',
    { id: 'recon-difference-kind', class: 'select', 'data-testid': 'recon-difference-kind' },
    h('option', { value: '' }, 'No difference'),
    ...DIFFERENCE_KINDS.map((k) => h('option', { value: k }, humanize(k))),
  );
  const matchButton = h('button', { type: 'button', class: 'button primary', 'data-testid': 'recon-match-selected', disabled: true }, 'Match selection');
  const clearButton = h('button', { type: 'button', class: 'button', 'data-testid': 'recon-clear-selection', disabled: true }, 'Clear selection');
  const sumEntries = h('span', { class: 'sum-value', 'data-testid': 'recon-sum-entries' });
  const sumItems = h('span', { class: 'sum-value', 'data-testid': 'recon-sum-items' });
  const difference = h('span', { class: 'sum-value', 'data-testid': 'recon-difference' });
  const hiddenNote = h('span', { class: 'muted' });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'recon-manual-status' });
  const loading = h('div', { class: 'status' }, 'Loading what is left to match…');

  const side = (name: SideName, label: string): Side => ({
    name,
    lines: [],
    shown: [],
    matching: 0,
    cursor: 0,
    selected: new Set(),
    list: h('div', {
      class: 'line-list',
      role: 'listbox',
      tabindex: 0,
      'aria-multiselectable': 'true',
      'aria-label': label,
      'data-testid': `recon-${name}`,
      'data-side': name,
    }),
    rows: [],
  });
  const entries = side('entries', 'Bank entries not matched');
  const items = side('items', 'Open items and payments');
  const heads = {
    entries: h('h3', { 'data-testid': 'recon-entries-count' }),
    items: h('h3', { 'data-testid': 'recon-items-count' }),
  };
  let busy = false;

  const element = h(
    'section',
    { class: 'card workbench', 'data-testid': 'recon-workbench', 'aria-labelledby': 'recon-workbench-title' },
    h(
      'div',
      { class: 'section-head' },
      h('h2', { id: 'recon-workbench-title' }, 'Match by hand'),
      h('div', { class: 'toolbar' }, h('label', { for: 'recon-find' }, 'Find'), find),
    ),
    h(
      'p',
      { class: 'shortcuts', 'data-testid': 'recon-shortcuts' },
      key('↑'), key('↓'), ' move · ', key('Tab'), ' or ', key('←'), key('→'), ' switch side · ', key('Space'), ' select · ',
      key('Enter'), ' match · ', key('F'), ' match with the difference as a fee · ', key('Esc'), ' clear',
    ),
    loading,
    h(
      'div',
      { class: 'workbench-sides' },
      h('div', { class: 'workbench-side' }, heads.entries, entries.list),
      h('div', { class: 'workbench-side' }, heads.items, items.list),
    ),
    h(
      'div',
      { class: 'workbench-totals', 'data-testid': 'recon-totals' },
      h('div', {}, h('span', { class: 'label' }, 'Entries selected'), sumEntries),
      h('div', {}, h('span', { class: 'label' }, 'Items selected'), sumItems),
      h('div', {}, h('span', { class: 'label' }, 'Difference'), difference),
      h(
        'div',
        { class: 'workbench-actions' },
        h('label', { for: 'recon-difference-kind' }, 'Book a difference as'),
        kind,
        matchButton,
        clearButton,
      ),
    ),
    hiddenNote,
    status,
  );

  // -------------------------------------------------------------------------------------------
  // Drawing.

  const search = (): string => find.value.trim().toLowerCase();

  function passes(line: ReconLine, query: string): boolean {
    if (query === '') return true;
    return [line.id, line.counterparty, line.reference, line.remittance, line.amount, formatMoney(line.amount), line.date, line.kind]
      .some((t) => t !== null && t.toLowerCase().includes(query));
  }

  function drawSide(s: Side): void {
    const query = search();
    const passing = s.lines.flatMap((line, index) => (passes(line, query) ? [index] : []));
    s.matching = passing.length;
    s.shown = passing.slice(0, ROWS_SHOWN_MAX);
    s.cursor = Math.min(s.cursor, Math.max(0, s.shown.length - 1));
    s.rows = s.shown.map((index) => lineRow(s, index));
    const total = s.lines.length;
    heads[s.name].textContent =
      s.name === 'entries'
        ? `Bank entries not matched (${query ? `${s.matching} of ${total}` : total})`
        : `Open items and payments (${query ? `${s.matching} of ${total}` : total})`;
    if (s.rows.length === 0) {
      replaceChildren(
        s.list,
        h('p', { class: 'line-empty' }, total === 0 ? (s.name === 'entries' ? 'Every entry is matched.' : 'No open item or payment is left.') : 'Nothing matches the search.'),
      );
    } else {
      replaceChildren(
        s.list,
        ...s.rows,
        s.matching > ROWS_SHOWN_MAX ? h('p', { class: 'line-empty' }, `Showing ${ROWS_SHOWN_MAX} of ${s.matching}; narrow the search to see the others.`) : null,
      );
    }
    markCursor(s);
  }

  function lineRow(s: Side, index: number): HTMLElement {
    const line = s.lines[index] as ReconLine;
    const row = h(
      'div',
      {
        id: `recon-${s.name}-${index}`,
        class: 'line-row',
        role: 'option',
        'aria-selected': String(s.selected.has(index)),
        'data-testid': 'recon-line',
        'data-side': s.name,
        'data-id': line.id,
        'data-kind': line.kind,
        'data-amount': line.amount,
        'data-currency': line.currency,
      },
      h('span', { class: 'line-check', 'aria-hidden': 'true' }),
      h('span', { class: 'line-date num' }, line.date ?? '—'),
      h('span', { class: 'line-party' }, line.counterparty ?? '—', h('span', { class: 'sub' }, lineNote(line))),
      h('span', { class: 'line-amount' }, amountText(line.amount, line.currency)),
    );
    if (line.open !== line.amount) row.title = `${formatMoney(line.open)} ${line.currency} still open`;
    row.addEventListener('click', () => {
      s.cursor = s.shown.indexOf(index);
      toggle(s, index);
      s.list.focus();
      markCursor(s);
    });
    return row;
  }

  function markCursor(s: Side): void {
    s.rows.forEach((row, position) => row.classList.toggle('cursor', position === s.cursor));
    const current = s.rows[s.cursor];
    if (current) {
      s.list.setAttribute('aria-activedescendant', current.id);
      // Only the list being worked in follows its cursor; a reload must not scroll the page.
      if (document.activeElement === s.list) current.scrollIntoView({ block: 'nearest' });
    } else {
      s.list.removeAttribute('aria-activedescendant');
    }
  }

  function toggle(s: Side, index: number): void {
    if (s.selected.has(index)) s.selected.delete(index);
    else s.selected.add(index);
    const row = s.rows[s.shown.indexOf(index)];
    row?.setAttribute('aria-selected', String(s.selected.has(index)));
    drawTotals();
  }

  function clearSelection(): void {
    for (const s of [entries, items]) {
      s.selected.clear();
      for (const row of s.rows) row.setAttribute('aria-selected', 'false');
    }
    drawTotals();
  }

  function selectedLines(s: Side): ReconLine[] {
    return [...s.selected].sort((a, b) => a - b).map((i) => s.lines[i] as ReconLine);
  }

  /** The exact sum per currency of the selected lines of one side. */
  function sums(lines: ReconLine[]): Map<string, string> {
    const byCurrency = new Map<string, string[]>();
    for (const l of lines) byCurrency.set(l.currency, [...(byCurrency.get(l.currency) ?? []), l.amount]);
    return new Map([...byCurrency].map(([c, amounts]) => [c, sumAmounts(amounts)]));
  }

  function sumText(target: HTMLElement, lines: ReconLine[], one: string, many: string): Map<string, string> {
    const totals = sums(lines);
    target.dataset.count = String(lines.length);
    if (lines.length === 0) {
      target.dataset.value = '';
      replaceChildren(target, h('span', { class: 'muted' }, 'none'));
      return totals;
    }
    target.dataset.value = totals.size === 1 ? [...totals.values()][0] : '';
    const parts = [...totals].flatMap(([c, amount], i) => [i > 0 ? ' + ' : '', amountText(amount, c)]);
    replaceChildren(target, ...parts, h('span', { class: 'muted' }, ` (${plural(lines.length, one, many)})`));
    return totals;
  }

  function drawTotals(): void {
    const left = selectedLines(entries);
    const right = selectedLines(items);
    const a = sumText(sumEntries, left, 'entry', 'entries');
    const b = sumText(sumItems, right, 'line', 'lines');
    difference.className = 'sum-value';
    if (left.length === 0 || right.length === 0) {
      difference.dataset.value = '';
      replaceChildren(difference, h('span', { class: 'muted' }, '—'));
    } else if (a.size !== 1 || b.size !== 1 || [...a.keys()][0] !== [...b.keys()][0]) {
      difference.dataset.value = '';
      difference.classList.add('warn-text');
      replaceChildren(difference, 'The lines are in different currencies: one match takes one currency.');
    } else {
      const currency = [...a.keys()][0] as string;
      const value = subtractAmounts([...a.values()][0] as string, [...b.values()][0] as string);
      difference.dataset.value = value;
      if (isZeroAmount(value)) {
        difference.classList.add('ok-text');
        replaceChildren(difference, `0 — the sides agree`);
      } else {
        difference.classList.add('warn-text');
        replaceChildren(difference, amountText(value, currency), h('span', { class: 'muted' }, ' entries less items'));
      }
    }
    const hidden = [entries, items].reduce((n, s) => n + [...s.selected].filter((i) => !s.shown.includes(i)).length, 0);
    hiddenNote.textContent = hidden > 0 ? `${plural(hidden, 'selected line is', 'selected lines are')} hidden by the search and still counted.` : '';
    const any = left.length + right.length > 0;
    matchButton.disabled = busy || left.length === 0 || right.length === 0;
    clearButton.disabled = busy || !any;
  }

  function draw(workbench: ReconWorkbench): void {
    entries.lines = workbench.entries;
    items.lines = workbench.items;
    for (const s of [entries, items]) {
      s.selected.clear();
      s.cursor = Math.min(s.cursor, Math.max(0, s.lines.length - 1));
      drawSide(s);
    }
    drawTotals();
  }

  // -------------------------------------------------------------------------------------------
  // Matching.

  async function submit(differenceKind: DifferenceKind | null): Promise<void> {
    if (busy) return;
    const left = selectedLines(entries);
    const right = selectedLines(items);
    if (left.length === 0 || right.length === 0) {
      replaceChildren(
        status,
        h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'incomplete' }, 'Select at least one entry on the left and one item or payment on the right (Space selects).'),
      );
      return;
    }
    const accounts = new Set(left.map((l) => l.account).filter((a): a is string => a !== null));
    busy = true;
    drawTotals();
    replaceChildren(status, h('span', { class: 'muted' }, 'Matching…'));
    try {
      const decision = await matchByHand({
        entries: left.map((l) => l.id),
        items: right.filter((l) => l.kind !== 'payment').map((l) => l.id),
        payments: right.filter((l) => l.kind === 'payment').map((l) => l.id),
        differenceKind,
        account: accounts.size === 1 ? ([...accounts][0] ?? null) : null,
      });
      if (!alive()) return;
      replaceChildren(
        status,
        h(
          'div',
          { class: 'notice ok', role: 'status', 'data-testid': 'recon-matched', 'data-id': decision.id },
          `Matched ${plural(left.length, 'entry', 'entries')} to ${sidePhrase(right)}${differenceKind ? `, the difference booked as ${humanize(differenceKind).toLowerCase()}` : ''}: match ${decision.id}, ${humanize(decision.state).toLowerCase()}.`,
        ),
      );
      busy = false;
      await reload();
      onMatched();
    } catch (error) {
      if (!alive()) return;
      replaceChildren(status, errorBox(error));
    } finally {
      busy = false;
      if (alive()) drawTotals();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Keys.

  function move(s: Side, to: number): void {
    if (s.rows.length === 0) return;
    s.cursor = Math.max(0, Math.min(s.rows.length - 1, to));
    markCursor(s);
  }

  for (const s of [entries, items]) {
    s.list.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      switch (event.key) {
        case 'ArrowDown':
          move(s, s.cursor + 1);
          break;
        case 'ArrowUp':
          move(s, s.cursor - 1);
          break;
        case 'PageDown':
          move(s, s.cursor + PAGE_ROWS);
          break;
        case 'PageUp':
          move(s, s.cursor - PAGE_ROWS);
          break;
        case 'Home':
          move(s, 0);
          break;
        case 'End':
          move(s, s.rows.length - 1);
          break;
        case 'ArrowLeft':
          entries.list.focus();
          break;
        case 'ArrowRight':
          items.list.focus();
          break;
        case ' ': {
          const index = s.shown[s.cursor];
          if (index !== undefined) toggle(s, index);
          break;
        }
        case 'Enter':
          void submit((kind.value || null) as DifferenceKind | null);
          break;
        case 'f':
        case 'F':
          void submit('fee');
          break;
        case 'Escape':
          clearSelection();
          break;
        default:
          return;
      }
      event.preventDefault();
    });
    s.list.addEventListener('focus', () => {
      element.dataset.side = s.name;
      markCursor(s);
    });
  }

  find.addEventListener('input', () => {
    drawSide(entries);
    drawSide(items);
    drawTotals();
  });
  // Enter in the search field goes to the lists: the search is done, the choosing begins.
  find.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      entries.list.focus();
    }
  });
  matchButton.addEventListener('click', () => void submit((kind.value || null) as DifferenceKind | null));
  clearButton.addEventListener('click', clearSelection);

  let requested = 0;
  async function reload(): Promise<void> {
    requested += 1;
    const mine = requested;
    const focused = [entries, items].find((s) => s.list === document.activeElement);
    loading.hidden = false;
    replaceChildren(loading, 'Loading what is left to match…');
    let workbench: ReconWorkbench;
    try {
      workbench = await fetchWorkbench();
    } catch (error) {
      if (!alive() || mine !== requested) return;
      replaceChildren(loading, errorBox(error));
      return;
    }
    if (!alive() || mine !== requested) return;
    loading.hidden = true;
    draw(workbench);
    element.dataset.loaded = String(mine);
    // The person keeps typing where they were.
    focused?.list.focus();
  }

  drawTotals();
  return { element, reload };
}

/** "2 items", "1 payment", "2 items and 1 payment". */
function sidePhrase(lines: ReconLine[]): string {
  const payments = lines.filter((l) => l.kind === 'payment').length;
  const items = lines.length - payments;
  return [items > 0 ? plural(items, 'item', 'items') : null, payments > 0 ? plural(payments, 'payment', 'payments') : null].filter(Boolean).join(' and ');
}

function key(name: string): HTMLElement {
  return h('kbd', {}, name);
}
