/**
 * CPace (src/transport/cpace.ts) against the ristretto255/SHA-512 test vectors of draft-irtf-cfrg-cpace
 * (appendix "Test vector for CPace using group ristretto255 and hash SHA-512"), then its behaviour.
 */
import { bytesToHex, hexToBytes } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import {
  calculateGenerator,
  confirmationTag,
  generatorString,
  intermediateSessionKey,
  lvCat,
  PakeError,
  prependLen,
  scalarMultVfy,
  startCpace,
} from '../../../src/transport/cpace.ts';

const utf8 = new TextEncoder();
const hex = (text: string) => hexToBytes(text.replace(/\s+/g, ''));

const V = {
  prs: utf8.encode('Password'),
  ci: hex('0b415f696e69746961746f720b425f726573706f6e646572'),
  sid: hex('7e4b4791d6a8ef019b936c79fb7f2c57'),
  generatorString: `11435061636552697374726574746f3235350850617373776f726464
      00000000000000000000000000000000000000000000000000000000
      00000000000000000000000000000000000000000000000000000000
      00000000000000000000000000000000000000000000000000000000
      00000000000000000000000000000000180b415f696e69746961746f
      720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f
      2c57`,
  g: '222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56',
  ya: 'da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08',
  Ya: 'd6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157',
  yb: 'd2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d',
  Yb: '3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258',
  K: '80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc9887c8b40f',
  iskIr: `b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dc
      ae7b35cd2b38950a39dfd5d4a79164614c2984f7daa460b588c1e80c
      3fa2068af7900447`,
};
const scalarLE = (text: string) => {
  let n = 0n;
  for (const byte of hex(text).reverse()) n = (n << 8n) | BigInt(byte);
  return n;
};

describe('CPace string utilities (draft vectors)', () => {
  it('prepend_len and lv_cat', () => {
    expect(bytesToHex(prependLen(new Uint8Array(0)))).toBe('00');
    expect(bytesToHex(prependLen(utf8.encode('1234')))).toBe('0431323334');
    const r127 = Uint8Array.from({ length: 127 }, (_, i) => i);
    expect(bytesToHex(prependLen(r127).subarray(0, 2))).toBe('7f00');
    const r128 = Uint8Array.from({ length: 128 }, (_, i) => i);
    expect(bytesToHex(prependLen(r128).subarray(0, 3))).toBe('800100');
    expect(prependLen(r128).length).toBe(130);
    const parts = ['1234', '5', '', '678'].map((s) => utf8.encode(s));
    expect(bytesToHex(lvCat(...parts))).toBe('043132333401350003363738');
  });
});

describe('CPace over ristretto255 (draft vectors)', () => {
  it('generator string and generator', () => {
    expect(bytesToHex(generatorString(V.prs, V.ci, V.sid))).toBe(V.generatorString.replace(/\s+/g, ''));
    expect(bytesToHex(calculateGenerator(V.prs, V.ci, V.sid).toBytes())).toBe(V.g);
  });

  it('shares, K and the initiator-responder ISK', () => {
    const inputs = { prs: V.prs, ci: V.ci, sid: V.sid };
    const a = startCpace('initiator', { ...inputs, ad: utf8.encode('ADa') }, scalarLE(V.ya));
    const b = startCpace('responder', { ...inputs, ad: utf8.encode('ADb') }, scalarLE(V.yb));
    expect(bytesToHex(a.share)).toBe(V.Ya);
    expect(bytesToHex(b.share)).toBe(V.Yb);
    expect(bytesToHex(scalarMultVfy(scalarLE(V.ya), b.share))).toBe(V.K);
    expect(bytesToHex(scalarMultVfy(scalarLE(V.yb), a.share))).toBe(V.K);
    const isk = intermediateSessionKey(V.sid, hex(V.K), {
      ya: a.share,
      ada: utf8.encode('ADa'),
      yb: b.share,
      adb: utf8.encode('ADb'),
    });
    expect(bytesToHex(isk)).toBe(V.iskIr.replace(/\s+/g, ''));
    const keysA = a.receive(b.share, utf8.encode('ADb'));
    const keysB = b.receive(a.share, utf8.encode('ADa'));
    expect(bytesToHex(keysA.isk)).toBe(bytesToHex(isk));
    expect(bytesToHex(keysB.isk)).toBe(bytesToHex(isk));
    expect(bytesToHex(keysA.ownTag)).toBe(
      bytesToHex(confirmationTag(V.sid, isk, a.share, utf8.encode('ADa'))),
    );
    keysA.verifyPeerTag(keysB.ownTag);
    keysB.verifyPeerTag(keysA.ownTag);
  });

  it('scalar_mult_vfy refuses the draft invalid encodings and the identity', () => {
    const s = scalarLE('7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05');
    expect(
      bytesToHex(scalarMultVfy(s, hex('2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c'))),
    ).toBe('7c13645fe790a468f62c39beb7388e541d8405d1ade69d1778c5fe3e7f6b600e');
    expect(() =>
      scalarMultVfy(s, hex('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c')),
    ).toThrow(expect.objectContaining({ code: 'bad-element' }));
    expect(() => scalarMultVfy(s, new Uint8Array(32))).toThrow(expect.objectContaining({ code: 'identity' }));
    expect(() => scalarMultVfy(s, new Uint8Array(31))).toThrow(PakeError);
  });
});
