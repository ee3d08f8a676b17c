import { randomUUID } from 'node:crypto';
import type { OcsfEvent } from '../events/ocsf.js';

/** One object of a Security Lake custom source: where it goes under the source's location, and its events sorted by time. */
export interface LakeObject {
  /** `ext/<source>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/<time>-<uuid>.parquet` */
  key: string;
  partition: string;
  name: string;
  events: OcsfEvent[];
}

/** The events, grouped as Security Lake partitions a custom source (region, account, UTC day), each group sorted by time. */
export function lakeObjects(events: readonly OcsfEvent[], source: string, now: Date): LakeObject[] {
  const groups = new Map<string, OcsfEvent[]>();
  for (const event of events) {
    const partition = partitionOf(event, source);
    const group = groups.get(partition);
    if (group) group.push(event);
    else groups.set(partition, [event]);
  }
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return [...groups].map(([partition, group]) => {
    const name = `${stamp}-${randomUUID()}.parquet`;
    return { key: `${partition}/${name}`, partition, name, events: group.sort((a, b) => (a.time as number) - (b.time as number)) };
  });
}

export function partitionOf(event: OcsfEvent, source: string): string {
  const cloud = (event.cloud ?? {}) as { region?: string; account?: { uid?: string } };
  const day = new Date(typeof event.time === 'number' ? event.time : 0).toISOString().slice(0, 10).replaceAll('-', '');
  return `ext/${source}/region=${cloud.region ?? 'unknown'}/accountId=${cloud.account?.uid ?? 'unknown'}/eventDay=${day}`;
}
