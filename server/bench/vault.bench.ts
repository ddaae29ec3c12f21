/**
 * `pnpm bench:vault`: encrypt+decrypt throughput of a typical stored credential, beside a plain JSON.parse of the same
 * payload measured in the same run (the floor any read of a stored credential pays anyway).
 */
import { randomBytes } from 'node:crypto';
import { parseKeyring } from '../src/platform/crypto/keyring';
import { createVault } from '../src/platform/crypto/vault';

const credential = {
  type: 'OAUTH2',
  access_token: `ya29.${randomBytes(120).toString('base64url')}`,
  refresh_token: `1//0g${randomBytes(70).toString('base64url')}`,
  expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  raw: {
    access_token: 'see above',
    expires_in: 3599,
    refresh_token_expires_in: 604_799,
    scope: 'https://www.googleapis.com/auth/drive.file https://www.googleapis.com/auth/userinfo.email openid',
    token_type: 'Bearer',
    id_token: randomBytes(300).toString('base64url'),
  },
};
const payload = JSON.stringify(credential);
const vault = createVault(parseKeyring(randomBytes(32).toString('base64')));
const context = 'connections.credentials:0f8c2d8e-1a4b-4c55-9d1e-2b7f3c4a5d6e';
const sealed = vault.sealJson(credential, context);

let sink = 0;
function measure(name: string, fn: () => unknown, durationMs = 1500): { name: string; opsPerSec: number } {
  for (let i = 0; i < 2000; i++) fn(); // warm-up
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 200; i++) {
      const result = fn();
      sink += typeof result === 'string' ? result.length : 1;
    }
    ops += 200;
    now = process.hrtime.bigint();
  }
  return { name, opsPerSec: ops / (Number(now - start) / 1e9) };
}

const results = [
  measure('JSON.parse (baseline)', () => JSON.parse(payload)),
  measure('seal + open (encrypt+decrypt)', () =>
    vault.openJson(vault.sealJson(credential, context), context),
  ),
  measure('open only (read path)', () => vault.openJson(sealed, context)),
  measure('seal only (write path)', () => vault.sealJson(credential, context)),
];

const baseline = results[0]!.opsPerSec;
console.log(
  `payload: ${payload.length} bytes of JSON; sealed form: ${sealed.length} bytes; node ${process.version}`,
);
console.log('operation                          ops/s      µs/op   vs JSON.parse');
for (const r of results) {
  console.log(
    `${r.name.padEnd(32)} ${Math.round(r.opsPerSec).toLocaleString('en-US').padStart(10)} ${(1e6 / r.opsPerSec).toFixed(2).padStart(10)}   ${(baseline / r.opsPerSec).toFixed(1)}x slower`,
  );
}
if (sink === 0) console.log('');
