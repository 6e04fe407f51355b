"""Where the server may send requests: group robots on an allow-list, push services on public addresses."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from flask import current_app

# The WeCom (企业微信) and DingTalk (钉钉) robot hosts; OFFICE_WEBHOOK_HOSTS adds more (e.g. 政务微信).
DEFAULT_ROBOT_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com")
LOOPBACK_NAMES = ("localhost", "localhost.localdomain")
# Special-purpose ranges (IANA registries) a push endpoint may never point into, first match named.
REFUSED_NETWORKS = tuple(
    (ipaddress.ip_network(network), what)
    for network, what in (
        ("127.0.0.0/8", "本机回环地址"),
        ("::1/128", "本机回环地址"),
        ("0.0.0.0/8", "未指定地址"),
        ("::/128", "未指定地址"),
        ("10.0.0.0/8", "内网地址"),
        ("172.16.0.0/12", "内网地址"),
        ("192.168.0.0/16", "内网地址"),
        ("fc00::/7", "内网地址"),
        ("fec0::/10", "内网地址"),
        ("64:ff9b:1::/48", "内网地址"),
        ("100.64.0.0/10", "运营商级 NAT 地址"),
        ("169.254.0.0/16", "链路本地地址"),
        ("fe80::/10", "链路本地地址"),
        ("224.0.0.0/4", "组播地址"),
        ("ff00::/8", "组播地址"),
        ("192.0.0.0/24", "保留地址"),
        ("192.0.2.0/24", "保留地址"),
        ("192.88.99.0/24", "保留地址"),
        ("198.18.0.0/15", "保留地址"),
        ("198.51.100.0/24", "保留地址"),
        ("203.0.113.0/24", "保留地址"),
        ("240.0.0.0/4", "保留地址"),
        ("::/96", "保留地址"),
        ("100::/64", "保留地址"),
        ("2001::/23", "保留地址"),
        ("2001:db8::/32", "保留地址"),
    )
)
LOOPBACK_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundRefused(Exception):
    """A request the address policy does not allow; the message is Chinese and safe to show."""


def allow_loopback() -> bool:
    """Tell whether the test-only setting lets requests reach 127.0.0.1 and localhost."""
    return bool(current_app.config.get("OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"))


def robot_hosts() -> tuple[str, ...]:
    """Return the robot hosts deliveries may reach: the defaults plus OFFICE_WEBHOOK_HOSTS."""
    extra = current_app.config.get("OFFICE_WEBHOOK_HOSTS") or ()
    return DEFAULT_ROBOT_HOSTS + tuple(_host_name(host) for host in extra)


def _host_name(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _split(url: str) -> SplitResult | None:
    """Split a URL with a host and port and no user info; None for anything else (e.g. "https://[::1")."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (reading it raises ValueError for a bad port)
    except ValueError:
        return None
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return None
    return parts


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is the one reached."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(text: str, loopback_ok: bool = False) -> str | None:
    """Return what kind of non-public address this is (Chinese), or None when it may be reached."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if address.version == 6 and (inner := _embedded_ipv4(address)) is not None:
        address = inner
    if loopback_ok and any(address in network for network in LOOPBACK_NETWORKS):
        return None
    for network, what in REFUSED_NETWORKS:
        if address.version == network.version and address in network:
            return what
    return None if address.is_global else "非公网地址"


def resolve(host: str, port: int) -> list[str]:
    """Return every address a host name resolves to (an IP literal resolves to itself)."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(answer[4][0] for answer in answers))


def checked_addresses(host: str, port: int, loopback_ok: bool) -> list[str]:
    """Resolve a host and return its addresses if every one is public; raise OutboundRefused otherwise."""
    if _host_name(host) in LOOPBACK_NAMES or _host_name(host).endswith(".localhost"):
        host = "127.0.0.1"
    addresses = resolve(host, port)
    for address in addresses:
        what = address_refusal(address, loopback_ok)
        if what is not None:
            raise OutboundRefused(f"推送地址指向{what}，不允许发送")
    if not addresses:
        raise OutboundRefused("推送地址无法解析")
    return addresses


def _is_loopback_host(host: str) -> bool:
    if _host_name(host) in LOOPBACK_NAMES:
        return True
    try:
        return any(ipaddress.ip_address(host) in network for network in LOOPBACK_NETWORKS)
    except ValueError:
        return False


def push_endpoint_refusal(url: str, *, resolve_names: bool = True) -> str | None:
    """Return why a push endpoint may not be used (Chinese), or None: https on a public address only.

    A name that cannot be resolved now passes: delivery resolves and checks it again before connecting.
    """
    parts = _split(url)
    if parts is None:
        return "推送地址不是有效的网址"
    loopback_ok = allow_loopback() and _is_loopback_host(parts.hostname)
    if parts.scheme != "https" and not (loopback_ok and parts.scheme == "http"):
        return "推送地址必须使用 https"
    port = parts.port or 443
    literal = _is_ip_literal(parts.hostname)
    if not literal and not resolve_names:
        return None
    try:
        checked_addresses(parts.hostname, port, loopback_ok)
    except OutboundRefused as refused:
        return str(refused)
    except (OSError, UnicodeError, ValueError):
        return "推送地址不是有效的网址" if literal else None
    return None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def robot_url_refusal(url: str) -> str | None:
    """Return why a robot webhook URL may not be used (Chinese), or None: https to an allowed host."""
    parts = _split(url)
    if parts is None:
        return "机器人地址不是有效的网址"
    if allow_loopback() and _is_loopback_host(parts.hostname) and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https":
        return "机器人地址必须使用 https"
    if _host_name(parts.hostname) not in robot_hosts() or parts.port not in (None, 443):
        return "机器人地址的主机不在允许名单中（企业微信、钉钉，或 OFFICE_WEBHOOK_HOSTS 所列）"
    return None
