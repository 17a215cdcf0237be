// The status bar text the integration test and the user read: a state word and the frame count.
import assert from 'node:assert/strict';
import { statusText, summaryState } from '../../../../src/vscode/status/statusText';

describe('status bar text', () => {
  it('says disconnected with no session, and counts frames with the right plural', () => {
    assert.equal(statusText([], 0, 0), '$(debug-disconnect) Finesse: disconnected · 0 frames');
    assert.equal(statusText([], 1, 0), '$(debug-disconnect) Finesse: disconnected · 1 frame');
  });

  it('shows the most useful state of several sessions: online first, then recovering, then connecting', () => {
    assert.equal(summaryState(['connecting', 'online']), 'online');
    assert.equal(summaryState(['authenticating', 'reconnecting']), 'reconnecting');
    assert.equal(summaryState(['connecting', 'subscribing']), 'subscribing');
    assert.equal(statusText(['online', 'online'], 12, 0), '$(plug) Finesse: online (2) · 12 frames');
    assert.equal(statusText(['connecting'], 3, 0), '$(sync~spin) Finesse: connecting · 3 frames');
  });

  it('adds running proxies', () => {
    assert.equal(statusText(['online'], 5, 1), '$(plug) Finesse: online · 5 frames · $(radio-tower) 1 proxy');
  });

  it('does not say disconnected while a proxy captures', () => {
    assert.equal(statusText([], 5, 2), '$(radio-tower) Finesse: proxying · 5 frames · 2 proxies');
    assert.doesNotMatch(statusText([], 5, 1), /disconnected/);
  });

  it('names every state when sessions differ', () => {
    assert.equal(statusText(['online', 'reconnecting'], 4, 0), '$(plug) Finesse: online, reconnecting · 4 frames');
    assert.equal(
      statusText(['failed', 'online', 'online'], 4, 1),
      '$(plug) Finesse: online (2), failed · 4 frames · $(radio-tower) 1 proxy',
    );
  });

  it('never says online when no session is online', () => {
    for (const s of [
      'connecting',
      'authenticating',
      'binding',
      'subscribing',
      'reconnecting',
      'closed',
      'failed',
    ] as const) {
      assert.doesNotMatch(statusText([s], 1, 0), /\bonline\b/, s);
    }
  });
});
