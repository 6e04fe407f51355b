"""令第10号 Art.3–13 item by item (all 64), with where each text was read; the gazette governs.

The official printing (国务院公报 2023年第19号; the ministry's page in SOURCES["R"]) could not be reached from
here. `verified` is True where two independent published copies agree word for word; False where one copy
was found (shown to inspectors as 待核实 until someone compares it with the gazette). Research notes:
issue 9, session 6. Texts are as published, without the leading (一) and the closing 的；.
"""

from __future__ import annotations

# Where each text was read, in Chinese for the public /rules page; `…` marks what is not language (addresses,
# file names), shown as code and never translated.
SOURCES: dict[str, str] = {
    "R": (
        "开源资料库 `An-0726/safety-basis` 的 `knowledge/clauses/C_PDDB_<条>.json`："
        "逐条全文引用应急管理部网页 "
        "`https://www.mem.gov.cn/gk/zfxxgkpt/fdzdgknr/gz11/202305/t20230523_451578.shtml`"
    ),
    "A": (
        "2023-06-01 报纸第 4 版（应急与安全），镜像 "
        "`http://anzhuopai.com/szb/pc/col/202306/01/content_202904.html` 和 "
        "`http://loushibaike.cn/szb/pc/col/202306/01/content_202904.html`"
    ),
    "C": "2023-06-22 报纸第 4 版，镜像 `http://boglecoveoysterhouse.net/szb/pc/col/202306/22/content_204908.html`",
    "D": "网页 `http://www.hftpay.net/news/show/229.html`",
    "E": "网页 `http://www.czlst.com.cn/jddz888-News-494241`",
    "F": "培训网站 `http://www.ynjnrc.com/show.asp?id=7944`（2023-05-16）",
    "L": "无地址的存档网页《铝加工企业重大事故隐患判定》（繁体，已转回简体）",
    "K": "厂商网页 `http://karatebcn.com/new/822.html`（仅为转述）",
}

# Items per article as the order numbers them: 3 management, 47 industry (Art.4–10), 14 special (Art.11–13).
ITEM_COUNTS: dict[int, int] = {3: 3, 4: 8, 5: 13, 6: 8, 7: 7, 8: 7, 9: 2, 10: 2, 11: 10, 12: 2, 13: 2}

