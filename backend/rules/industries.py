"""The industries of 令第10号 Art.2: an enterprise has one; it selects that industry's article (Art.4–10)."""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "应急管理部令第10号 Art.2, 4–10; 应急厅〔2019〕17号; GB/T 4754"


@dataclass(frozen=True)
class Industry:
    """One industry: its key on the wire, its names, and the article of 令第10号 that lists its items."""

    key: str
    label_zh: str
    label_en: str
    article: int | None  # None: 商贸 has no industry article; the management and special items still apply


INDUSTRIES: tuple[Industry, ...] = (
    Industry("metallurgy", "冶金", "Metallurgy", 4),  # GB/T 4754 大类 31
    Industry("nonferrous", "有色", "Nonferrous metals", 5),  # 大类 32
    Industry("building_materials", "建材", "Building materials", 6),  # 大类 30
    Industry("machinery", "机械", "Machinery", 7),  # 大类 33–40
    Industry("light_industry", "轻工", "Light industry", 8),
    Industry("textile", "纺织", "Textiles", 9),
    Industry("tobacco", "烟草", "Tobacco", 10),
    Industry("commerce", "商贸", "Commerce and trade", None),
)

INDUSTRY_KEYS: tuple[str, ...] = tuple(industry.key for industry in INDUSTRIES)
# Article of 令第10号 → the industry whose enterprises it applies to.
INDUSTRY_OF_ARTICLE: dict[int, str] = {i.article: i.key for i in INDUSTRIES if i.article is not None}
