import { randomUUID } from 'node:crypto';
import { queryErrorReply, ServiceError, type ServiceReply } from './service-error.js';
import { toXml } from './xml.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface LocalStsOptions {
  accountId: string;
}

/**
 * AWS STS as das-read uses it: GetCallerIdentity, over the real query protocol (form-encoded
 * Action=…, XML answers), so the real SDK client talks to it. Every signer is the lab's one user.
 */
export class LocalSts {
  constructor(private readonly options: LocalStsOptions) {}

  /** `accessKeyId` is the key the request was signed with (GetCallerIdentity answers it as UserId, as STS does for an IAM user). */
  handle(form: URLSearchParams, accessKeyId: string | undefined): ServiceReply {
    const action = form.get('Action') ?? '';
    if (action !== 'GetCallerIdentity') return stsError(new ServiceError('InvalidAction', `The lab STS does not implement ${action || 'that action'}`));
    const result = { UserId: accessKeyId ?? 'lab', Account: this.options.accountId, Arn: `arn:aws:iam::${this.options.accountId}:user/lab` };
    const body =
      `<GetCallerIdentityResponse xmlns="${XMLNS}">` +
      toXml('GetCallerIdentityResult', result) +
      toXml('ResponseMetadata', { RequestId: randomUUID() }) +
      '</GetCallerIdentityResponse>';
    return { status: 200, contentType: 'text/xml', body };
  }
}

/** Query-protocol errors in this service's namespace. */
export function stsError(error: ServiceError): ServiceReply {
  return queryErrorReply(XMLNS, error);
}
