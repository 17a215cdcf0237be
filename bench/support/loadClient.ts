/**
 * Load test child: the client. On {"url","rate","seconds","drainSeconds"} it sends frame(0),
 * frame(1), … at `rate` frames/s for `seconds` through the given URL, verifies every echo
 * (order, hash, exact text), waits for the last one (or gives up `drainSeconds` after the end)
 * and answers with the figures: how many echoes were still on their way when sending ended
 * (the backlog) and how long they took to arrive. A frame still on its way is not a lost one;
 * a gap in the sequence is.
 */
import WebSocket from 'ws';
import { serveRequests } from './children';
import { frame, Verifier } from './loadFrames';

async function run(url: string, rate: number, seconds: number, drainSeconds: number) {
  const ws = new WebSocket(url, ['xmpp'], { perMessageDeflate: false });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const echoes = new Verifier();
  const total = Math.round(rate * seconds);
  let sent = 0;
  let allBack: () => void = () => undefined;
  const back = new Promise<void>((resolve) => (allBack = resolve));
  ws.on('message', (data) => {
    echoes.check(data.toString());
    if (echoes.received === total) allBack();
  });
  const t0 = performance.now();
  let maxLagMs = 0;
  await new Promise<void>((resolve) => {
    // Paced by the clock: each tick sends what is due by now, so timer jitter does not lower the rate.
    const timer = setInterval(() => {
      const elapsed = performance.now() - t0;
      const due = Math.min(total, Math.floor((elapsed / 1000) * rate));
      maxLagMs = Math.max(maxLagMs, ((due - sent) / rate) * 1000);
      while (sent < due) ws.send(frame(sent++));
      if (sent === total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const sendSeconds = (performance.now() - t0) / 1000;
  const backlogAtEnd = total - echoes.received;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = await Promise.race([
    back.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), drainSeconds * 1000))),
  ]);
  clearTimeout(timer);
  const seconds_ = (performance.now() - t0) / 1000;
  ws.close();
  return {
    sent,
    sendSeconds,
    seconds: seconds_,
    rateAchieved: sent / sendSeconds,
    maxSendLagMs: maxLagMs,
    echoes: echoes.verdict(),
    gaveUp,
    backlogAtEnd,
    drainedInSeconds: seconds_ - sendSeconds,
  };
}

process.stdout.write('{"ready":true}\n');
serveRequests((r) => run(String(r.url), Number(r.rate), Number(r.seconds), Number(r.drainSeconds ?? 30)));
