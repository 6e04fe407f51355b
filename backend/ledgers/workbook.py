"""Builds a ledger workbook: a title row, the export time, Chinese headers, one row per record."""

from __future__ import annotations

import io
from datetime import date, datetime
from types import ModuleType

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sync.text_hygiene import scrubbed

from ..models import Enterprise
from .cells import DATE_FORMAT, TIME_FORMAT, People, local_time

ENTERPRISE_COLUMN = ("企业", 28)
ALL_ENTERPRISES = "全部企业"
TITLE_ROW, INFO_ROW, HEADER_ROW = 1, 2, 3
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def title_of(ledger: ModuleType, enterprises: list[Enterprise], whole_county: bool) -> str:
    """Return the sheet title: the ledger and whose it is."""
    owner = ALL_ENTERPRISES if whole_county else "、".join(e.name for e in enterprises)
    return f"{owner} {ledger.TITLE}"


def build(
    session, ledger: ModuleType, enterprises: list[Enterprise], exported_at: datetime, whole_county: bool
) -> bytes:
    """Return the xlsx bytes of one ledger over the given enterprises (one sheet, an 企业 column)."""
    book = Workbook()
    sheet = book.active
    sheet.title = ledger.TITLE
    columns = (ENTERPRISE_COLUMN, *ledger.COLUMNS)
    title = scrubbed(title_of(ledger, enterprises, whole_county))
    sheet.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=14)
    sheet.cell(INFO_ROW, 1, f"导出时间：{local_time(exported_at):%Y-%m-%d %H:%M}（北京时间）")
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(columns))
    sheet.merge_cells(start_row=INFO_ROW, start_column=1, end_row=INFO_ROW, end_column=len(columns))
    for index, (header, width) in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, index, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    people = People(session)
    for enterprise in enterprises:
        for values in ledger.rows(session, enterprise, people):
            # Text stored before the boundary refused control characters is one openpyxl refuses too.
            sheet.append(scrubbed([enterprise.name, *values]))
    _format_days_and_times(sheet)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(sheet.max_row, HEADER_ROW)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _format_days_and_times(sheet) -> None:
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = TIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
