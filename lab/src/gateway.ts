import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, type Listening } from './http.js';
import type { LocalKms } from './local-kms.js';
import type { LocalFirehose } from './local-firehose.js';
import type { LocalS3 } from './local-s3.js';
import { restJsonError, type LocalSecurityHub } from './local-securityhub.js';
import type { LocalEventBridge } from './local-eventbridge.js';
import { queryError, type LocalRds } from './local-rds.js';
import { stsError, type LocalSts } from './local-sts.js';
import { jsonError, ServiceError, type ServiceReply } from './service-error.js';
import { FaultPlan } from './faults.js';

export interface GatewayOptions {
  kms: LocalKms;
  rds: LocalRds;
  firehose: LocalFirehose;
  s3: LocalS3;
  securityHub?: LocalSecurityHub;
  eventBridge?: LocalEventBridge;
  /** GetCallerIdentity, which names the account in a "not found". */
  sts?: LocalSts;
  /** Where Kinesis calls go: the kinesis-local server. */
  kinesisUrl: string;
  port?: number;
}

export interface Gateway extends Listening {
  /** IAM actions ("rds:DescribeDBClusters", "kms:Decrypt", …) the lab answers with access denied. */
  readonly denied: Set<string>;
  /** Misbehaviour to inject in front of the services. */
  readonly faults: FaultPlan;
  /** The access key ids that signed requests, as SigV4 names them: which credentials a client used. */
  readonly signers: Set<string>;
  /** What the lab itself does on request (`das-read lab --attack`), once a session has set it up. */
  readonly labActions: LabActions;
}

export interface LabActions {
  attack?: (scenario: string) => Promise<unknown>;
  /** Silences the activity stream (no record, no heartbeat) for that many seconds; says the span, epoch ms. */
  pause?: (seconds: number) => { from: number; until: number };
}

/**
 * The lab's own requests live under a path no S3 bucket can have (a bucket name has no `_`):
 * `POST /_lab/attack/<scenario>` answers 200 with what the lab did, 404 for a scenario it does
 * not know, 409 when the activity stream is not started.
 */
const LAB_ATTACK = /^\/_lab\/attack\/([\w-]{1,64})$/;
/** `POST /_lab/pause/<seconds>` (1 to 3600): a gap in the trail on demand; 200 with its span, 409 before the lab has a cluster. */
const LAB_PAUSE = /^\/_lab\/pause\/(\d{1,6})$/;
const MAX_PAUSE_SECONDS = 3_600;

