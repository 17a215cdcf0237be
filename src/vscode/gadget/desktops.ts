/**
 * Starting a gadget desktop for a folder: on the local Finesse (the simulator feature, started
 * with the desktop and the extension's FrameStore, so its XMPP, hub and REST frames are in the
 * Frames panel), or, with a Connect profile, against that lab server (the profile's password from
 * SecretStorage, else a prompt). What it started is what its stop() stops.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { DesktopLike, RunningDesktop } from './desktopHandle';

export interface DesktopRequest {
  folder: string;
  layout?: string;
  finesseJs?: string;
  port?: number;
  /** A Connect profile (user@domain or its WebSocket URL): the lab server instead of the local Finesse. */
  profile?: string;
  /** With `profile`: the extension to sign in with when the agent is signed out. */
  extension?: string;
}

/** What the simulator feature offers the gadget desktop (src/vscode/simulator). */
export interface LocalFinesseLike {
  /**
   * Starts the local Finesse serving `serve` with the desktop, or answers the running one;
   * `started` says whether this call started it.
   */
  startDesktop(args: {
    serve: string;
    port?: number;
    desktop: { layout?: string; finesseJs?: string };
  }): Promise<{ desktop: DesktopLike; url: string; origin: string; started: boolean }>;
  stop(): Promise<void>;
  /** Whether this desktop is the one the running local Finesse serves (false once it stopped). */
  runs(desktop: DesktopLike): boolean;
}

/** Starts the desktop on a lab server: the core's startLabDesktop, behind the profile's trust. */
export type LabStarter = (req: DesktopRequest, services: Services) => Promise<RunningDesktop>;

export class GadgetDesktops {
  constructor(
    private readonly services: Services,
    private readonly local: LocalFinesseLike,
    private readonly lab: LabStarter,
  ) {}

  private starting: Promise<void> = Promise.resolve();
  /** The sessions using the local desktop, and whether this feature started that local Finesse. */
  private users = new Set<symbol>();
  private startedHere = false;

  /** The finesse.js a gadget needs: the request's, else the setting's. */
  private finesseJs(req: DesktopRequest): string | undefined {
    const setting = vscode.workspace.getConfiguration('finesse').get<string>('gadgets.finesseJs');
    return req.finesseJs ?? (setting ? setting : undefined);
  }

  async start(req: DesktopRequest): Promise<RunningDesktop> {
    const request = { ...req, finesseJs: this.finesseJs(req) };
    if (request.profile) return this.lab(request, this.services);
    // One at a time: two sessions starting together would each find no local Finesse running.
    const next = this.starting.then(() => this.startLocal(request));
    this.starting = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async startLocal(request: DesktopRequest): Promise<RunningDesktop> {
    const { desktop, url, origin, started } = await this.local.startDesktop({
      serve: request.folder,
      port: request.port,
      desktop: { layout: request.layout, finesseJs: request.finesseJs },
    });
    if (started) this.users = new Set();
    const handle = Symbol('desktop user');
    this.users.add(handle);
    const ownsIt = started || this.startedHere;
    if (started) this.startedHere = true;
    return {
      desktop,
      url,
      origin,
      folder: request.folder,
      label: 'the local Finesse',
      // A local Finesse this feature started stops with the last session using it; one that was
      // already running (Start Simulator) stays.
      stop: async () => {
        if (!this.users.delete(handle) || this.users.size > 0 || !ownsIt || !this.local.runs(desktop)) return;
        this.startedHere = false;
        await this.local.stop();
      },
    };
  }
}
