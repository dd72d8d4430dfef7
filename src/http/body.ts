import { AppFailure, fail } from "../domain/errors";
import { fieldsFromForm, fieldsFromJson, formPairs, type RawFields } from "../domain/fields";
import { readUpTo } from "../net/read-up-to";

export const MAX_BODY_BYTES = 64 * 1024;

/** Reads at most `limit` bytes; a longer body is 413 whether or not it declared its length. */
export async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  if (Number(req.headers.get("content-length") ?? "0") > limit) fail({ code: "payload_too_large", limit });
  const { bytes, overflow } = await readUpTo(req.body, limit);
  return overflow ? fail({ code: "payload_too_large", limit }) : bytes;
}

export type BodyFormat = "json" | "form" | "multipart";

/** The body's format from its Content-Type; no type and a body that starts with `{` is JSON. */
export function bodyFormat(contentType: string, text: () => string): BodyFormat {
  const media = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (media === "application/json") return "json";
  if (media === "application/x-www-form-urlencoded") return "form";
  if (media === "multipart/form-data") return "multipart";
  if (media === "" && text().trimStart().startsWith("{")) return "json";
  return fail({ code: "unsupported_media_type", contentType: media || "(none)" });
}

/** The postback's raw fields, from whichever of the three formats it came in. */
export async function postbackFields(req: Request): Promise<{ fields: RawFields; format: BodyFormat }> {
  const bytes = await readLimited(req, MAX_BODY_BYTES);
  const contentType = req.headers.get("content-type") ?? "";
  let decoded: string | undefined;
  const text = (): string => {
    if (decoded === undefined) {
      try {
        decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
      } catch {
        fail({ code: "malformed_body", reason: "not UTF-8" });
      }
    }
    return decoded as string;
  };
  const format = bodyFormat(contentType, text);
  let result: ReturnType<typeof fieldsFromJson>;
  if (format === "json") result = fieldsFromJson(text());
  else if (format === "form") {
    const pairs = formPairs(text());
    result = pairs.ok ? fieldsFromForm(pairs.value) : pairs;
  } else {
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    } catch {
      return fail({ code: "malformed_body", reason: "unreadable multipart body" });
    }
    result = fieldsFromForm(form.entries());
  }
  if (!result.ok) throw new AppFailure(result.error);
  return { fields: result.value, format };
}
