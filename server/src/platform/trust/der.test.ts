import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { generalizedTime, octets, oid, seq, setOf, small, tlv, unsigned, utcTime } from './der.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('DER, byte for byte (X.690)', () => {
  it.each([
    ['a short length', tlv(0x04, new Uint8Array(3)), '0403000000'],
    ['a length of 200: one length byte after 0x81', tlv(0x04, new Uint8Array(200)).subarray(0, 3), '0481c8'],
    ['a length of 300: two after 0x82', tlv(0x04, new Uint8Array(300)).subarray(0, 4), '0482012c'],
    ['an OID (RSADSI)', oid('1.2.840.113549'), '06062a864886f70d'],
    ['the SHA-256 OID', oid('2.16.840.1.101.3.4.2.1'), '0609608648016503040201'],
    ['1', small(1), '020101'],
    ['128 (a zero byte keeps it positive)', unsigned(new Uint8Array([0x80])), '02020080'],
    ['leading zeros dropped', unsigned(new Uint8Array([0, 0, 0x05])), '020105'],
    ['UTCTime', utcTime(new Date('2026-12-07T22:05:09Z')), '170d3236313230373232303530395a'],
    ['GeneralizedTime', generalizedTime(new Date('2026-12-07T22:05:09Z')), '180f32303236313230373232303530395a'],
  ])('%s', (_what, bytes, expected) => expect(hex(bytes)).toBe(expected));

  it('orders a SET OF by the members’ encodings, whatever order they come in', () => {
    const a = octets(new Uint8Array([2]));
    const b = octets(new Uint8Array([1, 1]));
    const c = small(5);
    expect(hex(setOf(a, b, c))).toBe(hex(setOf(c, b, a)));
    expect(hex(setOf(a, b, c))).toBe(`310a${hex(c)}${hex(a)}${hex(b)}`);
  });

  it('reads back as what it says, by another reader (asn1js)', () => {
    const der = seq(small(3), oid('1.2.840.113549.1.7.2'), octets(new Uint8Array(70_000)), generalizedTime(new Date('2030-01-02T03:04:05Z')));
    const read = asn1js.fromBER(der);
    expect(read.offset).toBe(der.length);
    const [n, id, o, t] = (read.result as asn1js.Sequence).valueBlock.value;
    expect((n as asn1js.Integer).valueBlock.valueDec).toBe(3);
    expect((id as asn1js.ObjectIdentifier).valueBlock.toString()).toBe('1.2.840.113549.1.7.2');
    expect((o as asn1js.OctetString).valueBlock.valueHexView.byteLength).toBe(70_000);
    expect((t as asn1js.GeneralizedTime).toDate().toISOString()).toBe('2030-01-02T03:04:05.000Z');
  });
});
