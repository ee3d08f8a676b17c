import { awsErrorName } from './error-names.js';
import { isTransient } from './retry.js';
import { UserError } from '../errors.js';

const CREDENTIALS_HINT =
  'das-read uses the AWS default credential chain: environment variables, ~/.aws/credentials, SSO, or an instance role. ' +
  'Pass --profile NAME for a named profile.';

/**
 * Turns an SDK failure during `action` (e.g. "kinesis:GetRecords") into a message a user
 * can act on, or returns undefined when it is not one we recognise.
 */
export function explainAwsError(error: unknown, action: string, resource?: string): UserError | undefined {
  if (error instanceof UserError) return error;
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const on = resource ? ` on ${resource}` : '';
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'UnauthorizedOperation':
    case 'AuthorizationError':
      return new UserError(
        `access denied: ${action}${on} was refused (${message})`,
        undefined,
        `Grant the reader ${action}. The README lists every permission das-read needs.` +
          (action.startsWith('rds:') ? '\nOr skip RDS: --stream-name aws-rds-das-<resource id> needs only Kinesis and KMS rights.' : ''),
      );
    case 'CredentialsProviderError':
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
      return new UserError(`AWS did not accept the credentials (${message})`, undefined, CREDENTIALS_HINT);
    default:
      break;
  }
  if (/region is missing/i.test(message)) {
    return new UserError('no AWS region is set', undefined, 'Pass --region, or set AWS_REGION or a region in your profile.');
  }
  if (/Could not load credentials|credential/i.test(message) && /load|provider|find/i.test(message)) {
    return new UserError(`no AWS credentials found (${message})`, undefined, CREDENTIALS_HINT);
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UserError(`cannot reach the AWS endpoint for ${action.split(':')[0]} (${code}: ${message})`);
  }
  if (isTransient(error)) {
    return new UserError(
      `${action}${on} kept failing, retried with backoff for about two minutes: ${name ?? code ?? 'error'}: ${message}`,
      undefined,
      name === 'ProvisionedThroughputExceededException'
        ? 'Other consumers share the stream\'s read limit (5 GetRecords per second per shard); with --checkpoint, the next run resumes where this one stopped.'
        : 'With --checkpoint, the next run resumes where this one stopped.',
    );
  }
  return undefined;
}

/** Runs an AWS call, rethrowing what the user can act on as a UserError. */
export async function callAws<T>(action: string, resource: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error, action, resource) ?? error;
  }
}
