import { randomUUID } from 'node:crypto';
import { toXml } from './xml.js';
/** A refusal in the service's own words: its error code, HTTP status and message. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** How a lab service answers one request. */
export interface ServiceReply {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export function jsonReply(value: unknown, status = 200): ServiceReply {
  return { status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(value) };
}

/** JSON-protocol errors: the SDK reads the code from `__type`. */
export function jsonError(error: ServiceError): ServiceReply {
  return jsonReply({ __type: error.code, message: error.message }, error.status);
}

/** A JSON-protocol request answered by `dispatch`: its refusals as the service words them, malformed JSON as the SDK expects. */
export function answerJson(body: Buffer, dispatch: (input: Record<string, unknown>) => unknown): ServiceReply {
  try {
    const input = JSON.parse(body.length ? body.toString('utf8') : '{}') as Record<string, unknown>;
    return jsonReply(dispatch(input));
  } catch (error) {
    if (error instanceof ServiceError) return jsonError(error);
    if (error instanceof SyntaxError) return jsonError(new ServiceError('SerializationException', 'Malformed JSON'));
    throw error;
  }
}

/** A query-protocol service's error (RDS, STS), in its own XML namespace: the SDK reads the code from <Error><Code>. */
export function queryErrorReply(xmlns: string, error: ServiceError): ServiceReply {
  const body =
    `<ErrorResponse xmlns="${xmlns}">` +
    toXml('Error', { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message }) +
    toXml('RequestId', randomUUID()) +
    '</ErrorResponse>';
  return { status: error.status, contentType: 'text/xml', body };
}
