// The page's words, in English or Russian. `t(key, params)` returns one whole message with its named
// placeholders filled ({count}, {id}, …), so no sentence is glued from translated fragments; plural
// messages pick their form with Intl.PluralRules (Russian has one/few/many). The language follows the
// browser (ru → Russian, else English) until the operator switches; the tab remembers the switch in
// sessionStorage. A view's strings are keys in messages/en.ts, and messages/ru.ts must have each one.
import { en, type Plural } from "./messages/en";
import { ru } from "./messages/ru";

export type Lang = "en" | "ru";
export type Key = keyof typeof en;
export type Params = Record<string, string | number | Node>;

const KEY = "ccp-lang";
const TABLES: Record<Lang, Record<Key, string | Plural>> = { en, ru };

const stored = sessionStorage.getItem(KEY);
export let lang: Lang =
  stored === "en" || stored === "ru" ? stored : (navigator.language || "en").toLowerCase().startsWith("ru") ? "ru" : "en";

/** Switches the language for this tab; the caller redraws. */
export function setLang(next: Lang): void {
  lang = next;
  sessionStorage.setItem(KEY, next);
  document.documentElement.lang = next;
}

// Formatters are built once per language.
const cache = new Map<string, Intl.NumberFormat | Intl.PluralRules | Intl.DateTimeFormat>();
function memo<T extends Intl.NumberFormat | Intl.PluralRules | Intl.DateTimeFormat>(id: string, make: () => T): T {
  const k = `${lang}:${id}`;
  const known = cache.get(k) as T | undefined;
  if (known) return known;
  const f = make();
  cache.set(k, f);
  return f;
}

export const num = (n: number): string => memo("n", () => new Intl.NumberFormat(lang)).format(n);

const DECIMAL = /^-?\d+(?:\.(\d+))?$/;
/**
 * An exact decimal string in the language's notation ("0.91340000" → "0,91340000" in Russian). Intl
 * formats the string itself (not a float), keeping every digit; anything else is shown as it came.
 */
export function decimal(s: string): string {
  const m = DECIMAL.exec(s);
  if (!m) return s;
  const digits = Math.min(m[1]?.length ?? 0, 100);
  const f = memo(`d${digits}`, () => new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  return f.format(s as Intl.StringNumericLiteral);
}

export const dateTime = (d: Date): string =>
  memo("dt", () => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "medium" })).format(d);

/** A UTC calendar day ("2026-11-30") as "30 Nov" / "30 нояб.". */
export const day = (date: string, long = false): string =>
  memo(long ? "dl" : "ds", () => new Intl.DateTimeFormat(lang, { day: "numeric", month: long ? "long" : "short", timeZone: "UTC" })).format(
    new Date(`${date}T00:00:00Z`),
  );

function pick(key: Key, params: Params): string {
  const m = TABLES[lang][key];
  if (typeof m === "string") return m;
  const n = typeof params.count === "number" ? params.count : Number(params.count);
  const form = memo("p", () => new Intl.PluralRules(lang)).select(n) as keyof Plural;
  return m[form] ?? m.other;
}

/** The message with its placeholders filled, as parts: nodes (a link, a time) stay nodes. */
export function tx(key: Key, params: Params = {}): (string | Node)[] {
  return pick(key, params)
    .split(/\{(\w+)\}/)
    .map((part, i) => {
      if (i % 2 === 0) return part;
      const v = params[part];
      return v === undefined ? `{${part}}` : typeof v === "number" ? num(v) : v;
    })
    .filter((p) => p !== "");
}

/** The message as text. */
export const t = (key: Key, params: Params = {}): string =>
  tx(key, params)
    .map((p) => (typeof p === "string" ? p : (p.textContent ?? "")))
    .join("");

/** A message for a key only known at run time (a status, a field name), if there is one. */
export function tMaybe(key: string, params: Params = {}): string | null {
  return key in TABLES[lang] ? t(key as Key, params) : null;
}
