//! A tiny element builder: every text goes in through textContent, so nothing from the wire is ever parsed as HTML.

type Child = Node | string | null | undefined | false;
type AttributeValue = string | number | boolean | null | undefined;

/**
 * Creates an element. Attributes with `null`, `undefined` or `false` are left out, `true` sets an
 * empty attribute; keys starting with `on` are not accepted here on purpose (use `listen`).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, AttributeValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) throw new Error(`h(): event attribute ${name} is not allowed`);
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
