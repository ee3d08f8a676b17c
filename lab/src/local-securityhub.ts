import { ServiceError, type ServiceReply } from './service-error.js';

/** Security Hub's documented limits on BatchImportFindings: findings a call, bytes a finding. */
export const SECURITY_HUB_LIMITS = { findings: 100, findingBytes: 240 * 1024, callBytes: 6 * 1024 * 1024 } as const;

/** A finding as imported: the ASFF document, kept whole. */
export type ImportedFinding = Record<string, unknown>;

export interface FailedFinding {
  Id: string;
  ErrorCode: string;
  ErrorMessage: string;
}

/**
 * AWS Security Hub's BatchImportFindings over its REST-JSON protocol (`POST /findings/import`):
 * enough for the real SDK client to import findings, have the ones that are not ASFF refused one
 * by one (FailedFindings, as Security Hub answers them), and be told that a call carries too many.
 * A finding imported again with the same ProductArn and Id replaces the first: Security Hub
 * updates a finding rather than duplicating it.
 */
export class LocalSecurityHub {
  /** The findings held, by ProductArn and Id, in the order they were first imported. */
  readonly #findings = new Map<string, ImportedFinding>();
  /** Each BatchImportFindings call answered, with how many findings it carried. */
  readonly calls: number[] = [];
  /** Findings imported over one that was there (same ProductArn and Id): updates, not new findings. */
  updates = 0;
  /** Decides, for each finding of a call, whether it is refused anyway (as Security Hub refuses some under load). */
  refuse: (finding: ImportedFinding, place: number) => FailedFinding | undefined = () => undefined;

  constructor(private readonly options: { region: string; accountId: string }) {}

