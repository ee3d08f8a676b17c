// Where an Encryption SDK message's parts lie, read by the SDK's own deserializers: for
// tests that reorder, drop or cut frames the way an attacker with the bytes could.
import { NodeAlgorithmSuite } from '@aws-crypto/material-management-node';
import { decodeBodyHeader, deserializeFactory } from '@aws-crypto/serialize';

const deserialize = deserializeFactory((bytes: Uint8Array) => Buffer.from(bytes).toString('utf8'), NodeAlgorithmSuite);

export interface MessageParts {
  /** Header and header authentication: the bytes before the first frame. */
  headerEnd: number;
  /** Each frame's [start, end), its header, content and tag. */
  frames: Array<[number, number]>;
  /** Where the signature (signed suites) or nothing begins. */
  bodyEnd: number;
}

export function partsOf(message: Uint8Array): MessageParts {
  const headerInfo = deserialize.deserializeMessageHeader(message);
  if (!headerInfo) throw new Error('not a whole message');
  const headerEnd = headerInfo.rawHeader.byteLength + headerInfo.headerAuth.headerAuthLength;
  const frames: Array<[number, number]> = [];
  let at = headerEnd;
  for (;;) {
    const frame = decodeBodyHeader(message, headerInfo, at);
    if (!frame) throw new Error('a frame is cut short');
    const end = frame.readPos + frame.contentLength + frame.tagLength / 8;
    frames.push([at, end]);
    at = end;
    if (frame.isFinalFrame) return { headerEnd, frames, bodyEnd: end };
  }
}

/** The message with its frames in `order` (indices into its frames), the rest as it was. */
export function withFrames(message: Uint8Array, order: number[]): Buffer {
  const { headerEnd, frames, bodyEnd } = partsOf(message);
  const bytes = Buffer.from(message);
  return Buffer.concat([
    bytes.subarray(0, headerEnd),
    ...order.map((index) => bytes.subarray(...(frames[index] as [number, number]))),
    bytes.subarray(bodyEnd),
  ]);
}
