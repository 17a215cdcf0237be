// An independent XMPP-over-TCP client in its own process: @xmpp/client with xmpp:// (TCP,
// STARTTLS when offered; the certificate is trusted through NODE_EXTRA_CA_CERTS, as a user's
// integration would trust its server's). Options come as JSON in argv[2]; it prints one JSON
// line per event ({event:"online",jid}, {event:"stanza",xml}, {event:"secure"}, {event:"error",
// message}, {event:"offline"}) and reads JSON lines on stdin: {"send":"<xml/>"} or {"stop":true}.
import { client, xml } from '@xmpp/client';
import { createInterface } from 'node:readline';

const opts = JSON.parse(process.argv[2]);
const print = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const xmpp = client({
  service: opts.service,
  domain: opts.domain,
  username: opts.username,
  password: opts.password,
  resource: opts.resource,
});
xmpp.reconnect.stop();
xmpp.on('error', (e) => print({ event: 'error', message: String(e?.message ?? e) }));
xmpp.on('offline', () => {
  print({ event: 'offline' });
  process.exit(0);
});
xmpp.on('stanza', (el) => print({ event: 'stanza', xml: el.toString() }));
xmpp.on('online', async (jid) => {
  print({ event: 'online', jid: jid.toString(), secure: xmpp.isSecure() });
  if (opts.presence !== false) await xmpp.send(xml('presence'));
});
createInterface({ input: process.stdin }).on('line', async (line) => {
  const cmd = JSON.parse(line);
  if (cmd.stop) {
    await xmpp.stop().catch(() => undefined);
    process.exit(0);
  }
  if (cmd.send) xmpp.write(cmd.send);
});
xmpp.start().catch((e) => {
  print({ event: 'error', message: String(e?.message ?? e) });
  process.exit(1);
});
