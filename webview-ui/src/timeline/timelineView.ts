/**
 * Draws the timeline model as SVG: a time axis, then one lane per agent with its states as
 * coloured spans, its dialogs as bars below them (ALERTING → DROPPED) and REST calls and
 * apiErrors as marks. d3-scale maps time to x and d3-axis draws the ticks; d3-selection joins
 * the data to elements. All three only set attributes and text (never style attributes in
 * markup, never HTML from data), which the webview's strict CSP allows; tick labels are the
 * locale's clock (axisTime.ts); colours are CSS classes over the theme's --vscode-charts-*
 * variables (media/timeline.css). The spans themselves are plain elements (see render) for speed.
 *
 * What is shown is a window of time (viewport.ts): the whole capture while it is live and
 * followed, its frames otherwise, or what the user zoomed and panned to with the wheel, a drag
 * or the keyboard. Only what falls in the window is drawn, clipped at the lane labels.
 */
import { axisTop } from 'd3-axis';
import { scaleTime } from 'd3-scale';
import { select } from 'd3-selection';
import type { TimelineLane, TimelineMark, TimelineModel } from '../../../src/protocol/timeline';
import { Viewport, ViewMode } from './viewport';
import { spanAt } from './hit';
import { tickFormat } from './axisTime';

const SVG_NS = 'http://www.w3.org/2000/svg';
const LABEL_WIDTH = 120;
const RIGHT_MARGIN = 12;
const AXIS_HEIGHT = 26;
const LANE_HEIGHT = 66;
const STATE_Y = 8;
const STATE_H = 20;
const DIALOG_Y = 32;
const DIALOG_H = 12;
const MARK_Y = 54;
/** A span narrower than this gets no text. */
const LABEL_MIN_WIDTH = 56;
/** Pointer travel before a press becomes a drag (and not a click). */
const DRAG_PX = 4;
const CLIP_ID = 'tl-lanes-clip';

/** A state or dialog state as a class name: letters and underscores only (the text is untrusted). */
function stateClass(state: string): string {
  return state.toLowerCase().replace(/[^a-z_]/g, '') || 'unknown';
}

export interface TimelineHandlers {
  hover(frame: number, target: Element): void;
  leave(): void;
  select(frame: number): void;
  /** The window or its mode changed (zoom, pan, fit, follow). */
  viewChanged?(mode: ViewMode): void;
}

