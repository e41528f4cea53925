/**
 * The HTTP notification services, each as the request its documentation describes
 * (shared/reference/integrations.md §4): ntfy's JSON publish, Gotify's /message, the
 * Telegram Bot API's sendMessage, Discord and Slack incoming webhooks. The builders are
 * pure (notice → request); `httpSend` does the one POST and reads the service's verdict.
 */
import type { NotifyChannelConfig } from '../../config/schema/notify.ts'
import { type RenderedNotice, type Send, SendFailure } from './channel-queue.ts'

export interface HttpRequest {
  url: string
  headers: Record<string, string>
  body: string
  /** How this service says "delivered" beyond a 2xx status (Slack: the text `ok`). */
  accept?: (status: number, text: string) => string | undefined
}

type Http = Exclude<NotifyChannelConfig, { type: 'email' }>

const json = { 'content-type': 'application/json', 'user-agent': 'nutshell' }
const trimSlash = (url: string) => url.replace(/\/+$/, '')
const cut = (text: string, max: number) =>
  [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text

/** ntfy priority from the notify type when none is configured: alarms high, others default. */
const urgent = new Set(['ONBATT', 'LOWBATT', 'FSD', 'SHUTDOWN', 'COMMBAD', 'NOCOMM', 'REPLBATT'])

export function buildRequest(config: Http, notice: RenderedNotice): HttpRequest {
  switch (config.type) {
    case 'ntfy':
      return {
        url: `${trimSlash(config.url)}/`,
        headers: {
          ...json,
          ...(config.token === undefined ? {} : { authorization: `Bearer ${config.token}` }),
        },
        body: JSON.stringify({
          topic: config.topic,
          title: notice.title,
          message: notice.message,
          priority: config.priority ?? (urgent.has(notice.type) ? 4 : 3),
          tags:
            config.tags ??
            (urgent.has(notice.type) ? ['warning', 'electric_plug'] : ['electric_plug']),
        }),
      }
    case 'gotify':
      return {
        url: `${trimSlash(config.url)}/message`,
        headers: { ...json, 'x-gotify-key': config.token },
        body: JSON.stringify({
          title: notice.title,
          message: notice.message,
          ...(config.priority === undefined
            ? { priority: urgent.has(notice.type) ? 8 : 4 }
            : { priority: config.priority }),
        }),
      }
    case 'telegram':
      return {
        url: `${trimSlash(config.url)}/bot${config.token}/sendMessage`,
        headers: json,
        // HTML needs only < > & escaped, so templated text cannot break the markup.
        body: JSON.stringify({
          chat_id: config.chatId,
          text: cut(`<b>${escapeHtml(notice.title)}</b>\n${escapeHtml(notice.message)}`, 4096),
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(config.silent === true ? { disable_notification: true } : {}),
        }),
        accept: (_status, text) => {
          try {
            const reply = JSON.parse(text) as { ok?: unknown; description?: unknown }
            return reply.ok === true ? undefined : `Telegram: ${String(reply.description)}`
          } catch {
            return 'Telegram answered without JSON'
          }
        },
      }
    case 'discord':
      return {
        url: config.url,
        headers: json,
        body: JSON.stringify({
          content: cut(`**${notice.title}**\n${notice.message}`, 2000),
          username: config.username ?? 'nutshell',
          // No @everyone or role pings from a UPS message.
          allowed_mentions: { parse: [] },
        }),
      }
    case 'slack':
      return {
        url: config.url,
        headers: json,
        body: JSON.stringify({
          text: `*${escapeSlack(notice.title)}*\n${escapeSlack(notice.message)}`,
        }),
        accept: (_status, text) => (text.trim() === 'ok' ? undefined : `Slack answered ${text}`),
      }
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
const escapeSlack = escapeHtml

/** Seconds (Retry-After header, or Telegram/Discord's retry_after in the body) → ms. */
function retryAfter(response: Response, text: string): number | undefined {
  const header = Number(response.headers.get('retry-after'))
  if (Number.isFinite(header) && header > 0) return header * 1000
  try {
    const body = JSON.parse(text) as {
      retry_after?: unknown
      parameters?: { retry_after?: unknown }
    }
    const value = Number(body.retry_after ?? body.parameters?.retry_after)
    return Number.isFinite(value) && value > 0 ? value * 1000 : undefined
  } catch {
    return undefined
  }
}

export function httpSend(config: Http): Send {
  return async (notice, signal) => {
    const request = buildRequest(config, notice)
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal,
      redirect: 'error',
    })
    const text = await response.text()
    if (response.status === 429)
      throw new SendFailure(`${config.type}: rate limited (429)`, {
        ...(retryAfter(response, text) === undefined
          ? {}
          : { retryAfterMs: retryAfter(response, text) as number }),
      })
    if (!response.ok)
      throw new SendFailure(`${config.type}: HTTP ${response.status} ${cut(text, 200)}`, {
        // A 4xx other than 408/429 will not get better by asking again.
        permanent: response.status >= 400 && response.status < 500 && response.status !== 408,
      })
    const refusal = request.accept?.(response.status, text)
    if (refusal !== undefined) throw new SendFailure(refusal)
  }
}
