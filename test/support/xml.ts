// A small strict XML reader for the chart test (no dependency): enough of XML 1.0 to read what
// bench/chart.mjs writes, and to throw on what is not well-formed: unclosed, stray or crossed tags, a
// raw `<` or `&` in text or attribute values, an unknown entity, a duplicate or unquoted attribute,
// more than one root. Not a general parser: DOCTYPE, CDATA and processing instructions (other than
// an `<?xml …?>` declaration) are rejected.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (entities decoded), not its descendants'. */
  text: string;
}

const NAME = '[A-Za-z_:][A-Za-z0-9_.:-]*';
const OPEN = new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>`, 'y');
const ATTR = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g');
const CLOSE = new RegExp(`</(${NAME})\\s*>`, 'y');
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes entity and character references; throws on a raw `<`, a bare `&` or an unknown entity. */
function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`raw < at ${where}`);
  return raw.replace(/&([^;\s&]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new Error(`bare & at ${where}: ${JSON.stringify(match)}`);
    if (Object.hasOwn(ENTITIES, ref)) return ENTITIES[ref]!;
    const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? Number(ref.slice(1)) : NaN;
    if (!Number.isFinite(code) || code > 0x10ffff) throw new Error(`unknown entity &${ref}; at ${where}`);
    return String.fromCodePoint(code);
  });
}

/** Parses `source` into its root element; throws when it is not well-formed. */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const declaration = /^<\?xml\s[^?]*\?>/.exec(source);
  if (declaration) at = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (at < source.length) {
    const lt = source.indexOf('<', at);
    const end = lt < 0 ? source.length : lt;
    if (end > at) {
      const text = decode(source.slice(at, end), at);
      const parent = stack.at(-1);
      if (parent) parent.text += text;
      else if (text.trim()) throw new Error(`text outside the root element at ${at}`);
      at = end;
      continue;
    }
    if (source.startsWith('<!--', at)) {
      const close = source.indexOf('-->', at + 4);
      if (close < 0 || source.slice(at + 4, close).includes('--')) throw new Error(`bad comment at ${at}`);
      at = close + 3;
      continue;
    }
    CLOSE.lastIndex = at;
    const close = CLOSE.exec(source);
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> at ${at} closes ${open ? `<${open.name}>` : 'nothing'}`);
      at = CLOSE.lastIndex;
      continue;
    }
    OPEN.lastIndex = at;
    const open = OPEN.exec(source);
    if (!open) throw new Error(`not a tag at ${at}: ${JSON.stringify(source.slice(at, at + 40))}`);
    const element: XmlElement = { name: open[1]!, attrs: {}, children: [], text: '' };
    for (const [, name, double, single] of open[2]!.matchAll(ATTR)) {
      if (Object.hasOwn(element.attrs, name!)) throw new Error(`duplicate attribute ${name} at ${at}`);
      element.attrs[name!] = decode(double ?? single!, at);
    }
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) throw new Error(`a second root element <${element.name}> at ${at}`);
    else root = element;
    if (!open[3]) stack.push(element);
    at = OPEN.lastIndex;
  }
  if (stack.length) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element under `root` (itself included), in document order, that `match` accepts. */
export function findAll(root: XmlElement, match: (element: XmlElement) => boolean): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement) => {
    if (match(element)) found.push(element);
    element.children.forEach(visit);
  };
  visit(root);
  return found;
}

/** The text of `element` and its descendants, in document order (as `textContent`). */
export function textOf(element: XmlElement): string {
  // Own text is kept in one piece, so interleaving with children is lost: enough for labels.
  return element.text + element.children.map(textOf).join('');
}
