import type { Include, Item, PowermanFile, SpecItem, Str } from './ast.ts'
import type { Diagnostic } from './diagnostics.ts'
import { isScriptName, itemKeywords, scriptNames } from './keywords.ts'
import { lex, type Token } from './lexer.ts'
import { found, spanOf } from './parse-cursor.ts'
import { StatementParser } from './parse-statements.ts'

/**
 * Reads an included file. Gets the path as written and the name of the including file;
 * returns the text and the name diagnostics should use, or why it could not. powermand
 * resolves a relative path against its current directory, not the including file.
 */
export type IncludeReader = (
  path: string,
  from: string,
) => { name: string; text: string } | { error: string }

export interface ParseOptions {
  /** Without a reader, includes are kept in the tree unread (and the parser stays pure). */
  readInclude?: IncludeReader
}

export interface ParseResult {
  file: PowermanFile
  diagnostics: Diagnostic[]
  /** The text of every file read, by name: the main file and each included one. */
  sources: Map<string, string>
}

/** powermand's include stack holds 10 buffers, the main file's included. */
export const maxIncludeDepth = 9

/** Parses a powerman.conf or `.dev` text. Never throws. */
export function parsePowerman(text: string, name: string, options: ParseOptions = {}): ParseResult {
  const diagnostics: Diagnostic[] = []
  const sources = new Map<string, string>([[name, text]])
  const parser = Parser.forText(text, name, diagnostics, { options, sources, stack: [name] })
  const items = parser.items()
  return { file: { items }, diagnostics, sources }
}

interface Shared {
  options: ParseOptions
  sources: Map<string, string>
  /** The names of the files being read, outermost first. */
  stack: string[]
}

const itemList = 'listen, tcpwrappers, plug_log_level, alias, device, node, specification, include'
const specItemList = 'timeout, pingperiod, plug name, script, include'

class Parser extends StatementParser {
  private readonly shared: Shared

  private constructor(
    file: string,
    tokens: Token[],
    diagnostics: Diagnostic[],
    lexed: Diagnostic[],
    shared: Shared,
  ) {
    super(file, tokens, diagnostics, lexed)
    this.shared = shared
  }

  static forText(text: string, name: string, diagnostics: Diagnostic[], shared: Shared): Parser {
    const lexed = lex(text, name)
    diagnostics.push(...lexed.diagnostics)
    return new Parser(name, lexed.tokens, diagnostics, lexed.diagnostics, shared)
  }

  items(): Item[] {
    const items: Item[] = []
    while (!this.atEnd()) {
      const item = this.item()
      if (item !== undefined) items.push(item)
    }
    return items
  }

  private item(): Item | undefined {
    const token = this.peek()
    const word = token.kind === 'keyword' ? token.text : ''
    const span = () => this.spanFrom(token)
    switch (word) {
      case 'listen': {
        this.next()
        const address = this.string('the address to listen on, "host:port"')
        return { kind: 'listen', address, span: span() }
      }
      case 'tcpwrappers': {
        this.next()
        let value: 'yes' | 'no' | undefined
        if (this.isKeyword('yes') || this.isKeyword('no')) value = this.next().text as 'yes' | 'no'
        return { kind: 'tcpwrappers', value, span: span() }
      }
      case 'plug_log_level': {
        this.next()
        const level = this.string('a syslog level such as "info"')
        return { kind: 'plug_log_level', level, span: span() }
      }
      case 'alias': {
        this.next()
        const name = this.string('the alias name')
        const hosts = this.string('the nodes it stands for, a hostlist')
        return { kind: 'alias', name, hosts, span: span() }
      }
      case 'device': {
        this.next()
        const name = this.string('the device name')
        const spec = this.string('the specification name')
        const where = this.string('where the device is: "host:port", "/dev/tty..." or "command |&"')
        const flags = this.optionalString()
        return { kind: 'device', name, spec, where, flags, span: span() }
      }
      case 'node': {
        this.next()
        const nodes = this.string('the node names, a hostlist')
        const device = this.string('the device name')
        const plugs = this.optionalString()
        return { kind: 'node', nodes, device, plugs, span: span() }
      }
      case 'specification':
        return this.specification(token)
      case 'include':
        return this.includeHere(this.next(), (p) => (p as Parser).items())
    }
    if (token.kind === '}') {
      this.error('PM1006', spanOf(token), "Unmatched '}'.", {
        advice: 'There is no block open here to close.',
      })
      this.next()
      return undefined
    }
    this.error('PM1010', spanOf(token), `A configuration item expected${found(token)}.`, {
      advice:
        token.kind === 'keyword' && (token.text === 'script' || token.text === 'timeout')
          ? `${token.text} belongs inside specification "name" { ... }.`
          : `A powerman.conf or .dev file holds ${itemList}.`,
    })
    // Skip to the next item keyword, so one slip is one error.
    do {
      if (this.peek().kind === '{') this.skipBraces()
      else this.next()
    } while (!this.atEnd() && !this.startsItem(this.peek()))
    return undefined
  }

  private startsItem(token: Token): boolean {
    return token.kind === 'keyword' && (itemKeywords as readonly string[]).includes(token.text)
  }

  private optionalString(): Str | undefined {
    const token = this.peek()
    if (token.kind !== 'string') return undefined
    this.next()
    return { value: token.text, span: { start: token.start, end: token.end } }
  }

  private specification(keyword: Token): Item {
    this.next()
    const name = this.string('the specification name')
    const open = this.take('{', "'{'")
    const items = open === undefined && this.peek().kind !== '{' ? [] : this.specItems()
    if (open !== undefined && items.length === 0 && this.peek().kind === '}')
      this.error('PM1007', spanOf(this.peek()), 'The specification is empty.', {
        advice:
          'powerman rejects an empty specification; give it a timeout, a plug list and scripts.',
      })
    if (open !== undefined) this.closeBrace(open)
    return { kind: 'specification', name, items, span: this.spanFrom(keyword) }
  }

