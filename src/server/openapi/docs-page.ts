import { createHash } from 'node:crypto';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from './build-document.js';

const style = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.4rem}
header p{margin:.4rem 0 0;max-width:60rem;color:#d0d5de}header a{color:#9cc0ff}
main{display:grid;grid-template-columns:16rem 1fr;gap:2rem;padding:1.5rem 2rem}
nav{position:sticky;top:1rem;align-self:start;font-size:.9rem}nav a{display:block;color:#2b59c3;text-decoration:none;padding:.1rem 0}
h2{border-bottom:2px solid #d0d5de;padding-bottom:.2rem;margin-top:2rem}
section.op{background:#fff;border:1px solid #d0d5de;border-radius:6px;padding:.8rem 1rem;margin:.8rem 0}
.method{display:inline-block;min-width:4.2rem;font-weight:700;font-family:ui-monospace,monospace}
.GET{color:#1a7f37}.POST{color:#2b59c3}.PUT,.PATCH{color:#9a6700}.DELETE{color:#cf222e}
code,pre{font-family:ui-monospace,monospace;font-size:.85rem}pre{background:#f6f7f9;padding:.6rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #d0d5de;padding:.2rem .5rem;text-align:left;vertical-align:top}
.access{font-size:.85rem;color:#57606a}details{margin:.3rem 0}summary{cursor:pointer}
`;

/** The CSP hash of the page's one inline style, so the page needs no 'unsafe-inline'. */
export const docsStyleHash = `sha256-${createHash('sha256').update(style).digest('base64')}`;

/** The Content-Security-Policy of the docs page: nothing but its own inline style. */
export const docsPageCsp = `default-src 'none'; style-src '${docsStyleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function schemaBlock(schema: JsonSchema | undefined): string {
  if (!schema) return '';
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

function accessText(op: OpenApiOperation): string {
  const access = op['x-lethe-access'];
  switch (access.kind) {
    case 'public':
      return 'Public.';
    case 'account':
      return 'Any logged-in account.';
    case 'self':
      return 'A self-service account (userdata:exportself), for its own subject only.';
    case 'owner-or':
      return `The owner, or capability ${access.capabilities.join(' / ')}${access.scopes.length > 0 ? `, or token scope ${access.scopes.join(' / ')}` : ''}.`;
    default:
      return `Capability ${access.capabilities.join(' / ')}; ${access.scopes.length > 0 ? `token scope ${access.scopes.join(' / ')}` : 'no API token'}.`;
  }
}

function renderOperation(method: string, path: string, op: OpenApiOperation): string {
  const params = op.parameters.length
    ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`,
        )
        .join('')}</table>`
    : '';
  const body = op.requestBody
    ? `<details><summary>Request body</summary>${Object.entries(op.requestBody.content)
        .map(([type, c]) => `<p><code>${escapeHtml(type)}</code></p>${schemaBlock(c.schema)}`)
        .join('')}</details>`
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const response = r as { description?: string; content?: Record<string, { schema?: JsonSchema }> };
      const content = Object.entries(response.content ?? {})
        .map(([type, c]) => `<p><code>${escapeHtml(type)}</code></p>${schemaBlock(c.schema)}`)
        .join('');
      return `<details><summary><b>${escapeHtml(status)}</b> ${escapeHtml(response.description ?? '')}</summary>${content}</details>`;
    })
    .join('');
  return `<section class="op" id="${escapeHtml(op.operationId)}"><div><span class="method ${escapeHtml(method.toUpperCase())}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></div>
<p><b>${escapeHtml(op.summary)}</b>${op.description ? `<br>${escapeHtml(op.description)}` : ''}</p>
<p class="access">${escapeHtml(accessText(op))}</p>${params}${body}${responses}</section>`;
}

/** A self-contained, readable HTML rendering of the OpenAPI document: no scripts, no outside assets. */
export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  const nav: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)?.push(renderOperation(method, path, op));
    }
  }
  const sections = [...byTag]
    .map(([tag, ops]) => {
      nav.push(`<a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a>`);
      return `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join('\n')}`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}</title><style>${style}</style></head>
<body><header><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1><p>${escapeHtml(doc.info.description)}</p>
<p>The machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p></header>
<main><nav>${nav.join('')}</nav><div>${sections}</div></main></body></html>`;
}
