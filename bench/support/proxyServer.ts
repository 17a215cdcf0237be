/**
 * Bench child: the proxy with its FrameStore, as the extension host or CLI runs it, in its own
 * process. argv: TARGET [CAPACITY] [panel]. With `panel`, the frames panel's host follows the
 * store as with the panel open in VS Code (the extension's usual state): its FilteredIndex, the
 * REST correlation, the batched notices, each serialized as postMessage would.
 * Prints {"url":"ws://127.0.0.1:PORT/ws/"}; answers {"stats":true} with frames captured and memory.
 */
import { FrameStore } from '../../src/core/capture/frameStore';
import { WsProxy } from '../../src/core/proxy/wsProxy';
import { FramesHost } from '../../src/vscode/panel/framesHost';
import { serveRequests } from './children';

const [target, capacity = '200000', panel] = process.argv.slice(2);
const store = new FrameStore(Number(capacity));
if (panel === 'panel') {
  const host = new FramesHost(store, { post: (message) => JSON.stringify(message), copy: () => undefined });
  host.receive({ type: 'ready', filter: { text: '' } });
}
const proxy = new WsProxy(store, { target });
void proxy.listen().then((url) => {
  process.stdout.write(JSON.stringify({ url }) + '\n');
  serveRequests(() => {
    const m = process.memoryUsage();
    return { frames: store.lastId, held: store.size, rss: m.rss, heapUsed: m.heapUsed, cpu: process.cpuUsage() };
  });
});
