/**
 * Entry of the timeline webview bundle (dist/timeline.js), under the same strict CSP as the
 * frames panel (one script, carried by the page's nonce). It draws what the host sends, shows a
 * hovered frame's Update in a tooltip (as text) and reports clicks. The header's buttons fit the
 * frames and, while live, follow now again after a zoom.
 */
import type { FromTimeline, TimelineState, ToTimeline } from '../../../src/protocol/timeline';
import { TimelineView } from './timelineView';

interface VsCodeApi {
  postMessage(message: FromTimeline): void;
  setState(state: TimelineState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Every state an agent's lane draws in a colour of its own, and LOGOUT (every other state's grey). */
const LEGEND = ['LOGIN', 'READY', 'NOT_READY', 'TALKING', 'HOLD', 'WORK', 'WORK_READY', 'RESERVED', 'LOGOUT'];

function main(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('timeline: #app missing');
  const api = acquireVsCodeApi();
  root.classList.add('timeline-app');

  const header = document.createElement('header');
  header.className = 'tl-header';
  const title = document.createElement('span');
  title.className = 'tl-title';
  const legend = document.createElement('span');
  legend.className = 'tl-legend';
  for (const state of LEGEND) {
    const item = document.createElement('span');
    item.className = `tl-key s-${state.toLowerCase()}`;
    item.textContent = state;
    legend.append(item);
  }
  for (const [cls, text] of [
    ['tl-key k-dialog', 'dialog'],
    ['tl-key k-rest', 'REST call'],
    ['tl-key k-error', 'apiErrors'],
    ['tl-key k-hub', 'hub publish'],
  ]) {
    const item = document.createElement('span');
    item.className = cls;
    item.textContent = text;
    legend.append(item);
  }
  const controls = document.createElement('span');
  controls.className = 'tl-controls';
  const fitButton = button('tl-fit', 'Fit to frames', 'Show all captured frames (0 or Home)');
  const followButton = button('tl-follow', 'Follow now', 'Follow the live capture up to now (End)');
  followButton.hidden = true;
  const hint = document.createElement('span');
  hint.className = 'tl-hint';
  hint.textContent = 'wheel: zoom · drag: pan · + − ← →';
  controls.append(fitButton, followButton, hint);
  header.append(title, controls, legend);

  const body = document.createElement('div');
  body.className = 'tl-body';
  const empty = document.createElement('div');
  empty.className = 'tl-empty';
  empty.textContent =
    'No agent states yet: User, Dialogs and Team Updates and REST calls appear here as they are captured.';
  const tooltip = document.createElement('div');
  tooltip.className = 'tl-tooltip';
  tooltip.hidden = true;
  const tipTitle = document.createElement('div');
  tipTitle.className = 'tl-tip-title';
  const tipText = document.createElement('pre');
  tipText.className = 'tl-tip-text';
  tooltip.append(tipTitle, tipText);
  root.append(header, body, tooltip);

  let hovered: number | undefined;
  let anchor: Element | undefined;
  const view = new TimelineView(body, {
    hover: (frame, el) => {
      hovered = frame;
      anchor = el;
      api.postMessage({ type: 'hover', frame });
    },
    leave: () => {
      hovered = undefined;
      tooltip.hidden = true;
    },
    select: (frame) => api.postMessage({ type: 'select', frame }),
    viewChanged: (mode) => {
      fitButton.setAttribute('aria-pressed', String(mode === 'fit'));
      followButton.hidden = !live || mode === 'follow';
    },
  });
  let live = false;
  fitButton.addEventListener('click', () => view.fit());
  followButton.addEventListener('click', () => view.follow());
  body.append(empty);

  window.addEventListener('message', (ev: MessageEvent) => {
    const m = ev.data as ToTimeline;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'model') {
      title.textContent = m.title;
      // Read by the serializer after a window reload: only the live capture's picture comes back.
      api.setState({ live: m.liveCapture });
      live = m.live;
      root.classList.toggle('live', m.live);
      empty.hidden = m.model.lanes.length > 0;
      view.render(m.model, m.live);
    } else if (m.type === 'now') {
      view.setNow(m.now);
    } else if (m.type === 'frameText' && m.frame === hovered && anchor) {
      tipTitle.textContent = m.title;
      tipText.textContent = m.text;
      tooltip.hidden = false;
      // Positioned through the CSSOM (allowed by the CSP, unlike style attributes in markup).
      const box = anchor.getBoundingClientRect();
      const left = Math.min(box.left, window.innerWidth - tooltip.offsetWidth - 8);
      tooltip.style.left = `${Math.max(4, left)}px`;
      tooltip.style.top = `${box.bottom + 6}px`;
    }
  });
  api.postMessage({ type: 'ready' });
}

function button(cls: string, text: string, tip: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `tl-button ${cls}`;
  b.textContent = text;
  b.title = tip;
  return b;
}

main();
