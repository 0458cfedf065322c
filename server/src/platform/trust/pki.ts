import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * The few X.509 pieces the trust services need, on pkijs with Node's WebCrypto: ECDSA P-256 keys,
 * certificates issued by a root, PEM in and out. Everything else (time-stamps, seals) builds on it.
 */
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

export const OID = {
  commonName: '2.5.4.3',
  organisation: '2.5.4.10',
  country: '2.5.4.6',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export async function generateKeyPair(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as KeyPair;
}

export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key)));
}

export async function privateKeyFromPem(text: string): Promise<KeyPair> {
  const der = unpem('PRIVATE KEY', text);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, EC_KEY, true, ['sign']);
  // The public half, from the private key's JWK (x, y).
  const jwk = await webcrypto.subtle.exportKey('jwk', privateKey);
  const publicKey = await webcrypto.subtle.importKey('jwk', { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! }, EC_KEY, true, ['verify']);
  return { privateKey, publicKey } as KeyPair;
}

export function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

export function unpem(label: string, text: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  if (!match) throw new Error(`no ${label} in this PEM text`);
  return new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** A positive serial number of 16 random bytes (RFC 5280 allows up to 20 octets). */
export function randomSerial(random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): asn1js.Integer {
  const bytes = random(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, and no leading zero byte to strip
  return new asn1js.Integer({ valueHex: bytes });
}

export function distinguishedName(commonName: string): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN (C, O, CN), as certificates usually name things; pkijs would put all
  // three in a single multi-valued RDN, so the encoding is built here and kept as it is.
  const rdn = (type: string, value: asn1js.BaseStringBlock) => new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), value] })] });
  const name = new asn1js.Sequence({
    value: [rdn(OID.country, new asn1js.PrintableString({ value: 'FR' })), rdn(OID.organisation, new asn1js.Utf8String({ value: 'Pli' })), rdn(OID.commonName, new asn1js.Utf8String({ value: commonName }))],
  });
  return pkijs.RelativeDistinguishedNames.fromBER(name.toBER(false));
}

/** keyUsage bits, as RFC 5280 numbers them (bit 0 is the most significant bit of the first byte). */
const KEY_USAGE = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const;

function keyUsage(bits: ReadonlyArray<keyof typeof KEY_USAGE>): asn1js.BitString {
  let byte = 0;
  for (const b of bits) byte |= 0x80 >> KEY_USAGE[b];
  let unused = 0;
  while (unused < 7 && ((byte >> unused) & 1) === 0) unused += 1; // DER: trailing zero bits are not written
  return new asn1js.BitString({ valueHex: Uint8Array.of(byte), unusedBits: unused });
}

export interface CertificateRequest {
  subject: string;
  publicKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
  kind: 'root' | 'time-stamping' | 'seal';
  /** The issuer: absent for the self-signed root. */
  issuer?: { certificate: pkijs.Certificate; privateKey: CryptoKey };
  /** The key that signs a self-signed root. */
  selfSignKey?: CryptoKey;
}

export async function issueCertificate(req: CertificateRequest): Promise<pkijs.Certificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = randomSerial();
  cert.subject = distinguishedName(req.subject);
  cert.issuer = req.issuer ? req.issuer.certificate.subject : cert.subject;
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  // Whole seconds: a fraction is not allowed in either form.
  const time = (at: Date) => {
    const value = new Date(Math.floor(at.getTime() / 1000) * 1000);
    return new pkijs.Time({ type: value.getUTCFullYear() >= 2050 ? pkijs.TimeType.GeneralizedTime : pkijs.TimeType.UTCTime, value });
  };
  cert.notBefore = time(req.notBefore);
  cert.notAfter = time(req.notAfter);
  await cert.subjectPublicKeyInfo.importKey(req.publicKey);
  const keyId = sha256(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).slice(0, 20);
  const extensions: pkijs.Extension[] = [
    new pkijs.Extension({
      extnID: OID.basicConstraints,
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: req.kind === 'root' }).toSchema().toBER(false),
    }),
    new pkijs.Extension({
      extnID: OID.keyUsage,
      critical: true,
      extnValue: keyUsage(req.kind === 'root' ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'nonRepudiation']).toBER(false),
    }),
    new pkijs.Extension({ extnID: OID.subjectKeyIdentifier, extnValue: new asn1js.OctetString({ valueHex: keyId }).toBER(false) }),
  ];
  if (req.issuer) {
    const issuerKeyId = sha256(req.issuer.certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).slice(0, 20);
    extensions.push(
      new pkijs.Extension({
        extnID: OID.authorityKeyIdentifier,
        extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: issuerKeyId }) }).toSchema().toBER(false),
      }),
    );
  }
  // RFC 3161 §2.3: a time-stamping certificate has one extended key usage, timeStamping, critical.
  if (req.kind === 'time-stamping') {
    extensions.push(new pkijs.Extension({ extnID: OID.extKeyUsage, critical: true, extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [OID.timeStamping] }).toSchema().toBER(false) }));
  }
  cert.extensions = extensions;
  const signer = req.issuer?.privateKey ?? req.selfSignKey;
  if (!signer) throw new Error('a certificate needs an issuer or a key to sign itself');
  await cert.sign(signer, 'SHA-256');
  return cert;
}

export function certificateDer(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

export function certificateFromDer(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(der));
}

/**
 * A CMS SignerInfo for `cert`'s key, with the signed attributes every signature of Pli's carries:
 * content type, message digest, and ESS signing-certificate-v2 (RFC 5035: the certificate's
 * SHA-256 — the default hash, so not written); `more` adds others (a signing time).
 */
/** A certificate's SHA-256, worked out once per certificate (each signature names it). */
const certificateHashes = new WeakMap<pkijs.Certificate, Uint8Array>();
function certificateHash(cert: pkijs.Certificate): Uint8Array {
  let hash = certificateHashes.get(cert);
  if (!hash) certificateHashes.set(cert, (hash = sha256(certificateDer(cert))));
  return hash;
}

export function signerInfoFor(cert: pkijs.Certificate, contentType: string, digest: Uint8Array, more: pkijs.Attribute[] = []): pkijs.SignerInfo {
  const signingCertificate = new asn1js.Sequence({
    value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certificateHash(cert) })] })] })],
  });
  return new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: [
        new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: contentType })] }),
        ...more,
        new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
        new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificate] }),
      ],
    }),
  });
}
