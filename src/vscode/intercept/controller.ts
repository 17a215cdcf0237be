/**
 * Owns the extension's Interceptor: created on first use (or at once when settings hold rules),
 * plugged into the gate slot every proxy uses, kept in line with the finesse.intercept settings,
 * and shown to the user: a status bar item (paused directions, held count, the next automatic
 * forward counting down, a direction waiting behind a frame being edited), context keys for
 * menus, ONE warning at a time before held frames are forwarded automatically (a busy stream
 * must not raise a notification per frame), a note in the log for every hold and release.
 */
import * as vscode from 'vscode';
import type { Direction, Frame } from '../../core/capture/frame';
import type { HeldFrame, Interceptor, ReleaseHow } from '../../core/intercept/interceptor';
import { Disposable, toDisposable } from '../disposable';
import type { Services } from '../services';
import { heldName } from './holdNotes';
import { NoticeBatch } from './noticeBatch';
import { applySettings, readSettings, SECTION, wantsInterceptor } from './settings';

const PAUSED_CONTEXT = 'finesse.interceptPaused';
const HELD_CONTEXT = 'finesse.framesHeld';
const LIVE_CONTEXT = 'finesse.liveSession';

export const arrow = (dir: Direction) => (dir === 'out' ? 'client → server' : 'server → client');

export class InterceptController extends Disposable {
  private interceptor: Interceptor | undefined;
  private loading: Promise<Interceptor> | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<void>();
  /** One warning on screen for all held frames due (more join it while it is up). */
  private readonly warnings = new NoticeBatch<{ id: number; due: number }>((due) => this.showWarning(due));
  /** One notice for the frames a timeout forwarded. */
  private readonly timeoutNotices = new NoticeBatch<number>((ids) =>
    Promise.resolve(
      vscode.window.showInformationMessage(
        `Finesse: ${ids.length === 1 ? `held frame #${ids[0]} was` : `${ids.length} held frames were`} forwarded when the hold timeout passed.`,
      ),
    ),
  );
  private ticker: NodeJS.Timeout | undefined;
  /** The frame the announcement of a breakpoint hold selected in the panel. */
  private revealed: number | undefined;
  /** Fires when pause state, the held set or the live sessions changed. */
  readonly onDidChange = this.changed.event;

