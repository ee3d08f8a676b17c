import { awsErrorName } from './error-names.js';
import { DEFAULT_RETRY, isRefusedLocally, isTransient, isUnresolvedName } from './retry.js';
import { UserError } from '../errors.js';

const CREDENTIALS_HINT =
  'das-read uses the AWS default credential chain: environment variables, ~/.aws/credentials, SSO, or an instance role. ' +
  'Pass --profile NAME for a named profile.';

/** No request was made: the default chain found nothing to sign with. */
export class NoCredentialsError extends UserError {
  constructor() {
    super(
      'no AWS credentials found',
      undefined,
      'das-read looked, in this order, in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE), ' +
        'the shared files (~/.aws/credentials and ~/.aws/config, or AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE), ' +
        'SSO and web identity tokens, then the container and instance roles. Pass --profile NAME for a named profile.',
    );
    this.name = 'NoCredentialsError';
  }
}

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
    case 'ResourceNotFoundException':
    case 'ResourceInUseException':
      // A stream being deleted answers "not currently ACTIVE" until it is gone, then "not found".
      if (action.startsWith('kinesis:') && (name === 'ResourceNotFoundException' || /not currently ACTIVE/i.test(message))) {
        return new UserError(
          `the Kinesis stream ${resource ?? ''} ${name === 'ResourceNotFoundException' ? 'no longer exists' : 'is being deleted'} (${action} answered ${name})`,
          undefined,
          'Was the activity stream stopped? Stopping it deletes its Kinesis stream; `das-read status` shows where it stands.',
        );
      }
      break;
    case 'CredentialsProviderError':
      if (/from any providers/i.test(message)) return new NoCredentialsError();
      return new UserError(`AWS credentials could not be loaded (${message})`, undefined, CREDENTIALS_HINT);
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
  if (/Could not load credentials from any providers/i.test(message)) return new NoCredentialsError();
  const code = (error as { code?: unknown }).code;
  const service = action.split(':')[0];
  if (isRefusedLocally(error)) {
    const { address, port } = error as { address?: string; port?: number };
    const where = address === undefined ? 'the local endpoint' : `${address.includes(':') ? `[${address}]` : address}${port === undefined ? '' : `:${port}`}`;
    return new UserError(
      `nothing is listening at ${where}, the endpoint for ${service} (ECONNREFUSED)`,
      undefined,
      'Is `das-read lab` running? It prints the --endpoint-url to use (AWS_ENDPOINT_URL in its export line).',
    );
  }
  if (isUnresolvedName(error)) {
    const host = (error as { hostname?: unknown }).hostname;
    return new UserError(
      `the endpoint for ${service}${typeof host === 'string' ? `, ${host},` : ''} does not resolve (${String(code)}: ${message})`,
      undefined,
      code === 'ENOTFOUND'
        ? "Is the region right (--region, AWS_REGION, or the profile's region)? An --endpoint-url or AWS_ENDPOINT_URL must name a host that exists."
        : 'The DNS resolver did not answer: is this machine on a network?',
    );
  }
  if (code === 'ECONNREFUSED') {
    return new UserError(`cannot reach the AWS endpoint for ${service} (${code}: ${message})`);
  }
  // AWS refused the request with its reason (a wrong key, a wrong state): the user's to act on, not a bug.
  if ((error as { $fault?: unknown }).$fault === 'client' && name) {
    return new UserError(`${action}${on} was refused: ${name}: ${message}`);
  }
  if (isTransient(error)) {
    return new UserError(
      `${action}${on} kept failing, retried with backoff ${DEFAULT_RETRY.retries} times over about a minute and a half: ${name ?? code ?? 'error'}: ${message}`,
      undefined,
      // Only a read of the stream resumes from a checkpoint: KMS is called by decode and the Lambda too, and RDS before any reading.
      name === 'ProvisionedThroughputExceededException'
        ? "Other consumers share the stream's read limit (5 GetRecords per second per shard); with --checkpoint, the next run resumes where this one stopped."
        : action.startsWith('kinesis:')
          ? 'With --checkpoint, the next run resumes where this one stopped.'
          : undefined,
    );
  }
  return undefined;
}

/** A caller's own words for the errors it expects, by error code. */
type SpecificErrors = Record<string, () => UserError>;

/** Runs an AWS call, rethrowing what the user can act on as a UserError: the caller's words first, then the general ones. */
export async function callAws<T>(action: string, resource: string | undefined, call: () => Promise<T>, specific: SpecificErrors = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const explain = specific[awsErrorName(error) ?? ''];
    throw explain?.() ?? explainAwsError(error, action, resource) ?? error;
  }
}
