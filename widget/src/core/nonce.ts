/** 32 hex characters from the platform CSPRNG: ties a popup's answer to the flow that opened it. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
