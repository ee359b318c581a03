//! A card holding one of the engine's charts, with "Export SVG" and (where the host can rasterise) "Export PNG".

import { chartPngAvailable, fetchChart, fetchChartPng, parseSvg, type ChartName, type ChartParams } from '../api';
import { h, replaceChildren } from '../dom';
import { saveBlob } from '../download';
import { errorBox } from './view';

export interface ChartCardOptions {
  title: string;
  name: ChartName;
  params: ChartParams;
  /** The test id of the chart's box (kept stable for the existing tests: `balances-chart`). */
  testid: string;
  /** What the chart shows, for screen readers when the SVG does not say. */
  label: string;
}

export function chartCard(options: ChartCardOptions, alive: () => boolean): HTMLElement {
  const chart = h('div', { class: 'chart', 'data-testid': options.testid, 'aria-busy': 'true' }, 'Loading chart…');
  const exportStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const svgButton = h('button', { type: 'button', class: 'button subtle small', 'data-testid': 'chart-export-svg' }, 'Export SVG');
  const pngButton = chartPngAvailable()
    ? h('button', { type: 'button', class: 'button subtle small', 'data-testid': 'chart-export-png' }, 'Export PNG')
    : null;
  const fileBase = exportName(options.name, options.params);
  let svgText: string | null = null;

  svgButton.addEventListener('click', () => {
    void run(svgButton, async () => {
      svgText ??= await fetchChart(options.name, options.params);
      saveBlob(new Blob([svgText], { type: 'image/svg+xml' }), `${fileBase}.svg`);
    });
  });
  pngButton?.addEventListener('click', () => {
    void run(pngButton, async () => saveBlob(await fetchChartPng(options.name, options.params), `${fileBase}.png`));
  });

  async function run(button: HTMLButtonElement, body: () => Promise<void>): Promise<void> {
    button.disabled = true;
    replaceChildren(exportStatus);
    try {
      await body();
    } catch (error) {
      if (alive()) replaceChildren(exportStatus, errorBox(error));
    } finally {
      button.disabled = false;
    }
  }

  void (async () => {
    try {
      const text = await fetchChart(options.name, options.params);
      const svg = parseSvg(text);
      if (!alive()) return;
      svgText = text;
      svg.setAttribute('role', 'img');
      if (!svg.hasAttribute('aria-label')) svg.setAttribute('aria-label', options.label);
      replaceChildren(chart, svg);
    } catch (error) {
      if (!alive()) return;
      replaceChildren(chart, errorBox(error));
    } finally {
      chart.removeAttribute('aria-busy');
    }
  })();

  return h(
    'section',
    { class: 'card chart-card', 'data-chart': options.name },
    h('div', { class: 'section-head' }, h('h2', {}, options.title), h('div', { class: 'chart-actions' }, svgButton, pngButton)),
    chart,
    exportStatus,
  );
}

/** "cashline-forecast-NW-DE-USD": the chart and its scope, safe as a file name. */
function exportName(name: ChartName, params: ChartParams): string {
  const parts = ['cashline', name, params.entity, params.reportingCurrency, params.from, params.to];
  return parts
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_');
}
