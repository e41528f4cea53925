/**
 * How the engine reaches a device: TCP (with telnet option handling), a serial line or a
 * coprocess. The engine opens a link with handlers and gets a handle to write on and to
 * close; bytes both ways are latin1 text, one character per byte.
 */
export interface LinkHandlers {
  /** The link is up: the engine sends login next. */
  opened(): void
  data(text: string): void
  /** The link is gone (or never came up); `reason` says why, for the log and the device. */
  closed(reason: string): void
}

export interface Link {
  write(text: string): void
  /** Ends the link; `closed` is not called for a close the engine asked for. */
  close(): void
}

export type OpenLink = (handlers: LinkHandlers) => Link
