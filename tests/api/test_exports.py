"""Ledger exports: xlsx with Chinese headers, Shanghai times, each enterprise's own, the bureau's all."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from ..api_client import Device

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADERS = {
    "hazards": ["企业", "隐患名称", "隐患描述", "地点", "类别", "等级", "判定依据", "来源", "状态", "报告人"],
    "drills": [
        "企业",
        "演练类型",
        "演练场景",
        "计划日期",
        "状态",
        "开始时间",
        "结束时间",
        "应到人数",
        "实到人数",
    ],
    "trainings": [
        "企业",
        "培训主题",
        "培训类型",
        "授课人",
        "学时",
        "培训时间",
        "地点",
        "状态",
        "姓名",
        "用工类型",
    ],
    "special_operations": ["企业", "姓名", "用工类型", "作业类别", "证书编号", "发证日期", "复审日期"],
}


def applied(outcome: dict) -> dict:
    assert outcome["status"] == "applied", outcome
    return outcome


def export(device: Device, ledger: str, expect: int = 200, **query):
    answer = device.client.get(f"/api/v1/exports/{ledger}.xlsx", query_string=query, headers=device.headers)
    assert answer.status_code == expect, answer.get_data(as_text=True)[:300]
    return answer


def sheet_of(answer) -> tuple[list, list[dict]]:
    """Return the title rows and the data rows as {header: value}."""
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = rows[2]
    return rows[:2], [dict(zip(headers, row, strict=True)) for row in rows[3:]]


def shanghai(text: str) -> datetime:
    """Return an RFC 3339 time as the naive Shanghai minute a cell shows."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(SHANGHAI)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


@pytest.fixture
def site(client, people):
    return {name: Device(client, name) for name in ("officer-a", "worker-a1", "officer-b", "bureau")}


def report(device: Device, title: str) -> dict:
    command = device.command(
        "hazard.report", title=title, description="描述", location="车间", severity="general", photos=[]
    )
    captured = (datetime.now(UTC) - timedelta(hours=5)).isoformat(timespec="milliseconds")
    command["captured_at"] = captured.replace("+00:00", "Z")
    applied(device.push(command)["outcomes"][-1])
    return command


@pytest.mark.parametrize("ledger", sorted(HEADERS))
def test_every_ledger_has_a_title_row_an_export_time_and_chinese_headers(site, ledger):
    answer = export(site["officer-a"], ledger)
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    (title, info), _ = sheet_of(answer)
    assert title[0].startswith("交城县示范钢铁有限公司 ")
    assert info[0].startswith("导出时间：") and "北京时间" in info[0]
    headers = list(
        load_workbook(io.BytesIO(answer.data)).active.iter_rows(min_row=3, max_row=3, values_only=True)
    )[0]
    assert list(headers[: len(HEADERS[ledger])]) == HEADERS[ledger]


def test_the_file_is_named_in_chinese_with_an_ascii_fallback(site):
    disposition = export(site["officer-a"], "hazards").headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="ledger-')
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.startswith("隐患排查治理台账-交城县示范钢铁有限公司-") and name.endswith(".xlsx")


def test_the_hazard_ledger_lists_hazards_with_times_in_shanghai(site):
    command = report(site["worker-a1"], "皮带机防护罩缺失")
    _, rows = sheet_of(export(site["officer-a"], "hazards"))
    [row] = rows
    assert row["企业"] == "交城县示范钢铁有限公司" and row["隐患名称"] == "皮带机防护罩缺失"
    assert row["等级"] == "一般隐患" and row["状态"] == "已上报" and row["报告人"] == "张师傅（炼钢一班）"
    assert row["发现时间"] == shanghai(command["captured_at"])


def test_the_hazard_ledger_marks_a_cited_item_read_in_one_copy_only(site):
    worker = site["worker-a1"]
    for criterion in ("4.1", "4.5"):  # 4.1: two published copies agree; 4.5: one copy (待核实)
        command = worker.command(
            "hazard.report",
            title=f"条款{criterion}",
            location="车间",
            severity="major",
            criterion=criterion,
            photos=[],
            description="",
        )
        applied(worker.push(command)["outcomes"][-1])
    _, rows = sheet_of(export(site["officer-a"], "hazards"))
    cited = {row["隐患名称"]: row["判定依据"] for row in rows}
    assert cited == {"条款4.1": "4.1", "条款4.5": "4.5（待核实）"}