  constructor(readonly services: Services) {
    super();
    this.status = this.register(
      vscode.window.createStatusBarItem('finesse.intercept', vscode.StatusBarAlignment.Left, 40),
    );
    this.status.name = 'Finesse Intercept';
    this.register(this.changed);
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SECTION)) return;
        if (this.interceptor) applySettings(this.interceptor, readSettings(), (m) => this.reportSettings(m));
        else if (wantsInterceptor(readSettings())) void this.get();
      }),
    );
    const onLive = () => {
      void vscode.commands.executeCommand('setContext', LIVE_CONTEXT, services.live.list().length > 0);
      // Our own client session sends only to the server; a proxied one both ways.
      void vscode.commands.executeCommand(
        'setContext',
        'finesse.inboundSendable',
        services.live.list().some((l) => l.directions.includes('in')),
      );
      this.changed.fire();
    };
    services.live.on('added', onLive);
    services.live.on('removed', onLive);
    this.register(toDisposable(() => services.live.off('added', onLive).off('removed', onLive)));
    this.register(toDisposable(() => this.shutdown()));
    this.register(toDisposable(() => clearInterval(this.ticker)));
    if (wantsInterceptor(readSettings())) void this.get();
  }

  /** The interceptor if it was loaded; undefined means nothing can be held. */
  get current(): Interceptor | undefined {
    return this.interceptor;
  }

  /** The interceptor, loading it on first use. */
  get(): Promise<Interceptor> {
    if (this.interceptor) return Promise.resolve(this.interceptor);
    return (this.loading ??= this.load());
  }

  private async load(): Promise<Interceptor> {
    const { Interceptor } = await import('../../core/intercept/interceptor');
    const interceptor = new Interceptor(this.services.store, this.services.live);
    applySettings(interceptor, readSettings(), (m) => this.reportSettings(m));
    interceptor.on('held', (h) => this.onHeld(h));
    // The row the user selected keeps still: its clock stops while it is selected.
    let watched = this.services.selection.frame?.id;
    const onSelect = (frame: Frame | undefined) => {
      if (watched !== undefined) interceptor.unwatch(watched);
      // The row a breakpoint's announcement selected is not the user's choice: its clock runs.
      const revealed = frame !== undefined && frame.id === this.revealed;
      this.revealed = undefined;
      watched = revealed ? undefined : frame?.id;
      if (watched !== undefined) interceptor.watch(watched);
    };
    this.services.selection.on('change', onSelect);
    this.register(toDisposable(() => this.services.selection.off('change', onSelect)));
    interceptor.on('released', (f, how) => this.onReleased(f, how));
    interceptor.on('warn', (h, ms) => void this.onWarn(h, ms));
    interceptor.on('paused', () => this.refresh());
    interceptor.on('changed', () => this.refresh());
    this.interceptor = interceptor;
    this.services.interceptGate.target = interceptor;
    this.refresh();
    return interceptor;
  }

  private shutdown(): void {
    const gate = this.services.interceptGate;
    if (gate.target === this.interceptor) gate.target = undefined;
    // Nothing stays stuck when the extension goes away: held frames are forwarded.
    this.interceptor?.dispose();
    this.interceptor = undefined;
  }

  private reportSettings(message: string): void {
    this.services.log.error(message);
    void vscode.window.showErrorMessage(`Finesse intercept: ${message} (the previous rules stay in force)`);
  }

  private onHeld(h: HeldFrame): void {
    if (this.services.selection.frame?.id === h.frame.id) this.interceptor?.watch(h.frame.id);
    const why = h.reason === 'breakpoint' ? `breakpoint${h.rule?.id ? ` "${h.rule.id}"` : ''}` : h.reason;
    this.services.log.info(`held frame #${h.frame.id} (${arrow(h.frame.dir)}, ${why})`);
    // A breakpoint is news (a pause is not: the user just asked for it). Only the first frame of
    // a burst is announced, so a busy rule cannot flood the notifications.
    if (h.reason === 'breakpoint' && this.interceptor?.heldCount === 1) void this.announce(h, why);
  }

  private async announce(h: HeldFrame, why: string): Promise<void> {
    this.revealed = h.frame.id;
    void import('../panel/framesPanel')
      .then(({ FramesPanel }) => {
        if (!FramesPanel.reveal(h.frame.id) && this.revealed === h.frame.id) this.revealed = undefined;
      })
      .catch(() => undefined);
    const choice = await vscode.window.showInformationMessage(
      `Finesse: ${why} held frame #${h.frame.id} (${arrow(h.frame.dir)}).`,
      'Edit',
      'Forward',
      'Drop',
    );
    if (!choice || !this.interceptor?.isHeld(h.frame.id)) return;
    if (choice === 'Forward') this.interceptor.forward(h.frame.id);
    else if (choice === 'Drop') await vscode.commands.executeCommand('finesse.dropFrame', h.frame.id);
    else await vscode.commands.executeCommand('finesse.editFrame', h.frame.id);
  }

  private onReleased(frame: Frame, how: ReleaseHow): void {
    this.services.log.info(`frame #${frame.id} ${how}`);
    if (how === 'timeout') this.timeoutNotices.add(frame.id);
  }

  private onWarn(h: HeldFrame, msLeft: number): void {
    this.warnings.add({ id: h.frame.id, due: Date.now() + msLeft });
  }

  /** The one warning for every held frame about to be forwarded automatically. */
  private async showWarning(due: readonly { id: number; due: number }[]): Promise<void> {
    const seconds = Math.max(1, Math.round((Math.min(...due.map((d) => d.due)) - Date.now()) / 1000));
    const what = due.length === 1 ? `held frame #${due[0].id}` : `${due.length} held frames`;
    const choice = await vscode.window.showWarningMessage(
      `Finesse: ${what} will be forwarded automatically in ${seconds} s, so the real connection does not time out. Opening a frame for editing keeps it held.`,
      'Forward Now',
      'Drop',
      'Edit',
    );
    const i = this.interceptor;
    // The warning stands for what joined it while it was up, too.
    const still = this.warnings.current.map((d) => d.id).filter((id) => i?.isHeld(id));
    if (!i || !still.length) return;
    if (choice === 'Forward Now') for (const id of still) if (i.isHeld(id)) i.forward(id);
    if (choice === 'Drop')
      for (const id of still) if (i.isHeld(id)) await vscode.commands.executeCommand('finesse.dropFrame', id);
    if (choice === 'Edit') await vscode.commands.executeCommand('finesse.editFrame', still[0]);
  }

  /** Seconds to the next automatic forward, or undefined when no clock runs. */
  private nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const h of this.interceptor?.held() ?? [])
      if (h.deadline !== undefined && (next === undefined || h.deadline < next)) next = h.deadline;
    return next === undefined ? undefined : Math.max(0, Math.round((next - Date.now()) / 1000));
  }

  /** The status bar counts down only while some clock runs. */
  private tick(running: boolean): void {
    if (running && !this.ticker) {
      this.ticker = setInterval(() => this.showStatus(), 1000);
      this.ticker.unref?.();
    } else if (!running && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  refresh(): void {
    this.showStatus();
    this.changed.fire();
  }

  private showStatus(): void {
    const i = this.interceptor;
    const paused = i?.paused ?? { in: false, out: false };
    const held = i?.heldCount ?? 0;
    void vscode.commands.executeCommand('setContext', PAUSED_CONTEXT, paused.in || paused.out);
    void vscode.commands.executeCommand('setContext', HELD_CONTEXT, held > 0);
    const seconds = this.nextDeadline();
    this.tick(seconds !== undefined);
    const countdown = seconds !== undefined ? ` · auto-forward in ${seconds} s` : '';
    // Frames waiting in order behind a held one (a pause says so itself, unless an edit stops it).
    const queues = (i?.waitingQueues() ?? []).filter((q) => q.head.reason !== 'paused' || q.head.editing);
    const behind = queues.map((q) => ` · ${q.waiting} waiting behind ${heldName(q.head)}`).join('');
    const behindTip = queues
      .map((q) => `\n${q.waiting} frames (${arrow(q.dir)}, ${q.session}) wait in order behind ${heldName(q.head)}.`)
      .join('');
    const extra = `${countdown}${behind}`;
    if (paused.in || paused.out) {
      const dirs = paused.in && paused.out ? 'both ways' : paused.out ? 'client → server' : 'server → client';
      this.status.text = `$(debug-pause) Finesse paused ${dirs}${held ? ` · ${held} held` : ''}${extra}`;
      this.status.tooltip = `Frames ${dirs} are held. Click to resume (held frames are forwarded in order; a frame open in an editor stays held).${behindTip}`;
      this.status.command = 'finesse.resume';
      this.status.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.status.show();
    } else if (held) {
      this.status.text = `$(debug-breakpoint) ${held} held${extra}`;
      this.status.tooltip = `Frames held by a breakpoint. Click to forward one.${behindTip}`;
      this.status.command = 'finesse.forwardFrame';
      this.status.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.status.show();
    } else {
      this.status.hide();
    }
  }
}
