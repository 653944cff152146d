// linkedom types its documents with the DOM lib, which this Node project does not load; these are the few
// members we use, so the rest of the code stays type-checked.
import { parseHTML } from 'linkedom';

export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

export interface DomElement extends DomNode {
  outerHTML: string;
  innerHTML: string;
  tagName: string;
  parentElement: DomElement | null;
  nextElementSibling: DomElement | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  hasAttribute(name: string): boolean;
  remove(): void;
  before(...nodes: (DomElement | string)[]): void;
  replaceWith(...nodes: (DomElement | string)[]): void;
  contains(other: DomElement): boolean;
  closest(selector: string): DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export interface DomDocument {
  body: DomElement | null;
  createElement(tagName: string): DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

const parse = parseHTML as unknown as (html: string) => { document: DomDocument };

export function parseDocument(html: string): DomDocument {
  return parse(html).document;
}
