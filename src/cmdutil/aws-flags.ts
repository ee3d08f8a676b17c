import type { AwsOptions } from '../aws/clients.js';
import { UsageError } from '../errors.js';
import type { FlagValues } from './flags.js';

/** --region, --profile and --endpoint-url, for every command that talks to AWS. */
export function awsOptionsOf(flags: FlagValues<'region' | 'profile' | 'endpointUrl'>): AwsOptions {
  return {
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.endpointUrl ? { endpointUrl: endpointUrl(flags.endpointUrl) } : {}),
  };
}

function endpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint-url "${value}" is not a URL`, 'For example: --endpoint-url http://127.0.0.1:4566');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint-url must be http or https (got "${value}")`);
  return value;
}
