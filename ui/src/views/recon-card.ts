//! The reconciliation card on the Positions dashboard: the automation rate, open exceptions by age and what is unreconciled per currency, linking to the Reconciliation and Exceptions screens.

import { AGE_BUCKETS, fetchReconSummary, type ReconSummary } from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, formatProbability, plural } from '../format';
import { ageLabel, showExceptionsAged } from './exceptions';
import { errorBox, moneyCell } from './view';

export function reconCard(alive: () => boolean): HTMLElement {
  const body = h('div', { class: 'status' }, 'Loading reconciliation…');
  const card = h(
    'section',
    { class: 'card recon-card', 'data-testid': 'recon-card', 'aria-labelledby': 'recon-card-title' },
    h(
      'div',
      { class: 'section-head' },
      h('h2', { id: 'recon-card-title' }, 'Reconciliation'),
      h('a', { href: '#/recon', class: 'button subtle small', 'data-testid': 'recon-card-open' }, 'Open reconciliation'),
    ),
    body,
  );
  void (async () => {
    let summary: ReconSummary;
    try {
      summary = await fetchReconSummary();
    } catch (error) {
      if (alive()) replaceChildren(body, errorBox(error));
      return;
    }
    if (!alive()) return;
    body.className = 'recon-card-body';
    replaceChildren(body, automation(summary), aging(summary), unreconciled(summary));
  })();
  return card;
}

function automation(summary: ReconSummary): HTMLElement {
  if (summary.last_run_at === null) {
    return h(
      'div',
      { class: 'recon-figure', 'data-testid': 'recon-automation', 'data-value': '' },
      h('div', { class: 'kpi-label' }, 'Automation rate'),
      h('div', { class: 'kpi-value small muted' }, '—'),
      h('div', { class: 'kpi-note' }, 'Not run yet. ', h('a', { href: '#/recon' }, 'Run reconciliation'), '.'),
    );
  }
  return h(
    'div',
    { class: 'recon-figure', 'data-testid': 'recon-automation', 'data-value': summary.automation_rate },
    h('div', { class: 'kpi-label' }, 'Automation rate'),
    h('div', { class: 'kpi-value small' }, formatProbability(summary.automation_rate)),
    h(
      'div',
      { class: 'kpi-note' },
      `${summary.auto_matched} of ${plural(summary.entries_examined, 'entry', 'entries')} matched automatically · ${summary.confirmed} confirmed by a person`,
    ),
    h(
      'div',
      { class: 'kpi-note' },
      summary.suggestions > 0 ? h('a', { href: '#/recon', 'data-testid': 'recon-card-suggestions' }, plural(summary.suggestions, 'suggestion waiting', 'suggestions waiting')) : 'No suggestions waiting',
      ` · last run ${formatInstant(summary.last_run_at)}`,
    ),
  );
}

function aging(summary: ReconSummary): HTMLElement {
  const counts = new Map(summary.open_exceptions.map((b) => [b.bucket, b.count]));
  const buckets = [...AGE_BUCKETS, ...summary.open_exceptions.map((b) => b.bucket).filter((b) => !(AGE_BUCKETS as readonly string[]).includes(b))];
  const total = summary.open_exceptions.reduce((n, b) => n + b.count, 0);
  return h(
    'div',
    { class: 'recon-figure', 'data-testid': 'recon-aging' },
    h('div', { class: 'kpi-label' }, h('a', { href: '#/exceptions', 'data-testid': 'recon-card-exceptions' }, `Open exceptions (${total})`)),
    h(
      'div',
      { class: 'aging' },
      ...buckets.map((bucket) => {
        const n = counts.get(bucket) ?? 0;
        const link = h(
          'a',
          { href: '#/exceptions', class: `aging-bucket age-${bucket}${n === 0 ? ' none' : ''}`, 'data-testid': 'recon-aging-bucket', 'data-bucket': bucket, 'data-count': String(n), title: `Open exceptions ${ageLabel(bucket)} old` },
          h('span', { class: 'aging-count' }, String(n)),
          h('span', { class: 'aging-label' }, ageLabel(bucket)),
        );
        // The queue opens filtered to this bucket's open cases.
        link.addEventListener('click', () => showExceptionsAged(bucket));
        return link;
      }),
    ),
  );
}

function unreconciled(summary: ReconSummary): HTMLElement {
  return h(
    'div',
    { class: 'recon-figure', 'data-testid': 'recon-unreconciled' },
    h('div', { class: 'kpi-label' }, 'Unreconciled entries'),
    summary.unreconciled.length === 0
      ? h('div', { class: 'kpi-note' }, 'Every booked entry is reconciled.')
      : h(
          'table',
          { class: 'data compact' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'Ccy'), h('th', { scope: 'col', class: 'num' }, 'Entries'), h('th', { scope: 'col', class: 'num' }, 'Credits'), h('th', { scope: 'col', class: 'num' }, 'Debits')),
          ),
          h(
            'tbody',
            {},
            ...summary.unreconciled.map((u) =>
              h(
                'tr',
                { 'data-testid': 'recon-unreconciled-row', 'data-currency': u.currency },
                h('td', {}, u.currency),
                h('td', { class: 'num', 'data-field': 'entries' }, String(u.entries)),
                moneyCell('credits', u.credits),
                moneyCell('debits', u.debits),
              ),
            ),
          ),
        ),
  );
}
