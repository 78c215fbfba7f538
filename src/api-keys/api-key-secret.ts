import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'mdw_';
/** 43 base62 characters carry log2(62) * 43 ≈ 256 bits, well above the 190 required. */
export const API_KEY_SECRET_LENGTH = 43;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62 * 4: bytes at or above this are rejected so every character is equally likely. */
const UNBIASED_BYTE_LIMIT = 248;
/** Accept any secret length a future generator might use; reject obvious garbage without a lookup. */
const WELL_FORMED = /^mdw_[0-9A-Za-z]{32,128}$/;

/** A new key: `mdw_` + 43 base62 characters from the CSPRNG, rejection-sampled (no modulo bias). */
export function generateApiKey(): string {
  let secret = '';
  while (secret.length < API_KEY_SECRET_LENGTH) {
    for (const byte of randomBytes(API_KEY_SECRET_LENGTH * 2)) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue;
      secret += BASE62[byte % 62];
      if (secret.length === API_KEY_SECRET_LENGTH) break;
    }
  }
  return API_KEY_PREFIX + secret;
}

export function isWellFormedApiKey(candidate: string): boolean {
  return WELL_FORMED.test(candidate);
}

/**
 * SHA-256 of the whole key. A slow password hash (bcrypt, scrypt, argon2) exists to make guessing
 * low-entropy human passwords expensive after a database leak. Our keys carry ~256 random bits:
 * no amount of hashing speed makes brute force of that space feasible, so a slow hash adds no
 * protection, while it would cost tens of milliseconds of CPU on every authenticated request and
 * turn the key check into a denial-of-service lever. A fast digest also allows an indexed
 * equality lookup (a salted slow hash cannot be looked up by value).
 */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Constant-time comparison of two digests (false for different lengths). */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `mdw_` + the first 4 and the last 4 characters of the secret part. */
export function previewOf(key: string): string {
  const secret = key.slice(API_KEY_PREFIX.length);
  return `${API_KEY_PREFIX}${secret.slice(0, 4)}${secret.slice(-4)}`;
}
