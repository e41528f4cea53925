/**
 * The helper's side of the pipe: a state machine that turns whatever bytes the jailed
 * child writes into the requests of the fixed table, and nothing else (docs/privilege.md).
 *
 *   idle --STX--> type --known--> length --0x20+n, n<=200--> name --n bytes in alphabet--> stop --ETX--> frame
 *
 * Any byte out of that sequence resets the machine to idle and is counted by reason; a
 * reset on an STX byte starts a new frame at once, so a valid frame after garbage is read.
 * Memory is fixed (one name buffer of `maxNameLength` bytes) whatever the child sends.
 * Pure: bytes in, typed requests out; never throws.
 */
import {
  describeTypeByte,
  type FrameRequest,
  frameStart,
  frameStop,
  isNameByte,
  lengthOffset,
  maxNameLength,
  type PowerRequest,
} from './frame-types.ts'

export type ResetReason =
  | 'no-start' // a byte outside any frame
  | 'unknown-type'
  | 'bad-length'
  | 'bad-name-byte'
  | 'no-stop' // the byte after the name was not ETX

type Stage = 'idle' | 'type' | 'length' | 'name' | 'stop'

export class FrameReader {
  private stage: Stage = 'idle'
  private kind: { kind: 'power'; request: PowerRequest } | { kind: 'notify'; notifyType: string } =
    { kind: 'power', request: 'shutdown' }
  private readonly name = new Uint8Array(maxNameLength)
  private expected = 0
  private filled = 0
  /** Frames read whole. */
  framesRead = 0
  /** Resets, by reason: what the helper reports when a child misbehaves. */
  readonly resets: Record<ResetReason, number> = {
    'no-start': 0,
    'unknown-type': 0,
    'bad-length': 0,
    'bad-name-byte': 0,
    'no-stop': 0,
  }

  /** Feeds a chunk; returns the requests of the frames it completed, in order. */
  push(chunk: Uint8Array): FrameRequest[] {
    const out: FrameRequest[] = []
    for (const byte of chunk) {
      const request = this.step(byte)
      if (request !== undefined) out.push(request)
    }
    return out
  }

  /** Whether the reader is in the middle of a frame (a half frame at the end of input). */
  get midFrame(): boolean {
    return this.stage !== 'idle'
  }

  get totalResets(): number {
    let sum = 0
    for (const count of Object.values(this.resets)) sum += count
    return sum
  }

  private step(byte: number): FrameRequest | undefined {
    switch (this.stage) {
      case 'idle':
        if (byte === frameStart) this.stage = 'type'
        else this.resets['no-start']++
        return undefined
      case 'type': {
        const kind = describeTypeByte(byte)
        if (kind === undefined) return this.reset('unknown-type', byte)
        this.kind = kind
        this.stage = 'length'
        return undefined
      }
      case 'length':
        if (byte < lengthOffset || byte > lengthOffset + maxNameLength)
          return this.reset('bad-length', byte)
        this.expected = byte - lengthOffset
        this.filled = 0
        this.stage = this.expected === 0 ? 'stop' : 'name'
        return undefined
      case 'name':
        if (!isNameByte(byte)) return this.reset('bad-name-byte', byte)
        this.name[this.filled++] = byte
        if (this.filled === this.expected) this.stage = 'stop'
        return undefined
      case 'stop':
        if (byte !== frameStop) return this.reset('no-stop', byte)
        this.stage = 'idle'
        this.framesRead++
        return this.request()
    }
  }

  /** Back to idle; an STX that broke a frame opens the next one. */
  private reset(reason: ResetReason, byte: number): undefined {
    this.resets[reason]++
    this.stage = byte === frameStart ? 'type' : 'idle'
    return undefined
  }

  private request(): FrameRequest {
    const name = String.fromCharCode(...this.name.subarray(0, this.filled))
    return this.kind.kind === 'power'
      ? { kind: 'power', request: this.kind.request, name }
      : { kind: 'notify', notifyType: this.kind.notifyType, name }
  }
}
