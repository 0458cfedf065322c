import * as pkijs from 'pkijs';

/** What a reader of an RFC 3161 token wants to see: when, and its serial number. */
export interface TimeStampFacts {
  readonly genTime: Date;
  readonly serial: string;
}

export function timeStampFacts(token: Uint8Array): TimeStampFacts {
  const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(token)).content });
  const tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent!.getValue());
  return { genTime: tst.genTime, serial: Buffer.from(tst.serialNumber.valueBlock.valueHexView).toString('hex') };
}
