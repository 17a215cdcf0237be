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
const LABEL_WIDTH = 120;
const AXIS_HEIGHT = 26;
const LANE_HEIGHT = 66;
const STATE_Y = 8;
const STATE_H = 20;
const DIALOG_Y = 32;
const DIALOG_H = 12;
const MARK_Y = 54;
/** A span narrower than this gets no text. */
const LABEL_MIN_WIDTH = 56;

/** A state or dialog state as a class name: letters and underscores only (the text is untrusted). */
function stateClass(state: string): string {
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
    // Dialogs and marks are elements of their own (data-frame); a lane's states are one path per
    // state, so the span under the pointer is found from x by binary search (see spanAt).
    const frameOf = (e: MouseEvent): { el: Element; frame: number } | undefined => {
      const target = e.target as Element;
      if (target.matches('path.state')) {
        const hit = this.spanAt(target, e.clientX);
        return hit === undefined ? undefined : { el: this.hoverSpan, frame: hit };
      }
      const el = target.closest('[data-frame]');
      return el && el !== this.hoverSpan ? { el, frame: Number(el.getAttribute('data-frame')) } : undefined;
    };
    let hovered: number | undefined;
    this.svg.addEventListener('mousemove', (e) => {
      const hit = frameOf(e);
      if (hit?.frame === hovered) return;
      hovered = hit?.frame;
      if (hit) handlers.hover(hit.frame, hit.el);
      else {
        this.hoverSpan.remove();
        handlers.leave();
      }
    });
    this.svg.addEventListener('mouseleave', () => {
      hovered = undefined;
      this.hoverSpan.remove();
      handlers.leave();
    });
    this.svg.addEventListener('click', (e) => {
      const hit = frameOf(e);
      if (hit) handlers.select(hit.frame);
    });
  }

  /** The outline over the state span under the pointer (one element, moved). */
  private readonly hoverSpan = (() => {
    const el = document.createElementNS(SVG_NS, 'rect');
    el.setAttribute('class', 'span-hover');
    return el;
  })();
  private model?: TimelineModel;
  private toX: (t: number) => number = (t) => t;
  private toT: (x: number) => number = (x) => x;
  private end = 0;

  /** The state span of `path`'s lane at clientX: outlines it and returns its frame. */
  private spanAt(path: Element, clientX: number): number | undefined {
    const laneEl = path.closest('g.lane');
    const lane = this.model?.lanes[Number(laneEl?.getAttribute('data-index'))];
    if (!laneEl || !lane) return undefined;
    const t = this.toT(clientX - this.svg.getBoundingClientRect().left);
    // Last span starting at or before t.
    let lo = 0;
    let hi = lane.states.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (lane.states[mid].from <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const span = found >= 0 ? lane.states[found] : lane.states[0];
    if (!span) return undefined;
    const left = this.toX(span.from);
    const width = Math.max(1, this.toX(span.to ?? this.end) - left);
    for (const [k, v] of Object.entries({ x: left, y: STATE_Y - 1, width, height: STATE_H + 2 }))
      this.hoverSpan.setAttribute(k, String(Math.round(v * 10) / 10));
    this.hoverSpan.setAttribute('data-frame', String(span.frame));
    this.hoverSpan.setAttribute('data-state', span.state);
    if (this.hoverSpan.parentNode !== laneEl) laneEl.append(this.hoverSpan);
    return span.frame;
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
      .attr('data-index', (_l, i) => i)
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

    // The lanes' contents are the bulk (10,000 spans and more). A lane's states are one <path>
    // per state (a subpath per span), so drawing and layout cost a few elements per lane whatever
    // the number of changes; text only where it fits; dialogs and marks are elements of their own.
    // The same linear map as the scale, without a Date per call.
    const [r0, r1] = x.range();
    const k = (r1 - r0) / span;
    const xOf = (t: number) => r0 + (t - model.start) * k;
    const widthOf = (from: number, to: number | null) => Math.max(1, xOf(to ?? end) - xOf(from));
    this.model = model;
    this.end = end;
    this.toX = xOf;
    this.toT = (px) => model.start + (px - r0) / k;
    this.hoverSpan.remove();
    const round = (v: number) => Math.round(v * 10) / 10;
    lanes.each(function (lane) {
      const fragment = document.createDocumentFragment();
      const byState = new Map<string, { state: string; d: string[] }>();
      const labels: SVGTextElement[] = [];
      for (const s of lane.states) {
        const left = round(xOf(s.from));
        const w = round(widthOf(s.from, s.to));
        const cls = stateClass(s.state);
        let group = byState.get(cls);
        if (!group) byState.set(cls, (group = { state: s.state, d: [] }));
        group.d.push(`M${left} ${STATE_Y}h${w}v${STATE_H}h${-w}z`);
        if (w >= LABEL_MIN_WIDTH) labels.push(label(left + 4, STATE_Y + 14, 'state-label', s.state));
      }
      for (const [cls, group] of byState) {
        const path = document.createElementNS(SVG_NS, 'path');
        path.setAttribute('class', `state s-${cls}`);
        path.setAttribute('data-state', group.state);
        path.setAttribute('d', group.d.join(''));
        fragment.append(path);
      }
      fragment.append(...labels);
      for (const d of lane.dialogs) {
        const left = xOf(d.from);
        const w = widthOf(d.from, d.to);
        const bar = rect(
          left,
          DIALOG_Y,
          w,
          DIALOG_H,
          `dialog d-${stateClass(d.state)}${d.to === null ? ' open' : ''}`,
          d.frame,
          { 'data-dialog': d.id, 'data-steps': d.steps.map((st) => st.state).join(' '), rx: '3' },
        );
        fragment.append(bar);
        if (w >= LABEL_MIN_WIDTH * 2)
          fragment.append(
            label(
              left + 4,
              DIALOG_Y + DIALOG_H - 2,
              'dialog-label',
              `${d.caller ?? d.id} · ${d.steps.map((st) => st.state).join(' → ')}`,
            ),
          );
      }
      for (const m of lane.marks) fragment.append(mark(m, xOf(m.t)));
      const content = this.querySelector('g.content') as SVGGElement;
      content.replaceChildren(fragment);
    });
  }
}

function rect(
  x: number,
  y: number,
  width: number,
  height: number,
  cls: string,
  frame: number,
  attrs: Record<string, string>,
): SVGRectElement {
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
  el.setAttribute(
    'd',
    m.kind === 'rest'
      ? `M${cx - 5},${MARK_Y + 8}L${cx},${MARK_Y - 1}L${cx + 5},${MARK_Y + 8}Z`
      : `M${cx},${MARK_Y - 2}L${cx + 5},${MARK_Y + 4}L${cx},${MARK_Y + 10}L${cx - 5},${MARK_Y + 4}Z`,
  );
  return el;
}
