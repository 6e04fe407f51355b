"""The PWA and /api/docs run in Chromium under the server's CSP with no violation and no outside request."""

from __future__ import annotations

import pytest

from .conftest import PHONE, follow_test_clock, make_png, sign_in_to

# Installed before any page script: every CSP violation the browser reports lands in window.__csp.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""
# Each app page with the element that shows it has rendered.
APP_PAGES = {
    "/": "[data-test=home]",
    "/hazards": "[data-test=hazard-list]",
    "/sync": "[data-test=sync-status]",
    "/inbox": "[data-test=inbox]",
    "/badge": "[data-test=badge-qr]",
    "/me": "[data-test=sign-out]",
}
VANT_ICONS_LOADED = "() => [...document.fonts].some(f => f.family === 'vant-icon' && f.status === 'loaded')"


@pytest.fixture
def watched(browser, base_url):
    """A phone context that records CSP violations, CSP console errors and every request off 127.0.0.1."""
    context = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    follow_test_clock(context)
    context.set_default_timeout(20_000)
    context.add_init_script(RECORD_VIOLATIONS)
    seen = {"outside": [], "console": []}

    def keep_inside(route):
        if route.request.url.startswith(base_url + "/"):
            route.continue_()
        else:  # an isolated county network: nothing outside answers
            seen["outside"].append(route.request.url)
            route.abort()

    context.route("**/*", keep_inside)
    page = context.new_page()
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and seen["console"].append(message.text),
    )
    yield page, seen
    context.close()


def violations(page) -> list[str]:
    """The CSP violations the current document reported."""
    return page.evaluate("() => window.__csp")


def test_the_app_runs_under_its_csp_without_violations(watched, base_url):
    page, seen = watched
    first = page.goto(base_url + "/")
    assert "script-src 'self'" in first.headers["content-security-policy"]
    sign_in_to(page, base_url, "officer-a")
    for path, ready in APP_PAGES.items():
        page.goto(f"{base_url}/#{path}")
        page.wait_for_selector(ready)
        assert violations(page) == [], path
    # A photo picked on the report form shows as a blob: thumbnail (img-src blob:).
    page.goto(f"{base_url}/#/hazards/new")
    photo = {"name": "p.png", "mimeType": "image/png", "buffer": make_png(320, 240, (200, 60, 40))}
    page.set_input_files("input[type=file]", [photo])
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo-picker .photo-thumb img')].some(i => i.naturalWidth > 0)"
    )
    # Vant's icons come from its inlined font (font-src data:), not from a CDN.
    assert page.evaluate(VANT_ICONS_LOADED)
    assert violations(page) == []
    assert seen == {"outside": [], "console": []}


def test_the_csp_blocks_inline_script_and_the_recorder_sees_it(watched, base_url):
    page, _ = watched
    page.goto(base_url + "/")
    ran = page.evaluate(
        """() => {
          window.__inlineRan = false;
          const script = document.createElement('script');
          script.textContent = 'window.__inlineRan = true';
          document.body.appendChild(script);
          return window.__inlineRan;
        }"""
    )
    assert ran is False
    page.wait_for_function("() => window.__csp.length > 0")
    assert violations(page)[0].startswith("script-src-elem blocked inline")


def test_api_docs_render_from_the_server_alone(watched, base_url):
    page, seen = watched
    answer = page.goto(base_url + "/api/docs")
    assert answer.status == 200
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary")
    assert page.locator(".opblock").count() >= 10
    assert page.locator(".opblock-summary-path", has_text="/api/v1/sync/push").count() == 1
    page.locator(".opblock-summary", has_text="/api/v1/health").first.click()
    page.wait_for_selector(".opblock.is-open")
    assert violations(page) == []
    assert seen == {"outside": [], "console": []}
