() => {
  // Visible, enabled targets under 44×44 CSS px (see screen_checks.py).
  const interactive = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=tab], '
    + '[role=radio], [role=checkbox], [role=switch], [role=link], [role=menuitem], [role=option], '
    + '[tabindex]:not([tabindex="-1"]), .van-cell--clickable, .van-tabbar-item, .van-nav-bar__left, '
    + '.van-nav-bar__right, .van-uploader__preview-delete, .van-stepper__minus, .van-stepper__plus, .van-field__clear';
  const targets = new Set(document.body.querySelectorAll(interactive));
  for (const el of document.body.querySelectorAll('*')) {
    if (getComputedStyle(el).cursor === 'pointer' && el.parentElement
        && getComputedStyle(el.parentElement).cursor !== 'pointer') targets.add(el);
  }
  const small = [];
  for (const el of targets) {
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
    if (el.matches('[disabled], [aria-disabled=true]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.width >= 43.5 && box.height >= 43.5) continue;
    if (el.matches('a') && getComputedStyle(el).display === 'inline' && el.closest('p, li, dd, td')) continue;
    // Inside a bigger target that takes the same tap (a label's radio icon, a cell's arrow): not its own target.
    let outer = el.parentElement, covered = false;
    while (outer && outer !== document.body) {
      if (targets.has(outer) && outer.checkVisibility()) {
        const o = outer.getBoundingClientRect();
        if (o.width >= 43.5 && o.height >= 43.5 && o.left <= box.left && o.right >= box.right
            && o.top <= box.top && o.bottom >= box.bottom) { covered = true; break; }
      }
      outer = outer.parentElement;
    }
    if (covered) continue;
    const test = el.closest('[data-test]');
    small.push({
      element: el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '')
        + (test ? ` in [data-test=${test.dataset.test}]` : ''),
      text: (el.innerText || el.getAttribute('aria-label') || el.getAttribute('placeholder') || '').trim().slice(0, 30),
      size: `${Math.round(box.width)}×${Math.round(box.height)}`,
    });
  }
  return small;
}