# (article.item, text, source keys, verified)
ITEMS: tuple[tuple[str, str, str, bool], ...] = (
    (
        "3.1",
        "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查",
        "R A D",
        True,
    ),
    (
        "3.2",
        "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
        "R A D",
        True,
    ),
    (
        "3.3",
        "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格",
        "R A D",
        True,
    ),
    # 4.1: Punctuation normalised: the repo copy has a half-width comma here; the other characters are as
    # quoted.
    (
        "4.1",
        "会议室、活动室、休息室、操作室、交接班室、更衣室（含澡堂）等6类人员聚集场所，以及钢铁水罐冷（热）修工位设置在铁水、钢水、液渣吊运跨的地坪区域内",
        "R A",
        True,
    ),
    (
        "4.2",
        "生产期间冶炼、精炼和铸造生产区域的事故坑、炉下渣坑，以及熔融金属泄漏和喷溅影响范围内的炉前平台、炉基区域、厂房内吊运和地面运输通道等6类区域存在积水",
        "R A",
        True,
    ),
    (
        "4.3",
        "炼钢连铸流程未设置事故钢水罐、中间罐漏钢坑（槽）、中间罐溢流坑（槽）、漏钢回转溜槽，或者模铸流程未设置事故钢水罐（坑、槽）",
        "R A",
        True,
    ),
    # 4.4: Full text from one copy only; the newspaper copy [A] agrees up to '…电极自动断电和升' and is cut
    # off
    # there.
    (
        "4.4",
        "转炉、电弧炉、AOD炉、LF炉、RH炉、VOD炉等炼钢炉的水冷元件未设置出水温度、进出水流量差等监测报警装置，或者监测报警装置未与炉体倾动、氧（副）枪自动提升、电极自动断电和升起装置联锁",
        "R A",
        False,
    ),
    (
        "4.5",
        "高炉生产期间炉顶工作压力设定值超过设计文件规定的最高工作压力，或者炉顶工作压力监测装置未与炉顶放散阀联锁，或者炉顶放散阀的联锁放散压力设定值超过设备设计压力值",
        "R",
        False,
    ),
    (
        "4.6",
        "煤气生产、回收净化、加压混合、储存、使用设施附近的会议室、活动室、休息室、操作室、交接班室、更衣室"
        "等6类人员聚集场所，以及可能发生煤气泄漏、积聚的场所和部位未设置固定式一氧化碳浓度监测报警装置，或"
        "者监测数据未接入24小时有人值守场所",
        "R",
        False,
    ),
    (
        "4.7",
        "加热炉、煤气柜、除尘器、加压机、烘烤器等设施，以及进入车间前的煤气管道未安装隔断装置",
        "R",
        False,
    ),
    (
        "4.8",
        "正压煤气输配管线水封式排水器的最高封堵煤气压力小于30kPa，或者同一煤气管道隔断装置的两侧共用一个排水器，或者不同煤气管道排水器上部的排水管连通，或者不同介质的煤气管道共用一个排水器",
        "R",
        False,
    ),
    (
        "5.1",
        "会议室、活动室、休息室、操作室、交接班室、更衣室（含澡堂）等6类人员聚集场所设置在熔融金属吊运跨的地坪区域内",
        "R",
        False,
    ),
    (
        "5.2",
        "生产期间冶炼、精炼、铸造生产区域的事故坑、炉下渣坑，以及熔融金属泄漏、喷溅影响范围内的炉前平台、炉基区域、厂房内吊运和地面运输通道等6类区域存在非生产性积水",
        "R",
        False,
    ),
    (
        "5.3",
        "熔融金属铸造环节未设置紧急排放和应急储存设施的（倾动式熔炼炉、倾动式保温炉、倾动式熔保一体炉、带保温炉的固定式熔炼炉除外）",
        "R",
        False,
    ),
    # 5.4: Second copy is the unaddressed page's item (一); identical after traditional->simplified
    # conversion and removal of inserted pinyin, punctuation width aside.
    (
        "5.4",
        "采用水冷冷却的冶炼炉窑、铸造机（铝加工深井铸造工艺的结晶器除外）、加热炉未设置应急水源",
        "R L",
        True,
    ),
    # 5.5: Second copy is the unaddressed page's item (二); identical after traditional->simplified
    # conversion and removal of inserted pinyin, punctuation width aside.
    (
        "5.5",
        "熔融金属冶炼炉窑的闭路循环水冷元件未设置出水温度、进出水流量差监测报警装置，或者开路水冷元件未设置进水流量、压力监测报警装置，或者未监测开路水冷元件出水温度",
        "R L",
        True,
    ),
    # 5.6: Second copy is the unaddressed page's item (三); identical after traditional->simplified
    # conversion and removal of inserted pinyin, punctuation width aside.
    (
        "5.6",
        "铝加工深井铸造工艺的结晶器冷却水系统未设置进水压力、进水流量监测报警装置，或者监测报警装置未与快速切断阀、紧急排放阀、流槽断开装置联锁，或者监测报警装置未与倾动式浇铸炉控制系统联锁",
        "R L",
        True,
    ),
    # 5.7: Second copy is the unaddressed page's item (四); identical after traditional->simplified
    # conversion and removal of inserted pinyin, punctuation width aside.
    (
        "5.7",
        "铝加工深井铸造工艺的浇铸炉铝液出口流槽、流槽与模盘（分配流槽）入口连接处未设置液位监测报警装置，或者固定式浇铸炉的铝液出口未设置机械锁紧装置",
        "R L",
        True,
    ),
    # 5.8: Second copy is the unaddressed page's item (五); identical after traditional->simplified
    # conversion and removal of inserted pinyin, punctuation width aside.
    (
        "5.8",
        "铝加工深井铸造工艺的固定式浇铸炉的铝液流槽未设置紧急排放阀，或者流槽与模盘（分配流槽）入口连接处未"
        "设置快速切断阀（断开装置），或者流槽与模盘（分配流槽）入口连接处的液位监测报警装置未与快速切断阀（"
        "断开装置）、紧急排放阀联锁",
        "R L",
        True,
    ),
    # 5.9: Second copy is the unaddressed page's item (六); identical after traditional->simplified
    # conversion and removal of inserted pinyin, punctuation width aside.
    (
        "5.9",
        "铝加工深井铸造工艺的倾动式浇铸炉流槽与模盘（分配流槽）入口连接处未设置快速切断阀（断开装置），或者"
        "流槽与模盘（分配流槽）入口连接处的液位监测报警装置未与浇铸炉倾动控制系统、快速切断阀（断开装置）联"
        "锁",
        "R L",
        True,
    ),
    # 5.10: Second copy is the unaddressed page's item (七); identical after traditional->simplified
    # conversion and removal of inserted pinyin, punctuation width aside.
    (
        "5.10",
        "铝加工深井铸造机钢丝卷扬系统选用非钢芯钢丝绳，或者未落实钢丝绳定期检查、更换制度",
        "R L",
        True,
    ),
    (
        "5.11",
        "可能发生一氧化碳、砷化氢、氯气、硫化氢等4种有毒气体泄漏、积聚的场所和部位未设置固定式气体浓度监测"
        "报警装置，或者监测数据未接入24小时有人值守场所，或者未对可能有砷化氢气体的场所和部位采取同等效果"
        "的检测措施",
        "R",
        False,
    ),
    (
        "5.12",
        "使用煤气（天然气）并强制送风的燃烧装置的燃气总管未设置压力监测报警装置，或者监测报警装置未与紧急自动切断装置联锁",
        "R",
        False,
    ),
    (
        "5.13",
        "正压煤气输配管线水封式排水器的最高封堵煤气压力小于30kPa，或者同一煤气管道隔断装置的两侧共用一个排水器，或者不同煤气管道排水器上部的排水管连通，或者不同介质的煤气管道共用一个排水器",
        "R",
        False,
    ),
    (
        "6.1",
        "煤磨袋式收尘器、煤粉仓未设置温度和固定式一氧化碳浓度监测报警装置，或者未设置气体灭火装置",
        "R C",
        True,
    ),
    (
        "6.2",
        "筒型储库人工清库作业未落实清库方案中防止高处坠落、坍塌等安全措施",
        "R C",
        True,
    ),
    (
        "6.3",
        "水泥企业电石渣原料筒型储库未设置固定式可燃气体浓度监测报警装置，或者监测报警装置未与事故通风装置联锁",
        "R C",
        True,
    ),
    (
        "6.4",
        "进入筒型储库、焙烧窑、预热器旋风筒、分解炉、竖炉、篦冷机、磨机、破碎机前，未对可能意外启动的设备和涌入的物料、高温气体、有毒有害气体等采取隔离措施，或者未落实防止高处坠落、坍塌等安全措施",
        "R C",
        True,
    ),
    (
        "6.5",
        "采用预混燃烧方式的燃气窑炉（热发生炉煤气窑炉除外）的燃气总管未设置管道压力监测报警装置，或者监测报警装置未与紧急自动切断装置联锁",
        "R C",
        True,
    ),
    (
        "6.6",
        "制氢站、氮氢保护气体配气间、燃气配气间等3类场所未设置固定式可燃气体浓度监测报警装置",
        "R C",
        True,
    ),
    (
        "6.7",
        "电熔制品电炉的水冷设备失效",
        "R C",
        True,
    ),
    (
        "6.8",
        "玻璃窑炉、玻璃锡槽等设备未设置水冷和风冷保护系统的监测报警装置",
        "R C",
        True,
    ),
    (
        "7.1",
        "会议室、活动室、休息室、更衣室、交接班室等5类人员聚集场所设置在熔融金属吊运跨或者浇注跨的地坪区域内",
        "R C",
        True,
    ),
    (
        "7.2",
        "铸造用熔炼炉、精炼炉、保温炉未设置紧急排放和应急储存设施",
        "R C",
        True,
    ),
    (
        "7.3",
        "生产期间铸造用熔炼炉、精炼炉、保温炉的炉底、炉坑和事故坑，以及熔融金属泄漏、喷溅影响范围内的炉前平台、炉基区域、造型地坑、浇注作业坑和熔融金属转运通道等8类区域存在积水",
        "R",
        False,
    ),
    (
        "7.4",
        "铸造用熔炼炉、精炼炉、压铸机、氧枪的冷却水系统未设置出水温度、进出水流量差监测报警装置，或者监测报警装置未与熔融金属加热、输送控制系统联锁",
        "R",
        False,
    ),
    (
        "7.5",
        "使用煤气（天然气）的燃烧装置的燃气总管未设置管道压力监测报警装置，或者监测报警装置未与紧急自动切断装置联锁，或者燃烧装置未设置火焰监测和熄火保护系统",
        "R",
        False,
    ),
    (
        "7.6",
        "使用可燃性有机溶剂清洗设备设施、工装器具、地面时，未采取防止可燃气体在周边密闭或者半密闭空间内积聚措施",
        "R",
        False,
    ),
    (
        "7.7",
        "使用非水性漆的调漆间、喷漆室未设置固定式可燃气体浓度监测报警装置或者通风设施",
        "R",
        False,
    ),
    (
        "8.1",
        "食品制造企业烘制、油炸设备未设置防过热自动切断装置",
        "R",
        False,
    ),
    (
        "8.2",
        "白酒勾兑、灌装场所和酒库未设置固定式乙醇蒸气浓度监测报警装置，或者监测报警装置未与通风设施联锁",
        "R",
        False,
    ),
    (
        "8.3",
        "纸浆制造、造纸企业使用蒸气、明火直接加热钢瓶汽化液氯",
        "R",
        False,
    ),
    (
        "8.4",
        "日用玻璃、陶瓷制造企业采用预混燃烧方式的燃气窑炉（热发生炉煤气窑炉除外）的燃气总管未设置管道压力监测报警装置，或者监测报警装置未与紧急自动切断装置联锁",
        "R",
        False,
    ),
    (
        "8.5",
        "日用玻璃制造企业玻璃窑炉的冷却保护系统未设置监测报警装置",
        "R",
        False,
    ),
    (
        "8.6",
        "使用非水性漆的调漆间、喷漆室未设置固定式可燃气体浓度监测报警装置或者通风设施",
        "R",
        False,
    ),
    (
        "8.7",
        "锂离子电池储存仓库未对故障电池采取有效物理隔离措施",
        "R",
        False,
    ),
    (
        "9.1",
        "纱、线、织物加工的烧毛、开幅、烘干等热定型工艺的汽化室、燃气贮罐、储油罐、热媒炉，未与生产加工等人员聚集场所隔开或者单独设置",
        "R",
        False,
    ),
    (
        "9.2",
        "保险粉、双氧水、次氯酸钠、亚氯酸钠、雕白粉（吊白块）与禁忌物料混合储存，或者保险粉储存场所未采取防水防潮措施",
        "R",
        False,
    ),
    # 10.1: [F] is a training-site reproduction with commentary (secondary).
    (
        "10.1",
        "熏蒸作业场所未配备磷化氢气体浓度监测报警仪器，或者未配备防毒面具，或者熏蒸杀虫作业前未确认无关人员全部撤离熏蒸作业场所",
        "R F",
        True,
    ),
    # 10.2: [F] is a training-site reproduction with commentary (secondary).
    (
        "10.2",
        "使用液态二氧化碳制造膨胀烟丝的生产线和场所未设置固定式二氧化碳浓度监测报警装置，或者监测报警装置未与事故通风设施联锁",
        "R F",
        True,
    ),
    # 11.1: Punctuation normalised: the repo copy has a half-width pair of parentheses here; the other
    # characters are as quoted.
    (
        "11.1",
        "粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、会议室、办公室、休息室等人员聚集场所",
        "R E",
        True,
    ),
    (
        "11.2",
        "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，或者不同建（构）筑物、不同防火分区共用一套除尘系统、除尘系统互联互通",
        "R E",
        True,
    ),
    (
        "11.3",
        "干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施",
        "R E",
        True,
    ),
    (
        "11.4",
        "铝镁等金属粉尘除尘系统采用正压除尘方式，或者其他可燃性粉尘除尘系统采用正压吹送粉尘时，未采取火花探测消除等防范点燃源措施",
        "R E",
        True,
    ),
    (
        "11.5",
        "除尘系统采用重力沉降室除尘，或者采用干式巷道式构筑物作为除尘风道",
        "R E",
        True,
    ),
    # 11.6: A vendor page title repeats this item almost verbatim but without the 顿号 between 金属粉尘 and
    # 木质粉尘
    # (treated as paraphrase, not a second copy).
    (
        "11.6",
        "铝镁等金属粉尘、木质粉尘的干式除尘系统未设置锁气卸灰装置",
        "R K",
        False,
    ),
    (
        "11.7",
        "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备不符合防爆要求",
        "R",
        False,
    ),
    (
        "11.8",
        "粉碎、研磨、造粒等易产生机械点燃源的工艺设备前，未设置铁、石等杂物去除装置，或者木制品加工企业与砂光机连接的风管未设置火花探测消除装置",
        "R",
        False,
    ),
    (
        "11.9",
        "遇湿自燃金属粉尘收集、堆放、储存场所未采取通风等防止氢气积聚措施，或者干式收集、堆放、储存场所未采取防水、防潮措施",
        "R",
        False,
    ),
    # 11.10: https://www.aqrzj.com/doc/370471.html paraphrases it ('未落实粉尘清理制度…积尘严重'); not count
    # ed.
    (
        "11.10",
        "未落实粉尘清理制度，造成作业现场积尘严重",
        "R",
        False,
    ),
    (
        "12.1",
        "包装、分割、产品整理场所的空调系统采用氨直接蒸发制冷",
        "R D",
        True,
    ),
    (
        "12.2",
        "快速冻结装置未设置在单独的作业间内，或者快速冻结装置作业间内作业人员数量超过9人",
        "R D",
        True,
    ),
    (
        "13.1",
        "未对有限空间进行辨识、建立安全管理台账，并且未设置明显的安全警示标志",
        "R D",
        True,
    ),
    # 13.2: Full text from one copy only; [D] agrees up to '未落实有限空间作业审批，或者未' and is cut off
    # there.
    (
        "13.2",
        "未落实有限空间作业审批，或者未执行“先通风、再检测、后作业”要求，或者作业现场未设置监护人员",
        "R D",
        False,
    ),
)
