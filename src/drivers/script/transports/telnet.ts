/**
 * The minimal telnet filter powermand runs on every TCP device (reference 1.4). It never
 * starts a negotiation; to a peer's `DO x` it answers `WILL` for SUPPRESS-GO-AHEAD and
 * TIMING-MARK, `WONT` for TTYPE, NAWS, NEW-ENVIRON, XDISPLOC, TSPEED, ECHO, LFLOW and
 * BINARY, and nothing for the rest; `WILL`/`WONT`/`DONT` are swallowed; `IAC IAC` is one
 * 0xFF byte; any other `IAC c` is dropped as a two-byte command. Bytes are latin1 text
 * (one character per byte). Commands split across reads are carried over.
 */
export const IAC = 0xff
const WILL = 251
const WONT = 252
const DO = 253
const DONT = 254

const accept = new Set([3 /* SGA */, 6 /* TIMING-MARK */])
const refuse = new Set([
  24 /* TTYPE */, 31 /* NAWS */, 39 /* NEW-ENVIRON */, 35 /* XDISPLOC */, 32 /* TSPEED */,
  1 /* ECHO */, 33 /* LFLOW */, 0 /* BINARY */,
])

export interface TelnetOutput {
  /** The data bytes for the script. */
  data: string
  /** What to send back to the peer (answers to DO). */
  reply: string
  /** Options that were neither accepted nor refused (powermand logs "ignoring"). */
  ignored: number[]
}

export class TelnetFilter {
  /** Bytes of an unfinished command: IAC, or IAC and a verb. */
  private pending: number[] = []

  feed(chunk: string): TelnetOutput {
    let data = ''
    let reply = ''
    const ignored: number[] = []
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk.charCodeAt(i)
      const p = this.pending
      if (p.length === 0) {
        if (b === IAC) p.push(b)
        else data += chunk[i]
        continue
      }
      if (p.length === 1) {
        if (b === IAC) {
          data += '\xff'
          this.pending = []
        } else if (b === WILL || b === WONT || b === DO || b === DONT) p.push(b)
        else this.pending = []
        continue
      }
      const verb = p[1]
      this.pending = []
      if (verb !== DO) continue
      if (accept.has(b)) reply += String.fromCharCode(IAC, WILL, b)
      else if (refuse.has(b)) reply += String.fromCharCode(IAC, WONT, b)
      else ignored.push(b)
    }
    return { data, reply, ignored }
  }
}