  specItems(): SpecItem[] {
    const items: SpecItem[] = []
    for (;;) {
      const token = this.peek()
      if (token.kind === '}' || token.kind === 'eof') return items
      if (this.startsItem(token) && token.text !== 'include') return items
      const item = this.specItem(token)
      if (item !== undefined) items.push(item)
    }
  }

  private specItem(token: Token): SpecItem | undefined {
    const word = token.kind === 'keyword' || token.kind === 'plug name' ? token.text : ''
    switch (word) {
      case 'timeout':
      case 'pingperiod': {
        this.next()
        const seconds = this.number(
          word === 'timeout' ? 'seconds per action' : 'seconds between pings',
        )
        return { kind: word, seconds, span: this.spanFrom(token) }
      }
      case 'plug name':
        return this.plugNames(token)
      case 'script':
        return this.script(token)
      case 'include':
        return this.includeHere(this.next(), (p) => (p as Parser).specItems())
    }
    this.error('PM1009', spanOf(token), `A specification item expected${found(token)}.`, {
      advice:
        token.kind === 'keyword' && ['expect', 'send', 'delay', 'setplugstate'].includes(token.text)
          ? `${token.text} is a statement: it belongs inside script NAME { ... }.`
          : `A specification holds ${specItemList}.`,
    })
    do {
      if (this.peek().kind === '{') this.skipBraces()
      else this.next()
    } while (!this.atEnd() && !this.startsSpecItem(this.peek()) && this.peek().kind !== '}')
    return undefined
  }

  private startsSpecItem(token: Token): boolean {
    return (
      token.kind === 'plug name' ||
      (token.kind === 'keyword' &&
        ['timeout', 'pingperiod', 'script', 'include', 'specification', 'device', 'node'].includes(
          token.text,
        ))
    )
  }

  private plugNames(keyword: Token): SpecItem {
    this.next()
    const open = this.take('{', "'{' (the list of plug names)")
    const names: Str[] = []
    if (open !== undefined) {
      while (this.peek().kind === 'string') names.push(this.string('a plug name'))
      if (names.length === 0 && this.peek().kind === '}')
        this.error('PM1007', spanOf(this.peek()), 'The plug name list is empty.', {
          advice: 'List the plugs as strings: plug name { "1" "2" }, or leave the list out.',
        })
      else if (this.peek().kind !== '}')
        this.expected(
          'PM1005',
          'A plug name string',
          'Plug names are strings in double quotes: plug name { "1" "2" }.',
        )
      while (!this.atEnd() && this.peek().kind !== '}' && this.peek().kind !== 'keyword')
        this.next()
      this.closeBrace(open)
    }
    return { kind: 'plugs', names, span: this.spanFrom(keyword) }
  }

  private script(keyword: Token): SpecItem | undefined {
    this.next()
    const nameToken = this.peek()
    let name: string | undefined
    if (nameToken.kind === 'keyword' && isScriptName(nameToken.text)) name = this.next().text
    else {
      this.error('PM1011', spanOf(nameToken), `A script name expected${found(nameToken)}.`, {
        advice: `The scripts are ${scriptNames.join(', ')}.`,
      })
      if (nameToken.kind !== '{') this.next()
    }
    const body = this.block(`script ${name ?? ''}`.trim())
    if (name === undefined || !isScriptName(name)) return undefined
    return {
      kind: 'script',
      name,
      nameSpan: { start: nameToken.start, end: nameToken.end },
      body,
      span: this.spanFrom(keyword),
    }
  }

  protected override includeHere<T>(keyword: Token, body: (p: StatementParser) => T[]): Include<T> {
    const pathToken = this.next()
    const path: Str = {
      value: pathToken.text,
      span: { start: pathToken.start, end: pathToken.end },
    }
    const node: Include<T> = {
      kind: 'include',
      path,
      file: undefined,
      items: [],
      span: this.spanFrom(keyword),
    }
    const reader = this.shared.options.readInclude
    if (reader === undefined || path.value === '') return node
    const { stack } = this.shared
    if (stack.length > maxIncludeDepth) {
      this.error('PM1014', path.span, `Includes nested deeper than ${maxIncludeDepth} levels.`, {
        advice: `powermand stops at ${maxIncludeDepth} nested includes; ${stack.join(' -> ')}.`,
      })
      return node
    }
    const read = reader(path.value, this.file)
    if ('error' in read) {
      this.error('PM1013', path.span, `Cannot read ${path.value}: ${read.error}.`, {
        advice:
          'powermand resolves a relative include path against its current directory, not the including file.',
      })
      return node
    }
    if (stack.includes(read.name)) {
      this.error('PM1014', path.span, `${read.name} includes itself.`, {
        advice: `The chain is ${[...stack, read.name].join(' -> ')}; powermand would stop at ${maxIncludeDepth} levels.`,
      })
      return node
    }
    this.shared.sources.set(read.name, read.text)
    const sub = Parser.forText(read.text, read.name, this.diagnostics, {
      ...this.shared,
      stack: [...stack, read.name],
    })
    node.file = read.name
    node.items = body(sub)
    if (!sub.atEnd())
      sub.error('PM1012', spanOf(sub.peek()), `The included file goes on${found(sub.peek())}.`, {
        advice:
          'nutshell reads an included file as whole items, specification items or statements, as fits where the include stands; it cannot close or open blocks of the including file.',
      })
    return node
  }
}
