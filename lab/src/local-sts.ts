import { randomUUID } from 'node:crypto';
import { ServiceError, type ServiceReply } from './service-error.js';
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

/** Query-protocol errors, as STS words them: the SDK reads the code from <Error><Code>. */
export function stsError(error: ServiceError): ServiceReply {
  const body =
    `<ErrorResponse xmlns="${XMLNS}">` +
    toXml('Error', { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message }) +
    toXml('RequestId', randomUUID()) +
    '</ErrorResponse>';
  return { status: error.status, contentType: 'text/xml', body };
}
