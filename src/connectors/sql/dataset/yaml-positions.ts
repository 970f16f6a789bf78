import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { DatasetPath } from './dataset.js';

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    if (Array.isArray(range)) return range[0];
  }
  return undefined;
}

/**
 * The line of a position in a YAML document: the node at `path`, or the key `key` of the map at `path`, or failing
 * those the nearest enclosing node that exists.
 */
export function lineIn(
  doc: Document,
  counter: LineCounter,
  path: DatasetPath,
  key?: string,
): number | undefined {
  let node: unknown = doc.contents;
  let best = rangeStart(node);
  for (const step of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step),
      );
      if (pair) {
        best = rangeStart(pair.key) ?? best;
        next = pair.value;
      }
    } else if (isSeq(node) && typeof step === 'number') {
      next = node.items[step];
    }
    if (next === undefined || next === null) {
      node = undefined;
      break;
    }
    node = next;
    best = rangeStart(node) ?? best;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
    if (pair) best = rangeStart(pair.key) ?? best;
  }
  return best === undefined ? undefined : counter.linePos(best).line;
}
