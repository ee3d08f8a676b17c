import { buildClient, CommitmentPolicy, type RawAesKeyringNode } from '@aws-crypto/client-node';

// Every DAS message is non-committing (suite 0x0178, or the signed 0x0378): the SDK's
// default policy would reject them all.
const { decrypt } = buildClient({
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT,
  // A DAS message carries exactly one wrapped key; refusing more bounds the work a forged record can cause.
  maxEncryptedDataKeys: 1,
});

/** Decrypts one Encryption SDK message; throws an Error whose message is the reason. */
export async function decryptPayload(keyring: RawAesKeyringNode, message: Uint8Array): Promise<Buffer> {
  try {
    const { plaintext } = await decrypt(keyring, message);
    return plaintext;
  } catch (error) {
    throw new Error(payloadRefused(error instanceof Error ? error.message : String(error)), { cause: error });
  }
}

export function payloadRefused(detail: string): string {
  return `the payload cannot be decrypted with the record's data key (${detail})`;
}
