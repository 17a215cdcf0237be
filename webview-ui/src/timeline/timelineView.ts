/**
 * Draws the timeline model as SVG: a time axis, then one lane per agent with its states as
 * coloured spans, its dialogs as bars below them (ALERTING → DROPPED) and REST calls and
 * apiErrors as marks. d3-scale maps time to x and d3-axis draws the ticks; d3-selection joins
 * the data to elements. All three only set attributes and text (never style attributes in
 * markup, never HTML from data), which the webview's strict CSP allows; colours are CSS classes
 * over the theme's --vscode-charts-* variables (media/timeline.css).
 */
import { axisTop } from 'd3-axis';
import { scaleTime } from 'd3-scale';
import { select } from 'd3-selection';
import type { DialogBar, StateSpan, TimelineLane, TimelineMark, TimelineModel } from '../../../src/protocol/timeline';

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
        g.append('g').attr('class', 'states');
        g.append('g').attr('class', 'dialogs');
        g.append('g').attr('class', 'marks');
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

    const xOf = (t: number) => x(new Date(t));
    const widthOf = (from: number, to: number | null) => Math.max(1, xOf(to ?? end) - xOf(from));

    const states = lanes
      .select<SVGGElement>('g.states')
      .selectAll<SVGGElement, StateSpan>('g.state')
      .data((l) => l.states)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'state');
        g.append('rect').attr('y', STATE_Y).attr('height', STATE_H);
        g.append('text').attr('y', STATE_Y + 14);
        return g;
      })
      .attr('data-frame', (s) => s.frame)
      .attr('data-state', (s) => s.state)
      .attr('class', (s) => `state s-${stateClass(s.state)}`);
    states
      .select('rect')
      .attr('x', (s) => xOf(s.from))
      .attr('width', (s) => widthOf(s.from, s.to));
    states
      .select('text')
      .attr('x', (s) => xOf(s.from) + 4)
      .text((s) => (widthOf(s.from, s.to) >= LABEL_MIN_WIDTH ? s.state : ''));

    const dialogs = lanes
      .select<SVGGElement>('g.dialogs')
      .selectAll<SVGGElement, DialogBar>('g.dialog')
      .data((l) => l.dialogs)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'dialog');
        g.append('rect').attr('y', DIALOG_Y).attr('height', DIALOG_H).attr('rx', 3);
        g.append('text').attr('y', DIALOG_Y + DIALOG_H - 2);
        return g;
      })
      .attr('data-frame', (d) => d.frame)
      .attr('data-dialog', (d) => d.id)
      .attr('data-steps', (d) => d.steps.map((s) => s.state).join(' '))
      .attr('class', (d) => `dialog d-${stateClass(d.state)}${d.to === null ? ' open' : ''}`);
    dialogs
      .select('rect')
      .attr('x', (d) => xOf(d.from))
      .attr('width', (d) => widthOf(d.from, d.to));
    dialogs
      .select('text')
      .attr('x', (d) => xOf(d.from) + 4)
      .text((d) => (widthOf(d.from, d.to) >= LABEL_MIN_WIDTH * 2 ? `${d.caller ?? d.id} · ${d.steps.map((s) => s.state).join(' → ')}` : ''));

    lanes
      .select<SVGGElement>('g.marks')
      .selectAll<SVGPathElement, TimelineMark>('path.mark')
      .data((l) => l.marks)
      .join('path')
      .attr('data-frame', (m) => m.frame)
      .attr('data-label', (m) => m.label)
      .attr('class', (m) => `mark m-${m.kind}`)
      // REST call: a triangle pointing up at the lane; apiError: a diamond.
      .attr('d', (m) => {
        const cx = xOf(m.t);
        return m.kind === 'rest' ? `M${cx - 5},${MARK_Y + 8}L${cx},${MARK_Y - 1}L${cx + 5},${MARK_Y + 8}Z` : `M${cx},${MARK_Y - 2}L${cx + 5},${MARK_Y + 4}L${cx},${MARK_Y + 10}L${cx - 5},${MARK_Y + 4}Z`;
      });
  }
}
