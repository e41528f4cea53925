import { suggest } from '../protocol/did-you-mean.ts'
import type { Action, Duration, StringLit, Word } from './ast.ts'
import { durationUnit, durationUnitWords, type Token, unitSeconds } from './lexer.ts'
import {
  actionKeywords,
  didYouMean,
  found,
  isRuleKeyword,
  missingWord,
  reserved,
  spanOf,
} from './parse-cursor.ts'
import { ExpressionParser } from './parse-expression.ts'

/** Blocks of actions, and the durations, strings and words they take. */
export class ActionParser extends ExpressionParser {
  protected parseBlock(owner: string): Action[] {
    const open = this.peek()
    if (open.kind !== '{') {
      const isAction =
        open.kind === 'name' && (actionKeywords as readonly string[]).includes(open.text)
      const afterNumber = this.tokens[this.index - 1]?.kind === 'number'
      this.error('RULE1005', spanOf(open), `'{' expected${found(open)}.`, {
        advice: isAction
          ? `Put the actions of a '${owner}' rule in braces: { ${open.text} ... }.`
          : afterNumber && /^(percent|pct)$/i.test(open.text)
            ? 'Write a percentage with %: battery.charge < 30%'
            : `The actions of a '${owner}' rule go in braces after it.`,
      })
      if (!isAction) return []
      // Parse the actions anyway so their own mistakes are reported too.
      const actions: Action[] = []
      while (this.peek().kind === 'name' && !isRuleKeyword(this.peek().text)) {
        const action = this.parseAction()
        if (action !== undefined) actions.push(action)
        else break
      }
      return actions
    }
    this.next()
    const actions: Action[] = []
    for (;;) {
      const token = this.peek()
      if (token.kind === '}') {
        this.next()
        return actions
      }
      if (token.kind === ';') {
        this.next()
        continue
      }
      if (
        token.kind === 'eof' ||
        (token.kind === 'name' && token.newlineBefore && isRuleKeyword(token.text))
      ) {
        this.closeBrace(open)
        return actions
      }
      const action = this.parseAction()
      if (action !== undefined) actions.push(action)
    }
  }

  protected parseAction(): Action | undefined {
    const token = this.peek()
    if (token.kind !== 'name') {
      this.error('RULE1008', spanOf(token), `An action is expected${found(token)}.`, {
        advice:
          'Actions: notify, log, exec, webhook, instcmd, set, fsd, shutdown, hibernate, start timer, cancel timer.',
      })
      // Past the bad token first: one that starts a line would leave skipLine nothing to
      // skip, and the block would ask for an action there forever (found by test/fuzz).
      this.next()
      this.skipLine()
      return undefined
    }
    this.next()
    const start = token.start
    const span = () => ({ start, end: this.previousEnd() })
    switch (token.text) {
      case 'notify':
      case 'log': {
        const text = this.parseString(`'${token.text}'`)
        return { kind: token.text, text, span: span() }
      }
      case 'exec':
        return this.parseExec(start)
      case 'webhook':
        return { kind: 'webhook', url: this.parseString("'webhook'"), span: span() }
      case 'instcmd': {
        const words = this.lineWords()
        if (words.length === 0 || words.length > 3) {
          this.error(
            'RULE1013',
            words.length === 0 ? spanOf(token) : (words[3] as Word).span,
            words.length === 0
              ? 'An instant command name is expected.'
              : 'Too many words for instcmd.',
            {
              advice:
                'Write: instcmd [DEVICE] COMMAND [PARAMETER], e.g. instcmd ups2 beeper.disable',
            },
          )
          return undefined
        }
        const [a, b, c] = words as [Word, Word | undefined, Word | undefined]
        if (b === undefined)
          return { kind: 'instcmd', device: undefined, command: a, param: undefined, span: span() }
        if (c === undefined && isValueWord(b, this.tokensOf(b)))
          return { kind: 'instcmd', device: undefined, command: a, param: b, span: span() }
        return {
          kind: 'instcmd',
          device: a,
          command: b,
          param: c,
          span: span(),
        }
      }
      case 'set': {
        const words = this.setWords()
        if (words.length < 2 || words.length > 3) {
          this.error(
            'RULE1013',
            spanOf(token),
            `'set' takes [DEVICE] VARIABLE VALUE, not ${words.length} word${words.length === 1 ? '' : 's'}.`,
            {
              advice: 'Write: set battery.charge.low 30, or set ups2 ups.delay.shutdown 120',
            },
          )
          return undefined
        }
        const [a, b, c] = words as [Word, Word, Word | undefined]
        return c === undefined
          ? { kind: 'set', device: undefined, variable: a, value: b, span: span() }
          : { kind: 'set', device: a, variable: b, value: c, span: span() }
      }
      case 'fsd': {
        const words = this.lineWords()
        if (words.length > 1)
          this.error('RULE1013', (words[1] as Word).span, "'fsd' takes at most one device name.")
        return { kind: 'fsd', device: words[0], span: span() }
      }
      case 'shutdown':
      case 'hibernate':
        return { kind: token.text, span: span() }
      case 'start': {
        this.expectTimerWord('start')
        const name = this.parseWord('timer name') ?? missingWord(this.peek())
        const duration = this.parseDuration('the timer name')
        return { kind: 'start-timer', name, duration, span: span() }
      }
      case 'cancel': {
        this.expectTimerWord('cancel')
        const name = this.parseWord('timer name') ?? missingWord(this.peek())
        let otherwise: Action[] | undefined
        if (this.isName('else') && !this.peek().newlineBefore) {
          this.next()
          otherwise = this.parseBlock('cancel timer ... else')
        }
        return { kind: 'cancel-timer', name, otherwise, span: span() }
      }
    }
    const guess = suggest(token.text, actionKeywords)
    this.error('RULE1008', spanOf(token), `Unknown action '${token.text}'.${didYouMean(guess)}`, {
      advice:
        'Actions: notify, log, exec, webhook, instcmd, set, fsd, shutdown, hibernate, start timer, cancel timer.',
    })
    this.skipLine()
    return undefined
  }

