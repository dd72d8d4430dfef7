import { type AlertLanguage, clip, formatNumber, formatTime } from "./alert-text";
import type { ReportDay } from "./report";

/** What a `report.daily` alert carries (its generic payload's `data`, beside `summary`). */
export interface DigestData extends ReportDay {
  so_far: boolean; // POST /alerts/digest: today until now, not a finished day
  pending_deliveries: number; // every delivery still pending now, whatever its day
  oldest_pending_since: string | null;
}

export function digestData(day: ReportDay, backlog: { pending: number; oldestSince: string | null }, soFar: boolean): DigestData {
  return { ...day, so_far: soFar, pending_deliveries: backlog.pending, oldest_pending_since: backlog.oldestSince };
}

/** The hour has come and the day it reports (yesterday, UTC), or null before DIGEST_HOUR_UTC. */
export function digestDue(hourUtc: number | null, now: Date): string | null {
  if (hourUtc === null || now.getUTCHours() < hourUtc) return null;
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10);
}

type Lines = {
  head: (date: string, n: string, soFar: boolean) => string;
  received: (list: string) => string;
  usd: (usd: string, known: string, n: string) => string;
  outcome: (delivered: string, waiting: string, exhausted: string) => string;
  tests: (n: string) => string;
  held: (n: string) => string;
  pending: (n: string, since: string) => string;
};

// Whole sentences per language; counts stand after a colon, so no sentence needs a plural form.
const LINES: Record<AlertLanguage, Lines> = {
  en: {
    head: (date, n, soFar) =>
      soFar ? `Report for ${date} so far (UTC). Invoices: ${n}.` : `Daily report for ${date} (UTC). Invoices: ${n}.`,
    received: (list) => `Received: ${list}.`,
    usd: (usd, known, n) => `About ${usd} (the USD amount is known for ${known} of ${n} invoices).`,
    outcome: (d, w, e) => `Reached the shop: ${d}; still waiting: ${w}; given up: ${e}.`,
    tests: (n) => `Test invoices (left out of the sums): ${n}.`,
    held: (n) => `Not confirmed as paid (left out of the sums): ${n}.`,
    pending: (n, since) => `Deliveries pending now: ${n}, the oldest since ${since} (UTC).`,
  },
  ru: {
    head: (date, n, soFar) => (soFar ? `Отчёт за ${date} на данный момент (UTC). Счетов: ${n}.` : `Отчёт за ${date} (UTC). Счетов: ${n}.`),
    received: (list) => `Получено: ${list}.`,
    usd: (usd, known, n) => `Около ${usd} (сумма в долларах известна для счетов: ${known} из ${n}).`,
    outcome: (d, w, e) => `Дошло до магазина: ${d}; ещё ждут: ${w}; доставка прекращена: ${e}.`,
    tests: (n) => `Тестовых счетов (не входят в суммы): ${n}.`,
    held: (n) => `Оплата не подтверждена (не входят в суммы): ${n}.`,
    pending: (n, since) => `Доставок в очереди сейчас: ${n}, самая старая — с ${since} (UTC).`,
  },
};

/** The digest as chat text: one sentence a line, numbers and the date formatted for the language. */
export function digestText(d: Partial<DigestData>, lang: AlertLanguage): string {
  const l = LINES[lang];
  const n = (v: unknown) => formatNumber(lang, v);
  const date =
    typeof d.date === "string" ? new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(Date.parse(d.date)) : "?";
  const amounts = Object.entries(d.by_currency ?? {})
    .slice(0, 30)
    .map(([currency, amount]) => `${formatNumber(lang, amount)} ${clip(currency)}`);
  const lines = [l.head(date, n(d.invoices), d.so_far === true)];
  if (amounts.length > 0) lines.push(l.received(new Intl.ListFormat(lang, { type: "conjunction" }).format(amounts)));
  if (d.amount_usd)
    lines.push(l.usd(formatNumber(lang, d.amount_usd, { style: "currency", currency: "USD" }), n(d.amount_usd_invoices), n(d.invoices)));
  lines.push(l.outcome(n(d.delivered), n(d.waiting), n(d.exhausted)));
  if (d.held_invoices) lines.push(l.held(n(d.held_invoices)));
  if (d.test_invoices) lines.push(l.tests(n(d.test_invoices)));
  if (d.pending_deliveries) lines.push(l.pending(n(d.pending_deliveries), formatTime(lang, d.oldest_pending_since)));
  return lines.join("\n");
}
