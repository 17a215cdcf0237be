/**
 * How other features extend the live "Finesse Frames" panel without owning it: intercept
 * calls `setPanelHooks({ actions, toolbar })` once; the open panel, and any panel
 * opened or revived later, gets the detail pane's Forward/Drop/Edit/Resend buttons and the
 * toolbar toggles (Pause/Resume). No vscode import.
 */
import type { FrameActions, ToolbarSource } from '../../protocol/actions';

export interface PanelHooks {
  actions?: FrameActions;
  toolbar?: ToolbarSource;
}

let hooks: PanelHooks = {};
const listeners = new Set<(hooks: PanelHooks) => void>();

export function setPanelHooks(next: PanelHooks): { dispose(): void } {
  hooks = { ...next };
  for (const l of listeners) l(hooks);
  return {
    dispose: () => {
      if (hooks.actions === next.actions && hooks.toolbar === next.toolbar) setPanelHooks({});
    },
  };
}

export function panelHooks(): PanelHooks {
  return hooks;
}

export function onPanelHooks(listener: (hooks: PanelHooks) => void): { dispose(): void } {
  listeners.add(listener);
  return { dispose: () => listeners.delete(listener) };
}
