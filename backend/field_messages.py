"""Field messages in Chinese: marshmallow's own and this app's, translated where an answer is written.

Schemas, validators and the sync engine keep writing their English messages (stored with a command's
outcome, they are read again in whatever language the next request prefers). Each answer's `fields` go
through `field_text`, which finds the message's template here and fills the Chinese one.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from marshmallow import validate

from sync import Text

GENERIC = Text("输入不正确", "Invalid input")
CHINESE = re.compile("[\u4e00-\u9fff]")

# (English template as marshmallow or this app writes it, Chinese template); {names} carry over.
# The first template that matches wins: special cases come before the general ones.
TEMPLATES: tuple[tuple[str, str], ...] = (
    # marshmallow's fields (marshmallow/fields.py, default_error_messages)
    ("Missing data for required field.", "必填"),
    ("Field may not be null.", "不能为空"),
    ("Invalid value.", "取值无效"),
    ("Not a valid string.", "应为文字"),
    ("Not a valid utf-8 string.", "文字编码不正确"),
    ("Not a valid UUID.", "编号格式不正确"),
    ("Not a valid number.", "应为数字"),
    ("Not a valid integer.", "应为整数"),
    ("Number too large.", "数字过大"),
    ("Special numeric values (nan or infinity) are not permitted.", "应为有限的数字"),
    ("Not a valid boolean.", "应为“是”或“否”"),
    ("Not a valid datetime.", "日期时间格式不正确"),
    ("Not a valid date.", "日期格式不正确"),
    ("Not a valid time.", "时间格式不正确"),
    ("Not a valid aware datetime.", "日期时间须带时区"),
    ("Not a valid naive datetime.", "日期时间不能带时区"),
    ("Not a valid aware time.", "时间须带时区"),
    ("Not a valid naive time.", "时间不能带时区"),
    ("Not a valid period of time.", "时长格式不正确"),
    ("Not a valid mapping type.", "格式不正确"),
    ("Not a valid list.", "应为列表"),
    ("Not a valid tuple.", "应为列表"),
    ("Invalid type.", "格式不正确"),
    ("Invalid input type.", "格式不正确"),
    ("Unknown field.", "不支持此项"),
    ("Not a valid URL.", "网址格式不正确"),
    ("Not a valid email address.", "电子邮箱格式不正确"),
    ("Not a valid IP address.", "网络地址格式不正确"),
    ("Not a valid IPv4 address.", "网络地址格式不正确"),
    ("Not a valid IPv6 address.", "网络地址格式不正确"),
    ("Not a valid IP interface.", "网络地址格式不正确"),
    ("Not a valid IPv4 interface.", "网络地址格式不正确"),
    ("Not a valid IPv6 interface.", "网络地址格式不正确"),
    # marshmallow's validators (marshmallow/validate.py); the choices are codes, never shown to a person
    ("Must be one of: {choices}.", "不是可选的值"),
    ("Shorter than minimum length 1.", "不能为空"),
    ("Shorter than minimum length {min}.", "至少 {min} 个字符"),
    ("Longer than maximum length {max}.", "长度不能超过 {max} 个字符"),
    ("Length must be between 1 and {max}.", "不能为空，且不超过 {max} 个字符"),
    ("Length must be between {min} and {max}.", "长度应为 {min} 到 {max} 个字符"),
    ("Length must be {equal}.", "长度应为 {equal} 个字符"),
    ("Must be greater than or equal to {min} and less than or equal to {max}.", "应在 {min} 到 {max} 之间"),
    ("Must be greater than or equal to {min} and less than {max}.", "应不小于 {min} 且小于 {max}"),
    ("Must be greater than {min} and less than or equal to {max}.", "应大于 {min} 且不大于 {max}"),
    ("Must be greater than {min} and less than {max}.", "应大于 {min} 且小于 {max}"),
    ("Must be greater than or equal to {min}.", "不能小于 {min}"),
    ("Must be greater than {min}.", "应大于 {min}"),
    ("Must be less than or equal to {max}.", "不能大于 {max}"),
    ("Must be less than {max}.", "应小于 {max}"),
    ("Must be equal to {other}.", "取值不正确"),
    ("String does not match expected pattern.", "格式不正确"),
    ("Invalid input.", "输入无效"),
    ("One or more of the choices you made was not in: {choices}.", "含有不可选的值"),
    ("One or more of the choices you made was in: {values}.", "含有不允许的值"),
    # Lists' lengths (list_length below)
    ("Give at least 1 item.", "至少 1 项"),
    ("Give at least {min} items.", "至少 {min} 项"),
    ("Give at most {max} items.", "最多 {max} 项"),
    ("Give {min} to {max} items.", "应为 {min} 到 {max} 项"),
    ("Give exactly {equal} items.", "应为 {equal} 项"),
    # This app's schemas
    ("Enter the username.", "请填写用户名"),
    ("Enter the password.", "请填写密码"),
    ("must be a lowercase hex SHA-256", "照片校验值格式不正确"),
    ("3-64 characters of a-z 0-9 . _ -", "应为 3 到 64 位小写字母、数字或 . _ -"),
    ("must be HH:MM", "时间格式应为“时:分”，如 07:30"),
    ("point ids must be unique", "隔离点编号不能重复"),
    ("must be true before release", "解除前须逐项确认"),
    ("must be {bytes} random bytes, base64url", "签到码格式不正确"),
    ("required when the item fails", "不合格时必填"),
    ("required when not accepted", "不通过时必填"),
    ("required for method tick", "点名签到时必填"),
    ("required for method qr", "扫码签到时必填"),
    ("not a valid unified social credit code (GB 32100 check character)", "统一社会信用代码校验位不正确"),
    ("invalid unified social credit code: {value}", "统一社会信用代码不正确"),
    ("unknown industry: {value}", "不是可选的行业"),
    ("unknown enterprise flags: {value}", "含有不可选的企业类型"),
    ("This unified social credit code is already registered", "该统一社会信用代码已登记"),
    ("give at least one of: {names}", "请至少填写一项"),
    ("may not opt out of: {kinds}", "紧急提醒不能关闭"),
    ('give {{"all": true}} or {{"flags": [...]}}', "请选择全部企业或按企业类型选择"),
    ("must be after issued_on", "应晚于发证日期"),
    # The sync engine and the API's own checks
    (
        "must not contain control characters other than tab and line breaks, or unpaired surrogates",
        "含有不允许的字符（控制字符或残缺的代理字符）",
    ),
    ("must be between 1 and 1000", "应在 1 到 1000 之间"),
    ("must be an integer 1..1000", "应为 1 到 1000 的整数"),
    ("must be a UUID string", "编号格式不正确"),
    ("must be JSON", "请求内容格式不正确"),
    ("Invalid JSON body.", "请求内容格式不正确"),
    ("nested too deeply", "嵌套层级过深"),
    ("body length differs", "上传的数据长度与声明的不符"),
    ("bytes <start>-<end>/<total>", "上传范围格式不正确"),
    ("needs start <= end < total", "上传范围不正确"),
    ("must be one of {choices}", "不是可选的值"),
    # The push body's shape (sync/wire.py)
    ("must be a JSON object", "应为对象"),
    ("must be an RFC 3339 time", "时间格式不正确"),
    ("must be a list", "应为列表"),
    ("must be in increasing seq order", "序号应逐条递增"),
    ("must be an object", "应为对象"),
    ("seq must be a positive integer", "序号应为正整数"),
    ("id must be a UUID string", "操作编号格式不正确"),
    ("type must be 1..64 letters, digits or . _ : -", "操作类型格式不正确"),
    ("entity_id must be a UUID string", "记录编号格式不正确"),
    ("captured_at must be an RFC 3339 time", "记录时间格式不正确"),
    ("args must be an object", "操作内容应为对象"),
    ("args must be JSON without NaN or Infinity", "操作内容含有非有限数字"),
)


def list_length(min: int | None = None, max: int | None = None) -> validate.Length:  # noqa: A002
    """Return validate.Length for a list, whose messages count items, not characters."""
    if min and max:
        error = "Give {min} to {max} items."
    elif min:
        error = "Give at least 1 item." if min == 1 else "Give at least {min} items."
    else:
        error = "Give at most {max} items."
    return validate.Length(min=min, max=max, error=error)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Compile each English template into an anchored pattern with a named group per {name}."""
    compiled = []
    for english, chinese in TEMPLATES:
        literal = english.replace("{{", "\0").replace("}}", "\1")
        parts = re.split(r"\{(\w+)\}", literal)
        regex = "".join(
            f"(?P<{part}>.+?)" if index % 2 else re.escape(part.replace("\0", "{").replace("\1", "}"))
            for index, part in enumerate(parts)
        )
        compiled.append((re.compile(regex + r"\Z", re.DOTALL), chinese))
    return tuple(compiled)


@lru_cache(maxsize=4096)
def field_text(message: str) -> Text:
    """Return a field message in both languages: its Chinese template filled, or a generic Chinese one."""
    for pattern, chinese in _patterns():
        found = pattern.match(message)
        if found:
            return Text(chinese.format(**found.groupdict()), message)
    if CHINESE.search(message):
        return Text(message, message)  # already Chinese (the outbound checks write theirs in Chinese)
    return Text(GENERIC.zh, message)
