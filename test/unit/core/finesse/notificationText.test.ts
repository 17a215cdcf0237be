// Reading a notification's facts from its text answers only where the parser would answer the
// same: every frame of the corpus, and thousands of mutations of it, give the same facts (or no
// Update) both ways whenever the text reader answers; and it does answer for what Finesse sends.
import assert from 'node:assert/strict';
import { readNotification } from '../../../../src/core/finesse/notificationText';
import { decodeUpdate } from '../../../../src/core/finesse/update';
import { finesseJson } from '../../../../src/core/capture/frameView';
import { escapeXmlText, parseXml } from '../../../../src/core/xmpp/xml';
import { notificationXml } from '../../../../src/core/finesse/builders';
import { agentNode as node, sampleEvents, sampleUpdates as updates } from '../../../support/finesseSamples';

/** What the CLI printed before the text reader: the parsed tree's facts; null: no Update; 'error': does not parse. */
function parsed(raw: string): object | null | 'error' {
  const p = parseXml(raw);
  if (!p.ok) return 'error';
  const update = decodeUpdate(p.element);
  return update ? finesseJson(update) : null;
}

function message(items: string, itemsAttrs = ` node="${node}"`): string {
  return `<message from="pubsub.finesse.test" to="agent1@finesse.test/desktop" xmlns="jabber:client"><event xmlns="http://jabber.org/protocol/pubsub#event"><items${itemsAttrs}>${items}</items></event></message>`;
}
const item = (inner: string, id = 'i1') => `<item id="${id}">${inner}</item>`;
const escaped = (updateXml: string) => item(notificationXml(updateXml));

const handWritten = [
  // Names in other cases and with prefixes, as Finesse releases and gadgets write them.
  '<update><event>put</event><requestID>r</requestID><source>/finesse/api/User/1</source><data><user><state>READY</state></user></data></update>',
  '<f:Update xmlns:f="urn:x"><f:event>DELETE</f:event><f:data><f:Dialog><f:state>DROPPED</f:state></f:Dialog></f:data></f:Update>',
  '<Update><EVENT> POST </EVENT><REQUESTID>  </REQUESTID><data/></Update>',
  '<Update><event>GET</event><data><user/></data></Update>',
  // The first of each: an empty first <state> hides a second; a second <event> is not read.
  '<Update><event>PUT</event><event>POST</event><data><user><state/><state>READY</state></user></data></Update>',
  '<Update><data><user><x><state>NESTED</state></x><state> TOP </state></user></data><data><user><state>SECOND</state></user></data></Update>',
  // dialogs/users take their first element's state; a participant's state is not the dialog's.
  '<Update><data><dialogs><Dialog><participants><Participant><state>ACTIVE</state></Participant></participants><state>HELD</state></Dialog></dialogs></data></Update>',
  '<Update><data><dialogs/></data><source>/finesse/api/User/1/Dialogs</source></Update>',
  '<Update><data><users><User><state>TALKING</state></User><User><state>READY</state></User></users></data></Update>',
  '<Update><data><apiErrors><apiError><errorMessage>only a message</errorMessage></apiError></apiErrors></data></Update>',
  '<Update><data><apiErrors><other/><apiError><errorType/><errorMessage>m</errorMessage></apiError><apiError><errorType>Second</errorType></apiError></apiErrors></data></Update>',
  '<Update><data><apiErrors/></data></Update>',
  // No entity: the kind comes from the source, else the node.
  '<Update><event>PUT</event><source>/finesse/api/Team/5/Users</source></Update>',
  '<Update><event>PUT</event></Update>',
  '<Update><data>text only</data></Update>',
  // Entities one level down, text split by child elements, whitespace everywhere.
  '<Update>\n  <event>PUT</event>\n  <requestId>a &amp; b &lt;c&gt;</requestId>\n  <source>s<!-- not here --></source>\n</Update>',
  '<Update><requestId>one<b/>two</requestId><data><user><state>RE<i/>ADY</state></user></data></Update>',
  // Not an Update, or not well-formed.
  '<Dialog><state>ACTIVE</state></Dialog>',
  '<Update><event>PUT</event>',
  '<Update><event>PUT</Update>',
  'plain text',
];

