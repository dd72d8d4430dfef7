// The page's only way to make DOM. Data goes in as text nodes or attribute values, never as markup,
// so an order_id such as `<img src=x onerror=…>` shows literally. There is no innerHTML anywhere.

export type Child = Node | string | number | null | undefined | false;
type Handler = (e: Event) => void;
export type Attrs = Record<string, string | number | boolean | Handler | null | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) {
      // Handlers are functions only: a string here would be an inline script (and the CSP refuses it).
      if (typeof value !== "function") throw new TypeError(`el(): ${key} must be a function`);
      node.addEventListener(key.slice(2), value);
    } else if (typeof value === "function") {
      throw new TypeError(`el(): ${key} cannot be a function`);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
  node.append(...kids(children));
  return node;
}

function kids(children: Child[]): (Node | string)[] {
  const out: (Node | string)[] = [];
  // append() turns strings into text nodes, which is textContent's behaviour.
  for (const c of children) if (c !== null && c !== undefined && c !== false) out.push(typeof c === "number" ? String(c) : c);
  return out;
}

/** Replaces a node's children. */
export function fill(node: Element, ...children: Child[]): void {
  node.replaceChildren(...kids(children));
}

const SVG_NS = "http://www.w3.org/2000/svg";
/** el() for SVG: attributes and text only (no handlers, no markup). */
export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}
