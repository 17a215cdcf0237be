/**
 * `window.finesse.container`, what gadgets reach through `parent.finesse.container` (finesse.js
 * ContainerServices): `Container` (showDialog, hideDialog, reloadGadget, modifyGadgetUrl) and
 * `Tabs` (getActiveTab, activateTab). The dialog shows the gadget's title and message as text.
 */
import { h } from '../ui/dom';
import type { GadgetFrames } from './gadgetFrames';

interface DialogOptions {
  title?: string | boolean;
  message?: string;
  close?: () => void;
}

export function installContainer(frames: GadgetFrames): void {
  let dialog: HTMLElement | undefined;
  let onClose: (() => void) | undefined;
  const hideDialog = () => {
    dialog?.remove();
    dialog = undefined;
    const cb = onClose;
    onClose = undefined;
    try {
      cb?.();
    } catch (e) {
      console.error(e);
    }
  };
  const showDialog = (options: DialogOptions = {}) => {
    hideDialog();
    const ok = h('button', { class: 'dialog-ok', text: 'Ok', attrs: { type: 'button' } });
    ok.addEventListener('click', hideDialog);
    const title =
      options.title === false ? undefined : typeof options.title === 'string' ? options.title : 'Cisco Finesse';
    dialog = h(
      'div',
      { class: 'dialog-backdrop' },
      h(
        'div',
        { class: 'dialog', role: 'dialog', attrs: { 'aria-modal': 'true' } },
        title ? h('h2', { class: 'dialog-title', text: title }) : undefined,
        h('p', { class: 'dialog-message', text: String(options.message ?? 'A generic error has occurred.') }),
        h('div', { class: 'dialog-buttons' }, ok),
      ),
    );
    onClose = typeof options.close === 'function' ? options.close : undefined;
    document.body.appendChild(dialog);
    ok.focus();
    return undefined;
  };
  const w = window as unknown as { finesse?: Record<string, unknown> };
  w.finesse ??= {};
  w.finesse.container = {
    Container: {
      showDialog,
      hideDialog,
      reloadGadget: (mid: string | number) => frames.reload(String(mid)),
      modifyGadgetUrl: (mid: string | number, url: string) => frames.modifyUrl(String(mid), url),
    },
    Tabs: {
      getActiveTab: () => frames.activeTab,
      activateTab: (id: string) => frames.activate(String(id)),
    },
  };
}