const stanzas = [
  ...sampleEvents,
  ...handWritten.map((u) => message(escaped(u))),
  // Items: the first with text; an empty one, or one without a notification, as the parser reads them.
  message(`<item id="a"/>${escaped(updates[0])}`),
  message(`${item(notificationXml(''))}${escaped(updates[2])}`),
  message(`${item(`  ${escapeXmlText(updates[3])}  `)}`),
  message(`${item(`<notification/>${escapeXmlText(updates[3])}`)}`),
  message(`${item(`${escapeXmlText(updates[3])}<notification xmlns="x">${escapeXmlText(updates[4])}</notification>`)}`),
  message(`${escaped(updates[5])}${escaped(updates[0])}`),
  message(`<Item>${notificationXml(updates[0])}</Item>${escaped(updates[1])}`),
  message(`<other>${notificationXml(updates[0])}</other>`),
  message(
    `${item(`<Notification>${escapeXmlText(updates[6])}</Notification><notification>${escapeXmlText(updates[0])}</notification>`)}`,
  ),
  // Inline Updates: child elements, serialized by the parser.
  message(item(`<notification>${updates[0]}</notification>`)),
  message(item(updates[1])),
  // The node attribute: entities, single quotes, repeated, missing.
  message(escaped(updates[0]), ` node='/finesse/api/Team/1/Users?a=1&amp;b=2'`),
  message(escaped(updates[0]), ` node="first" node="second"`),
  message(escaped(updates[0]), ` xnode="x" data-node="y"`),
  message(escaped(updates[0]), ''),
  // Where the items sit: a second <event> or <items> is not read; only `message` stanzas are.
  message(escaped(updates[0])).replace('<event ', '<event x="1"/><event '),
  message(escaped(updates[0])).replace('<items', '<items node="a"/><items'),
  message(escaped(updates[0]))
    .replace('<event xmlns', '<pubsub:event xmlns:pubsub="p" xmlns')
    .replace('</event>', '</pubsub:event>'),
  message(escaped(updates[0])).replace('<event xmlns', '<Event xmlns').replace('</event>', '</Event>'),
  message(escaped(updates[0]))
    .replace(/^<message/, '<jc:message xmlns:jc="jabber:client"')
    .replace(/<\/message>$/, '</jc:message>'),
  message(escaped(updates[0]))
    .replace(/^<message/, '<messages')
    .replace(/<\/message>$/, '</messages>'),
  '<message/>',
  '<message to="a"><body>hi &amp; bye</body></message>',
  '<iq type="result" id="p1" from="finesse.test"/>',
  '<presence from="agent1@finesse.test/desktop"><show>away</show></presence>',
  // Markup the walk is not sure of, at the stanza or the Update's level.
  message(escaped(updates[0])).replace('<item ', '<!-- c --><item '),
  message(
    item(`<notification>&lt;Update&gt;&lt;!-- x --&gt;&lt;event&gt;PUT&lt;/event&gt;&lt;/Update&gt;</notification>`),
  ),
  message(item(`<notification>&lt;Update&gt;&lt;event&gt;P&amp;#85;T&lt;/event&gt;&lt;/Update&gt;</notification>`)),
  message(item(`<notification><![CDATA[${updates[0]}]]></notification>`)),
  message(escaped(updates[0])).replace('</items>', ''),
];

/** Deterministic mutations: small edits that break, move or rename markup. */
function* mutations(seed: number, count: number): Generator<string> {
  let s = seed;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  const edits: ((t: string) => string)[] = [
    (t) => {
      const at = rand(t.length);
      return t.slice(0, at) + t.slice(at + 1 + rand(8));
    },
    (t) => {
      const at = rand(t.length);
      return t.slice(0, at) + ['<', '>', '/', '&', ' ', '"', '&lt;', '&gt;', '&amp;', 'x'][rand(10)] + t.slice(at);
    },
    (t) => {
      const at = rand(t.length);
      const c = t[at];
      return t.slice(0, at) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + t.slice(at + 1);
    },
    (t) => {
      const tags = [...t.matchAll(/<[^<>]*>|&lt;\/?\w+&gt;/g)];
      if (!tags.length) return t;
      const m = tags[rand(tags.length)];
      return t.slice(0, m.index) + m[0] + m[0] + t.slice(m.index + m[0].length);
    },
    (t) => {
      const tags = [...t.matchAll(/<[^<>]*>|&lt;\/?\w+&gt;/g)];
      if (!tags.length) return t;
      const m = tags[rand(tags.length)];
      return t.slice(0, m.index) + t.slice(m.index + m[0].length);
    },
  ];
  for (let i = 0; i < count; i++) {
    let t = stanzas[rand(stanzas.length)];
    for (let k = 1 + rand(3); k > 0; k--) t = edits[rand(edits.length)](t);
    yield t;
  }
}

describe('readNotification', () => {
  it('gives the parsed facts (or says no Update) wherever it answers, over the corpus', () => {
    for (const raw of stanzas) {
      const quick = readNotification(raw);
      if (quick !== undefined) assert.deepEqual(quick, parsed(raw), raw);
    }
  });

  it('gives the parsed facts wherever it answers, over 20,000 mutations of the corpus', () => {
    let answered = 0;
    let withUpdate = 0;
    for (const raw of mutations(7, 20_000)) {
      const quick = readNotification(raw);
      if (quick === undefined) continue;
      answered++;
      if (quick) withUpdate++;
      assert.deepEqual(quick, parsed(raw), raw);
    }
    // Most mutations leave a frame it reads: the comparison is not vacuous.
    assert.ok(answered > 2_500, `answered ${answered}`);
    assert.ok(withUpdate > 1_500, `answered ${withUpdate} with an Update`);
  });

  it('answers for what Finesse sends: every event the builders make, and stanzas without an Update', () => {
    for (const raw of stanzas.slice(0, updates.length)) {
      const quick = readNotification(raw);
      assert.ok(quick, raw);
      assert.equal(quick.node, node);
    }
    assert.deepEqual(readNotification(stanzas[0]), {
      node,
      event: 'PUT',
      requestId: 'req-1',
      source: node,
      kind: 'user',
      state: 'READY',
    });
    assert.equal(readNotification('<iq type="result" id="p1" from="finesse.test"/>'), null);
    assert.equal(readNotification('<message to="a"><body>hi</body></message>'), null);
  });

  it('leaves to the parser what it cannot vouch for', () => {
    assert.equal(readNotification(message(item(`<notification>${updates[0]}</notification>`))), undefined);
    assert.equal(readNotification(message(escaped('<Dialog/>'))), undefined);
    assert.equal(readNotification(message(escaped('<Update><event>PUT</Update>'))), undefined);
    assert.equal(readNotification('<message><body>unclosed'), undefined);
  });
});
