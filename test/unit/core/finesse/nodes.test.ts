import assert from 'node:assert/strict';
import { describeNode, nodeLabel, nodes } from '../../../../src/core/finesse/nodes';

describe('Finesse node names', () => {
  it('builds the notification node of each entity', () => {
    assert.equal(nodes.user('1001001'), '/finesse/api/User/1001001');
    assert.equal(nodes.userDialogs('1001001'), '/finesse/api/User/1001001/Dialogs');
    assert.equal(nodes.userQueues('1001001'), '/finesse/api/User/1001001/Queues');
    assert.equal(nodes.teamUsers('7'), '/finesse/api/Team/7/Users');
    assert.equal(nodes.queue('3'), '/finesse/api/Queue/3');
    assert.equal(nodes.systemInfo(), '/finesse/api/SystemInfo');
  });

  it('describes a node by entity and id, the sub-collection winning', () => {
    assert.deepEqual(describeNode(nodes.user('agent1')), { entity: 'User', id: 'agent1' });
    assert.deepEqual(describeNode(nodes.userDialogs('agent1')), { entity: 'Dialogs', id: 'agent1' });
    assert.deepEqual(describeNode(nodes.teamUsers('7')), { entity: 'Users', id: '7' });
    assert.deepEqual(describeNode(nodes.systemInfo()), { entity: 'SystemInfo' });
    assert.equal(describeNode('/other/node'), undefined);
    assert.equal(describeNode(''), undefined);
  });

  it('labels nodes for list columns', () => {
    assert.equal(nodeLabel(nodes.teamUsers('7')), 'Team 7 Users');
    assert.equal(nodeLabel(nodes.user('agent1')), 'User agent1');
    assert.equal(nodeLabel('urn:other'), 'urn:other');
  });
});
