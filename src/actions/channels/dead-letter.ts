/**
 * Where notifications go that failed every retry: always the log, and, when configured,
 * a JSONL file. The file is bounded: past `max` lines it is moved to `<file>.1` (one
 * generation kept), so it never grows without end.
 */
import { appendFile, readFile, rename } from 'node:fs/promises'
import type { Logger } from '../../core/log.ts'

export interface DeadLetter {
  channel: string
  type: string
  ups: string
  text: string
  error: string
  attempts: number
  time: string
}

export class DeadLetterLog {
  private readonly file: string | undefined
  private readonly max: number
  private readonly log: Logger
  private lines: number | undefined
  private chain: Promise<void> = Promise.resolve()

  constructor(options: { file?: string | undefined; max: number; log: Logger }) {
    this.file = options.file
    this.max = options.max
    this.log = options.log
  }

  /** Records one letter; never rejects. Writes are serialised so lines never interleave. */
  add(letter: DeadLetter): Promise<void> {
    // pino has its own `time`; the letter's goes to the file.
    const { time: _time, ...fields } = letter
    this.log.error(fields, `notification to ${letter.channel} given up: ${letter.error}`)
    const file = this.file
    if (file === undefined) return Promise.resolve()
    this.chain = this.chain
      .then(() => this.write(file, letter))
      .catch((error: unknown) => {
        this.log.warn({ err: error, file }, 'cannot write the dead-letter file')
      })
    return this.chain
  }

  private async write(file: string, letter: DeadLetter): Promise<void> {
    if (this.lines === undefined) {
      const existing = await readFile(file, 'utf8').catch(() => '')
      this.lines = existing.split('\n').filter((l) => l !== '').length
    }
    if (this.lines >= this.max) {
      await rename(file, `${file}.1`)
      this.lines = 0
    }
    await appendFile(file, `${JSON.stringify(letter)}\n`, { mode: 0o600 })
    this.lines++
  }
}
