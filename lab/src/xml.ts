/** Just enough XML for the RDS query protocol's answers. */
export type XmlValue = string | number | boolean | null | undefined | XmlNode | XmlList;
export interface XmlNode {
  [element: string]: XmlValue;
}
/** A list: each item wrapped in `member` element named `itemName`. */
export interface XmlList {
  itemName: string;
  items: XmlValue[];
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

export function toXml(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return `<${name}>${escapeXml(String(value))}</${name}>`;
  if (isList(value)) return `<${name}>${value.items.map((item) => toXml(value.itemName, item)).join('')}</${name}>`;
  return `<${name}>${Object.entries(value)
    .map(([child, childValue]) => toXml(child, childValue))
    .join('')}</${name}>`;
}

function isList(value: XmlNode | XmlList): value is XmlList {
  return Array.isArray((value as XmlList).items) && typeof (value as XmlList).itemName === 'string';
}
