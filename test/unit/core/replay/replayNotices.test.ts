// One line for what a replay did differently for a client: what VS Code's notification says.
import assert from 'node:assert/strict';
import { ReplayNotice, summarizeNotices } from '../../../../src/core/replay/replayNotices';

describe('summarizeNotices', () => {
  it('counts the answers the recording lacks and names a skipped logout echo', () => {
    const notices: ReplayNotice[] = [
      { kind: 'answered', request: 'iq set urn:ietf:params:xml:ns:xmpp-session session' },
      { kind: 'answered', request: 'iq get jabber:iq:roster query' },
      { kind: 'answered', request: '<enable xmlns="urn:xmpp:sm:3"/>' },
      { kind: 'skipped', requests: ['presence type=unavailable'] },
    ];
    assert.equal(
      summarizeNotices(notices),
      'answered 3 requests the recording lacks, skipped the recorded logout echo',
    );
  });

  it('names the recorded login, a request it played on without, and two skipped answers', () => {
    const notices: ReplayNotice[] = [
      { kind: 'login', mechanism: 'SCRAM-SHA-1' },
      { kind: 'answered', request: 'iq get http://jabber.org/protocol/disco#info query' },
      { kind: 'playedOn', request: 'presence' },
      { kind: 'skipped', requests: ['presence', 'iq get jabber:iq:roster query'] },
    ];
    assert.equal(
      summarizeNotices(notices),
      'answered the PLAIN login with the outcome of the recorded SCRAM-SHA-1 login, answered 1 request the recording lacks, played on without the recorded presence, skipped the recorded presence echo and the answer to iq get jabber:iq:roster query',
    );
  });

  it('counts many played-on requests and skipped answers; says nothing without notices', () => {
    const notices: ReplayNotice[] = [
      { kind: 'playedOn', request: 'subscribe /finesse/api/Team/1/Users' },
      { kind: 'playedOn', request: 'presence' },
      { kind: 'skipped', requests: ['a', 'b', 'c'] },
    ];
    assert.equal(
      summarizeNotices(notices),
      'played on without 2 recorded requests, skipped 3 recorded answers to requests the client did not make',
    );
    assert.equal(summarizeNotices([]), '');
  });
});
