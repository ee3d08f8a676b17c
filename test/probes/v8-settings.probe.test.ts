import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Decrypts DAS-shaped Encryption SDK messages, a few at a time as a decryption thread
// does, and prints the share of the SDK's message headers still in the young generation
// when decrypt returns. Only V8's natives syntax can ask that, hence a process of its own.
const PROBE = `
import { randomBytes } from 'node:crypto';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy } from '@aws-crypto/material-management-node';
const { tuneGarbageCollection } = await import('./src/v8-settings.ts');
const { dasKeyring } = await import('./src/decode/open-payload.js');
if (process.argv.includes('tuned')) tuneGarbageCollection();
const key = randomBytes(32);
const { encrypt } = buildEncrypt({ commitmentPolicy: CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT });
const { decrypt } = buildDecrypt({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, maxEncryptedDataKeys: 1 });
const messages = [];
for (let i = 0; i < 50; i++) {
  const sealed = await encrypt(dasKeyring(key), randomBytes(1500), { suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256 });
  messages.push(sealed.result);
}
const keyring = dasKeyring(key);
let young = 0;
const total = 4000;
for (let i = 0; i < total; i += 4) {
  const opened = await Promise.all([0, 1, 2, 3].map((k) => decrypt(keyring, messages[(i + k) % messages.length])));
  for (const { messageHeader } of opened) if (%InYoungGeneration(messageHeader)) young++;
}
console.log(young / total);
`;

function youngShare(tuned: boolean): number {
  const args = ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', PROBE, ...(tuned ? ['tuned'] : [])];
  return Number(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim());
}

describe('garbage collection settings', () => {
  it("keep the Encryption SDK's short-lived objects in the young generation, where V8 alone moves them to the old", () => {
    // V8's own choice is the control: it shows the probe can tell the two apart.
    expect(youngShare(false)).toBeLessThan(0.5);
    expect(youngShare(true)).toBeGreaterThan(0.9);
  });
});
