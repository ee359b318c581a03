//! The Reconciliation screen: run the rules (or a dry run), confirm or reject suggestions with their explanation, match by hand from the keyboard, undo matches, and keep the rules and what was learnt in order.

import {
  MATCH_STATES,
  confirmMatch,
  fetchMatches,
  fetchReconSummary,
  rejectMatch,
  runRecon,
  undoMatch,
  type ReconDecision,
  type ReconMatch,
  type ReconRunReport,
  type ReconSummary,
} from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, formatProbability, humanize, plural } from '../format';
import { refreshExceptionCount } from '../nav';
import { matchCard } from './recon-match';
import { rulesSection } from './recon-rules';
import { workbenchCard } from './recon-workbench';
import { errorBox, latestLoader, pageHead, type View } from './view';

/** Suggestions listed at most; the engine's newest first. */
const SUGGESTIONS_SHOWN_MAX = 200;
/** Matches listed at most under one state. */
const MATCHES_SHOWN_MAX = 100;
/** Matches a dry run lists at most; the counts cover them all. */
const DRY_RUN_SHOWN_MAX = 50;

/** The state the matches list shows, kept while the window lives. */
let matchesStateChosen = 'auto';

export const reconView: View = {
  title: 'Reconciliation',
  mount(container, alive) {
    const runButton = h('button', { type: 'button', class: 'button primary', 'data-testid': 'recon-run' }, 'Run reconciliation');
    const dryRunButton = h(
      'button',
      { type: 'button', class: 'button', 'data-testid': 'recon-dry-run', title: 'Shows what a run would match, suggest and leave open, and writes nothing.' },
      'Dry run',
    );
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'recon-subtitle' });
    const status = h('div', { class: 'status', 'aria-live': 'polite', 'data-testid': 'recon-status' });
    const runResult = h('section', { class: 'card run-result', 'data-testid': 'recon-run-result', hidden: true });

    const suggestionsStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'recon-suggestions-status' });
    const suggestionsBody = h('div', { class: 'match-list', 'data-testid': 'recon-suggestions' });
    const suggestionsHead = h('h2', { 'data-testid': 'recon-suggestions-count' }, 'Suggestions');
    const suggestionsLoading = h('div', { class: 'status' });

    const matchesState = h(
      'select',
      { id: 'recon-matches-state', class: 'select', 'data-testid': 'recon-matches-state' },
      ...MATCH_STATES.filter((s) => s !== 'suggested').map((s) => h('option', { value: s }, s === 'auto' ? 'Automatic' : humanize(s))),
      h('option', { value: '' }, 'All states'),
    );
    matchesState.value = matchesStateChosen;
    const matchesStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'recon-matches-status' });
    const matchesBody = h('div', { class: 'match-list', 'data-testid': 'recon-matches' });
    const matchesLoading = h('div', { class: 'status' });

    const reloadAll = (): void => {
      void loadSummary();
      void loadSuggestions();
      void loadMatches();
      void rules.reload();
      void refreshExceptionCount();
    };
    const workbench = workbenchCard(alive, reloadAll);
    const rules = rulesSection(alive);

    replaceChildren(
      container,
      pageHead('Reconciliation', subtitle, [dryRunButton, runButton]),
      status,
      runResult,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'recon-suggestions-title' },
        h('div', { class: 'section-head' }, h('div', { id: 'recon-suggestions-title' }, suggestionsHead)),
        h('p', { class: 'hint' }, 'What a rule found but is not sure enough of to match alone. Confirm it, or reject it: a rejected pair is never proposed again.'),
        suggestionsStatus,
        suggestionsLoading,
        suggestionsBody,
      ),
      workbench.element,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'recon-matches-title' },
        h(
          'div',
          { class: 'section-head' },
          h('h2', { id: 'recon-matches-title' }, 'Matches'),
          h('div', { class: 'toolbar' }, h('label', { for: 'recon-matches-state' }, 'State'), matchesState),
        ),
        h('p', { class: 'hint' }, 'Undo a match to open its entries and items again.'),
        matchesStatus,
        matchesLoading,
        matchesBody,
      ),
      rules.element,
    );

    // -----------------------------------------------------------------------------------------
    // The summary in the subtitle.

    let summaryRequested = 0;
    async function loadSummary(): Promise<void> {
      summaryRequested += 1;
      const mine = summaryRequested;
      let summary: ReconSummary;
      try {
        summary = await fetchReconSummary();
      } catch (error) {
        if (!alive() || mine !== summaryRequested) return;
        replaceChildren(status, errorBox(error));
        return;
      }
      if (!alive() || mine !== summaryRequested) return;
      subtitle.textContent = summaryLine(summary);
    }

    // -----------------------------------------------------------------------------------------
    // Suggestions and matches.

    /** Runs one decision from a card's button; the lists reload after it. */
    async function decide(
      button: HTMLButtonElement,
      target: HTMLElement,
      action: () => Promise<ReconDecision>,
      done: (decision: ReconDecision) => string,
    ): Promise<void> {
      const card = button.closest('.match-card');
      const buttons = Array.from(card?.querySelectorAll('button') ?? []);
      for (const b of buttons) b.disabled = true;
      replaceChildren(target, h('span', { class: 'muted' }, 'Saving…'));
      try {
        const decision = await action();
        if (!alive()) return;
        replaceChildren(target, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'recon-decided', 'data-id': decision.id, 'data-state': decision.state }, done(decision)));
        reloadAll();
        void workbench.reload();
      } catch (error) {
        if (!alive()) return;
        replaceChildren(target, errorBox(error));
        for (const b of buttons) b.disabled = false;
      }
    }

    function actionButton(label: string, testid: string, primary = false): HTMLButtonElement {
      return h('button', { type: 'button', class: primary ? 'button small primary' : 'button small', 'data-testid': testid }, label);
    }

    function suggestionCard(match: ReconMatch): HTMLElement {
      const id = match.id ?? '';
      const confirm = actionButton('Confirm', 'recon-confirm', true);
      const reject = actionButton('Reject', 'recon-reject');
      confirm.addEventListener('click', () =>
        void decide(confirm, suggestionsStatus, () => confirmMatch(id), (d) => `Match ${d.id} confirmed${supersededText(d)}${learntText(d)}.`),
      );
      reject.addEventListener('click', () =>
        void decide(reject, suggestionsStatus, () => rejectMatch(id), (d) => `Match ${d.id} rejected: this pair will not be proposed again.`),
      );
      return matchCard(match, 'recon-suggestion', [confirm, reject]);
    }

    function matchedCard(match: ReconMatch): HTMLElement {
      const id = match.id ?? '';
      const actions: HTMLButtonElement[] = [];
      if (match.state === 'auto') {
        const confirm = actionButton('Confirm', 'recon-confirm');
        confirm.addEventListener('click', () =>
          void decide(confirm, matchesStatus, () => confirmMatch(id), (d) => `Match ${d.id} confirmed${learntText(d)}.`),
        );
        actions.push(confirm);
      }
      if (match.state === 'auto' || match.state === 'confirmed') {
        const undo = actionButton('Undo', 'recon-undo');
        undo.addEventListener('click', () =>
          void decide(undo, matchesStatus, () => undoMatch(id), (d) => `Match ${d.id} undone: its entries and items are open again.`),
        );
        actions.push(undo);
      }
      return matchCard(match, 'recon-match', actions);
    }

    const loadSuggestions = latestLoader({
      alive,
      status: suggestionsLoading,
      body: suggestionsBody,
      loading: 'Loading suggestions…',
      fetch: () => fetchMatches('suggested', SUGGESTIONS_SHOWN_MAX),
      show: (matches: ReconMatch[]) => {
        suggestionsHead.textContent = matches.length === 0 ? 'Suggestions' : `Suggestions (${matches.length >= SUGGESTIONS_SHOWN_MAX ? `${SUGGESTIONS_SHOWN_MAX}+` : matches.length})`;
        suggestionsBody.dataset.count = String(matches.length);
        if (matches.length === 0) {
          replaceChildren(suggestionsBody, h('p', { class: 'muted', 'data-testid': 'recon-suggestions-empty' }, 'No suggestions are waiting.'));
          return;
        }
        // Rivals for one entry sit together, so an ambiguous pair is judged side by side.
        const byEntry = [...matches].sort((a, b) => (a.entries[0] ?? '').localeCompare(b.entries[0] ?? '') || Number(a.id) - Number(b.id));
        replaceChildren(suggestionsBody, ...byEntry.map(suggestionCard));
      },
    });

    const loadMatches = latestLoader({
      alive,
      status: matchesLoading,
      body: matchesBody,
      loading: 'Loading matches…',
      fetch: () => fetchMatches(matchesStateChosen || null, MATCHES_SHOWN_MAX),
      show: (matches: ReconMatch[]) => {
        matchesBody.dataset.count = String(matches.length);
        const shown = matchesStateChosen === '' ? matches.filter((m) => m.state !== 'suggested') : matches;
        if (shown.length === 0) {
          replaceChildren(
            matchesBody,
            h('p', { class: 'muted', 'data-testid': 'recon-matches-empty' }, matchesStateChosen ? `No ${matchesStateChosen === 'auto' ? 'automatic' : matchesStateChosen} matches.` : 'No matches yet.'),
          );
          return;
        }
        replaceChildren(
          matchesBody,
          ...shown.map(matchedCard),
          matches.length >= MATCHES_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing the newest ${MATCHES_SHOWN_MAX}.`) : null,
        );
      },
    });

    matchesState.addEventListener('change', () => {
      matchesStateChosen = matchesState.value;
      replaceChildren(matchesStatus);
      void loadMatches();
    });

    // -----------------------------------------------------------------------------------------
    // Runs.

    async function run(dryRun: boolean): Promise<void> {
      runButton.disabled = true;
      dryRunButton.disabled = true;
      replaceChildren(status, dryRun ? 'Working out what a run would do…' : 'Running the rules…');
      try {
        const report = await runRecon(dryRun);
        if (!alive()) return;
        replaceChildren(status);
        showRun(runResult, report);
        if (!dryRun) {
          reloadAll();
          void workbench.reload();
        }
      } catch (error) {
        if (!alive()) return;
        replaceChildren(status, errorBox(error));
      } finally {
        runButton.disabled = false;
        dryRunButton.disabled = false;
      }
    }

    runButton.addEventListener('click', () => void run(false));
    dryRunButton.addEventListener('click', () => void run(true));

    void loadSummary();
    void loadSuggestions();
    void loadMatches();
    void workbench.reload();
    void rules.reload();
  },
};

function summaryLine(summary: ReconSummary): string {
  if (summary.last_run_at === null) return 'Not run yet: run the rules to match bank entries to open items and payments.';
  return [
    `Last run ${formatInstant(summary.last_run_at)}`,
    `${formatProbability(summary.automation_rate)} matched automatically`,
    plural(summary.suggestions, 'suggestion waiting', 'suggestions waiting'),
    plural(summary.unmatched_entries, 'entry unmatched', 'entries unmatched'),
  ].join(' · ');
}

function supersededText(decision: ReconDecision): string {
  const n = decision.superseded.length;
  return n === 0 ? '' : `; ${plural(n, 'rival suggestion', 'rival suggestions')} for the same lines withdrawn`;
}

function learntText(decision: ReconDecision): string {
  return decision.aliases_learnt > 0 ? `; ${plural(decision.aliases_learnt, 'counterparty alias', 'counterparty aliases')} learnt` : '';
}

/** The counts of a run's answer, and for a dry run what it would match. */
function showRun(section: HTMLElement, report: ReconRunReport): void {
  section.hidden = false;
  section.dataset.dryRun = String(report.dry_run);
  const figure = (field: keyof ReconRunReport, label: string, value: string): HTMLElement =>
    h('div', { class: 'run-figure', 'data-field': field, 'data-value': value }, h('div', { class: 'kpi-label' }, label), h('div', { class: 'run-value' }, value));
  const proposals = report.matches.slice(0, DRY_RUN_SHOWN_MAX);
  replaceChildren(
    section,
    h(
      'h2',
      {},
      report.dry_run ? 'Dry run: what a run would do now' : `Run ${report.run ?? ''} done`,
      report.dry_run ? h('span', { class: 'muted' }, ' — nothing was written') : null,
    ),
    h(
      'div',
      { class: 'run-figures' },
      figure('examined', 'Entries examined', String(report.examined)),
      figure('auto', report.dry_run ? 'Would match' : 'Matched automatically', String(report.auto)),
      figure('suggested', report.dry_run ? 'Would suggest' : 'Suggested', String(report.suggested)),
      figure('unmatched_entries', 'Entries left', String(report.unmatched_entries)),
      figure('unmatched_items', 'Items left', String(report.unmatched_items)),
      figure('automation_rate', 'Automation rate', formatProbability(report.automation_rate)),
      report.dry_run ? null : figure('exceptions_opened', 'Exceptions opened', String(report.exceptions_opened)),
      report.dry_run ? null : figure('exceptions_resolved', 'Exceptions resolved', String(report.exceptions_resolved)),
    ),
    report.dry_run && proposals.length > 0
      ? h(
          'details',
          { class: 'dry-run-matches', 'data-testid': 'recon-dry-run-matches' },
          h('summary', {}, `The ${plural(report.matches.length, 'match', 'matches')} a run would make or suggest`),
          h('div', { class: 'match-list' }, ...proposals.map((m) => matchCard(m, 'recon-dry-run-match', []))),
          report.matches.length > DRY_RUN_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing ${DRY_RUN_SHOWN_MAX} of ${report.matches.length}.`) : null,
        )
      : null,
  );
}
