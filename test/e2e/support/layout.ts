import type { Page } from 'playwright-core';

/** The actions a page is used through: each must be wholly in sight, not cut by the window or a scrolling frame. */
const actions = [
  '.button-primary',
  '.page-actions .button',
  '.page-actions button',
  '.form-actions .button',
  '.filter-actions .button',
  '.bulk-bar .button',
  '.pager .button',
  '.col-actions .button',
  '.col-actions button',
  '.card-header .button',
  '.dialog[open] .dialog-footer .button',
].join(', ');

// Evaluated in the page, as a string: the test code has no DOM types.
const script = `(() => {
  const doc = document.documentElement;
  const problems = [];
  if (doc.scrollWidth > doc.clientWidth) {
    problems.push('the page scrolls sideways: ' + doc.scrollWidth + 'px wide in a ' + doc.clientWidth + 'px window');
  }
  const nameOf = (el) =>
    (el.getAttribute('aria-label') || el.textContent || el.tagName).trim().replace(/\\s+/g, ' ').slice(0, 50);
  const frameOf = (el) => el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join('');
  for (const el of document.querySelectorAll(${JSON.stringify(actions)})) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    const name = nameOf(el);
    if (r.left < -0.5 || r.right > doc.clientWidth + 0.5) {
      problems.push('"' + name + '" is cut by the window (' + Math.round(r.left) + ' to ' + Math.round(r.right) + 'px)');
      continue;
    }
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push('"' + name + '" has its label cut (' + el.scrollWidth + 'px in ' + el.clientWidth + 'px)');
    }
    for (let p = el.parentElement; p && p !== doc && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const b = p.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) {
        problems.push('"' + name + '" is cut by its frame ' + frameOf(p));
        break;
      }
    }
  }
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      const caption = wrap.querySelector('caption, th');
      problems.push('a table (' + (caption ? nameOf(caption) : '?') + ') scrolls sideways: ' +
        wrap.scrollWidth + 'px in ' + wrap.clientWidth + 'px');
    }
  }
  return problems;
})()`;

/**
 * What is wrong with the page's layout at its viewport: the document scrolls sideways, an action is cut by the
 * window or by a scrolling frame around it (or its label is cut), or a table is wider than its frame.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(script)) as string[];
}

/** Waits until the page shows its heading and has nothing left loading. */
export async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached' });
  // Two frames, so that what the last answer rendered is laid out.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
}
