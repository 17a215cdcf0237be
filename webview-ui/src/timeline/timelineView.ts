/**
 * Draws the timeline model as SVG: a time axis, then one lane per agent with its states as
 * coloured spans, its dialogs as bars below them (ALERTING → DROPPED) and REST calls and
 * apiErrors as marks. d3-scale maps time to x and d3-axis draws the ticks; d3-selection joins
 * the data to elements. All three only set attributes and text (never style attributes in
 * markup, never HTML from data), which the webview's strict CSP allows; colours are CSS classes
 * over the theme's --vscode-charts-* variables (media/timeline.css). The spans themselves are
 * plain elements (see render) for speed.
 */
import { axisTop } from 'd3-axis';
import { scaleTime } from 'd3-scale';
import { select } from 'd3-selection';
import type { TimelineLane, TimelineMark, TimelineModel } from '../../../src/protocol/timeline';

const SVG_NS = 'http://www.w3.org/2000/svg';
export const LABEL_WIDTH = 120;
export const AXIS_HEIGHT = 26;
export const LANE_HEIGHT = 66;
const STATE_Y = 8;
const STATE_H = 20;
const DIALOG_Y = 32;
const DIALOG_H = 12;
const MARK_Y = 54;
/** A span narrower than this gets no text. */
const LABEL_MIN_WIDTH = 56;

/** A state or dialog state as a class name: letters and underscores only (the text is untrusted). */
export function stateClass(state: string): string {
  return state.toLowerCase().replace(/[^a-z_]/g, '') || 'unknown';
}

export interface TimelineHandlers {
  hover(frame: number, target: Element): void;
  leave(): void;
  select(frame: number): void;
}

export class TimelineView {
  private readonly svg: SVGSVGElement;

