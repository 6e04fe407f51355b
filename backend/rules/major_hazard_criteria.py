"""令第10号 工贸企业重大事故隐患判定标准 (in force 2023-05-15) as data: every item, and who it applies to.

The texts and their sources are in ling10_items.py; `verified` says whether two published copies agree
(the gazette governs). Art.4–10 apply by the enterprise's industry, 3(三), 11, 12 and 13 by process flags.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .industries import INDUSTRY_OF_ARTICLE
from .ling10_items import ITEMS

SOURCE = "应急管理部令第10号《工贸企业重大事故隐患判定标准》(2023-05-15 施行)"


@dataclass(frozen=True)
class Criterion:
    """One item of the order, `<article>.<item>` (Art.14 has no items): the industry or flags selecting it."""

    id: str
    article: int
    item: int | None
    industry: str | None  # Art.4–10: the one industry (industries.py) whose enterprises it applies to
    text: str
    applies_when: frozenset[str] = frozenset()  # any of these process flags; empty: no flag needed
    major: bool = True
    verified: bool = False


# Articles chosen by process flags (domain.md): 3(三) metal smelting, 11 dust explosion, 12 liquid-ammonia
# refrigeration, 13 confined spaces with H₂S/CO poisoning risk. Art.4–10 are chosen by the industry
# (INDUSTRY_OF_ARTICLE); Art.3 and 14 apply to every enterprise.
FLAG_OF_ARTICLE: dict[int, frozenset[str]] = {
    11: frozenset({"dust_explosion"}),
    12: frozenset({"ammonia_refrigeration"}),
    13: frozenset({"confined_space_toxic"}),
}


def _item(
    number: str, text: str, verified: bool = False, applies_when: Iterable[str] | None = None
) -> Criterion:
    article, _, item = number.partition(".")
    flags = FLAG_OF_ARTICLE.get(int(article), frozenset())
    return Criterion(
        id=number,
        article=int(article),
        item=int(item) if item else None,
        industry=INDUSTRY_OF_ARTICLE.get(int(article)),
        text=text,
        applies_when=frozenset(applies_when) if applies_when is not None else flags,
        verified=verified,
    )


# Art.14 has no items: any monitoring, alarm or protection device the order relies on that has failed.
ARTICLE_14 = "本标准所列情形中直接关系生产安全的监控、报警、防护等设施、设备、装置失效或者无效"

CRITERIA: tuple[Criterion, ...] = (
    *(
        # Art.3(三) is the metal-smelting item of the management article.
        _item(number, text, verified, {"metal_smelting"} if number == "3.3" else None)
        for number, text, _sources, verified in ITEMS
    ),
    _item("14", ARTICLE_14),
)

CRITERIA_BY_ID: dict[str, Criterion] = {criterion.id: criterion for criterion in CRITERIA}


def applies_to(criterion: Criterion, industry: str | None, flags: Iterable[str]) -> bool:
    """Tell whether an item applies to an enterprise of this industry with these process flags."""
    if criterion.industry is not None and criterion.industry != industry:
        return False
    return not criterion.applies_when or bool(criterion.applies_when & set(flags))


def criteria_for(industry: str | None, flags: Iterable[str]) -> list[Criterion]:
    """Return the items that apply to an enterprise of this industry and flags, in article order."""
    held = set(flags)
    return [c for c in CRITERIA if applies_to(c, industry, held)]
