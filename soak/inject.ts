import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { FaultPlan } from '../lab/src/faults.js';
import type { DasReadProcess } from './das-read-process.js';
import { between, whole } from './random.js';
import { reshard } from './reshard.js';
import type { FaultKind } from './schedule.js';

export interface InjectContext {
  /** The lab gateway's faults: it stands in front of kinesis-local and the local KMS. */
  faults: FaultPlan;
  kinesis: KinesisClient;
  streamName: string;
  reader: DasReadProcess;
  random: () => number;
  /** The longest SIGSTOP. */
  maxPauseMs: number;
}

/**
 * Each kind of fault, as AWS or an operating system makes it. The gateway's faults each answer
 * a given number of calls and are then spent: each burst stays well inside das-read's retries
 * (ten, over a minute or more), as a real burst does.
 */
export function injectors(context: InjectContext): Record<FaultKind, () => Promise<string>> {
  const { faults, random } = context;
  return {
    async throttle() {
      const getRecords = whole(random, 3, 8);
      const listShards = whole(random, 1, 2);
      faults
        .add({ action: 'kinesis:GetRecords', kind: 'throttle', times: getRecords, rate: 0.5 })
        .add({ action: 'kinesis:GetShardIterator', kind: 'throttle', times: 1 })
        .add({ action: 'kinesis:ListShards', kind: 'limit-exceeded', times: listShards })
        .add({ action: 'kinesis:DescribeStreamSummary', kind: 'limit-exceeded', times: 1 });
      return `ProvisionedThroughputExceededException on the next ${getRecords} GetRecords (half of them) and a GetShardIterator; LimitExceededException on ${listShards} ListShards and a DescribeStreamSummary`;
    },
    async 'expired-iterator'() {
      const times = whole(random, 1, 3);
      faults.add({ action: 'kinesis:GetRecords', kind: 'expired-iterator', times });
      return `ExpiredIteratorException on the next ${times} GetRecords`;
    },
    async kms() {
      const throttled = whole(random, 0, 3);
      const failed = whole(random, throttled === 0 ? 1 : 0, 2);
      faults.add({ action: 'kms:Decrypt', kind: 'throttle', times: throttled }).add({ action: 'kms:Decrypt', kind: 'server-error', times: failed });
      return `ThrottlingException on ${throttled} and 500 InternalFailure on ${failed} of the next Decrypt calls`;
    },
    reshard: () => reshard(context.kinesis, context.streamName, random),
    pause: () => context.reader.pause(between(random, 1_000, context.maxPauseMs)),
    kill: () => context.reader.kill(between(random, 0, 3_000)),
  };
}