  protected expectTimerWord(verb: string): void {
    if (this.isName('timer')) {
      this.next()
      return
    }
    this.error(
      'RULE1005',
      spanOf(this.peek()),
      `'timer' expected after '${verb}'${found(this.peek())}.`,
      {
        advice: `Write: ${verb} timer NAME${verb === 'start' ? ' 5m' : ''}`,
      },
    )
  }

  protected parseExec(start: number): Action {
    const argv: StringLit[] = []
    const open = this.peek()
    if (open.kind !== '[') {
      this.error('RULE1005', spanOf(open), `'[' expected after 'exec'${found(open)}.`, {
        advice:
          'exec takes a list of strings and runs it without a shell: exec ["/usr/local/bin/alert", "on battery"]',
      })
      if (open.kind === 'string' && !open.newlineBefore) {
        this.next()
        argv.push({ value: open.text, span: spanOf(open) })
      }
    } else {
      this.next()
      while (this.peek().kind !== ']') {
        const token = this.peek()
        if (token.kind === 'string') {
          this.next()
          argv.push({ value: token.text, span: spanOf(token) })
        } else {
          this.error(
            'RULE1009',
            spanOf(token),
            `A string or ']' expected in the exec list${found(token)}.`,
            {
              related: [{ span: spanOf(open), message: 'the list opened here' }],
              advice: 'Each argument is a quoted string, separated by commas.',
            },
          )
          if (token.kind === 'eof' || token.kind === '}' || token.newlineBefore) break
          this.next()
          continue
        }
        if (this.peek().kind === ',') this.next()
        else if (this.peek().kind !== ']') {
          const t = this.peek()
          this.error('RULE1005', spanOf(t), `',' or ']' expected${found(t)}.`, {
            related: [{ span: spanOf(open), message: 'the list opened here' }],
          })
          if (t.kind === 'eof' || t.kind === '}' || t.newlineBefore) break
        }
      }
      if (this.peek().kind === ']') this.next()
    }
    let timeout: Duration | undefined
    if (this.isName('timeout') && !this.peek().newlineBefore) {
      this.next()
      timeout = this.parseDuration("'timeout'")
    }
    return { kind: 'exec', argv, timeout, span: { start, end: this.previousEnd() } }
  }

  protected parseString(after: string): StringLit {
    const token = this.peek()
    if (token.kind === 'string') {
      this.next()
      return { value: token.text, span: spanOf(token) }
    }
    this.error(
      'RULE1005',
      spanOf(token),
      `A quoted string is expected after ${after}${found(token)}.`,
      {
        advice: `Quote the text: ${after.replace(/'/g, '')} "UPS {ups} is on battery"`,
      },
    )
    if (token.kind === 'name' && !token.newlineBefore) this.skipLine()
    return { value: '', span: { start: token.start, end: token.start } }
  }

