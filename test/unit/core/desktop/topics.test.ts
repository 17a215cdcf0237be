import assert from 'node:assert/strict';
import { badPublish, badSubscription, nodeTopic, topicMatches } from '../../../../src/core/desktop/topics';

describe('desktop hub topics (OpenAjax Hub 2.0)', () => {
  it('names a node as finesse.js Topics.getTopic does', () => {
    assert.equal(nodeTopic('/finesse/api/User/1001/Dialogs'), 'finesse.api.User.1001.Dialogs');
    assert.equal(nodeTopic('finesse/api/Team/1/Users'), 'finesse.api.Team.1.Users');
  });

  it('matches * to one token and ** to one or more trailing tokens', () => {
    assert.ok(topicMatches('finesse.api.User.*', 'finesse.api.User.1001'));
    assert.ok(!topicMatches('finesse.api.User.*', 'finesse.api.User.1001.Dialogs'));
    assert.ok(topicMatches('finesse.api.User.**', 'finesse.api.User.1001.Dialogs'));
    assert.ok(!topicMatches('finesse.api.User.**', 'finesse.api.User'));
    assert.ok(topicMatches('finesse.*.User.*.Dialogs', 'finesse.api.User.7.Dialogs'));
    assert.ok(topicMatches('a.b', 'a.b'));
    assert.ok(!topicMatches('a.b', 'a.b.c'));
    assert.ok(!topicMatches('a.b.c', 'a.b'));
    assert.ok(topicMatches('**', 'anything.at.all'));
  });

  it('refuses malformed subscriptions and wildcard publishes', () => {
    assert.equal(badSubscription('a.*.b'), undefined);
    assert.match(badSubscription('a.**.b') ?? '', /last token/);
    assert.match(badSubscription('a..b') ?? '', /empty token/);
    assert.match(badSubscription('a.b*') ?? '', /mixes/);
    assert.match(badSubscription('') ?? '', /empty/);
    assert.equal(badPublish('finesse.info.requests'), undefined);
    assert.match(badPublish('a.*') ?? '', /may not contain/);
  });
});
