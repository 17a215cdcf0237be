/**
 * Intercept's side of the frames panel: the detail pane's Forward/Drop/Edit/Resend buttons
 * (FrameActions) and the toolbar's Pause toggles (ToolbarSource), given to every live panel
 * through services.panelHooks.
 */
import type { Frame } from '../../core/capture/frame';
import type { FrameActions, ToolbarSource } from '../../protocol/actions';
import type { FrameAction, HoldNote, ToolbarToggle } from '../../protocol/messages';
import type { InterceptController } from './controller';
import { holdNote } from './holdNotes';

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
      return controller.current && holdNote(controller.current, frameId);
    },
    heldIds(): number[] {
      return controller.current?.held().map((h) => h.frame.id) ?? [];
    },
  };
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
