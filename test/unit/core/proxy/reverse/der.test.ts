import assert from 'node:assert/strict';
import { integer, oid, sequence, time, tlv } from '../../../../../src/core/proxy/reverse/der';

describe('der', () => {
  it('encodes object identifiers with multi-byte arcs', () => {
    assert.equal(oid('1.2.840.10045.4.3.2').toString('hex'), '06082a8648ce3d040302');
    assert.equal(oid('2.5.29.17').toString('hex'), '0603551d11');
  });

  it('keeps integers positive and minimal', () => {
    assert.equal(integer(Buffer.from([0x80])).toString('hex'), '02020080');
    assert.equal(integer(Buffer.from([0, 0, 5])).toString('hex'), '020105');
    assert.equal(integer(Buffer.from([0])).toString('hex'), '020100');
  });

  it('uses long-form lengths past 127 bytes', () => {
    assert.equal(tlv(0x04, Buffer.alloc(200)).subarray(0, 3).toString('hex'), '0481c8');
    assert.equal(tlv(0x04, Buffer.alloc(300)).subarray(0, 4).toString('hex'), '0482012c');
    assert.equal(sequence().toString('hex'), '3000');
  });

  it('writes UTCTime before 2050 and GeneralizedTime after', () => {
    assert.equal(time(new Date('2026-01-02T03:04:05.678Z')).toString('latin1'), '\x17\x0d260102030405Z');
    assert.equal(time(new Date('2051-01-02T03:04:05Z')).toString('latin1'), '\x18\x0f20510102030405Z');
  });
});
