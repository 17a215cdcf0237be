import assert from 'node:assert/strict';
import { buildTree, elementAtPath } from '../../../../src/core/validation/tree';

describe('validation tree', () => {
  const text = '<iq xmlns="jabber:client" xmlns:p="urn:p"><p:a/><b xmlns="urn:b"><c/><c/></b><d/></iq>';
  const tree = buildTree(text);
  assert.ok(tree.ok);
  const root = tree.root;

  it('resolves default and prefixed namespaces, inherited and overridden', () => {
    const [a, b, d] = root.children;
    assert.equal(root.ns, 'jabber:client');
    assert.deepEqual([a.local, a.prefix, a.ns], ['a', 'p', 'urn:p']);
    assert.equal(b.ns, 'urn:b');
    assert.equal(b.children[1].ns, 'urn:b');
    assert.equal(d.ns, 'jabber:client');
  });

  it('attaches each element to its source span', () => {
    const c2 = root.children[1].children[1];
    assert.equal(text.slice(c2.span.start, c2.span.end), '<c/>');
    assert.equal(c2.span.start, text.lastIndexOf('<c/>'));
  });

  it('finds the element a libxml2 error path names', () => {
    assert.equal(elementAtPath(root, '/*'), root);
    assert.equal(elementAtPath(root, '/*/*[2]/*[2]'), root.children[1].children[1]);
    assert.equal(elementAtPath(root, '/iq/d'), root.children[2]);
    assert.equal(elementAtPath(root, '/*/*[9]'), undefined);
  });

  it('reports malformed text instead of a tree', () => {
    const bad = buildTree('<a><b></a>');
    assert.equal(bad.ok, false);
  });
});
