//! The rules of reconciliation in the order they are tried (enable, disable, move, add and remove custom ones), and what was learnt from decisions (counterparty aliases, rejected pairs) with a way to forget each.

import {
  setThresholds,
  addRule,
  disableRule,
  enableRule,
  fetchLearnt,
  fetchRules,
  moveRule,
  removeAlias,
  removeNegative,
  removeRule,
  type ReconLearntReport,
  type ReconRulesReport,
} from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, formatProbability } from '../format';
import { ruleLabel } from './recon-match';
import { errorBox } from './view';

/** Who the built-in rules are created by; only the others can be removed. */
const BUILT_IN = 'cashline';
/** A custom rule's JSON, as typed or pasted. */
const RULE_CHARS_MAX = 64 * 1024;
const RULE_EXAMPLE =
  '{"name": "utility bills", "criteria": [{"field": "entry.counterparty_name", "operator": "contains", "value": "stadtwerke"}, {"field": "item.kind", "operator": "equals", "value": "payable"}], "confidence": "0.80"}';

export interface RulesSection {
  element: HTMLElement;
  reload: () => Promise<void>;
}

export function rulesSection(alive: () => boolean): RulesSection {
  const rulesStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'recon-rules-status' });
  const rulesBody = h('div', { class: 'table-scroll' }, h('p', { class: 'muted' }, 'Loading rules…'));
  const thresholds = h('p', { class: 'hint', 'data-testid': 'recon-thresholds' });
  const confidence = (id: string, label: string): HTMLInputElement =>
    h('input', { type: 'number', id, class: 'input narrow', min: 0.01, max: 0.99, step: 0.01, 'aria-label': label, 'data-testid': id });
  const autoInput = confidence('recon-threshold-auto', 'Automatic from');
  const suggestInput = confidence('recon-threshold-suggest', 'Suggested from');
  const thresholdSave = h('button', { type: 'submit', class: 'button small', 'data-testid': 'recon-thresholds-save' }, 'Save');
  const thresholdForm = h(
    'form',
    { class: 'inline-form', novalidate: true },
    h('label', { for: 'recon-threshold-auto', class: 'label inline' }, 'Automatic from'),
    autoInput,
    h('label', { for: 'recon-threshold-suggest', class: 'label inline' }, 'suggested from'),
    suggestInput,
    thresholdSave,
  );
  const learntStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'recon-learnt-status' });
  const learntBody = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));

  const ruleText = h('textarea', {
    id: 'recon-rule-json',
    class: 'input code-input',
    rows: 5,
    maxlength: RULE_CHARS_MAX,
    spellcheck: false,
    placeholder: RULE_EXAMPLE,
    'data-testid': 'recon-rule-json',
  });
  const addButton = h('button', { type: 'submit', class: 'button', 'data-testid': 'recon-rule-add' }, 'Add rule');
  const addForm = h(
    'form',
    { class: 'rule-form', novalidate: true },
    h('label', { for: 'recon-rule-json', class: 'label' }, 'A custom rule, as JSON'),
    ruleText,
    h('p', { class: 'hint' }, 'Name, criteria and confidence; the engine checks the rule and says what is wrong with it. It is tried after the rules above.'),
    h('div', { class: 'inline-form' }, addButton),
  );

  const element = h(
    'section',
    { class: 'card', 'data-testid': 'recon-rules', 'aria-labelledby': 'recon-rules-title' },
    h('h2', { id: 'recon-rules-title' }, 'Rules'),
    thresholds,
    thresholdForm,
    rulesStatus,
    rulesBody,
    h('details', { class: 'rule-add' }, h('summary', {}, 'Add a custom rule'), addForm),
    h('h2', { class: 'learnt-title' }, 'Learnt from decisions'),
    h('p', { class: 'hint' }, 'Confirming a match teaches the counterparty’s other names and IBANs; rejecting one keeps that pair from being proposed again.'),
    learntStatus,
    learntBody,
  );

  /** Runs an edit; the answer is the whole list as it is now. */
  async function edit<T>(target: HTMLElement, action: () => Promise<T>, show: (answer: T) => void, done: string): Promise<void> {
    for (const b of Array.from(element.querySelectorAll('button'))) b.disabled = true;
    try {
      const answer = await action();
      if (!alive()) return;
      show(answer);
      replaceChildren(target, h('div', { class: 'notice ok', role: 'status' }, done));
    } catch (error) {
      if (!alive()) return;
      replaceChildren(target, errorBox(error));
    } finally {
      for (const b of Array.from(element.querySelectorAll('button'))) b.disabled = false;
    }
  }

  function showRules(report: ReconRulesReport): void {
    autoInput.value = report.auto_threshold;
    suggestInput.value = report.suggest_threshold;
    thresholds.textContent = `Matched automatically at ${formatProbability(report.auto_threshold)} confidence and above; suggested from ${formatProbability(report.suggest_threshold)}. Rules are tried from the top.`;
    const last = report.rules.length;
    const rows = report.rules.map((rule) => {
      const toggle = h('button', { type: 'button', class: 'button small', 'data-testid': rule.enabled ? 'recon-rule-disable' : 'recon-rule-enable' }, rule.enabled ? 'Disable' : 'Enable');
      toggle.addEventListener('click', () =>
        void edit(rulesStatus, () => (rule.enabled ? disableRule(rule.name) : enableRule(rule.name)), showRules, `${rule.name} ${rule.enabled ? 'disabled' : 'enabled'}.`),
      );
      const up = h('button', { type: 'button', class: 'button small', 'data-testid': 'recon-rule-up', 'aria-label': `Move ${rule.name} up`, title: 'Try earlier', disabled: rule.position <= 1 }, '↑');
      up.addEventListener('click', () => void edit(rulesStatus, () => moveRule(rule.name, rule.position - 1), showRules, `${rule.name} moved to position ${rule.position - 1}.`));
      const down = h('button', { type: 'button', class: 'button small', 'data-testid': 'recon-rule-down', 'aria-label': `Move ${rule.name} down`, title: 'Try later', disabled: rule.position >= last }, '↓');
      down.addEventListener('click', () => void edit(rulesStatus, () => moveRule(rule.name, rule.position + 1), showRules, `${rule.name} moved to position ${rule.position + 1}.`));
      const custom = rule.created_by !== BUILT_IN;
      const remove = custom ? h('button', { type: 'button', class: 'button small', 'data-testid': 'recon-rule-remove' }, 'Remove') : null;
      remove?.addEventListener('click', () => void edit(rulesStatus, () => removeRule(rule.name), showRules, `${rule.name} removed.`));
      return h(
        'tr',
        { 'data-testid': 'recon-rule', 'data-name': rule.name, 'data-enabled': String(rule.enabled), 'data-position': String(rule.position), class: rule.enabled ? null : 'disabled-row' },
        h('td', { class: 'num', 'data-field': 'position' }, String(rule.position)),
        h('td', { 'data-field': 'name' }, ruleLabel(rule.name), h('span', { class: 'sub mono' }, custom ? `${rule.kind} · by ${rule.created_by}` : rule.kind)),
        h('td', { class: 'wrap', 'data-field': 'description' }, rule.description),
        h('td', { 'data-field': 'enabled' }, h('span', { class: rule.enabled ? 'badge state-ok' : 'badge' }, rule.enabled ? 'On' : 'Off')),
        h('td', {}, h('div', { class: 'row-actions' }, toggle, up, down, remove)),
      );
    });
    replaceChildren(
      rulesBody,
      h(
        'table',
        { class: 'data rules', 'data-testid': 'recon-rules-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', class: 'num' }, '#'),
            h('th', { scope: 'col' }, 'Rule'),
            h('th', { scope: 'col' }, 'What it does'),
            h('th', { scope: 'col' }, 'State'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
  }

  function showLearnt(report: ReconLearntReport): void {
    const aliases =
      report.aliases.length === 0
        ? h('p', { class: 'muted', 'data-testid': 'recon-aliases-empty' }, 'No aliases learnt yet.')
        : h(
            'table',
            { class: 'data', 'data-testid': 'recon-aliases' },
            h('thead', {}, h('tr', {}, ...['Alias', 'Means', 'Learnt', ''].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              ...report.aliases.map((a) => {
                const remove = h('button', { type: 'button', class: 'button small', 'data-testid': 'recon-alias-remove' }, 'Forget');
                remove.addEventListener('click', () => void edit(learntStatus, () => removeAlias(a.id), showLearnt, `The alias ${a.alias} is forgotten.`));
                return h(
                  'tr',
                  { 'data-testid': 'recon-alias', 'data-id': a.id, 'data-kind': a.kind },
                  h('td', { class: 'wrap' }, a.alias, h('span', { class: 'sub' }, a.kind === 'iban' ? 'IBAN' : 'Name')),
                  h('td', { class: 'wrap' }, a.party),
                  h('td', {}, formatInstant(a.created_at), h('span', { class: 'sub' }, `by ${a.created_by}`)),
                  h('td', {}, remove),
                );
              }),
            ),
          );
    const negatives =
      report.negatives.length === 0
        ? h('p', { class: 'muted', 'data-testid': 'recon-negatives-empty' }, 'No pairs rejected yet.')
        : h(
            'table',
            { class: 'data', 'data-testid': 'recon-negatives' },
            h('thead', {}, h('tr', {}, ...['Entry', 'Never with', 'Rejected', ''].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              ...report.negatives.map((n) => {
                const remove = h('button', { type: 'button', class: 'button small', 'data-testid': 'recon-negative-remove', title: 'The pair may be proposed again.' }, 'Forget');
                remove.addEventListener('click', () =>
                  void edit(learntStatus, () => removeNegative(n.id), showLearnt, `${n.entry} and ${n.target} may be proposed together again.`),
                );
                return h(
                  'tr',
                  { 'data-testid': 'recon-negative', 'data-id': n.id, 'data-entry': n.entry, 'data-target': n.target },
                  h('td', { class: 'mono' }, n.entry),
                  h('td', { class: 'mono' }, n.target),
                  h('td', {}, formatInstant(n.created_at), h('span', { class: 'sub' }, `by ${n.created_by}`)),
                  h('td', {}, remove),
                );
              }),
            ),
          );
    replaceChildren(
      learntBody,
      h('div', { class: 'grid-2 learnt' }, h('div', {}, h('h3', {}, 'Counterparty aliases'), aliases), h('div', {}, h('h3', {}, 'Rejected pairs'), negatives)),
    );
  }

  thresholdForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void edit(rulesStatus, () => setThresholds(autoInput.value, suggestInput.value), showRules, 'Thresholds saved; the next run uses them.');
  });

  addForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void edit(
      rulesStatus,
      () => addRule(ruleText.value),
      (report) => {
        ruleText.value = '';
        showRules(report);
      },
      'Rule added.',
    );
  });

  async function reload(): Promise<void> {
    const [rules, learnt] = await Promise.allSettled([fetchRules(), fetchLearnt()]);
    if (!alive()) return;
    if (rules.status === 'fulfilled') showRules(rules.value);
    else replaceChildren(rulesBody, errorBox(rules.reason));
    if (learnt.status === 'fulfilled') showLearnt(learnt.value);
    else replaceChildren(learntBody, errorBox(learnt.reason));
  }

  return { element, reload };
}
