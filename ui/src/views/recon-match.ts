//! One reconciliation match as a card: its entry and item lines side by side, and why the engine proposed it (rule, confidence, evidence, difference, days apart, notes).

import { readExplanation, type ReconLine, type ReconMatch } from '../api';
import { h } from '../dom';
import { formatInstant, formatMoney, formatProbability, humanize, isNegative, plural } from '../format';
import { isZeroAmount } from '../money';
import { moneyCell } from './view';

/** What each evidence field means, in words; others are shown as their code. */
const EVIDENCE_FIELDS: Record<string, string> = {
  remittance: 'Remittance',
  amount: 'Amount',
  counterparty_iban: 'Counterparty IBAN',
  counterparty_alias: 'Counterparty (learnt alias)',
  counterparty_name: 'Counterparty name',
  value_date: 'Value date / due date',
  end_to_end_id: 'End-to-end id',
  creditor_reference: 'Creditor reference',
  reference: 'Reference',
  person: 'Matched by',
};

/** The built-in rules by name, in words; a custom rule is shown by its own name. */
const RULE_LABELS: Record<string, string> = {
  end_to_end_id: 'End-to-end id',
  creditor_reference: 'Creditor reference',
  invoice_number: 'Invoice number',
  iban_amount_date: 'IBAN, amount and date',
  amount_tolerance: 'Amount within tolerance',
  several_items: 'Several items',
  batch: 'Batch',
  manual: 'Matched by hand',
};

export function ruleLabel(name: string): string {
  return RULE_LABELS[name] ?? name;
}

/**
 * A card for `match` with the buttons in `actions` at its head. Every text from the engine
 * goes in as text.
 */
