/**
 * The gadget desktop's container page (served at /desktop/, dist/desktop.js). It opens the
 * control WebSocket /desktop/hub (protocol/desktopHub.ts), waits for the server to sign the agent
 * in, keeps `btoa(id:password)` in sessionStorage.userFinesseAuth (finesse.js reads it), builds
 * the header and the tabs, and only then loads the gadget frames. It relays each frame's
 * postMessage (protocol/gadgetHub.ts) to the server, naming the frame by the element that holds
 * the sending window (never by what the message claims), and posts the server's answers and
 * deliveries down to that frame; layout messages (height, title, loading) it handles itself.
 */
import { isFromGadget, type FromGadget, type ToGadget } from '../../../src/protocol/gadgetHub';
import type { FromDesktopPage, ToDesktopPage } from '../../../src/protocol/desktopHub';
import { h, replaceChildren } from '../ui/dom';
import { installContainer } from './container';
import { GadgetFrames } from './gadgetFrames';
import { Header } from './header';

const root = document.getElementById('desktop') as HTMLElement;
const status = (text: string, error = false) =>
  replaceChildren(root, h('p', { class: `desktop-status${error ? ' error' : ''}`, id: 'desktop-status', text }));

const params = new URLSearchParams(location.search);
const user = params.get('user');
const ws = new WebSocket(
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/desktop/hub${user ? `?user=${encodeURIComponent(user)}` : ''}`,
);
const send = (m: FromDesktopPage) => {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
};

const frames = new GadgetFrames();
frames.onTab = (id) => send({ type: 'activeTab', id });
const header = new Header({ setState: (state, reasonCodeId) => send({ type: 'setState', state, reasonCodeId }) });
installContainer(frames);
let built = false;

const toGadget = (mid: string, msg: ToGadget) => frames.windowOf(mid)?.postMessage(msg, location.origin);

ws.addEventListener('message', (ev) => {
  let m: ToDesktopPage;
  try {
    m = JSON.parse(String(ev.data)) as ToDesktopPage;
  } catch {
    return;
  }
  switch (m.type) {
    case 'config':
      sessionStorage.setItem('userFinesseAuth', m.config.auth);
      header.configure(m.config);
      replaceChildren(root, header.root, frames.root);
      frames.build(m.config);
      built = true;
      break;
    case 'agent':
      header.showAgent(m.agent);
      document.title = `${[m.agent.firstName, m.agent.lastName].filter(Boolean).join(' ') || m.agent.id} – Finesse gadget desktop`;
      break;
    case 'toGadget':
      toGadget(m.mid, m.msg);
      break;
    case 'activateTab':
      frames.activate(m.id);
      break;
    case 'reload':
      frames.reload(m.mid);
      break;
    case 'notice':
      if (built) header.showNotice(m.level, m.text);
      else status(m.text, m.level === 'error');
      break;
  }
});
ws.addEventListener('close', (ev) => {
  const text = `The desktop's connection to the server closed${ev.reason ? ` (${ev.reason})` : ''}; reload the page to sign in again.`;
  if (built) header.showNotice('error', text);
  else if (!document.querySelector('.desktop-status.error')) status(text, true);
});

window.addEventListener('message', (ev: MessageEvent) => {
  if (ev.origin !== location.origin || !isFromGadget(ev.data)) return;
  const mid = frames.midOf(ev.source);
  if (!mid) return;
  const msg = { ...(ev.data as FromGadget), mid } as FromGadget;
  switch (msg.type) {
    case 'adjustHeight':
      frames.setHeight(mid, Number(msg.height));
      return;
    case 'loading':
      frames.setLoading(mid, !!msg.shown);
      return;
    case 'setTitle':
      frames.setTitle(mid, String(msg.title));
      break;
  }
  send({ type: 'gadget', msg });
});
