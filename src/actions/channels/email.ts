/**
 * E-mail through SMTP with nodemailer: STARTTLS when the server offers it (and only
 * with it when `requireTls`), implicit TLS with `secure`, optional login. The transport
 * is made once per channel; nodemailer itself is loaded only when an email channel exists.
 */
import { readFileSync } from 'node:fs'
import type { NotifyChannelConfig } from '../../config/schema/notify.ts'
import { type Send, SendFailure } from './channel-queue.ts'

type Email = Extract<NotifyChannelConfig, { type: 'email' }>

export function emailSend(config: Email, resolvePath: (path: string) => string): Send {
  let transport: Promise<import('nodemailer').Transporter> | undefined
  const make = async () => {
    const { createTransport } = await import('nodemailer')
    return createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTls,
      ...(config.user === undefined
        ? {}
        : { auth: { user: config.user, pass: config.password ?? '' } }),
      tls: {
        rejectUnauthorized: config.rejectUnauthorized,
        ...(config.caFile === undefined
          ? {}
          : { ca: readFileSync(resolvePath(config.caFile), 'utf8') }),
      },
      connectionTimeout: config.timeout,
      greetingTimeout: config.timeout,
      socketTimeout: config.timeout,
    })
  }
  return async (notice) => {
    transport ??= make()
    try {
      await (await transport).sendMail({
        from: config.from,
        to: config.to.join(', '),
        subject: notice.title,
        text: notice.message,
        headers: { 'X-Nutshell-Event': notice.type },
      })
    } catch (error) {
      // A transport that could not be made (a missing CA file) is tried afresh next time.
      transport = undefined
      const e = error as { code?: string; responseCode?: number; message?: string }
      // A refused login or a 5xx will not get better by asking again.
      const permanent =
        e.code === 'EAUTH' || (e.responseCode !== undefined && e.responseCode >= 500)
      throw new SendFailure(`email: ${e.code ?? ''} ${e.message ?? String(error)}`.trim(), {
        permanent,
      })
    }
  }
}
