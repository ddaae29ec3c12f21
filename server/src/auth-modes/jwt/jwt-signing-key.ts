/**
 * Turning the end user's key text into a key `jose` signs with, as Nango reads it: HMAC secrets are hex unless the
 * entry says `hmac_secret_encoding: utf8` (Ghost's Admin API secret is hex and must be decoded to its bytes); RSA and
 * EC keys are PEM, accepted as pasted (one line, `\n` escapes, missing line breaks) and rewrapped before parsing.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { SignatureSettings } from '@latchkey/providers';

/** The key text cannot be used. The message names what is wrong, never the key; `path` names the credential. */
export class KeyMaterialError extends Error {
  constructor(
    message: string,
    readonly path: string[] = [],
  ) {
    super(message);
    this.name = 'KeyMaterialError';
  }
}

/** The algorithm when the entry's `token.header.alg` is silent (jsonwebtoken's, hence Nango's, is HS256). */
export function defaultAlgorithm(protocol: SignatureSettings['protocol']): string {
  if (protocol === 'RSA') return 'RS256';
  if (protocol === 'EC') return 'ES256';
  return 'HS256';
}

/** The bytes of an HMAC secret: hex-decoded by default, or the text's UTF-8 bytes. */
export function hmacSecretBytes(secret: string, encoding: 'hex' | 'utf8' = 'hex'): Uint8Array {
  if (encoding === 'utf8') return new TextEncoder().encode(secret);
  // Buffer.from(…, 'hex') stops silently at the first non-hex character; a truncated key would sign wrongly.
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(secret)) {
    throw new KeyMaterialError('The HMAC secret must be an even number of hexadecimal digits.');
  }
  return new Uint8Array(Buffer.from(secret, 'hex'));
}

/** A PEM block rewrapped at 64 columns with its own label (`PRIVATE KEY` when it has none), like Nango's formatPem. */
export function normalizePem(text: string): string {
  const unescaped = text.includes('\\n') ? text.replace(/\\n/g, '\n') : text;
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(unescaped)?.[1] ?? 'PRIVATE KEY';
  const body = unescaped.replace(/-----(?:BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, '');
  if (body === '' || !/^[A-Za-z0-9+/=]+$/.test(body)) {
    throw new KeyMaterialError('The private key is not a PEM block.');
  }
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function privateKeyFromPem(text: string): KeyObject {
  const pem = normalizePem(text);
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyMaterialError('The private key cannot be read (PKCS#8, PKCS#1 or SEC1 PEM expected).');
  }
}

/** `${fingerprint(key)}`: `SHA256:` and the base64 SHA-256 of the public key's DER (Snowflake's key-pair JWT `iss`). */
export function publicKeyFingerprint(privateKeyText: string): string {
  const der = createPublicKey(privateKeyFromPem(privateKeyText)).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** The key for the entry's `signature.protocol`. */
export function signingKey(signature: SignatureSettings, keyText: string): Uint8Array | KeyObject {
  if (signature.protocol === 'HMAC') return hmacSecretBytes(keyText, signature.hmac_secret_encoding ?? 'hex');
  return privateKeyFromPem(keyText);
}