export class TimelineView {
  private readonly svg: SVGSVGElement;
  private readonly clipRect: SVGRectElement;
  private readonly viewport = new Viewport();
  private frame = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly handlers: TimelineHandlers,
  ) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('timeline');
    const defs = document.createElementNS(SVG_NS, 'defs');
    const clip = document.createElementNS(SVG_NS, 'clipPath');
    clip.setAttribute('id', CLIP_ID);
    this.clipRect = document.createElementNS(SVG_NS, 'rect');
    clip.append(this.clipRect);
    defs.append(clip);
    this.svg.append(defs);
    root.append(this.svg);
    this.listen();
    new ResizeObserver(() => this.redraw()).observe(root);
  }

  get mode(): ViewMode {
    return this.viewport.mode;
  }

  /** The outline over the state span under the pointer (one element, moved). */
  private readonly hoverSpan = (() => {
    const el = document.createElementNS(SVG_NS, 'rect');
    el.setAttribute('class', 'span-hover');
    return el;
  })();
  private model?: TimelineModel;
  private live = false;
  private toX: (t: number) => number = (t) => t;
  private toT: (x: number) => number = (x) => x;
  /** Where lasting states stop. */
  private openEnd = 0;
  private hovered: number | undefined;
  /** Where the pointer rests on a lane's states: the outline is put back there after a redraw. */
  private onState: { lane: string; clientX: number } | undefined;
  /** Where the pointer last was over the picture (a redraw may move a mark from under it). */
  private pointer: { x: number; y: number } | undefined;
  /** The frame of the dialog or mark under a point, if one is there. */
  private elementFrameAt: (x: number, y: number) => number | undefined = () => undefined;

  render(model: TimelineModel, live = false): void {
    this.model = model;
    this.live = live;
    this.viewport.setLive(live);
    this.draw();
  }

  /** The host's clock while live: the lasting states grow to it. */
  setNow(now: number): void {
    if (!this.model || !this.live || now <= this.model.end) return;
    // A window zoomed to earlier times shows nothing that grows: no need to draw it again.
    const unseen = this.viewport.mode === 'zoomed' && this.domain()[1] < this.model.end;
    this.model = { ...this.model, end: now };
    if (!unseen) this.redraw();
  }

  /** The frames fill the width (and stay so as frames arrive). */
  fit(): void {
    this.viewport.setMode('fit');
    this.draw();
  }

  /** Back to following the live capture: its whole extent up to now. */
  follow(): void {
    this.viewport.setMode(this.live ? 'follow' : 'fit');
    this.draw();
  }

  /** Zooms by `factor` (below 1: in) around x (client coordinates), the middle by default. */
  zoom(factor: number, clientX?: number): void {
    const { r0, r1 } = this.range();
    const left = this.svg.getBoundingClientRect().left;
    const px = clientX === undefined ? (r0 + r1) / 2 : clientX - left;
    this.viewport.zoom(factor, this.toT(Math.min(r1, Math.max(r0, px))));
    this.moved();
  }

  /** Pans by `px` pixels (positive: later). */
  pan(px: number): void {
    const { r0, r1 } = this.range();
    const [d0, d1] = this.domain();
    this.viewport.pan((px * (d1 - d0)) / (r1 - r0));
    this.moved();
  }

  /** The window moved under the pointer: what it hovered is no longer there. */
  private moved(): void {
    this.onState = undefined;
    if (this.hovered !== undefined) {
      this.hovered = undefined;
      this.unhover();
    }
    this.redraw();
  }

  /** Draws on the next animation frame, once however many changes come before it. */
  private redraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private range(): { width: number; r0: number; r1: number } {
    const width = Math.max(this.root.clientWidth, LABEL_WIDTH + 200);
    return { width, r0: LABEL_WIDTH, r1: width - RIGHT_MARGIN };
  }

  private domain(): [number, number] {
    return this.model ? this.viewport.domain(this.model) : [0, 1];
  }

  private listen(): void {
    const svg = this.svg;
    // Dialogs and marks are elements of their own (data-frame); a lane's states are one path per
    // state over a transparent band, so the span under the pointer is found from x (hit.ts),
    // which also keeps a span narrower than a few pixels within reach.
    const frameOf = (e: MouseEvent): { el: Element; frame: number } | undefined => {
      const target = e.target as Element;
      if (target.matches('path.state, rect.state-band')) {
        const hit = this.stateAt(target, e.clientX);
        this.onState = { lane: target.closest('g.lane')?.getAttribute('data-index') ?? '', clientX: e.clientX };
        return hit === undefined ? undefined : { el: this.hoverSpan, frame: hit };
      }
      this.onState = undefined;
      const el = target.closest('[data-frame]');
      return el && el !== this.hoverSpan ? { el, frame: Number(el.getAttribute('data-frame')) } : undefined;
    };
    this.elementFrameAt = (x, y) => {
      const el = document.elementFromPoint(x, y)?.closest('[data-frame]');
      return el && el !== this.hoverSpan && svg.contains(el) ? Number(el.getAttribute('data-frame')) : undefined;
    };
    const hoverAt = (e: MouseEvent) => {
      const hit = frameOf(e);
      if (hit?.frame === this.hovered) return;
      this.hovered = hit?.frame;
      if (hit) this.handlers.hover(hit.frame, hit.el);
      else this.unhover();
    };

    let press: { x: number; pointer: number; dragging: boolean } | undefined;
    let dragged = false;
    svg.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      press = { x: e.clientX, pointer: e.pointerId, dragging: false };
      dragged = false;
    });
    svg.addEventListener('pointermove', (e) => {
      if (press && e.pointerId === press.pointer && (e.buttons & 1) !== 0) {
        const dx = e.clientX - press.x;
        if (!press.dragging && Math.abs(dx) < DRAG_PX) return;
        if (!press.dragging) {
          press.dragging = true;
          svg.setPointerCapture(e.pointerId);
          svg.classList.add('panning');
        }
        // Dragging the picture right shows earlier times.
        this.pan(-dx);
        press.x = e.clientX;
      }
    });
    svg.addEventListener('mousemove', (e) => {
      this.pointer = { x: e.clientX, y: e.clientY };
      if (!press?.dragging) hoverAt(e);
    });
    const release = (e: PointerEvent) => {
      if (!press || e.pointerId !== press.pointer) return;
      dragged = press.dragging;
      press = undefined;
      svg.classList.remove('panning');
      if (svg.hasPointerCapture(e.pointerId)) svg.releasePointerCapture(e.pointerId);
      // A drag that ended outside the picture left it while the leave was ignored.
      if (dragged && !svg.contains(document.elementFromPoint(e.clientX, e.clientY))) this.leave();
    };
    svg.addEventListener('pointerup', release);
    svg.addEventListener('pointercancel', release);
    svg.addEventListener('mouseleave', () => {
      if (press?.dragging) return;
      this.leave();
    });
    // The pointer can leave without a mouseleave on the svg: out of the webview's frame at
    // speed, to another window, or the panel hidden. Whatever hovered is then no longer.
    document.documentElement.addEventListener('mouseleave', () => this.leave());
    window.addEventListener('blur', () => this.leave());
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.leave();
    });
    svg.addEventListener('click', (e) => {
      // The end of a drag is not a click on what the pointer stopped over.
      if (dragged) {
        dragged = false;
        return;
      }
      const hit = frameOf(e);
      if (hit) this.handlers.select(hit.frame);
    });
    svg.addEventListener(
      'wheel',
      (e) => {
        if (!this.model) return;
        e.preventDefault();
        const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.root.clientWidth : 1;
        const dx = e.deltaX * unit;
        const dy = e.deltaY * unit;
        // A horizontal wheel (or Shift + wheel) pans; the vertical wheel zooms around the pointer.
        if (Math.abs(dx) > Math.abs(dy)) this.pan(dx);
        else if (e.shiftKey) this.pan(dy);
        else this.zoom(Math.exp(dy * 0.0015), e.clientX);
      },
      { passive: false },
    );
    window.addEventListener('keydown', (e) => {
      if (!this.model || e.altKey || e.ctrlKey || e.metaKey) return;
      if ((e.target as Element | null)?.closest?.('input, textarea, select')) return;
      const { r0, r1 } = this.range();
      const step = (r1 - r0) / 8;
      switch (e.key) {
        case '+':
        case '=':
          this.zoom(1 / 1.5);
          break;
        case '-':
        case '_':
          this.zoom(1.5);
          break;
        case 'ArrowLeft':
          this.pan(-step);
          break;
        case 'ArrowRight':
          this.pan(step);
          break;
        case '0':
        case 'Home':
          this.fit();
          break;
        case 'End':
          this.follow();
          break;
        default:
          return;
      }
      e.preventDefault();
    });
  }

  /** The pointer is no longer over the picture: nothing is hovered. */
  private leave(): void {
    this.pointer = undefined;
    this.onState = undefined;
    if (this.hovered === undefined) return;
    this.hovered = undefined;
    this.unhover();
  }

  private unhover(): void {
    this.hoverSpan.remove();
    this.handlers.leave();
  }

  /** The state span of `target`'s lane at clientX: outlines it and returns its frame. */
  private stateAt(target: Element, clientX: number): number | undefined {
    const laneEl = target.closest('g.lane');
    const lane = this.model?.lanes[Number(laneEl?.getAttribute('data-index'))];
    if (!laneEl || !lane) return undefined;
    const px = clientX - this.svg.getBoundingClientRect().left;
    const span = spanAt(lane.states, px, this.toX, this.openEnd);
    if (!span) return undefined;
    const { r0, r1 } = this.range();
    const left = Math.max(r0, this.toX(span.from));
    const right = Math.min(r1, this.toX(span.to ?? this.openEnd));
    const width = Math.max(1, right - left);
    for (const [k, v] of Object.entries({ x: left, y: STATE_Y - 1, width, height: STATE_H + 2 }))
      this.hoverSpan.setAttribute(k, String(Math.round(v * 10) / 10));
    this.hoverSpan.setAttribute('data-frame', String(span.frame));
    this.hoverSpan.setAttribute('data-state', span.state);
    if (this.hoverSpan.parentNode !== laneEl) laneEl.append(this.hoverSpan);
    return span.frame;
  }

  private draw(): void {
    const model = this.model;
    if (!model) return;
    const { width, r0, r1 } = this.range();
    const height = AXIS_HEIGHT + Math.max(1, model.lanes.length) * LANE_HEIGHT;
    const [d0, d1] = this.viewport.domain(model);
    // Lasting states run to now while live; in a saved capture, to the picture's right edge.
    const openEnd = this.live ? model.end : Viewport.whole(model)[1];
    const x = scaleTime()
      .domain([new Date(d0), new Date(d1)])
      .range([r0, r1]);
    const ticks = x.ticks(Math.max(2, Math.floor((width - LABEL_WIDTH) / 110)));
    const svg = select(this.svg).attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    // The window shown, for whoever needs to know (the tests read it too).
    svg.attr('data-mode', this.viewport.mode).attr('data-from', Math.round(d0)).attr('data-to', Math.round(d1));
    // Wide enough for a whole mark at either edge; spans stop at the edges themselves.
    for (const [k, v] of Object.entries({ x: r0 - 6, y: 0, width: r1 - r0 + 12, height }))
      this.clipRect.setAttribute(k, String(v));

    svg
      .selectAll<SVGGElement, null>('g.axis')
      .data([null])
      .join('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${AXIS_HEIGHT - 4})`)
      .call(axisTop<Date>(x).tickValues(ticks).tickFormat(tickFormat(ticks)));

    const lanes = svg
      .selectAll<SVGGElement, TimelineLane>('g.lane')
      .data(model.lanes, (l) => l.agent)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'lane');
        g.append('rect').attr('class', 'lane-bg');
        g.append('text').attr('class', 'lane-label');
        g.append('rect').attr('class', 'state-band');
        g.append('g').attr('class', 'content').attr('clip-path', `url(#${CLIP_ID})`);
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
    // Under the spans, so the pointer finds the nearest state even between or beside them.
    lanes
      .select('rect.state-band')
      .attr('x', r0)
      .attr('y', STATE_Y)
      .attr('width', r1 - r0)
      .attr('height', STATE_H);

    // The lanes' contents are the bulk (10,000 spans and more). A lane's states are one <path>
    // per state (a subpath per span), so drawing and layout cost a few elements per lane whatever
    // the number of changes; only what falls in the window is drawn; text only where it fits;
    // dialogs and marks are elements of their own. The same linear map as the scale, without a
    // Date per call.
    const k = (r1 - r0) / (d1 - d0);
    const xOf = (t: number) => r0 + (t - d0) * k;
    // Outside the window, coordinates stop at its edges.
    const lo = r0;
    const hi = r1;
    const clampX = (v: number) => Math.min(hi, Math.max(lo, v));
    this.openEnd = openEnd;
    this.toX = xOf;
    this.toT = (px) => d0 + (px - r0) / k;
    this.hoverSpan.remove();
    const round = (v: number) => Math.round(v * 10) / 10;
    lanes.each(function (lane) {
      const fragment = document.createDocumentFragment();
      const byState = new Map<string, { state: string; d: string[] }>();
      const labels: SVGTextElement[] = [];
      for (const s of lane.states) {
        const a = xOf(s.from);
        const b = xOf(s.to ?? openEnd);
        if (b < lo || a > hi) continue;
        const left = round(clampX(a));
        const w = round(Math.max(1, clampX(b) - clampX(a)));
        const cls = stateClass(s.state);
        let group = byState.get(cls);
        if (!group) byState.set(cls, (group = { state: s.state, d: [] }));
        group.d.push(`M${left} ${STATE_Y}h${w}v${STATE_H}h${-w}z`);
        if (w >= LABEL_MIN_WIDTH) labels.push(label(Math.max(left, r0) + 4, STATE_Y + 14, 'state-label', s.state));
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
        const a = xOf(d.from);
        const b = xOf(d.to ?? openEnd);
        if (b < lo || a > hi) continue;
        const left = clampX(a);
        const w = Math.max(1, clampX(b) - left);
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
              Math.max(left, r0) + 4,
              DIALOG_Y + DIALOG_H - 2,
              'dialog-label',
              `${d.caller ?? d.id} · ${d.steps.map((st) => st.state).join(' → ')}`,
            ),
          );
      }
      for (const m of lane.marks) {
        const cx = xOf(m.t);
        if (cx >= lo - 6 && cx <= hi + 6) fragment.append(mark(m, cx));
      }
      const content = this.querySelector('g.content') as SVGGElement;
      content.replaceChildren(fragment);
    });
    this.rehover();
    this.handlers.viewChanged?.(this.viewport.mode);
  }

  /**
   * After a redraw under a resting pointer (a live capture redraws every second): the outline
   * goes back on the state there, and the tooltip changes only if that state is another one.
   */
  private rehover(): void {
    const on = this.onState;
    if (this.hovered === undefined) return;
    if (!on) {
      // A dialog or mark: a live picture that follows now slides it from under a resting pointer.
      const frame = this.pointer ? this.elementFrameAt(this.pointer.x, this.pointer.y) : undefined;
      if (frame === this.hovered) return;
      const el = frame === undefined ? null : this.svg.querySelector(`[data-frame="${frame}"]`);
      this.hovered = el ? frame : undefined;
      if (el) this.handlers.hover(frame!, el);
      else this.unhover();
      return;
    }
    const laneEl = this.svg.querySelector(`g.lane[data-index="${on.lane}"]`);
    const frame = laneEl ? this.stateAt(laneEl, on.clientX) : undefined;
    if (frame === this.hovered) return;
    this.hovered = frame;
    if (frame === undefined) this.unhover();
    else this.handlers.hover(frame, this.hoverSpan);
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

/** A REST call: a triangle pointing up at the lane; an apiError: a diamond; a hub publish: a square. */
function mark(m: TimelineMark, cx: number): SVGPathElement {
  const el = document.createElementNS(SVG_NS, 'path');
  el.setAttribute('class', `mark m-${m.kind}`);
  el.setAttribute('data-frame', String(m.frame));
  el.setAttribute('data-label', m.label);
  el.setAttribute(
    'd',
    m.kind === 'rest'
      ? `M${cx - 5},${MARK_Y + 8}L${cx},${MARK_Y - 1}L${cx + 5},${MARK_Y + 8}Z`
      : m.kind === 'hub'
        ? `M${cx - 3.5},${MARK_Y + 0.5}h7v7h-7Z`
        : `M${cx},${MARK_Y - 2}L${cx + 5},${MARK_Y + 4}L${cx},${MARK_Y + 10}L${cx - 5},${MARK_Y + 4}Z`,
  );
  return el;
}
