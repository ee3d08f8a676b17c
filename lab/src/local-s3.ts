import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import type { ServiceReply } from './service-error.js';

/**
 * Amazon S3's REST protocol, path-style (`PUT /bucket/key`), as much as a Security Lake custom
 * source needs: buckets, PutObject (its body plain or aws-chunked, as the SDK sends it with
 * checksums), GetObject and ListObjectsV2, with S3's XML errors.
 */
export class LocalS3 {
  readonly #buckets = new Map<string, Map<string, Buffer>>();

  createBucket(name: string): void {
    this.#buckets.set(name, this.#buckets.get(name) ?? new Map());
  }

  /** A bucket's objects, by key. */
  objects(bucket: string): Map<string, Buffer> {
    return this.#buckets.get(bucket) ?? new Map();
  }

  handle(request: IncomingMessage, body: Buffer): ServiceReply {
    const url = new URL(request.url ?? '/', 'http://s3.local');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const objects = this.#buckets.get(bucket);
    if (request.method === 'PUT' && key === '') {
      this.createBucket(bucket);
      return { status: 200, contentType: 'application/xml', body: '' };
    }
    if (!objects) return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', bucket);
    if (request.method === 'PUT') {
      const data = isChunked(request) ? unchunk(body) : body;
      objects.set(key, data);
      return { status: 200, contentType: 'application/xml', body: '', headers: { etag: `"${createHash('md5').update(data).digest('hex')}"` } };
    }
    if (request.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...objects.keys()].filter((name) => name.startsWith(prefix)).sort();
      const contents = keys.map((name) => `<Contents><Key>${escapeXml(name)}</Key><Size>${objects.get(name)?.length ?? 0}</Size></Contents>`).join('');
      return {
        status: 200,
        contentType: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
      };
    }
    if (request.method === 'GET') {
      const data = objects.get(key);
      if (!data) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', key);
      return { status: 200, contentType: 'application/octet-stream', body: data };
    }
    return s3Error(405, 'MethodNotAllowed', `The lab's S3 does not serve ${request.method ?? ''} here`, key);
  }
}

function isChunked(request: IncomingMessage): boolean {
  return (
    String(request.headers['content-encoding'] ?? '').includes('aws-chunked') || String(request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')
  );
}

/** aws-chunked: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`, repeated, then a 0-size chunk and the trailers. */
function unchunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = body.indexOf('\r\n', at);
    if (end === -1) break;
    const size = Number.parseInt(body.subarray(at, end).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

function s3Error(status: number, code: string, message: string, resource: string): ServiceReply {
  return {
    status,
    contentType: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><Resource>${escapeXml(resource)}</Resource></Error>`,
  };
}