export function matchCard(match: ReconMatch, testid: string, actions: HTMLElement[]): HTMLElement {
  const explanation = readExplanation(match.explanation);
  const confidence = formatProbability(match.confidence);
  const ambiguous = explanation.notes.some((n) => n.startsWith('ambiguous'));
  return h(
    'article',
    {
      class: `match-card state-${match.state}${ambiguous ? ' ambiguous' : ''}`,
      'data-testid': testid,
      'data-id': match.id ?? '',
      'data-state': match.state,
      'data-rule': match.rule,
      'data-entries': match.entries.join(' '),
      'data-items': [...match.items, ...match.payments].join(' '),
    },
    h(
      'div',
      { class: 'match-head' },
      h(
        'div',
        { class: 'match-title' },
        h('span', { class: `badge match-state-${match.state}`, 'data-field': 'state' }, humanize(match.state)),
        h('span', { class: 'match-rule', 'data-field': 'rule', 'data-value': match.rule }, ruleLabel(match.rule)),
        h('span', { class: 'match-confidence', 'data-field': 'confidence', 'data-value': match.confidence, title: 'How sure the rule is' }, `confidence ${confidence}`),
        match.tentative ? h('span', { class: 'badge warn', title: 'An entry is not booked yet: the match holds once it is.' }, 'Tentative') : null,
        ambiguous ? h('span', { class: 'badge warn', 'data-testid': 'match-ambiguous' }, 'Ambiguous') : null,
      ),
      actions.length > 0 ? h('div', { class: 'match-actions' }, ...actions) : null,
    ),
    h(
      'div',
      { class: 'match-sides' },
      sideTable('Bank', match.entry_lines, match.entries, 'match-entry-lines'),
      sideTable('ERP', match.item_lines, [...match.items, ...match.payments], 'match-item-lines'),
    ),
    h(
      'div',
      { class: 'match-why' },
      h('p', { class: 'match-facts' }, ...facts(match, explanation.daysApart, explanation.madeBy)),
      explanation.evidence.length > 0
        ? h(
            'table',
            { class: 'data evidence', 'data-testid': 'match-evidence' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Evidence'), h('th', { scope: 'col' }, 'Entry says'), h('th', { scope: 'col' }, 'Item says'))),
            h(
              'tbody',
              {},
              ...explanation.evidence.map((e) =>
                h(
                  'tr',
                  { 'data-testid': 'evidence-row', 'data-field': e.field },
                  h('th', { scope: 'row' }, EVIDENCE_FIELDS[e.field] ?? humanize(e.field)),
                  h('td', { class: 'wrap mono', 'data-field': 'entry' }, e.entry),
                  h('td', { class: 'wrap mono', 'data-field': 'item' }, e.item),
                ),
              ),
            ),
          )
        : null,
      explanation.notes.length > 0
        ? h('ul', { class: 'match-notes', 'data-testid': 'match-notes' }, ...explanation.notes.map((n) => h('li', {}, n)))
        : null,
    ),
  );
}

function facts(match: ReconMatch, daysApart: number | null, madeBy: string | null): (HTMLElement | string)[] {
  const out: (HTMLElement | string)[] = [];
  const zero = isZeroAmount(match.difference);
  out.push(
    h(
      'span',
      { 'data-field': 'difference', 'data-value': match.difference, 'data-kind': match.difference_kind ?? '', class: zero ? null : 'warn-text' },
      zero
        ? 'No difference'
        : `Difference ${formatMoney(match.difference)} ${match.currency}${match.difference_kind ? ` booked as ${humanize(match.difference_kind).toLowerCase()}` : ''}`,
    ),
  );
  if (daysApart !== null) out.push(' · ', h('span', { 'data-field': 'days_apart', 'data-value': String(daysApart) }, `${plural(Math.abs(daysApart), 'day', 'days')} apart`));
  if (match.decided_by) {
    out.push(' · ', h('span', { 'data-field': 'decided_by' }, `${humanize(match.state)} by ${match.decided_by}${match.decided_at ? ` on ${formatInstant(match.decided_at)}` : ''}`));
  } else if (madeBy) {
    out.push(' · ', h('span', { class: 'muted', 'data-field': 'made_by' }, `Made by ${madeBy}`));
  }
  return out;
}

/** One side of a match: its lines in full, or their ids where the answer has no lines (a run's). */
function sideTable(side: 'Bank' | 'ERP', lines: ReconLine[], ids: string[], testid: string): HTMLElement {
  const title = side === 'Bank' ? plural(ids.length, 'bank entry', 'bank entries') : plural(ids.length, 'item', 'items');
  if (lines.length === 0) {
    return h('div', { class: 'match-side', 'data-testid': testid }, h('h3', {}, title), h('p', { class: 'mono' }, ids.join(', ')));
  }
  return h(
    'div',
    { class: 'match-side', 'data-testid': testid },
    h('h3', {}, title),
    h(
      'table',
      { class: 'data lines' },
      h(
        'tbody',
        {},
        ...lines.map((l) =>
          h(
            'tr',
            { 'data-testid': 'match-line', 'data-id': l.id, 'data-kind': l.kind },
            h('td', { class: 'num', 'data-field': 'date' }, l.date ?? '—'),
            h(
              'td',
              { class: 'wrap', 'data-field': 'counterparty' },
              l.counterparty ?? '—',
              h('span', { class: 'sub' }, lineNote(l)),
            ),
            moneyCell('amount', l.amount, l.open !== l.amount ? { title: `${formatMoney(l.open)} still open` } : {}),
            h('td', { 'data-field': 'currency', class: 'muted' }, l.currency),
          ),
        ),
      ),
    ),
  );
}

/** The smaller line under a counterparty: kind and id, then the reference or remittance. */
export function lineNote(l: ReconLine): string {
  const what = l.kind === 'entry' ? l.id : `${humanize(l.kind)} ${l.id}`;
  const says = [l.reference, l.remittance].filter((t): t is string => Boolean(t) && t !== l.id);
  return [what, ...says].join(' · ');
}

/** An amount with its currency, red when negative, for sentences and small totals. */
export function amountText(amount: string, currency: string): HTMLElement {
  return h('span', { class: isNegative(amount) ? 'negative' : null, 'data-value': amount }, `${formatMoney(amount)} ${currency}`);
}
