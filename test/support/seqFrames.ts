/**
 * Frames that carry who sent them and their place in the sequence, for tests that must tell a
 * lost, duplicated, reordered or altered frame: `seqFrame(conn, seq)` is always the same text
 * (Finesse-sized, some of it non-ASCII), so a receiver checks each one exactly.
 * `seqFrame` uses nothing from outside its body: the browser test sends it into the page as is.
 */
export function seqFrame(conn: string, seq: number): string {
  const words = ['READY', 'TALKING', 'état', '通話', 'Übergabe', 'wrap-up', 'queue', 'agent'];
  let x = ((seq + 1) * 2654435761) >>> 0;
  let body = '';
  const size = 40 + (x % 400);
  while (body.length < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    body += words[x % words.length] + ' ';
  }
  return `<message xmlns="jabber:client" id="${conn}-${seq}" to="agent1@finesse.test/desktop"><body>${body}</body></message>`;
}

/** `expect` follows one connection: its sender id (from the first frame) and the next seq. */
export function checkSeqFrame(text: string, expect: { conn?: string; seq: number }): boolean {
  const m = /^<message xmlns="jabber:client" id="([^"]+)-(\d+)"/.exec(text);
  if (!m) return false;
  expect.conn ??= m[1];
  const ok = m[1] === expect.conn && Number(m[2]) === expect.seq && text === seqFrame(expect.conn, expect.seq);
  expect.seq = Number(m[2]) + 1;
  return ok;
}

/** The server's burst frames: `size` bytes each, numbered. */
export function burstFrame(i: number, size: number): string {
  const head = `<message xmlns="jabber:client" id="burst-${i}"><body>`;
  const tail = '</body></message>';
  return head + String.fromCharCode(97 + (i % 26)).repeat(Math.max(0, size - head.length - tail.length)) + tail;
}