  protected parseWord(what: string): Word | undefined {
    const token = this.peek()
    if ((token.kind === 'name' && !reserved.has(token.text)) || token.kind === 'string') {
      this.next()
      return { text: token.text, quoted: token.kind === 'string', span: spanOf(token) }
    }
    this.error('RULE1013', spanOf(token), `A ${what} is expected${found(token)}.`)
    return undefined
  }

  /** Words (names, numbers, strings) following on the same line. */
  protected lineWords(): Word[] {
    const words: Word[] = []
    for (;;) {
      const token = this.peek()
      if (token.newlineBefore) return words
      if (
        token.kind === 'name' ||
        token.kind === 'number' ||
        token.kind === 'string' ||
        token.kind === 'duration'
      ) {
        this.next()
        words.push({ text: token.text, quoted: token.kind === 'string', span: spanOf(token) })
        continue
      }
      if (
        token.kind === '-' &&
        this.peek(1).kind === 'number' &&
        this.peek(1).start === token.end
      ) {
        this.next()
        const number = this.next()
        words.push({
          text: `-${number.text}`,
          quoted: false,
          span: { start: token.start, end: number.end },
        })
        continue
      }
      return words
    }
  }

  /**
   * The words of `set`: `set [DEVICE] VARIABLE VALUE`, or with `=` before the value as in
   * upsrw's `-s name=value`. It is always an assignment here: conditions are never
   * inside actions. `==` gets one error and is read as `=`.
   */
  protected setWords(): Word[] {
    const words = this.lineWords()
    const token = this.peek()
    if ((token.kind !== '=' && token.kind !== '==') || token.newlineBefore) return words
    if (words.length === 0 || words.length > 2) return words
    this.next()
    if (token.kind === '==')
      this.error('RULE1011', spanOf(token), "'set' assigns: write '=' or nothing, not '=='.", {
        advice: 'Write: set ups.delay.shutdown 30, or set ups.delay.shutdown = 30',
      })
    return [...words, ...this.lineWords()]
  }

  protected tokensOf(word: Word): Token | undefined {
    return this.tokens.find((t) => t.start === word.span.start)
  }

  protected skipLine(): void {
    while (this.peek().kind !== 'eof' && this.peek().kind !== '}' && !this.peek().newlineBefore)
      this.next()
  }

  protected parseDuration(after: string): Duration {
    const token = this.peek()
    if (token.kind === 'duration') {
      this.next()
      const part = this.peek()
      if (part.kind === 'number' && !part.newlineBefore) {
        // `1 hour 30`: the last part lost its unit; one error, and the block still parses.
        this.next()
        this.error('RULE1004', spanOf(part), 'A duration part needs a unit.', {
          advice: 'Write every part with its unit: 1 hour 30 minutes, or 1h30m.',
        })
        return {
          seconds: Number.NaN,
          text: token.text,
          span: { start: token.start, end: part.end },
        }
      }
      return { seconds: token.value, text: token.text, span: spanOf(token) }
    }
    if (token.kind === 'number') {
      this.next()
      // `for 2 minuts`: a misspelt unit word after the number is one mistake, not two.
      const word = this.peek()
      if (word.kind === 'name' && !word.newlineBefore && !reserved.has(word.text)) {
        this.next()
        const guess = word.text.length > 1 ? suggest(word.text, durationUnitWords) : undefined
        this.error(
          'RULE1004',
          spanOf(word),
          `Unknown duration unit '${word.text}'.${didYouMean(guess)}`,
          { advice: 'Write 30s, 5m, 1h, or 90 seconds, 2 minutes, 1 hour.' },
        )
        const letter = durationUnit(guess ?? 's') ?? 's'
        return {
          seconds: token.value * unitSeconds[letter],
          text: `${token.text}${letter}`,
          span: { start: token.start, end: word.end },
        }
      }
      this.error('RULE1012', spanOf(token), `A duration needs a unit: '${token.text}s'?`, {
        advice: 'Write 30s, 5m, 1h or 1d, or 30 seconds.',
      })
      return { seconds: token.value, text: `${token.text}s`, span: spanOf(token) }
    }
    this.error('RULE1012', spanOf(token), `A duration is expected after ${after}${found(token)}.`, {
      advice: 'Write 30s, 5m, 1h or 1d.',
    })
    return { seconds: 0, text: '0s', span: { start: token.start, end: token.start } }
  }
}

function isValueWord(word: Word, token: Token | undefined): boolean {
  return (
    word.quoted || token?.kind === 'number' || token?.kind === 'duration' || /^-?\d/.test(word.text)
  )
}
