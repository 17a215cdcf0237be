/**
 * How other features extend the live "Finesse Frames" panel without owning it: intercept
 * calls `services.panelHooks.set({ actions, toolbar })` once; the open panel, and any panel
 * opened or revived later, gets the detail pane's Forward/Drop/Edit/Resend buttons and the
 * toolbar toggles (Pause/Resume). activate() creates the one instance. No vscode import.
 */
import type { FrameActions, ToolbarSource } from '../../protocol/actions';

export interface PanelHooks {
  actions?: FrameActions;
  toolbar?: ToolbarSource;
}

export class PanelHookSlot {
  private hooks: PanelHooks = {};
  private readonly listeners = new Set<(hooks: PanelHooks) => void>();

  /** Installs hooks; disposing the result removes them unless others replaced them since. */
  set(next: PanelHooks): { dispose(): void } {
    this.hooks = { ...next };
    for (const l of this.listeners) l(this.hooks);
    return {
      dispose: () => {
        if (this.hooks.actions === next.actions && this.hooks.toolbar === next.toolbar) this.set({});
      },
    };
  }

  get current(): PanelHooks {
    return this.hooks;
  }

  onChange(listener: (hooks: PanelHooks) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
