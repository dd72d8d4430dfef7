import { formBody, type PostbackFields } from "./postbacks";

/** Two shops beside `default` (whose SECRET KEY is the test env's CRYPTOCLOUD_SECRET_KEY). */
export const SHOP_A = { slug: "shop-a", secret: "shop-a-secret-key-0001", apiKey: "eyJhbGciOiJIUzI1NiJ9.shop-a.sig", projectId: "11" };
export const SHOP_B = { slug: "shop-b", secret: "shop-b-secret-key-0001", apiKey: "eyJhbGciOiJIUzI1NiJ9.shop-b.sig", projectId: "12" };

/** CRYPTOCLOUD_PROJECTS for both shops; `withApiKeys` turns on their confirmation and reconciliation. */
export const projectsVariable = (withApiKeys = false): string =>
  JSON.stringify(
    [SHOP_A, SHOP_B].map((s) => ({
      slug: s.slug,
      secret_keys: [s.secret],
      project_id: s.projectId,
      ...(withApiKeys ? { api_key: s.apiKey } : {}),
    })),
  );

/** A form postback to `/postback/<slug>` (or `/postback` when slug is null). */
export function postbackTo(slug: string | null, f: PostbackFields): Request {
  return new Request(`https://worker.test/postback${slug ? `/${slug}` : ""}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: formBody(f),
  });
}
