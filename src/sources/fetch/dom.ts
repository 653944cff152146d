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
  getAttribute(name: string): string | null;
  remove(): void;
  closest(selector: string): DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export interface DomDocument {
  body: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

const parse = parseHTML as unknown as (html: string) => { document: DomDocument };

export function parseDocument(html: string): DomDocument {
  return parse(html).document;
}
