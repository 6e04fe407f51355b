"""令第10号 工贸企业重大事故隐患判定标准 (in force 2023-05-15) as data: articles, items, when they apply.

Texts are condensed for a checklist screen; the gazette's wording governs. `verified` is True only for items
checked against a published copy of the order; False items carry the substance as remembered and await
checking, and "待补充" placeholders keep the list complete in structure until a bureau fills them in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SOURCE = "应急管理部令第10号《工贸企业重大事故隐患判定标准》(2023-05-15 施行)"
PLACEHOLDER_TEXT = "待补充"


@dataclass(frozen=True)
class Criterion:
    """One item of the order: `<article>.<item>` (Art.14 has no items), the industry, the flags it needs."""

    id: str
    article: int
    item: int | None
    industry: str
    text: str
    applies_when: frozenset[str] = frozenset()  # any of these enterprise flags; empty: every enterprise
    major: bool = True
    verified: bool = False

    @property
    def placeholder(self) -> bool:
        """Tell whether the item is a structural placeholder without content yet."""
        return self.text == PLACEHOLDER_TEXT


# Article -> (industry key, flags that select it). Articles 6–10 name industries the enterprise profile has
# no flag for yet, so their items apply to nobody until such a flag exists.
ARTICLES: dict[int, tuple[str, frozenset[str]]] = {
    3: ("general", frozenset()),
    4: ("metallurgy", frozenset({"metal_smelting"})),
    5: ("nonferrous", frozenset({"nonferrous"})),
    6: ("building_materials", frozenset({"building_materials"})),
    7: ("machinery", frozenset({"machinery"})),
    8: ("light_industry", frozenset({"light_industry"})),
    9: ("textile", frozenset({"textile"})),
    10: ("tobacco", frozenset({"tobacco"})),
    11: ("dust_explosion", frozenset({"dust_explosion"})),
    12: ("ammonia_refrigeration", frozenset({"ammonia_refrigeration"})),
    13: ("confined_space", frozenset({"confined_space"})),
    14: ("general", frozenset()),
}


def _item(
    number: str, text: str, verified: bool = False, applies_when: Iterable[str] | None = None
) -> Criterion:
    article, _, item = number.partition(".")
    industry, flags = ARTICLES[int(article)]
    return Criterion(
        id=number,
        article=int(article),
        item=int(item) if item else None,
        industry=industry,
        text=text,
        applies_when=frozenset(applies_when) if applies_when is not None else flags,
        verified=verified,
    )


CRITERIA: tuple[Criterion, ...] = (
    # Art.3: every industry-and-trade enterprise.
    _item("3.1", "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查", True),
    _item("3.2", "特种作业人员未按规定经专门的安全作业培训并取得相应资格即上岗作业", True),
    _item(
        "3.3",
        "金属冶炼企业主要负责人、安全生产管理人员未按规定经考核合格",
        True,
        applies_when={"metal_smelting"},
    ),
    # Art.4: 冶金.
    _item(
        "4.1",
        "会议室、活动室、休息室、操作室、交接班室、更衣室（含澡堂）等人员聚集场所，或钢铁水罐冷（热）修工位，"
        "设在铁水、钢水、液渣吊运跨的地坪区域内",
        True,
    ),
    _item(
        "4.2",
        "生产期间冶炼、精炼、铸造区域的事故坑、炉下渣坑，及熔融金属泄漏喷溅影响范围内的炉前平台、炉基区域、"
        "厂房内吊运和地面运输通道等区域存在积水",
        True,
    ),
    _item(
        "4.3",
        "炼钢连铸流程未设事故钢水罐、中间罐漏钢坑（槽）、中间罐溢流坑（槽）、漏钢回转溜槽，"
        "或模铸流程未设事故钢水罐（坑、槽）",
        True,
    ),
    _item(
        "4.4",
        "转炉、电弧炉、AOD炉、LF炉、RH炉、VOD炉等炼钢炉水冷元件未设出水温度、进出水流量差等监测报警装置，"
        "或报警装置未与炉体倾动、氧（副）枪自动提升、电极自动断电和升起等联锁",
        True,
    ),
    _item(
        "4.5",
        "高炉炉顶工作压力设定值超过设计最高工作压力，或炉顶压力监测未与炉顶放散阀联锁，"
        "或联锁放散压力设定值超过设备设计压力",
    ),
    _item(
        "4.6",
        "煤气生产、回收净化、加压混合、储存、使用设施附近的人员聚集场所，以及可能发生煤气泄漏、积聚的场所和部位，"
        "未设固定式一氧化碳浓度监测报警装置，或监测数据未接入24小时有人值守场所",
    ),
    # Art.5–10: industries; content to be entered from the gazette.
    *(_item(f"{article}.1", PLACEHOLDER_TEXT) for article in range(5, 11)),
    # Art.11: 粉尘涉爆.
    _item(
        "11.1",
        "粉尘爆炸危险场所设在非框架结构的多层建（构）筑物内，或场所内设有员工宿舍、会议室、办公室、休息室等人员聚集场所",
    ),
    _item(
        "11.2",
        "不同类别可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，"
        "或不同建（构）筑物、不同防火分区共用一套除尘系统、除尘系统互联互通",
    ),
    _item("11.3", "干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施"),
    _item(
        "11.4",
        "铝镁等金属粉尘除尘系统采用正压除尘，或其他可燃性粉尘除尘系统正压吹送粉尘时未采取火花探测消除等防点燃源措施",
    ),
    _item("11.5", "除尘系统采用重力沉降室除尘，或采用干式巷道式构筑物作为除尘风道"),
    _item("11.6", "铝镁等金属粉尘、木质粉尘的干式除尘系统未设锁气卸灰装置"),
    _item("11.7", "除尘器、收尘仓等划为20区的粉尘爆炸危险场所电气设备不符合防爆要求"),
    _item(
        "11.8",
        "粉碎、研磨、造粒等易产生机械点燃源的设备前未设铁、石等杂物去除装置，"
        "或木制品加工企业与砂光机连接的风管未设火花探测消除装置",
    ),
    _item(
        "11.9",
        "遇湿自燃金属粉尘收集、堆放、储存场所未采取通风等防止氢气积聚措施，或干式收集、堆放、储存场所未防水防潮",
    ),
    _item("11.10", "未落实粉尘清理制度，作业现场积尘严重"),
    # Art.12: 涉氨制冷.
    _item("12.1", "包装、分割、产品整理场所的空调系统采用氨直接蒸发制冷"),
    _item("12.2", "快速冻结装置未设在单独的作业间内，或其作业间内作业人员超过9人"),
    # Art.13: 有限空间 (硫化氢、一氧化碳等中毒风险).
    _item("13.1", "未对有限空间进行辨识、建立安全管理台账，并且未设置明显的安全警示标志"),
    _item(
        "13.2",
        "未落实有限空间作业审批，或作业未执行“先通风、再检测、后作业”，或作业现场未设监护人员",
    ),
    # Art.14: any device the order relies on.
    _item("14", "本标准所列情形中直接关系生产安全的监控、报警、防护等设施、设备、装置失效或者无效"),
)

CRITERIA_BY_ID: dict[str, Criterion] = {criterion.id: criterion for criterion in CRITERIA}


def applies_to(criterion: Criterion, flags: Iterable[str]) -> bool:
    """Tell whether an item applies to an enterprise with these profile flags."""
    return not criterion.applies_when or bool(criterion.applies_when & set(flags))


def criteria_for(flags: Iterable[str]) -> list[Criterion]:
    """Return the items with content that apply to an enterprise with these flags, in article order."""
    held = set(flags)
    return [c for c in CRITERIA if not c.placeholder and applies_to(c, held)]
