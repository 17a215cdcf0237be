/** JIDs as the strings stanzas carry them (RFC 7622), for comparisons that ignore the resource. */

/** `agent1@finesse.test/desktop` → `agent1@finesse.test`, lower-cased (localpart and domain compare case-insensitively). */
export function bareJid(jid: string): string {
  const slash = jid.indexOf('/');
  return (slash < 0 ? jid : jid.slice(0, slash)).toLowerCase();
}
