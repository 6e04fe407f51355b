"""What the delivery log says about an attempt: a status code and a Chinese summary, never the remote body.

Answers come from services outside our control (or, without the address policy, from inside the
network); their bodies go to the server log for operators, never to the people reading the log.
"""

from __future__ import annotations

import requests

PUSH_STATUS = {
    301: "推送服务要求转向，已拒绝跟随",
    302: "推送服务要求转向，已拒绝跟随",
    303: "推送服务要求转向，已拒绝跟随",
    307: "推送服务要求转向，已拒绝跟随",
    308: "推送服务要求转向，已拒绝跟随",
    400: "推送服务拒绝了这条消息（格式或加密不对）",
    401: "推送服务不接受本服务器的 VAPID 签名",
    403: "推送服务不接受本服务器的 VAPID 密钥",
    404: "推送服务说此设备的订阅已失效，已删除",
    410: "推送服务说此设备的订阅已失效，已删除",
    413: "推送服务说消息太大",
    429: "推送服务要求稍后再试",
}
ROBOT_STATUS = {
    301: "机器人服务要求转向，已拒绝跟随",
    302: "机器人服务要求转向，已拒绝跟随",
    303: "机器人服务要求转向，已拒绝跟随",
    307: "机器人服务要求转向，已拒绝跟随",
    308: "机器人服务要求转向，已拒绝跟随",
    429: "机器人服务要求稍后再试",
}
# The robots' documented errcodes (WeCom, DingTalk) that an officer can act on.
ROBOT_ERRCODES = {
    45009: "发送太频繁，稍后重试",
    130101: "发送太频繁，稍后重试",
    93000: "webhook 地址无效：请在群里重新复制机器人地址",
    300001: "机器人令牌无效：请在群里重新复制机器人地址",
    310000: "加签不匹配：请核对钉钉机器人的加签密钥",
    40058: "消息太长",
    40035: "消息缺少必填内容",
    40008: "消息类型不对或内容为空",
}


def push_status(status: int) -> str:
    """Summarise a push service's HTTP answer."""
    return _http_status(status, PUSH_STATUS, "推送服务")


def robot_status(status: int) -> str:
    """Summarise a robot's HTTP answer other than 200."""
    return _http_status(status, ROBOT_STATUS, "机器人服务")


def _http_status(status: int, known: dict[int, str], service: str) -> str:
    """Name a known status's meaning, else say whether the service failed or refused."""
    if status in known:
        return f"HTTP {status}：{known[status]}"
    if status >= 500:
        return f"HTTP {status}：{service}暂时出错，稍后重试"
    return f"HTTP {status}：{service}拒绝了这条消息"


def robot_errcode(errcode: int) -> str:
    """Summarise a robot's refusal by its documented errcode, without its errmsg."""
    return f"错误码 {errcode}：{ROBOT_ERRCODES.get(errcode, '机器人拒绝了这条消息')}"


def network_error(error: requests.RequestException, service: str) -> str:
    """Summarise a failure to reach a service: a timeout or no connection, without the details."""
    if isinstance(error, requests.Timeout):
        return f"网络错误：连接{service}超时"
    return f"网络错误：无法连接{service}"


NOT_A_ROBOT_ANSWER = "回答不是机器人接口的格式"
INVALID_KEYS = "订阅密钥无效（不是 P-256 公钥），已删除此设备的订阅"
SUBSCRIPTION_REMOVED = "此设备的订阅已删除"
CHANNEL_OFF = "群机器人已删除或已停用"
EXPIRED = "已过期：推送服务接收之前消息的有效期已过"
REQUEST_FAILED = "无法构造推送请求"
