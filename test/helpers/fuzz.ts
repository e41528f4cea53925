/**
 * The fuzz tier's shared parts (test/fuzz/, docs/reliability.md): every face's parser is
 * run on generated input at a fixed seed (reproducible everywhere) and at a random seed
 * (new input each run; the seed is in the test's name and in fast-check's failure report,
 * so `NUTSHELL_FUZZ_SEED=<seed>` replays it). 10,000 runs per seed in `npm test`;
 * `npm run soak` sets NUTSHELL_FUZZ_RUNS=1000000.
 *
 * The properties each face checks:
 * - it never throws anything but a typed error (NutshellError), and most never throw;
 * - what it keeps per input is bounded by the input's size (`sizeOf`, `assertBounded`);
 * - what it rejects is never silently altered: an error names or positions the bad input,
 *   and what it accepts is exactly what the input said (round trips, exact slices).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import { isNutshellError } from '../../src/core/errors.ts'

export const fuzzRuns = positive(process.env['NUTSHELL_FUZZ_RUNS'], 10_000)

/** The seed every run uses, so a failure found once is found on every machine. */
export const fixedSeed = 20_261_104

/** A fresh seed per process (or NUTSHELL_FUZZ_SEED to replay one). */
export const randomSeed = positive(
  process.env['NUTSHELL_FUZZ_SEED'],
  Math.floor(Math.random() * 0x7fff_ffff),
)

function positive(text: string | undefined, fallback: number): number {
  const n = Number.parseInt(text ?? '', 10)
  return Number.isSafeInteger(n) && n > 0 ? n : fallback
}

/**
 * Registers the property twice: at the fixed seed and at the random one, `fuzzRuns` runs
 * each (or `runs`: a face whose single run is costly may take fewer; the count is printed).
 */
export function fuzz<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => void,
  options: { runs?: number } = {},
): void {
  const numRuns = options.runs ?? fuzzRuns
  for (const [label, seed] of [
    ['fixed', fixedSeed],
    ['random', randomSeed],
  ] as const) {
    it(`${name} (${numRuns} runs, ${label} seed ${seed})`, () => {
      fc.assert(fc.property(arbitrary, check), { numRuns, seed, endOnFailure: true })
    })
  }
}

/** Runs `body`; a throw is allowed only when it is one of the catalogue's typed errors. */
export function neverThrowsUntyped<T>(body: () => T): T | undefined {
  try {
    return body()
  } catch (error) {
    if (isNutshellError(error)) return undefined
    throw new Error(`untyped throw: ${String(error)}`, { cause: error })
  }
}

/**
 * A rough count of the memory a value holds: characters of strings, bytes of byte arrays,
 * 8 per number or boolean, 16 per array, object or map entry. Shared objects count once.
 */
export function sizeOf(value: unknown, seen = new Set<object>()): number {
  if (typeof value === 'string') return value.length
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return 8
  if (value === null || value === undefined || typeof value !== 'object') return 1
  if (seen.has(value)) return 0
  seen.add(value)
  if (value instanceof Uint8Array) return value.byteLength
  let total = 16
  if (value instanceof Map) {
    for (const [k, v] of value) total += 16 + sizeOf(k, seen) + sizeOf(v, seen)
    return total
  }
  if (value instanceof Set) {
    for (const v of value) total += 16 + sizeOf(v, seen)
    return total
  }
  for (const v of Object.values(value)) total += 16 + sizeOf(v, seen)
  return total
}

/** Output kept for an input of `inputLength` stays within `base + perUnit × length`. */
export function assertBounded(
  output: unknown,
  inputLength: number,
  bound: { base: number; perUnit: number },
): void {
  const size = sizeOf(output)
  const limit = bound.base + bound.perUnit * inputLength
  assert.ok(size <= limit, `output of ${size} units for ${inputLength} of input (limit ${limit})`)
}

/**
 * Text made of a face's own words and the characters its grammar cares about, glued with
 * random separators, mixed with arbitrary text: most runs get past the first word, and
 * every run may hold anything.
 */
export function noisyText(words: readonly string[], maxWords = 40): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...words) },
    { weight: 2, arbitrary: fc.constantFrom(' ', '\t', '\n', '\r\n', '"', '\\', '#', '=', '') },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.integer({ min: -5, max: 100_000 }).map(String) },
  )
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.array(piece, { maxLength: maxWords, size: 'medium' }).map((p) => p.join('')),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  )
}

/** Bytes: noisy text encoded as UTF-8 with random bytes spliced in, or plain random bytes. */
export function noisyBytes(words: readonly string[], maxWords = 40): fc.Arbitrary<Uint8Array> {
  const encoder = new TextEncoder()
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          noisyText(words, maxWords),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        )
        .map(([text, splices]) => {
          const bytes = Array.from(encoder.encode(text))
          for (const [at, byte] of splices) bytes.splice(at % (bytes.length + 1), 0, byte)
          return Uint8Array.from(bytes)
        }),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  )
}

/** Cuts `bytes` into chunks at the given points (modulo its length), in order. */
export function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let start = 0
  for (const p of points) {
    chunks.push(bytes.subarray(start, p))
    start = p
  }
  chunks.push(bytes.subarray(start))
  return chunks
}
