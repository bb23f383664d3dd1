import { createHash } from 'node:crypto';

/** Hex MD5 of a body's UTF-8 bytes, as SQS reports it in MD5OfBody. */
export function md5Hex(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/** True when SQS gave no digest (nothing to check) or the digest matches the body. */
export function bodyMatchesMd5(body: string, md5OfBody: string | undefined): boolean {
  return md5OfBody === undefined || md5Hex(body) === md5OfBody.toLowerCase();
}
