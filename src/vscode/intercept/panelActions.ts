/**
 * Intercept's side of the frames panel: the detail pane's Forward/Drop/Edit/Resend buttons
 * (FrameActions) and the toolbar's Pause toggles (ToolbarSource), given to every live panel
 * through services.panelHooks.
 */
import type { Frame } from '../../core/capture/frame';
import type { FrameActions, ToolbarSource } from '../../protocol/actions';
import type { FrameAction, HoldNote, ToolbarToggle } from '../../protocol/messages';
import { heldName, type InterceptController } from './controller';

const SENDABLE = new Set<Frame['kind']>(['open', 'close', 'stanza', 'text']);

export interface ActionRunner {
  forward(frameId: number): Promise<unknown>;
  drop(frameId: number): Promise<unknown>;
  edit(frameId: number): Promise<unknown>;
  resend(frameId: number): Promise<unknown>;
  resendOriginal(frameId: number): Promise<unknown>;
  compare(frameId: number): Promise<unknown>;
}

export function panelActions(controller: InterceptController, run: ActionRunner): FrameActions {
  return {
    async perform(action: FrameAction, frameId: number) {
      await run[action](frameId);
    },
    available(frame: Frame): FrameAction[] {
      const edited: FrameAction[] = frame.original !== undefined ? ['compare'] : [];
      if (controller.current?.isHeld(frame.id)) return ['forward', 'drop', 'edit', ...edited];
      const live = controller.services.live.get(frame.session);
      if (live && live.directions.includes(frame.dir) && SENDABLE.has(frame.kind))
        return ['resend', 'edit', ...(edited.length ? (['resendOriginal'] as const) : []), ...edited];
      return edited;
    },
    onDidChange(listener: () => void) {
      return controller.onDidChange(listener);
    },
    holdNote(frameId: number): HoldNote | undefined {
      return holdNote(controller, frameId);
    },
    heldIds(): number[] {
      return controller.current?.held().map((h) => h.frame.id) ?? [];
    },
  };
}

/** A held row's note: why it is held and, when the order is kept, what waits behind what. */
export function holdNote(controller: InterceptController, frameId: number): HoldNote | undefined {
  const i = controller.current;
  const held = i?.heldFrame(frameId);
  if (!i || !held) return undefined;
  const parts: string[] = [];
  const titles: string[] = [];
  if (held.editing) {
    parts.push('editing');
    titles.push('Open in an editor: it waits for Send.');
  }
  const waiting = i.waitingBehind(frameId);
  const ahead = i.waitsBehind(frameId);
  if (held.reason === 'breakpoint') {
    const rule = held.rule?.id ?? 'breakpoint';
    parts.push(rule);
    titles.push(`Held by breakpoint ${rule}.`);
    if (held.aside) {
      parts.push('the rest passes');
      titles.push('Later frames flow; forwarded now, it goes out of order (flagged reordered).');
    }
  } else if (held.reason === 'paused') {
    parts.push('paused');
    titles.push('Held while its direction is paused.');
  }
  if (waiting) {
    parts.push(`${waiting} waiting behind`);
    titles.push(`${waiting} later frames of its session and direction wait behind it, in order.`);
  }
  if (ahead && held.reason !== 'paused') {
    parts.push(`waits behind ${heldName(ahead)}`);
    titles.push(`It keeps its place in the order behind #${ahead.frame.id}.`);
  }
  const note: HoldNote = { text: parts.join(' · '), title: titles.join(' ') };
  if (held.deadline !== undefined) note.autoForwardMs = Math.max(0, held.deadline - Date.now());
  return note;
}

export function pauseToolbar(controller: InterceptController): ToolbarSource {
  return {
    toggles(): ToolbarToggle[] {
      const paused = controller.current?.paused ?? { in: false, out: false };
      return [
        { id: 'pause-out', label: 'Pause ↑', title: 'Hold frames from the client to the server', checked: paused.out },
        { id: 'pause-in', label: 'Pause ↓', title: 'Hold frames from the server to the client', checked: paused.in },
      ];
    },
    async toggle(id: string) {
      const dir = id === 'pause-out' ? 'out' : id === 'pause-in' ? 'in' : undefined;
      if (!dir) return;
      const interceptor = await controller.get();
      if (interceptor.paused[dir]) interceptor.resume(dir);
      else interceptor.pause(dir);
    },
    onDidChange(listener: () => void) {
      return controller.onDidChange(listener);
    },
  };
}
