/**
 * What every listener the extension starts (proxy, reverse proxy, replay) takes from the user's
 * security settings: the extra browser origins allowed to connect, and a warning when it was
 * bound to every interface (reachable from the network, not only over loopback).
 */
import * as vscode from 'vscode';
import { isWildcardHost } from '../../core/net/origin';
import type { Services } from '../services';

/** `finesse.security.allowedOrigins`: origins (or `*`) allowed besides loopback pages. */
export function allowedOrigins(): string[] {
  const list = vscode.workspace.getConfiguration('finesse').get<unknown[]>('security.allowedOrigins') ?? [];
  return list.filter((o): o is string => typeof o === 'string' && o.trim() !== '').map((o) => o.trim());
}

/** Warns (log and notification) when `host` binds every interface; `url` is what was bound. */
export function warnIfWide(services: Services, host: string | undefined, url: string): void {
  if (host === undefined || !isWildcardHost(host)) return;
  const message = `Finesse: ${url} listens on every network interface (${host}): other computers on the network can connect to it.`;
  services.log.warn(message);
  void vscode.window.showWarningMessage(message);
}
