/**
 * Messages between the gadget desktop's container page (dist/desktop.js) and the local server
 * over the control WebSocket `/desktop/hub?user=ID` (JSON text frames). The page is a relay: the
 * hub (subscriptions, OpenAjax wildcards, delivery), the master publisher (Updates from the
 * desktop's XMPP connection), capture and intercept all live in the server
 * (src/core/desktop/), so every publish passes one place that records and can hold it. The page
 * passes each gadget frame's postMessage (src/protocol/gadgetHub.ts) up as `gadget`, after
 * checking the frame's origin and taking the `mid` from the frame element that sent it, and
 * posts each `toGadget` down to that frame.
 *
 *   server → `config` once the agent is signed in (the frames are created only then)
 *   server → `agent` whenever the agent's state or the connection changes
 *   page   → `gadget {msg}`        server → `toGadget {mid, msg}`
 *   page   → `activeTab {id}`      server → `activateTab {id}` (SetActiveTabReq)
 *   page   → `setState {state, reasonCodeId?}` (the header's state menu)
 *   server → `reload {mid}`        (live reload, ReloadGadgetReq: only that frame)
 *   server → `notice {level, text}` (sign-in failures, refused requests)
 */
import type { FromGadget, ToGadget } from './gadgetHub';

export interface DesktopGadget {
  /** The module id, the `mid` of its /gadgets/ifr URL. */
  mid: string;
  title: string;
  /** The spec as the layout names it, `/3rdpartygadget/files/Sample/Sample.xml`. */
  specUrl: string;
  /** The tab it sits in. */
  tab: string;
  /** Its frame's src: /gadgets/ifr?…&url=SPEC. */
  frameUrl: string;
}

interface DesktopTab {
  id: string;
  label: string;
}

export interface AgentInfo {
  id: string;
  firstName: string;
  lastName: string;
  extension: string;
  state: string;
  /** The reason code's label when NOT_READY or LOGOUT with one. */
  reason?: string;
  /** finesse.info.connection status: connecting, connected, reconnecting, disconnected… */
  connection: string;
}

export interface ReasonCode {
  id: string;
  label: string;
}

export interface DesktopConfig {
  /** btoa(`id:password`), for sessionStorage.userFinesseAuth (finesse.js reads it). */
  auth: string;
  tabs: DesktopTab[];
  gadgets: DesktopGadget[];
  notReadyReasons: ReasonCode[];
  logoutReasons: ReasonCode[];
  /** Where the desktop runs against: `local Finesse` or the lab server's origin. */
  server: string;
}

export type ToDesktopPage =
  | { type: 'config'; config: DesktopConfig }
  | { type: 'agent'; agent: AgentInfo }
  | { type: 'toGadget'; mid: string; msg: ToGadget }
  | { type: 'activateTab'; id: string }
  | { type: 'reload'; mid: string }
  | { type: 'notice'; level: 'info' | 'error'; text: string };

export type FromDesktopPage =
  | { type: 'gadget'; msg: FromGadget }
  | { type: 'activeTab'; id: string }
  | { type: 'setState'; state: string; reasonCodeId?: string };
