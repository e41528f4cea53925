/**
 * Test support (not shipped): the reference the matcher is checked against. glibc's own
 * regcomp/regexec, which powermand uses, driven by a small C program compiled with gcc
 * into a temporary directory; and GNU grep -E -o for whole matches.
 */

import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { RegexErrorCode } from './errors.ts'

// Reads records (cflags, eflags, pattern, subject; each length-prefixed) from stdin and
// prints one line per record: "E <code>", "N" or "M so eo so eo ...".
const harnessSource = String.raw`
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static int rd(void *buf, size_t n) { return fread(buf, 1, n, stdin) == n; }

static char *rdstr(void) {
  uint32_t n;
  if (!rd(&n, 4)) return NULL;
  char *s = malloc(n + 1);
  if (n && !rd(s, n)) return NULL;
  s[n] = 0;
  return s;
}

int main(void) {
  uint32_t cflags, eflags;
  while (rd(&cflags, 4) && rd(&eflags, 4)) {
    char *pattern = rdstr();
    char *subject = rdstr();
    if (!pattern || !subject) return 2;
    regex_t re;
    int rc = regcomp(&re, pattern, (int)cflags);
    if (rc != 0) {
      printf("E %d\n", rc);
    } else {
      size_t n = re.re_nsub + 1;
      regmatch_t *m = calloc(n, sizeof *m);
      rc = regexec(&re, subject, n, m, (int)eflags);
      if (rc != 0) {
        printf("N\n");
      } else {
        printf("M");
        size_t shown = (cflags & REG_NOSUB) ? 0 : n;
        for (size_t i = 0; i < shown; i++) printf(" %d %d", (int)m[i].rm_so, (int)m[i].rm_eo);
        printf("\n");
      }
      free(m);
      regfree(&re);
    }
    free(pattern);
    free(subject);
  }
  return 0;
}
`

export const REG_EXTENDED = 1
export const REG_ICASE = 2
export const REG_NEWLINE = 4
export const REG_NOSUB = 8
export const REG_NOTBOL = 1
export const REG_NOTEOL = 2

const glibcCodes: Record<number, RegexErrorCode> = {
  2: 'REG_BADPAT',
  3: 'REG_ECOLLATE',
  4: 'REG_ECTYPE',
  5: 'REG_EESCAPE',
  6: 'REG_ESUBREG',
  7: 'REG_EBRACK',
  8: 'REG_EPAREN',
  9: 'REG_EBRACE',
  10: 'REG_BADBR',
  11: 'REG_ERANGE',
  13: 'REG_BADRPT',
  15: 'REG_ESIZE',
}

export interface ReferenceCase {
  readonly pattern: string
  readonly subject: string
  readonly cflags?: number
  readonly eflags?: number
}

export type ReferenceResult =
  | { readonly kind: 'error'; readonly code: RegexErrorCode | `glibc ${number}` }
  | { readonly kind: 'nomatch' }
  | { readonly kind: 'match'; readonly registers: readonly number[] }
  /** glibc did not answer in time (it is exponential on some nested repetitions). */
  | { readonly kind: 'timeout' }

