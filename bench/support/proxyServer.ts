/**
 * Bench child: the proxy with its FrameStore, as the extension host or CLI runs it, in its own
 * process. argv: TARGET [CAPACITY] [panel]. With `panel`, a FilteredIndex follows the store as
 * an open frames panel's does (the extension's usual state: capture with the panel showing it).
 * Prints {"url":"ws://127.0.0.1:PORT/ws/"}; answers {"stats":true} with frames captured and memory.
 */
import { FilteredIndex } from '../../src/core/capture/filterIndex';
import { FrameStore } from '../../src/core/capture/frameStore';
import { WsProxy } from '../../src/core/proxy/wsProxy';
import { serveRequests } from './children';

const [target, capacity = '200000', panel] = process.argv.slice(2);
const store = new FrameStore(Number(capacity));
if (panel === 'panel') new FilteredIndex(store);
const proxy = new WsProxy(store, { target });
void proxy.listen().then((url) => {
  process.stdout.write(JSON.stringify({ url }) + '\n');
  serveRequests(() => {
    const m = process.memoryUsage();
    return { frames: store.lastId, held: store.size, rss: m.rss, heapUsed: m.heapUsed, cpu: process.cpuUsage() };
  });
});