  constructor(
    private readonly root: HTMLElement,
    handlers: TimelineHandlers,
  ) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('timeline');
    root.append(this.svg);
    // One listener each for every element that stands for a frame (data-frame).
    const frameOf = (e: Event) => {
      const el = (e.target as Element).closest('[data-frame]');
      return el ? { el, frame: Number(el.getAttribute('data-frame')) } : undefined;
    };
    this.svg.addEventListener('mouseover', (e) => {
      const hit = frameOf(e);
      if (hit) handlers.hover(hit.frame, hit.el);
    });
    this.svg.addEventListener('mouseout', (e) => {
      if (frameOf(e)) handlers.leave();
    });
    this.svg.addEventListener('click', (e) => {
      const hit = frameOf(e);
      if (hit) handlers.select(hit.frame);
    });
  }

  render(model: TimelineModel): void {
    const width = Math.max(this.root.clientWidth, LABEL_WIDTH + 200);
    const height = AXIS_HEIGHT + Math.max(1, model.lanes.length) * LANE_HEIGHT;
    // A little room after the last change, so a state that still lasts shows as more than a line.
    const span = Math.max(model.end - model.start, 1000) * 1.04;
    const x = scaleTime()
      .domain([new Date(model.start), new Date(model.start + span)])
      .range([LABEL_WIDTH, width - 12]);
    const end = model.start + span;
    const svg = select(this.svg).attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);

    svg
      .selectAll<SVGGElement, null>('g.axis')
      .data([null])
      .join('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${AXIS_HEIGHT - 4})`)
      .call(axisTop<Date>(x).ticks(Math.max(2, Math.floor((width - LABEL_WIDTH) / 110))));

    const lanes = svg
      .selectAll<SVGGElement, TimelineLane>('g.lane')
      .data(model.lanes, (l) => l.agent)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'lane');
        g.append('rect').attr('class', 'lane-bg');
        g.append('text').attr('class', 'lane-label');
        g.append('g').attr('class', 'content');
        return g;
      })
      .attr('data-agent', (l) => l.agent)
      .attr('transform', (_l, i) => `translate(0,${AXIS_HEIGHT + i * LANE_HEIGHT})`);
    lanes
      .select('rect.lane-bg')
      .attr('x', 0)
      .attr('y', 0)
      .attr('width', width)
      .attr('height', LANE_HEIGHT - 2);
    lanes
      .select('text.lane-label')
      .attr('x', 8)
      .attr('y', STATE_Y + 14)
      .text((l) => l.agent);

    // The lanes' contents are the bulk (10,000 spans and more): built as plain elements into a
    // fragment per lane, one element per span and text only where it fits, which keeps a full
    // redraw well inside a frame budget where a nested d3 join of groups was several times slower.
    // The same linear map as the scale, without a Date per call (20,000 calls at 10,000 states).
    const [r0, r1] = x.range();
    const k = (r1 - r0) / span;
    const xOf = (t: number) => r0 + (t - model.start) * k;
    const widthOf = (from: number, to: number | null) => Math.max(1, xOf(to ?? end) - xOf(from));
    lanes.each(function (lane) {
      const fragment = document.createDocumentFragment();
      for (const s of lane.states) {
        const left = xOf(s.from);
        const w = widthOf(s.from, s.to);
        fragment.append(rect(left, STATE_Y, w, STATE_H, `state s-${stateClass(s.state)}`, s.frame, { 'data-state': s.state }));
        if (w >= LABEL_MIN_WIDTH) fragment.append(label(left + 4, STATE_Y + 14, 'state-label', s.state));
      }
      for (const d of lane.dialogs) {
        const left = xOf(d.from);
        const w = widthOf(d.from, d.to);
        const bar = rect(left, DIALOG_Y, w, DIALOG_H, `dialog d-${stateClass(d.state)}${d.to === null ? ' open' : ''}`, d.frame, { 'data-dialog': d.id, 'data-steps': d.steps.map((st) => st.state).join(' '), rx: '3' });
        fragment.append(bar);
        if (w >= LABEL_MIN_WIDTH * 2) fragment.append(label(left + 4, DIALOG_Y + DIALOG_H - 2, 'dialog-label', `${d.caller ?? d.id} · ${d.steps.map((st) => st.state).join(' → ')}`));
      }
      for (const m of lane.marks) fragment.append(mark(m, xOf(m.t)));
      const content = this.querySelector('g.content') as SVGGElement;
      content.replaceChildren(fragment);
    });
  }
}

function rect(x: number, y: number, width: number, height: number, cls: string, frame: number, attrs: Record<string, string>): SVGRectElement {
  const el = document.createElementNS(SVG_NS, 'rect');
  el.setAttribute('class', cls);
  el.setAttribute('x', String(Math.round(x * 10) / 10));
  el.setAttribute('y', String(y));
  el.setAttribute('width', String(Math.round(width * 10) / 10));
  el.setAttribute('height', String(height));
  el.setAttribute('data-frame', String(frame));
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function label(x: number, y: number, cls: string, text: string): SVGTextElement {
  const el = document.createElementNS(SVG_NS, 'text');
  el.setAttribute('class', cls);
  el.setAttribute('x', x.toFixed(1));
  el.setAttribute('y', String(y));
  el.textContent = text;
  return el;
}

/** A REST call: a triangle pointing up at the lane; an apiError: a diamond. */
function mark(m: TimelineMark, cx: number): SVGPathElement {
  const el = document.createElementNS(SVG_NS, 'path');
  el.setAttribute('class', `mark m-${m.kind}`);
  el.setAttribute('data-frame', String(m.frame));
  el.setAttribute('data-label', m.label);
  el.setAttribute('d', m.kind === 'rest' ? `M${cx - 5},${MARK_Y + 8}L${cx},${MARK_Y - 1}L${cx + 5},${MARK_Y + 8}Z` : `M${cx},${MARK_Y - 2}L${cx + 5},${MARK_Y + 4}L${cx},${MARK_Y + 10}L${cx - 5},${MARK_Y + 4}Z`);
  return el;
}
