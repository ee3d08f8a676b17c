import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { lakeObjects, ocsfParquet, type OcsfEvent } from '../index.js';
import type { Delivery, LambdaLog } from './delivery.js';

/**
 * OCSF events to an Amazon Security Lake custom source: each delivery's events (an invocation's,
 * or a few MB of them in a large batch), per region, account and day, as one Parquet object sorted by time, put under the source's location
 * (`ext/<source>/…` in the lake's bucket). A put that fails fails the lines it held, and so
 * their records: Lambda retries them.
 */
export function securityLakeDelivery(s3: S3Client, bucket: string, source: string, log: LambdaLog, now: () => Date = () => new Date()): Delivery {
  return {
    async deliver(lines) {
      const delivered = lines.map(() => false);
      const events = lines.map((line) => JSON.parse(line) as OcsfEvent);
      const place = new Map(events.map((event, index) => [event, index]));
      for (const object of lakeObjects(events, source, now())) {
        try {
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: object.key,
              Body: ocsfParquet(object.events, 'das-read'),
              ContentType: 'application/vnd.apache.parquet',
            }),
          );
          for (const event of object.events) delivered[place.get(event) as number] = true;
        } catch (error) {
          log(
            'ERROR',
            `cannot put s3://${bucket}/${object.key} (${object.events.length} events): ${(error as Error).name}: ${(error as Error).message}; their records are reported as failed`,
          );
        }
      }
      return delivered;
    },
  };
}
