import { Agent } from 'node:http';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** The lab accepts any signature; these let a newcomer without AWS credentials talk to it. */
export const LAB_CREDENTIALS = { accessKeyId: 'lab', secretAccessKey: 'lab' };

/** The clients the lab itself uses, as RDS would: to make streams, data keys and records. */
export interface LabClients {
  kms: KMSClient;
  kinesis: KinesisClient;
  destroy(): void;
}

export function labClients(endpoint: string, region: string): LabClients {
  // HTTP/1.1: the Kinesis client would otherwise speak HTTP/2, which kinesis-local refuses.
  const requestHandler = new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) });
  const common = { endpoint, region, credentials: LAB_CREDENTIALS, requestHandler };
  const kms = new KMSClient(common);
  const kinesis = new KinesisClient(common);
  return {
    kms,
    kinesis,
    destroy() {
      kms.destroy();
      kinesis.destroy();
      requestHandler.destroy();
    },
  };
}
