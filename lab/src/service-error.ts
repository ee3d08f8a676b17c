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
  body: string;
}

export function jsonReply(value: unknown, status = 200): ServiceReply {
  return { status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(value) };
}

/** JSON-protocol errors: the SDK reads the code from `__type`. */
export function jsonError(error: ServiceError): ServiceReply {
  return jsonReply({ __type: error.code, message: error.message }, error.status);
}
