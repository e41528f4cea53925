/**
 * Password and token hashes for the web face, with node:crypto only. Passwords:
 * `scrypt$N$r$p$salt$hash` (base64 salt and hash), so the cost can be raised later
 * without breaking stored hashes. Tokens are long random strings, so a fast hash is
 * enough: `sha256$<hex>`.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const defaults = { N: 16384, r: 8, p: 1, keyLength: 32 }

function scryptAsync(
  password: string,
  salt: Uint8Array,
  keyLength: number,
  cost: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) =>
      err === null ? resolve(key) : reject(err),
    )
  })
}

export async function hashPassword(password: string): Promise<string> {
  const salt = new Uint8Array(randomBytes(16))
  const { N, r, p, keyLength } = defaults
  const key = await scryptAsync(password, salt, keyLength, { N, r, p })
  return `scrypt$${N}$${r}$${p}$${Buffer.from(salt).toString('base64')}$${key.toString('base64')}`
}

/** Constant-time check of `password` against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false
  const salt = new Uint8Array(Buffer.from(parts[4] as string, 'base64'))
  const expected = new Uint8Array(Buffer.from(parts[5] as string, 'base64'))
  if (expected.length === 0) return false
  try {
    const key = await scryptAsync(password, salt, expected.length, { N, r, p })
    return timingSafeEqual(new Uint8Array(key), expected)
  } catch {
    return false
  }
}

export function hashToken(token: string): string {
  return `sha256$${createHash('sha256').update(token).digest('hex')}`
}

/** A new API token and the hash to put in the configuration. */
export function newToken(): { token: string; hash: string } {
  const token = `nst_${randomBytes(24).toString('base64url')}`
  return { token, hash: hashToken(token) }
}

/** Equal strings in time that does not depend on where they differ. */
export function sameText(a: string, b: string): boolean {
  const x = new Uint8Array(createHash('sha256').update(a).digest())
  const y = new Uint8Array(createHash('sha256').update(b).digest())
  return timingSafeEqual(x, y)
}
