import { createHash, randomBytes } from 'node:crypto';

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A uniformly random base62 string (rejection sampling keeps every character equally likely). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}
