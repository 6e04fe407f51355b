"""Liveness and readiness: the database, Redis (when configured) and the blob store answer."""

from flask import current_app, jsonify

from sync import Text

from ..health_checks import check_all
from ..messages import localize
from ..openapi import ApiBlueprint
from ..schemas.errors import ErrorBody
from ..schemas.health import HealthAnswer

blp = ApiBlueprint("health", __name__, url_prefix="/api/v1", description="Health check")


# The parts' names as a Chinese operator reads them in the message (the `checks` keys stay as they are).
PART_NAMES_ZH = {"database": "数据库", "redis": "Redis 队列", "storage": "照片存储"}


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthAnswer, description="every configured part answers")
@blp.alt_response(
    503, schema=ErrorBody, description="unavailable: a configured part failed; `checks` says which and why"
)
def health():
    """Probe the database, Redis and the blob store; answer 200 when every configured one is ok, else 503."""
    healthy, checks = check_all(current_app._get_current_object())
    if healthy:
        return {"status": "ok", "checks": checks}
    failing = [name for name, result in checks.items() if result["status"] == "error"]
    zh = "、".join(PART_NAMES_ZH.get(name, name) for name in failing)
    message = Text(f"服务暂不可用：{zh}异常", f"Unavailable: {', '.join(failing)} failed")
    answer = jsonify(code="unavailable", message=localize(message), status="error", checks=checks)
    answer.status_code = 503
    return answer
