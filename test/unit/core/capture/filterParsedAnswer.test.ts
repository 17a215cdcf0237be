// The keys that read Finesse Updates from the text (and the regex prefilter) give exactly the
// answer of the parsed frames, over the realistic panel capture plus frames built to trip the
// shortcuts: damaged markup, unknown entities, two items, Updates outside a pubsub event.
import assert from 'node:assert/strict';
import type { Frame } from '../../../../src/core/capture/frame';
import { compileFilter, learnTextFacts } from '../../../../src/core/capture/filter';
import { frameView } from '../../../../src/core/capture/frameView';
import { RE2JS } from 're2js';
import { apiErrorUpdate, eventMessage } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { AGENT, DOMAIN, HOSTILE, JID, realisticStore } from '../../../webview/fixtures';

function store(): Frame[] {
  const s = realisticStore(4_000);
  const frames = [...s];
  const update = frames.find((f) => f.raw.includes('&lt;state&gt;TALKING') && f.raw.startsWith('<message'));
  assert.ok(update, 'the capture has a TALKING Update');
  const tricky = [
    update.raw.replace('</item>', '</itm>'), // mismatched tag
    update.raw.replace('&lt;state&gt;', '&lt;state&gt;&bogus;'), // unknown entity
    update.raw.replace(
      '</items>',
      `${update.raw.slice(update.raw.indexOf('<item '), update.raw.indexOf('</items>'))}</items>`,
    ), // two items
    update.raw.replace('<message', '<iq').replace('</message>', '</iq>'), // not a message
    update.raw.replace(/&lt;event&gt;\w+&lt;\/event&gt;/, '&lt;event&gt;PUT&lt;/event&gt;'),
    `${update.raw}<x/>`, // a second root
    // Markup the quick tag walk is unsure of but the parser takes: the text's state word decides.
    update.raw.replace('<message', '<message data-x="a>b"'),
    update.raw.replace('<message', '<message data-x="a>b"').replace('&lt;state&gt;TALKING', '&lt;state&gt;READY'),
    // Markup that hides or shows a state to one reader only: the parser decides.
    update.raw.replace('&lt;state&gt;TALKING', '&lt;!-- &lt;state&gt;READY&lt;/state&gt; --&gt;&lt;state&gt;TALKING'),
    update.raw.replace('&lt;state&gt;TALKING&lt;/state&gt;', '&#60;state&#62;READY&#60;/state&#62;'),
    update.raw.replace('&lt;state&gt;TALKING', '&lt;state&gt;&lt;![CDATA[READY]]&gt;'),
    update.raw.replace(
      /&lt;event&gt;\w+&lt;\/event&gt;/,
      '&lt;!-- &lt;event&gt;POST&lt;/event&gt; --&gt;&lt;event&gt;PUT&lt;/event&gt;',
    ),
    HOSTILE.escapedInUpdate,
    apiError('Invalid State'),
    apiError(' TALKING '),
    apiError('Parameter_Missing'),
  ];
  for (const raw of tricky) s.append({ session: 'own-1', dir: 'in', kind: 'stanza', raw, t: Date.now() });
  return [...s];
}

function apiError(errorType: string): string {
  return eventMessage({
    from: `pubsub.${DOMAIN}`,
    to: JID,
    node: nodes.user(AGENT.id),
    itemId: `e-${errorType.trim()}`,
    updateXml: apiErrorUpdate(AGENT, 'r1', errorType),
  });
}

const parsed = {
  'has:update': (f: Frame) => frameView(f).finesse !== undefined,
  'event:PUT': (f: Frame) => frameView(f).finesse?.event === 'PUT',
  'event:POST': (f: Frame) => frameView(f).finesse?.event === 'POST',
  'state:TALKING': (f: Frame) => frameView(f).finesse?.state?.toLowerCase() === 'talking',
  'state:READY': (f: Frame) => frameView(f).finesse?.state?.toLowerCase() === 'ready',
  'state:NOT_READY': (f: Frame) => frameView(f).finesse?.state?.toLowerCase() === 'not_ready',
  'state:Parameter_Missing': (f: Frame) => frameView(f).finesse?.state?.toLowerCase() === 'parameter_missing',
  'is:malformed': (f: Frame) => !!f.flags.malformed || frameView(f).error !== undefined,
};

describe('filter keys against the parsed frames', () => {
  const frames = store();

  for (const [query, reference] of Object.entries(parsed)) {
    it(`${query} selects exactly the frames whose parse says so`, () => {
      // A fresh copy each time: nothing is parsed or walked before the filter runs.
      const copies = frames.map((f) => ({ ...f, flags: { ...f.flags } }) as Frame);
      const compiled = compileFilter(query);
      assert.ok(compiled.ok);
      const test = compiled.filter.matcher();
      const got = copies.filter(test).map((f) => f.id);
      const want = copies.filter(reference).map((f) => f.id);
      assert.ok(want.length > 0 || query === 'is:malformed', `${query}: the reference finds nothing`);
      assert.deepEqual(got, want, query);
      // The second filter over the same frames reuses what the first learned: same answer.
      assert.deepEqual(
        copies.filter(compiled.filter.matcher()).map((f) => f.id),
        want,
        `${query} again`,
      );
    });
  }

  it("every key answers the same when idle time has learned the frames' text facts first", () => {
    const copies = frames.map((f) => ({ ...f, flags: { ...f.flags } }) as Frame);
    for (const f of copies) learnTextFacts(f);
    for (const [query, reference] of Object.entries(parsed)) {
      const compiled = compileFilter(query);
      assert.ok(compiled.ok);
      assert.deepEqual(
        copies.filter(compiled.filter.matcher()).map((f) => f.id),
        copies.filter(reference).map((f) => f.id),
        query,
      );
    }
    // has:error agrees with the same filter over frames nothing was learned about.
    const hasError = compileFilter('has:error');
    assert.ok(hasError.ok);
    const untouched = frames.map((f) => ({ ...f, flags: { ...f.flags } }) as Frame);
    assert.deepEqual(
      copies.filter(hasError.filter.matcher()).map((f) => f.id),
      untouched.filter(hasError.filter.matcher()).map((f) => f.id),
    );
  });

  it('a regex filter answers as the engine over every frame', () => {
    for (const source of ['state&gt;(READY|TALKING)&lt;', 'agent\\d', 'event&gt;(PUT|POST)', 'talking']) {
      const engine = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
      const compiled = compileFilter(`/${source}/i`);
      assert.ok(compiled.ok);
      const test = compiled.filter.matcher();
      assert.deepEqual(
        frames.filter(test).map((f) => f.id),
        frames.filter((f) => engine.test(f.raw)).map((f) => f.id),
        source,
      );
    }
  });
});
