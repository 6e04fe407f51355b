(allowed) => {
  // Latin tokens in visible text, placeholders, accessible names and button values (see screen_checks.py).
  const found = [];
  const describe = (el) => {
    const test = el.closest('[data-test]');
    const bits = [el.tagName.toLowerCase()];
    if (el.className && typeof el.className === 'string') bits.push('.' + el.className.trim().split(/\s+/)[0]);
    if (test) bits.push(`in [data-test=${test.dataset.test}]`);
    return bits.join('');
  };
  const check = (text, el, what) => {
    if (!text || el.closest('[translate=no]')) return;
    for (const token of text.match(/[\p{L}\p{N}]+/gu) || []) {
      for (const word of token.match(/[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*/g) || []) {
        // A number with its unit (30kPa) is the unit.
        if (!allowed.includes(word) && !allowed.includes(word.replace(/^[0-9]+/, ''))) found.push({ word, where: `${what} of ${describe(el)}`, text: text.trim().slice(0, 80) });
      }
    }
  };
  const shown = (el) => el.checkVisibility({ visibilityProperty: true });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName) || !shown(el)) continue;
    check(node.textContent, el, 'text');
  }
  for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [title], [alt], input[type=button], input[type=submit], input[type=reset], button[value]')) {
    if (!shown(el)) continue;
    for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) check(el.getAttribute(attr), el, attr);
    if (el.matches('input[type=button], input[type=submit], input[type=reset], button[value]')) check(el.value, el, 'value');
  }
  check(document.title, document.body, 'document title');
  return found;
}
