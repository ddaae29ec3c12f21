/** 32 hex characters from the platform CSPRNG: ties a popup's answer to the flow that opened it. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A random UUID (v4). `crypto.randomUUID` exists only in secure contexts; this works on any page. */
export function createUuid(): string {
  const hex = createNonce().split('');
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
