"""What every screen owes a zh-CN user on a gloved phone: no Latin words, axe-clean, 44×44 px targets."""

from __future__ import annotations

from pathlib import Path

from .conftest import ROOT

AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
JS = Path(__file__).parent / "screen_checks_js"

# Latin tokens a zh-CN user may read, each with why (keep this short: anything else gets a Chinese word).
ALLOWED_LATIN = {
    "MB": "storage size on 我的: the unit every Chinese phone's own storage settings show",
    "CO": "carbon monoxide as Chinese standards and the detectors themselves write it (CO报警器)",
    "kPa": "the SI unit as 判定标准 Art.6 writes it (30kPa)",
    "AOD": "a steel furnace named so in 判定标准 Art.5 (AOD炉); there is no Chinese name",
    "LF": "ladle furnace, named so in 判定标准 Art.5 (LF炉)",
    "RH": "vacuum degasser, named so in 判定标准 Art.5 (RH炉)",
    "VOD": "vacuum oxygen decarburiser, named so in 判定标准 Art.5 (VOD炉)",
    "Webhook": "the label WeCom and DingTalk themselves show for the robot's address (Webhook地址)",
    "Excel": "the file format, as WPS and every Chinese office suite name it",
}

# Visible text, placeholders and accessible names; returns [{word, where, text}] for each Latin token.
# A token is a run of letters and digits with a letter in it ("h", "ok", "W49" of 2026-W49, "Push").
# Content inside [translate=no] is not language (login ids, USCC codes, equipment tags): HTML's own marker.
FIND_LATIN = (JS / "latin.js").read_text(encoding="utf-8")

# Every visible, enabled thing a finger may aim at, smaller than 44×44 CSS px. The outermost element with a
# pointer cursor counts too (Vant marks its clickable parts so). WCAG 2.5.8's inline exception: a link inside
# a sentence of a paragraph is sized by its line, so it is left out.
FIND_SMALL_TARGETS = (JS / "targets.js").read_text(encoding="utf-8")

RUN_AXE = (JS / "axe_run.js").read_text(encoding="utf-8")


def latin_words(page) -> list[dict]:
    """Every Latin word a person reads on the page now, outside the allow-list."""
    return page.evaluate(FIND_LATIN, sorted(ALLOWED_LATIN))


def small_targets(page) -> list[dict]:
    """Every visible interactive element under 44×44 CSS px (inline links in a sentence excepted)."""
    return page.evaluate(FIND_SMALL_TARGETS)


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page now (axe injected from node_modules)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(RUN_AXE)
