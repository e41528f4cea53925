import { suggest } from '../protocol/did-you-mean.ts'
import type { Duration, ElseClause, EventRef, Expr, Rule, RulesFile } from './ast.ts'
import type { Diagnostic } from './diagnostics.ts'
import { lex } from './lexer.ts'
import { ActionParser } from './parse-actions.ts'
import {
  actionKeywords,
  didYouMean,
  found,
  isRuleKeyword,
  missingWord,
  reserved,
  ruleKeywords,
  spanOf,
} from './parse-cursor.ts'

export { actionKeywords, ruleKeywords }

/**
 * Recursive descent for rules and actions, Pratt precedence climbing for expressions
 * (style.md section 6). It never throws: every problem becomes a diagnostic, missing
 * pieces become placeholder nodes, and it resynchronises at the next rule so that one
 * pass reports every error it can.
 *
 * Layers, each a subclass of the one before: parse-cursor.ts (tokens, errors),
 * parse-expression.ts (conditions), parse-actions.ts (blocks of actions), this file
 * (rules: when, on, on timer, device).
 */
export interface ParseResult {
  file: RulesFile
  diagnostics: Diagnostic[]
}

export function parseRules(text: string): ParseResult {
  const { tokens, diagnostics } = lex(text)
  const parser = new RuleParser(tokens, diagnostics)
  return { file: parser.parseFile(), diagnostics }
}

class RuleParser extends ActionParser {
  parseFile(): RulesFile {
    const rules: Rule[] = []
    while (this.peek().kind !== 'eof') {
      const rule = this.parseRule(false)
      if (rule !== undefined) rules.push(rule)
    }
    return { rules }
  }

  /** Skips to the next token that starts a line and begins a rule. */
  protected syncToRule(): void {
    this.next()
    while (this.peek().kind !== 'eof') {
      const token = this.peek()
      if (token.newlineBefore && token.kind === 'name' && isRuleKeyword(token.text)) return
      this.next()
    }
  }

  protected parseRule(insideDevice: boolean): Rule | undefined {
    const token = this.peek()
    if (token.kind === 'name') {
      switch (token.text) {
        case 'when':
          return this.parseWhen()
        case 'on':
          return this.isName('timer', this.peek(1)) ? this.parseTimerRule() : this.parseOn()
        case 'device':
          return this.parseDevice(insideDevice)
        case 'else':
          this.error('RULE1014', spanOf(token), "'else' must follow the '}' of a 'when' rule.", {
            advice: 'Write: when COND { ... } else { ... }',
          })
          this.syncToRule()
          return undefined
      }
      const guess = suggest(token.text, ruleKeywords)
      const isAction = (actionKeywords as readonly string[]).includes(token.text)
      this.error('RULE1007', spanOf(token), `Unknown rule '${token.text}'.${didYouMean(guess)}`, {
        advice: isAction
          ? `An action runs inside a rule: when COND { ${token.text} ... } or on EVENT { ${token.text} ... }.`
          : 'A rule starts with when, on or device.',
      })
      this.syncToRule()
      return undefined
    }
    if (token.kind === '}') {
      this.error('RULE1009', spanOf(token), "Unmatched '}'.", {
        advice: 'Remove it, or add the rule it should close.',
      })
      this.next()
      return undefined
    }
    if (token.kind !== 'unknown')
      this.error('RULE1007', spanOf(token), `A rule is expected here${found(token)}.`, {
        advice: 'A rule starts with when, on or device.',
      })
    this.syncToRule()
    return undefined
  }

  protected parseWhen(): Rule {
    const start = this.next().start
    const cond = this.parseExpression(0)
    const hold = this.parseOptionalFor()
    const body = this.parseBlock('when')
    let otherwise: ElseClause | undefined
    if (this.isName('else')) {
      const elseStart = this.next().start
      let elseCond: Expr | undefined
      if (this.isName('when')) {
        this.next()
        elseCond = this.parseExpression(0)
      }
      const elseHold = this.parseOptionalFor()
      const elseBody = this.parseBlock('else')
      otherwise = {
        cond: elseCond,
        hold: elseHold,
        body: elseBody,
        span: { start: elseStart, end: this.previousEnd() },
      }
    }
    return { kind: 'when', cond, hold, body, otherwise, span: { start, end: this.previousEnd() } }
  }

  protected parseOptionalFor(): Duration | undefined {
    if (!this.isName('for')) return undefined
    this.next()
    return this.parseDuration("'for'")
  }

  protected parseOn(): Rule | undefined {
    const start = this.next().start
    const events: EventRef[] = []
    for (;;) {
      const token = this.peek()
      const quotedDevice = token.kind === 'string' && this.peek(1).kind === ':'
      if (!quotedDevice && (token.kind !== 'name' || reserved.has(token.text))) {
        this.error('RULE1013', spanOf(token), `An event name is expected${found(token)}.`, {
          advice: 'For example: on ONBATT { ... }, or on timer NAME { ... }.',
        })
        break
      }
      this.next()
      const qualified = this.parseQualifier(token)
      events.push(qualified)
      if (this.peek().kind !== ',') break
      this.next()
    }
    if (this.isName('for')) {
      const token = this.next()
      this.error('RULE1014', spanOf(token), "'for' belongs to 'when' rules, not to 'on' rules.", {
        advice: 'To wait after an event, start a timer: on ONBATT { start timer t 2m }.',
      })
      this.parseDuration("'for'")
    }
    const body = this.parseBlock('on')
    this.rejectElse('on')
    return { kind: 'on', events, body, span: { start, end: this.previousEnd() } }
  }

  protected parseTimerRule(): Rule {
    const start = this.next().start
    this.next()
    const name = this.parseWord('timer name') ?? missingWord(this.peek())
    const body = this.parseBlock('on timer')
    this.rejectElse('on timer')
    return { kind: 'timer', name, body, span: { start, end: this.previousEnd() } }
  }

  protected rejectElse(what: string): void {
    if (!this.isName('else')) return
    const token = this.next()
    this.error('RULE1014', spanOf(token), `'else' belongs to 'when' rules, not to '${what}'.`, {
      advice: "Use a 'when' rule for something that starts and stops holding.",
    })
    if (this.peek().kind === '{') this.parseBlock('else')
  }

  protected parseDevice(insideDevice: boolean): Rule | undefined {
    const keyword = this.next()
    if (insideDevice)
      this.error('RULE1015', spanOf(keyword), "A 'device' block cannot be inside another.", {
        advice: "Close the first device block with '}' before opening the next.",
      })
    const name = this.parseWord('device name') ?? missingWord(this.peek())
    const open = this.expect('{', "'{'", 'A device block holds rules: device "ups1" { when ... }')
    const rules: Rule[] = []
    if (open !== undefined) {
      while (this.peek().kind !== '}' && this.peek().kind !== 'eof') {
        const rule = this.parseRule(true)
        if (rule !== undefined) rules.push(rule)
      }
      this.closeBrace(open)
    }
    return { kind: 'device', name, rules, span: { start: keyword.start, end: this.previousEnd() } }
  }
}
