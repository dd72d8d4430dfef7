import type { AlertKind } from "./alert";

/** The language of alerts and the digest (ALERT_LANGUAGE). */
export type AlertLanguage = "en" | "ru";
export const ALERT_LANGUAGES: readonly AlertLanguage[] = ["en", "ru"];

type Data = Record<string, unknown>;

/** Longest interpolated value: an order id or an error is whatever a payer or a server sent. */
export const MAX_VALUE_CHARS = 200;

export function clip(value: unknown): string {
  const text = value === null || value === undefined ? "?" : String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** A count or an amount for the language; `value` may be an exact decimal string (never turned into a float). */
export function formatNumber(lang: AlertLanguage, value: unknown, options: Intl.NumberFormatOptions = {}): string {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  if (!/^\d{1,40}(\.\d{1,40})?$/.test(text)) return "?";
  // A string argument is formatted exactly (Intl.NumberFormat v3): 18-decimal amounts keep every digit.
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 40, ...options }).format(text as unknown as number);
}

const time = (lang: AlertLanguage, iso: unknown): string => {
  const t = typeof iso === "string" ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? "?" : new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(t);
};

const ids = (v: unknown): string => clip(Array.isArray(v) ? v.slice(0, 20).map(String).join(", ") : v);
const minutes = (v: unknown): string => String(Math.round(Number(v ?? 0) / 60));
/** "2 delivery.exhausted, 1 backlog.stale": what a channel missed, by kind (kind names are not translated). */
const byKind = (lang: AlertLanguage, v: unknown): string =>
  clip(
    v && typeof v === "object"
      ? Object.entries(v)
          .map(([kind, n]) => `${kind}: ${formatNumber(lang, n)}`)
          .join(", ")
      : "",
  );

type Texts = Record<Exclude<AlertKind, "report.daily">, (d: Data, lang: AlertLanguage) => string>;

const EN: Texts = {
  "delivery.exhausted": (d) =>
    `Payment notification for invoice ${clip(d.invoice_id)} (order ${clip(d.order_id)}) could not be delivered to ${clip(d.destination)} after every retry; last error: ${clip(d.last_error)}. Fix the backend, then redeliver.`,
  "destination.gone": (d) =>
    `${clip(d.destination)} answered 410 Gone for invoice ${clip(d.invoice_id)}: deliveries of that event to it stopped.`,
  "destination.failing": (d, l) =>
    `${clip(d.destination)} failed ${formatNumber(l, d.consecutive_failures)} deliveries in a row (last error: ${clip(d.last_error)}): its circuit is open, deliveries wait (no retries used) and one probe checks it.`,
  "destination.recovered": (d, l) =>
    `${clip(d.destination)} accepts deliveries again after ${formatNumber(l, minutes(d.open_seconds))} minutes; waiting deliveries released: ${formatNumber(l, d.released)}.`,
  "destination.disabled": (d) =>
    `${clip(d.destination)} was unreachable for DISABLE_AFTER_HOURS: it is disabled, and its deliveries are held until an operator resumes it.`,
  "confirmation.unauthorized": () =>
    "CryptoCloud's API refused CRYPTOCLOUD_API_KEY (401): payments wait for confirmation until the key is fixed.",
  "reconciliation.recovered": (d) => `Reconciliation recorded paid invoice(s) whose postback never arrived: ${ids(d.invoice_ids)}.`,
  "reconciliation.failed": (d, l) =>
    `Reconciliation failed ${formatNumber(l, d.consecutive_failures)} runs in a row: ${clip(d.last_error)}.`,
  "backlog.stale": (d, l) =>
    `The oldest pending delivery has waited ${formatNumber(l, minutes(d.oldest_pending_age_seconds))} minutes (${formatNumber(l, d.pending)} pending).`,
  "alerts.missed": (d, l) =>
    `This channel was unreachable: ${formatNumber(l, d.missed)} alert(s) from ${time(l, d.first_at)} to ${time(l, d.last_at)} were not sent here (${byKind(l, d.kinds)}). /stats and the operator page show where things stand now.`,
  test: () => "Test alert from cryptocloud-postback: alerts reach this destination.",
};

// Counts stand after a colon ("неудачных доставок подряд: 5"), so no sentence needs a plural form.
const RU: Texts = {
  "delivery.exhausted": (d) =>
    `Уведомление об оплате счёта ${clip(d.invoice_id)} (заказ ${clip(d.order_id)}) не доставлено на ${clip(d.destination)} после всех повторов; последняя ошибка: ${clip(d.last_error)}. Исправьте сервер магазина и отправьте уведомление заново.`,
  "destination.gone": (d) =>
    `${clip(d.destination)} ответил 410 Gone на счёт ${clip(d.invoice_id)}: доставка этого события туда прекращена.`,
  "destination.failing": (d, l) =>
    `${clip(d.destination)}: неудачных доставок подряд: ${formatNumber(l, d.consecutive_failures)} (последняя ошибка: ${clip(d.last_error)}). Цепь разомкнута: доставки ждут (повторы не расходуются), доступность проверяет одна пробная доставка.`,
  "destination.recovered": (d, l) =>
    `${clip(d.destination)} снова принимает доставки (недоступен был, мин.: ${formatNumber(l, minutes(d.open_seconds))}); отправлено ждавших доставок: ${formatNumber(l, d.released)}.`,
  "destination.disabled": (d) =>
    `${clip(d.destination)} был недоступен дольше DISABLE_AFTER_HOURS: получатель отключён, его доставки ждут, пока оператор его не возобновит.`,
  "confirmation.unauthorized": () =>
    "API CryptoCloud отклонил CRYPTOCLOUD_API_KEY (401): оплаты ждут подтверждения, пока ключ не исправлен.",
  "reconciliation.recovered": (d) => `Сверка записала оплаченные счета, уведомление о которых не пришло: ${ids(d.invoice_ids)}.`,
  "reconciliation.failed": (d, l) =>
    `Сверка не удалась, запусков подряд: ${formatNumber(l, d.consecutive_failures)}. Ошибка: ${clip(d.last_error)}.`,
  "backlog.stale": (d, l) =>
    `Самая старая доставка в очереди ждёт уже ${formatNumber(l, minutes(d.oldest_pending_age_seconds))} мин. (в очереди: ${formatNumber(l, d.pending)}).`,
  "alerts.missed": (d, l) =>
    `Этот канал был недоступен: оповещений, не отправленных сюда с ${time(l, d.first_at)} по ${time(l, d.last_at)}: ${formatNumber(l, d.missed)} (${byKind(l, d.kinds)}). Текущее состояние видно в /stats и на странице оператора.`,
  test: () => "Тестовое оповещение от cryptocloud-postback: оповещения доходят сюда.",
};

export const TEXTS: Record<AlertLanguage, Texts> = { en: EN, ru: RU };

/** How many alerts the cooldown held back, as its own sentence after the summary. */
export const MORE: Record<AlertLanguage, (n: number) => string> = {
  en: (n) => ` (and ${formatNumber("en", n)} more)`,
  ru: (n) => ` (и ещё ${formatNumber("ru", n)})`,
};
export { time as formatTime };
