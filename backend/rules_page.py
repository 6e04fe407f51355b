"""The rules in force at /rules, for anyone to read: criteria by industry and flag, cadences, sources."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Flask, render_template, send_from_directory

from .rules import certificates
from .rules.cadence_table import DEADLINE_RULES, INTERVAL_RULES
from .rules.industries import INDUSTRIES
from .rules.ling10_items import ITEM_COUNTS, ITEMS, SOURCES
from .rules.major_hazard_criteria import ARTICLE_14, FLAG_OF_ARTICLE
from .rules.major_hazard_criteria import SOURCE as LING10
from .rules.roles import FLAG_LABELS_ZH
from .rules.training_requirements import HOURS_RULES

STATIC = Path(__file__).resolve().parent / "rules_page_static"
NUMERALS = "〇一二三四五六七八九十"
WHO_ZH = {"enterprise": "企业", "principal": "主要负责人", "bureau": "应急管理部门"}

blp = Blueprint("rules_page", __name__)

ARTICLE = re.compile(r"Art\.(\d+(?:[–-]\d+)?(?:,\s*\d+)*)(?:¶(\d+(?:[–-]\d+)?))?")
NOTICE_SECTION = re.compile(r"notice §\(([^)]+)\)")


def source_zh(source: str) -> str:
    """Write a source the Chinese way: "Art.33¶1–2; notice §(七)" → "第33条第1–2款；通知第（七）项"."""

    def article(match: re.Match) -> str:
        numbers = "、".join(n.strip() for n in match.group(1).split(","))
        return f"第{numbers}条" + (f"第{match.group(2)}款" if match.group(2) else "")

    text = NOTICE_SECTION.sub(r"通知第（\1）项", source)
    return ARTICLE.sub(article, text).replace("; ", "；")


def source_parts(text: str) -> list[tuple[str, str]]:
    """Split a source note at its `…` marks: ("text", …), ("link", an address) or ("code", a file name)."""
    parts = []
    for index, part in enumerate(text.split("`")):
        if index % 2 == 0:
            parts.append(("text", part))
        else:
            parts.append(("link" if part.startswith("http") else "code", part))
    return [(kind, part) for kind, part in parts if part]


def numbered_sources() -> tuple[dict[str, int], list[tuple[int, list[tuple[str, str]]]]]:
    """Number the sources 1, 2, 3… (a reader sees no letters); return key → number and the numbered notes."""
    number = {key: index for index, key in enumerate(SOURCES, start=1)}
    return number, [(number[key], source_parts(text)) for key, text in SOURCES.items()]


def chinese_number(n: int) -> str:
    """Write 1–99 as the order numbers its articles and items: 五, 十三."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else NUMERALS[tens]) + "十" if tens else "") + (NUMERALS[ones] if ones else "")


def articles() -> list[dict]:
    """Return Art.3–13 with their items, and what selects each article."""
    source_number, _ = numbered_sources()
    by_article: dict[int, list[dict]] = {}
    for number, text, sources, verified in ITEMS:
        article, item = (int(part) for part in number.split("."))
        by_article.setdefault(article, []).append(
            {
                "number": chinese_number(item),
                "text": text,
                "sources": [str(source_number[key]) for key in sources.split()],
                "verified": verified,
            }
        )
    industry_of = {i.article: i.label_zh for i in INDUSTRIES if i.article}
    found = []
    for article, items in sorted(by_article.items()):
        if article in industry_of:
            applies = f"行业为“{industry_of[article]}”的企业"
        elif article in FLAG_OF_ARTICLE:
            applies = "、".join(f"“{FLAG_LABELS_ZH[f]}”" for f in sorted(FLAG_OF_ARTICLE[article])) + "的企业"
        else:
            applies = "所有工贸企业（第三项仅金属冶炼企业）"
        found.append(
            {
                "number": chinese_number(article),
                "applies": applies,
                "entries": items,
                "count": ITEM_COUNTS[article],
            }
        )
    return found


def cadences() -> list[dict]:
    """Return the interval and deadline rules with their flag overrides, in Chinese."""
    rows = []
    for rule in INTERVAL_RULES:
        shorter = [
            ("、".join(FLAG_LABELS_ZH[f] for f in sorted(o.any_of)), o.interval_months)
            for o in rule.overrides
        ]
        applies = "、".join(FLAG_LABELS_ZH[f] for f in sorted(rule.applies_when)) or "所有企业"
        rows.append(
            {
                "label": rule.label_zh,
                "every": f"每 {rule.interval_months} 个月",
                "overrides": [f"{flags}：每 {months} 个月" for flags, months in shorter],
                "applies": applies,
                "who": "、".join(WHO_ZH[w] for w in rule.who),
                "source": source_zh(rule.source),
                "verified": rule.verified,
            }
        )
    for rule in DEADLINE_RULES:
        period = "每季度" if rule.period_months == 3 else "每年"
        rows.append(
            {
                "label": rule.label_zh,
                "every": f"{period}，期满次月 {rule.deadline_day} 日前",
                "overrides": [],
                "applies": "所有企业",
                "who": "、".join(WHO_ZH[w] for w in rule.who),
                "source": source_zh(rule.source),
                "verified": rule.verified,
            }
        )
    return rows


@blp.route("/rules")
def rules():
    """Render the page (no script, one stylesheet of our own: the app's content security policy holds)."""
    return render_template(
        "rules.html",
        ling10=LING10,
        articles=articles(),
        article_14=ARTICLE_14,
        sources=numbered_sources()[1],
        industries=[(i.label_zh, chinese_number(i.article) if i.article else None) for i in INDUSTRIES],
        flags=FLAG_LABELS_ZH,
        cadences=cadences(),
        hours=[{"rule": h, "source": source_zh(h.source)} for h in HOURS_RULES],
        certificates=certificates,
        certificates_source=source_zh(certificates.SOURCE),
    )


@blp.route("/rules/rules.css")
def stylesheet():
    """Serve the page's stylesheet."""
    return send_from_directory(STATIC, "rules.css", max_age=3600)


def init_rules_page(app: Flask) -> None:
    """Register /rules before the PWA's catch-all route."""
    app.register_blueprint(blp)