export class GlibcReference {
  private readonly dir: string
  private readonly binary: string

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'nutshell-regex-'))
    const source = join(this.dir, 'harness.c')
    this.binary = join(this.dir, 'harness')
    writeFileSync(source, harnessSource)
    execFileSync('gcc', ['-O1', '-o', this.binary, source])
  }

  /** Runs the cases; throws if glibc has not answered within timeoutMs. */
  run(cases: readonly ReferenceCase[], timeoutMs = 20000): ReferenceResult[] {
    const chunks: Uint8Array[] = []
    const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer)
    const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))
    for (const c of cases) {
      const pattern = bytes(c.pattern)
      const subject = bytes(c.subject)
      chunks.push(u32(REG_EXTENDED | (c.cflags ?? 0)), u32(c.eflags ?? 0))
      chunks.push(u32(pattern.length), pattern, u32(subject.length), subject)
    }
    // C locale: what powermand runs in (it never calls setlocale).
    const out = spawnSync(this.binary, [], {
      input: concat(chunks),
      env: { LC_ALL: 'C' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: timeoutMs,
    })
    if (out.status !== 0) assert.fail(`glibc harness failed: ${out.stderr.toString()}`)
    const lines = out.stdout.toString('latin1').trimEnd().split('\n')
    return lines.map((line): ReferenceResult => {
      const [head, ...rest] = line.split(' ')
      if (head === 'E') {
        const n = Number(rest[0])
        return { kind: 'error', code: glibcCodes[n] ?? `glibc ${n}` }
      }
      if (head === 'N') return { kind: 'nomatch' }
      return { kind: 'match', registers: rest.map(Number) }
    })
  }

  /** Like run, but a case glibc takes too long on is answered 'timeout' (halving to find it). */
  runSafe(cases: readonly ReferenceCase[], timeoutMs = 8000): ReferenceResult[] {
    try {
      return this.run(cases, timeoutMs)
    } catch (error) {
      if (cases.length === 1) return [{ kind: 'timeout' }]
      if (!String(error).includes('harness failed')) throw error
      const half = Math.ceil(cases.length / 2)
      const shorter = Math.max(1000, timeoutMs / 2)
      return [
        ...this.runSafe(cases.slice(0, half), shorter),
        ...this.runSafe(cases.slice(half), shorter),
      ]
    }
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** GNU grep -E -o over one line: every non-empty match, left to right. */
export function grepAll(pattern: string, line: string): string[] | 'error' {
  const out = spawnSync('grep', ['-E', '-o', '-a', '--', pattern], {
    input: Uint8Array.from(`${line}\n`, (c) => c.charCodeAt(0)),
    env: { LC_ALL: 'C' },
  })
  if (out.status === 2) return 'error'
  const text = out.stdout.toString('latin1')
  return text === '' ? [] : text.replace(/\n$/, '').split('\n')
}

/** Generators of ERE patterns and subjects for the reference properties. */
export function ereArbitraries(
  options: { readonly anchors: 'all' | 'edges' } = { anchors: 'all' },
) {
  const letter = fc.constantFrom('a', 'b', 'c')
  const bracket = fc.constantFrom(
    '[ab]',
    '[^a]',
    '[a-c]',
    '[^bc]',
    '[[:alpha:]]',
    '[[:space:]]',
    '[]a]',
    '[a-]',
    '[^]b]',
    '[[:digit:][:punct:]]',
    '[.-]',
    '[[.a.]-c]',
    '[[=b=]]',
  )
  const escaped = fc.constantFrom('\\.', '\\[', '\\(', '\\a', '\\*', '\\w', '\\W', '\\s')
  const anchor =
    options.anchors === 'all'
      ? fc.constantFrom('^', '$', '\\b', '\\B', '\\<', '\\>', '\\`', "\\'")
      : fc.constant('')
  const quantifier = fc.constantFrom(
    '*',
    '+',
    '?',
    '{2}',
    '{0,1}',
    '{1,2}',
    '{0,2}',
    '{2,}',
    '{,2}',
    '{0}',
    '*?',
    '+*',
  )
  const tree = fc.letrec((tie) => ({
    atom: fc.oneof(
      { weight: 6, arbitrary: letter },
      { weight: 1, arbitrary: fc.constant('.') },
      { weight: 2, arbitrary: bracket },
      { weight: 1, arbitrary: escaped },
      { weight: 3, arbitrary: tie('group') },
    ),
    group: fc.oneof(
      { weight: 5, arbitrary: tie('alt').map((s) => `(${s})`) },
      { weight: 1, arbitrary: fc.constant('()') },
    ),
    piece: fc.oneof(
      { weight: 3, arbitrary: tie('atom') },
      { weight: 3, arbitrary: fc.tuple(tie('atom'), quantifier).map(([a, q]) => `${a}${q}`) },
      { weight: 1, arbitrary: anchor },
    ),
    branch: fc.array(tie('piece'), { minLength: 0, maxLength: 4 }).map((p) => p.join('')),
    alt: fc.array(tie('branch'), { minLength: 1, maxLength: 3 }).map((b) => b.join('|')),
  }))
  const body = tree.alt as fc.Arbitrary<string>
  // 'edges': anchors only first and last, the way device scripts use them.
  const pattern =
    options.anchors === 'all'
      ? body
      : fc
          .tuple(fc.constantFrom('', '', '^'), body, fc.constantFrom('', '', '$'))
          .map(([a, b, c]) => `${a}${b}${c}`)
  const subject = fc
    .array(fc.constantFrom('a', 'b', 'c', 'a', 'b', 'x', ' ', '-', '\n', '_', '\u00e9'), {
      maxLength: 14,
    })
    .map((c) => c.join(''))
  // Raw strings of metacharacters: for the compile errors.
  const raw = fc
    .array(
      fc.constantFrom(
        '(',
        ')',
        '[',
        ']',
        '{',
        '}',
        '*',
        '+',
        '?',
        '|',
        '^',
        '$',
        '\\',
        'a',
        ',',
        '1',
        '-',
        ':',
        '.',
        '=',
      ),
      { maxLength: 8 },
    )
    .map((c) => c.join(''))
  return { pattern, subject, raw }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}