  /** Every finding held, once each. */
  findings(): ImportedFinding[] {
    return [...this.#findings.values()];
  }

  handle(method: string, path: string, body: Buffer): ServiceReply {
    try {
      if (method === 'POST' && path === '/findings/import') return restJsonReply(this.#import(parse(body)));
      throw new ServiceError('InvalidInputException', `The lab's Security Hub does not serve ${method} ${path}`, 404);
    } catch (error) {
      if (error instanceof ServiceError) return restJsonError(error);
      throw error;
    }
  }

  #import(input: Record<string, unknown>): unknown {
    const findings = input.Findings;
    if (!Array.isArray(findings)) throw new ServiceError('InvalidInputException', 'Findings is required');
    if (findings.length < 1 || findings.length > SECURITY_HUB_LIMITS.findings)
      throw new ServiceError(
        'InvalidInputException',
        `1 validation error detected: Value at 'findings' failed to satisfy constraint: Member must have length less than or equal to ${SECURITY_HUB_LIMITS.findings} and greater than or equal to 1`,
      );
    this.calls.push(findings.length);
    const failed: FailedFinding[] = [];
    findings.forEach((finding: unknown, place) => {
      const id = typeof (finding as { Id?: unknown } | null)?.Id === 'string' ? String((finding as { Id: string }).Id) : '';
      const problem = asffProblem(finding, this.options.accountId);
      if (problem)
        return void failed.push({ Id: id, ErrorCode: 'InvalidInput', ErrorMessage: `Finding does not adhere to Amazon Security Finding Format. ${problem}` });
      const refused = this.refuse(finding as ImportedFinding, place);
      if (refused) return void failed.push(refused);
      const record = finding as ImportedFinding;
      const key = `${String(record.ProductArn)}\n${id}`;
      if (this.#findings.has(key)) this.updates++;
      this.#findings.set(key, record);
    });
    return { FailedCount: failed.length, SuccessCount: findings.length - failed.length, FailedFindings: failed };
  }
}

const REQUIRED_STRINGS = ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'CreatedAt', 'UpdatedAt', 'Title', 'Description'] as const;
const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
/** ASFF's Types: namespace/category/classifier, the namespace one of these. */
const TYPE_NAMESPACES = ['Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors', 'Sensitive Data Identifications'];

/** What makes a finding not ASFF, in Security Hub's words, or undefined when it is. */
export function asffProblem(finding: unknown, accountId: string): string | undefined {
  if (!finding || typeof finding !== 'object' || Array.isArray(finding)) return 'data should be object';
  const record = finding as Record<string, unknown>;
  for (const name of REQUIRED_STRINGS) {
    if (!(name in record)) return `data should have required property '${name}'`;
    if (typeof record[name] !== 'string' || record[name] === '') return `data.${name} should be a non-empty string`;
  }
  if (Buffer.byteLength(JSON.stringify(record), 'utf8') > SECURITY_HUB_LIMITS.findingBytes)
    return `Finding size exceeded the maximum of ${SECURITY_HUB_LIMITS.findingBytes} bytes`;
  if (String(record.Title).length > 256) return 'data.Title should NOT be longer than 256 characters';
  if (String(record.Description).length > 1024) return 'data.Description should NOT be longer than 1024 characters';
  if (record.SchemaVersion !== '2018-10-08') return "data.SchemaVersion should be equal to one of the allowed values: '2018-10-08'";
  if (!/^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:(\d{12})?:product\/.+\/.+$/.test(String(record.ProductArn))) return 'data.ProductArn is not a product ARN';
  if (record.AwsAccountId !== accountId) return `data.AwsAccountId ${String(record.AwsAccountId)} is not the account that imports it (${accountId})`;
  for (const name of ['CreatedAt', 'UpdatedAt'] as const)
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(String(record[name])) || Number.isNaN(Date.parse(String(record[name]))))
      return `data.${name} should match format "date-time"`;
  const severity = record.Severity as Record<string, unknown> | undefined;
  if (!severity || typeof severity !== 'object') return "data should have required property 'Severity'";
  const label = severity.Label;
  const normalized = severity.Normalized;
  if (label === undefined && normalized === undefined) return 'data.Severity should have Label or Normalized';
  if (label !== undefined && !LABELS.includes(String(label))) return `data.Severity.Label should be equal to one of the allowed values: ${LABELS.join(', ')}`;
  if (normalized !== undefined && !(Number.isInteger(normalized) && (normalized as number) >= 0 && (normalized as number) <= 100))
    return 'data.Severity.Normalized should be an integer from 0 to 100';
  const resources = record.Resources;
  if (!Array.isArray(resources)) return "data should have required property 'Resources'";
  if (resources.length < 1 || resources.length > 32) return 'data.Resources should NOT have fewer than 1 items';
  for (const [place, resource] of resources.entries()) {
    const { Type: type, Id: id } = (resource ?? {}) as Record<string, unknown>;
    if (typeof type !== 'string' || type === '') return `data.Resources[${place}] should have required property 'Type'`;
    if (typeof id !== 'string' || id === '') return `data.Resources[${place}] should have required property 'Id'`;
  }
  const types = record.Types;
  if (!Array.isArray(types) || types.length < 1) return "data should have required property 'Types'";
  for (const [place, type] of types.entries()) {
    if (typeof type !== 'string' || !TYPE_NAMESPACES.includes(type.split('/')[0] ?? ''))
      return `data.Types[${place}] should be namespace/category/classifier, its namespace one of ${TYPE_NAMESPACES.join(', ')}`;
  }
  return undefined;
}

function parse(body: Buffer): Record<string, unknown> {
  try {
    const value = JSON.parse(body.length ? body.toString('utf8') : '{}') as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // said below, as the service says it
  }
  throw new ServiceError('InvalidInputException', 'The request body is not JSON');
}

function restJsonReply(value: unknown): ServiceReply {
  return { status: 200, contentType: 'application/json', body: JSON.stringify(value) };
}

/** REST-JSON errors: the SDK reads the code from the x-amzn-errortype header (and the body's Code). */
export function restJsonError(error: ServiceError): ServiceReply {
  return {
    status: error.status,
    contentType: 'application/json',
    body: JSON.stringify({ Code: error.code, Message: error.message }),
    headers: { 'x-amzn-errortype': error.code },
  };
}