def test_the_drill_ledger_shows_the_roll_call_and_evaluation(site, people):
    officer = site["officer-a"]
    drill = applied(
        officer.do(
            "drill.plan",
            type="evacuation",
            scenario="转炉喷溅疏散",
            planned_on=date.today().isoformat(),
            expected_ids=[people["worker-a1"], people["worker-a2"]],
        )
    )["entity_id"]
    applied(officer.do("drill.start", drill))
    applied(officer.do("drill.check_in", drill, user_id=people["worker-a1"], method="tick"))
    applied(officer.do("drill.end", drill))
    applied(officer.do("drill.evaluate", drill, problems="集合点指引不清", improvements="增设指示牌"))
    _, rows = sheet_of(export(officer, "drills"))
    [row] = rows
    assert row["演练类型"] == "疏散逃生演练" and row["状态"] == "已评估"
    assert row["应到人数"] == 2 and row["实到人数"] == 1 and row["未到人员"] == "刘师傅（维修班）"
    assert row["发现问题"] == "集合点指引不清" and isinstance(row["开始时间"], datetime)


def test_the_training_ledger_has_one_row_per_attendee_with_the_latest_score(site, people):
    officer = site["officer-a"]
    held_at = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    session = applied(
        officer.do(
            "training.schedule",
            kind="general",
            topic="煤气安全",
            trainer="李安全",
            hours=4,
            scheduled_at=held_at.isoformat().replace("+00:00", "Z"),
        )
    )["entity_id"]
    for user, scores in (("worker-a1", (60, 85)), ("contractor-a", (50,))):
        applied(officer.do("training.tick", session, user_id=people[user]))
        for score in scores:
            applied(officer.do("training.score", session, user_id=people[user], score=score))
    _, rows = sheet_of(export(officer, "trainings"))
    by_name = {row["姓名"]: row for row in rows}
    assert set(by_name) == {"张师傅（炼钢一班）", "赵师傅（劳务派遣）"}
    first = by_name["张师傅（炼钢一班）"]
    assert (first["成绩"], first["是否合格"], first["考试次数"]) == (85, "是", 2)
    assert by_name["赵师傅（劳务派遣）"]["培训时间"] == datetime(2026, 11, 20, 9, 30)


def test_the_special_operations_ledger_lists_each_certificate_with_its_state(site, people):
    officer = site["officer-a"]
    applied(
        officer.do(
            "certificate.record",
            user_id=people["worker-a2"],
            operation="电工作业",
            number="T110101199001011234",
            issued_on="2025-03-01",
        )
    )
    _, rows = sheet_of(export(officer, "special_operations"))
    [row] = rows
    assert row["姓名"] == "刘师傅（维修班）" and row["证书编号"] == "T110101199001011234"
    assert row["发证日期"] == datetime(2025, 3, 1) and row["有效期至"] == datetime(2031, 3, 1)
    assert row["复审日期"] == datetime(2028, 3, 1) and row["状态"] == "有效"


def test_the_bureau_exports_every_enterprise_or_the_one_it_names(site, people):
    report(site["worker-a1"], "A的隐患")
    report(Device(site["officer-b"].client, "worker-b1"), "B的隐患")
    (title, _), rows = sheet_of(export(site["bureau"], "hazards"))
    assert title[0].startswith("全部企业")
    assert {row["隐患名称"] for row in rows} == {"A的隐患", "B的隐患"}
    _, rows = sheet_of(export(site["bureau"], "hazards", enterprise_id=people["B"]))
    assert [row["隐患名称"] for row in rows] == ["B的隐患"]


def test_managers_export_only_their_own_enterprise(site, people):
    report(site["worker-a1"], "A的隐患")
    assert (
        export(site["officer-b"], "hazards", 404, enterprise_id=people["A"]).get_json()["code"] == "not_found"
    )
    _, rows = sheet_of(export(site["officer-b"], "hazards", enterprise_id=people["B"]))
    assert rows == []


def test_a_worker_may_not_export(site):
    assert export(site["worker-a1"], "hazards", 403).get_json()["code"] == "forbidden"


def test_an_unknown_ledger_or_enterprise_is_not_found(site):
    assert export(site["officer-a"], "payroll", 404).get_json()["code"] == "not_found"
    assert export(site["bureau"], "drills", 404, enterprise_id="nope").get_json()["code"] == "not_found"


def test_an_export_needs_a_token(client):
    assert client.get("/api/v1/exports/hazards.xlsx").status_code == 401