/**
 * One endpoint for all the services, so `--endpoint-url` (or AWS_ENDPOINT_URL) can
 * point a client at the whole lab. Requests are told apart by their protocol: JSON
 * targets for KMS and Kinesis, a form-encoded Action for RDS and STS (told apart by the service
 * their signature names).
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const denied = new Set<string>();
  const faults = new FaultPlan();
  const signers = new Set<string>();
  const labActions: LabActions = {};
  const handler = (incoming: IncomingMessage, response: ServerResponse) => {
    void route(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, jsonError(new ServiceError('InternalFailure', String(error), 500)));
      else response.destroy();
    });
  };
  const route = async (incoming: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(incoming);
    const signer = /Credential=([^/]+)\//.exec(String(incoming.headers.authorization ?? ''))?.[1];
    if (signer) signers.add(signer);
    const labAttack = incoming.method === 'POST' ? LAB_ATTACK.exec(incoming.url ?? '') : null;
    if (labAttack) return send(response, await attackReply(labActions, labAttack[1] ?? ''));
    const labPause = incoming.method === 'POST' ? LAB_PAUSE.exec(incoming.url ?? '') : null;
    if (labPause) return send(response, pauseReply(labActions, Number(labPause[1])));
    const target = String(incoming.headers['x-amz-target'] ?? '');
    const [service, operation = ''] = target.split('.');
    // RDS speaks the query protocol: its operation is the form's Action, its errors XML.
    const json = JSON_SERVICES[service ?? ''];
    // Security Hub speaks REST-JSON, as S3 speaks REST: told apart by the service its signature names.
    if (!json && signedFor(incoming) === 'securityhub') {
      const operation = 'BatchImportFindings';
      const fault = faults.decide('securityhub', operation);
      if (fault?.kind === 'reset') return void response.socket?.destroy();
      if (fault?.kind === 'error') return send(response, restJsonError(fault.error));
      if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (denied.has(`securityhub:${operation}`)) return send(response, restJsonError(accessDenied(`securityhub:${operation}`, 'AccessDeniedException')));
      if (!options.securityHub) return send(response, restJsonError(new ServiceError('InvalidInputException', 'The lab runs no Security Hub here', 404)));
      return send(response, options.securityHub.handle(incoming.method ?? 'GET', (incoming.url ?? '/').split('?')[0] ?? '/', body));
    }
    // S3 speaks REST: a method on /bucket/key, where RDS posts a form to /.
    if (!json && (incoming.method !== 'POST' || (incoming.url ?? '/').split('?')[0] !== '/')) {
      if (denied.has('s3:PutObject') && incoming.method === 'PUT')
        return send(response, {
          status: 403,
          contentType: 'application/xml',
          body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
        });
      return send(response, options.s3.handle(incoming, body));
    }
    const form = json ? undefined : new URLSearchParams(body.toString('utf8'));
    const queryService = signedFor(incoming) === 'sts' ? 'sts' : 'rds';
    const fault = faults.decide(json ?? queryService, form ? (form.get('Action') ?? '') : operation);
    if (fault?.kind === 'reset') return void response.socket?.destroy();
    if (fault?.kind === 'error')
      return send(response, !form ? jsonError(fault.error) : queryService === 'sts' ? stsError(fault.error) : queryError(fault.error));
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (service === 'TrentService') {
      if (denied.has(`kms:${operation}`)) return send(response, jsonError(accessDenied(`kms:${operation}`, 'AccessDeniedException')));
      return send(response, await options.kms.handle(operation, body));
    }
    if (service === 'Firehose_20150804') {
      if (denied.has(`firehose:${operation}`)) return send(response, jsonError(accessDenied(`firehose:${operation}`, 'AccessDeniedException')));
      return send(response, options.firehose.handle(operation, body));
    }
    if (service === 'AWSEvents') {
      if (denied.has(`events:${operation}`)) return send(response, jsonError(accessDenied(`events:${operation}`, 'AccessDeniedException')));
      if (!options.eventBridge) return send(response, jsonError(new ServiceError('UnknownOperationException', 'The lab runs no EventBridge here')));
      return send(response, options.eventBridge.handle(operation, body));
    }
    if (service === 'Kinesis_20131202') {
      if (denied.has(`kinesis:${operation}`)) return send(response, jsonError(accessDenied(`kinesis:${operation}`, 'AccessDeniedException')));
      return proxy(options.kinesisUrl, incoming, body, response);
    }
    // No policy can refuse GetCallerIdentity, so `denied` does not apply: it fails only as a call fails (faults).
    if (form && queryService === 'sts') {
      if (!options.sts) return send(response, stsError(new ServiceError('InvalidAction', 'The lab runs no STS here')));
      return send(response, options.sts.handle(form, signer));
    }
    const action = form?.get('Action');
    if (form && action) {
      if (denied.has(`rds:${action}`)) return send(response, queryError(accessDenied(`rds:${action}`, 'AccessDenied')));
      return send(response, options.rds.handle(form));
    }
    send(
      response,
      jsonError(new ServiceError('UnknownOperationException', 'The lab serves Kinesis, KMS, RDS, STS, Firehose, S3, Security Hub and EventBridge only')),
    );
  };
  const listening = await listen(handler, options.port);
  return { ...listening, denied, faults, signers, labActions };
}

async function attackReply(actions: LabActions, scenario: string): Promise<ServiceReply> {
  const json = (status: number, body: unknown): ServiceReply => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
  if (!actions.attack) return json(409, { message: 'the lab has no cluster under load yet' });
  try {
    return json(200, await actions.attack(scenario));
  } catch (error) {
    if (error instanceof ServiceError) return json(error.status, { code: error.code, message: error.message });
    throw error;
  }
}

function pauseReply(actions: LabActions, seconds: number): ServiceReply {
  const json = (status: number, body: unknown): ServiceReply => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
  if (seconds < 1 || seconds > MAX_PAUSE_SECONDS) return json(400, { message: `a pause lasts 1 to ${MAX_PAUSE_SECONDS} seconds, not ${seconds}` });
  if (!actions.pause) return json(409, { message: 'the lab has no cluster under load yet' });
  const { from, until } = actions.pause(seconds);
  return json(200, { seconds, from: new Date(from).toISOString(), until: new Date(until).toISOString() });
}

/** The services that speak JSON, by their X-Amz-Target prefix; RDS speaks the query protocol. */
const JSON_SERVICES: Record<string, 'kms' | 'kinesis' | 'firehose' | 'events'> = {
  TrentService: 'kms',
  Kinesis_20131202: 'kinesis',
  Firehose_20150804: 'firehose',
  AWSEvents: 'events',
};

/** The service a SigV4 signature's credential scope names (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`). */
function signedFor(incoming: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(incoming.headers.authorization ?? ''))?.[1];
}

function accessDenied(action: string, code: string): ServiceError {
  return new ServiceError(
    code,
    `User: arn:aws:iam::000000000000:user/lab is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
    403,
  );
}

function send(response: ServerResponse, reply: ServiceReply): void {
  response.writeHead(reply.status, {
    'content-type': reply.contentType,
    'content-length': Buffer.byteLength(reply.body),
    'x-amzn-requestid': crypto.randomUUID(),
    ...reply.headers,
  });
  response.end(reply.body);
}

function proxy(base: string, incoming: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { ...incoming.headers, host: new URL(base).host, 'content-length': String(body.length) };
    const outgoing = request(`${base}${incoming.url ?? '/'}`, { method: incoming.method, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
