import {
  compileFilter,
  eventFormatter,
  eventId,
  formatted,
  keeps,
  placeOfArn,
  prepareRedaction,
  redactEvent,
  targetFromStream,
  UserError,
  type DasEvent,
  type Decoder,
  type EventFormatter,
  type RawRecord,
  type SeenEvent,
} from '../index.js';
import type { LambdaConfig } from './lambda-config.js';

/**
 * A record's events as the CLI's ndjson writes them, after the filters: what the function delivers.
 * Given `seen`, the same events (but heartbeats) are put there as sent, for the rules, with their ids
 * and, when REDACT is on, the redacted event that findings show.
 */
export type LinesOf = (record: RawRecord, streamArn: string | undefined, seen?: SeenEvent[]) => Promise<string[]>;

/**
 * Decrypts with the decoder of the record's resource (its data keys cached across invocations),
 * keeps what the filters keep, and formats each event as one NDJSON line.
 */
export function recordLines(config: LambdaConfig, decoderFor: (resourceId: string) => Decoder): LinesOf {
  const filter = compileFilter(config.filter);
  const kept = keeps({ includeHeartbeats: config.includeHeartbeats, ...(filter ? { filter } : {}) });
  // One formatter a stream: OCSF names the region and account its ARN gives.
  const formats = new Map<string, EventFormatter>();
  const formatOf = (streamArn: string | undefined) => {
    let format = formats.get(streamArn ?? '');
    if (!format) {
      format = eventFormatter(config.output, undefined, {
        redact: config.redact,
        ...(config.fields ? { fields: config.fields } : {}),
        ocsf: placeOfArn(streamArn),
      });
      formats.set(streamArn ?? '', format);
    }
    return format;
  };
  return async (record, streamArn, seen) => {
    if (config.redact) await prepareRedaction();
    const decoded = await decoderFor(resourceIdOf(config, streamArn)).decode(record);
    const format = formatOf(streamArn);
    const places: number[] = [];
    for (let index = 0; index < decoded.eventCount; index++) if (kept(decoded, index)) places.push(index);
    if (places.length === 0) return [];
    if (seen)
      for (const index of places) {
        if (decoded.isHeartbeat(index)) continue;
        const event = decoded.events[index] as DasEvent;
        seen.push({
          event,
          ...(config.redact ? { shown: redactEvent(event) } : {}),
          eventId: eventId(decoded, index),
          clusterId: decoded.clusterId,
          instanceId: decoded.instanceId,
        });
      }
    // ndjson and OCSF write each event as one line of JSON, which holds no line feed of its own.
    return formatted(format, decoded, places)
      .slice(0, -1)
      .split('\n')
      .map((line) => `${line}\n`);
  };
}

/** RESOURCE_ID, or the end of the stream's name (`aws-rds-das-<resource id>`). */
function resourceIdOf(config: LambdaConfig, streamArn: string | undefined): string {
  if (config.resourceId) return config.resourceId;
  const name = streamArn?.slice(streamArn.indexOf(':stream/') + ':stream/'.length);
  if (!name || !streamArn?.includes(':stream/')) {
    throw new UserError(
      'the records do not say which Kinesis stream they came from',
      undefined,
      'Set RESOURCE_ID to the cluster-… or db-… resource id of the database.',
    );
  }
  try {
    return targetFromStream(name, undefined).resourceId;
  } catch (error) {
    throw new UserError(
      `cannot tell the resource id from the stream name "${name}"`,
      undefined,
      'Set RESOURCE_ID to the cluster-… or db-… resource id of the database.',
      { cause: error },
    );
  }
}
