import { ServiceError } from './service-error.js';

/** One way the lab misbehaves, for `times` matching calls (or forever), on a share of them. */
export interface FaultRule {
  /** "kinesis:GetRecords", "kms:Decrypt", "kinesis:*"… */
  action: string;
  kind: 'throttle' | 'limit-exceeded' | 'expired-iterator' | 'server-error' | 'slow' | 'reset' | 'refused';
  /** For `refused`: the service's error code and message (a 400), as it would refuse the call. */
  refusal?: { code: string; message: string };
  times?: number;
  /** The share of matching calls that fail, 0 to 1; default all. */
  rate?: number;
  delayMs?: number;
}

export type FaultOutcome = { kind: 'error'; error: ServiceError } | { kind: 'delay'; ms: number } | { kind: 'reset' } | undefined;

const ERRORS: Record<string, (service: string) => ServiceError> = {
  throttle: (service) =>
    service === 'securityhub'
      ? new ServiceError('LimitExceededException', 'Rate exceeded', 429)
      : service === 'kms' || service === 'events'
        ? new ServiceError('ThrottlingException', 'Rate exceeded')
        : service === 'rds'
          ? new ServiceError('Throttling', 'Rate exceeded')
          : new ServiceError('ProvisionedThroughputExceededException', 'Rate exceeded for shard shardId-000000000000 in stream under account 000000000000.'),
  // Kinesis's control plane (ListShards, DescribeStreamSummary) refuses so when called too often.
  'limit-exceeded': () => new ServiceError('LimitExceededException', 'Rate exceeded for stream under account 000000000000.'),
  'expired-iterator': () =>
    new ServiceError(
      'ExpiredIteratorException',
      'Iterator expired. The iterator was created at time … while right now it is … which is further in the future than the tolerated delay of 300000 milliseconds.',
    ),
  'server-error': () => new ServiceError('InternalFailure', 'We encountered an internal error. Please try again.', 500),
};

/**
 * Faults the gateway injects in front of the real local services, as AWS produces
 * them: throttling, expired iterators, 500s, slow answers, dropped connections.
 */
export class FaultPlan {
  readonly #rules: Array<FaultRule & { left: number }> = [];
  injected = 0;
  /** Faults served, by "action kind" ("kinesis:GetRecords throttle"): what a soak reports. */
  readonly served = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): this {
    this.#rules.push({ ...rule, left: rule.times ?? Infinity });
    return this;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** What to do to this call, if anything. */
  decide(service: string, operation: string): FaultOutcome {
    for (const rule of this.#rules) {
      const [ruleService, ruleOperation] = rule.action.split(':');
      if (ruleService !== service || (ruleOperation !== '*' && ruleOperation !== operation) || rule.left <= 0) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      rule.left--;
      this.injected++;
      const label = `${rule.action} ${rule.kind}`;
      this.served.set(label, (this.served.get(label) ?? 0) + 1);
      if (rule.kind === 'slow') return { kind: 'delay', ms: rule.delayMs ?? 1_000 };
      if (rule.kind === 'reset') return { kind: 'reset' };
      if (rule.kind === 'refused')
        return { kind: 'error', error: new ServiceError(rule.refusal?.code ?? 'ValidationException', rule.refusal?.message ?? 'Refused.') };
      const make = ERRORS[rule.kind];
      if (make) return { kind: 'error', error: make(service) };
    }
    return undefined;
  }
}
