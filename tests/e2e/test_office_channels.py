"""Group robots in Chromium: an officer sets a signed DingTalk robot; http URLs and offline are refused."""

from __future__ import annotations

from .conftest import sign_in_to

DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=e2e-token"
SECRET = "SECe2e-never-read-back"


def test_officer_sets_a_signed_dingtalk_robot_and_the_secret_is_never_read_back(base_url, phone, api):
    context = phone()
    page = context.new_page()
    sign_in_to(page, base_url, "officer-a")
    page.goto(base_url + "/#/settings/notifications")
    page.click("[data-test=office-channels-link]")
    card = page.locator("[data-test=office-dingtalk]")
    card.wait_for()
    assert "安全设置选择“加签”后复制密钥" in card.inner_text()
    assert "智能群助手" in card.inner_text()
    assert page.locator("[data-test=office-wecom-secret]").count() == 0

    card.locator("[data-test=office-dingtalk-name] input").fill("安全生产群")
    card.locator("[data-test=office-dingtalk-url] input").fill(DINGTALK_URL)
    card.locator("[data-test=office-dingtalk-secret] input").fill(SECRET)
    card.locator("[data-test=office-dingtalk-save]").click()
    state = card.locator("[data-test=office-dingtalk-state][data-signed=true]")
    state.wait_for()
    assert "已加签" in state.inner_text() and "启用" in state.inner_text()

    listed = api("officer-a").call("GET", "/api/v1/office-channels")
    robot = next(c for c in listed if c["kind"] == "dingtalk")
    shown = (robot["url"], robot["name"], robot["signed"], robot["active"])
    assert shown == (DINGTALK_URL, "安全生产群", True, True)
    assert "secret" not in robot and SECRET not in str(listed)

    # A plain http:// URL: the server's validation error shows on the page, and nothing changes.
    card.locator("[data-test=office-dingtalk-url] input").fill(
        "http://oapi.dingtalk.com/robot/send?access_token=x"
    )
    card.locator("[data-test=office-dingtalk-save]").click()
    error = card.locator("[data-test=office-dingtalk-error]")
    error.wait_for()
    assert "https" in error.inner_text() and "Webhook 地址" in error.inner_text()
    assert "https" in card.locator("[data-test=office-dingtalk-url] .van-field__error-message").inner_text()
    listed = api("officer-a").call("GET", "/api/v1/office-channels")
    assert next(c for c in listed if c["kind"] == "dingtalk")["url"] == DINGTALK_URL

    context.set_offline(True)
    page.reload()
    page.locator("[data-test=office-offline]").wait_for()
    assert "需要网络连接" in page.locator("[data-test=office-offline]").inner_text()
    for kind in ("wecom", "dingtalk"):
        assert page.locator(f"[data-test=office-{kind}-url] input").is_disabled()
        assert page.locator(f"[data-test=office-{kind}-save]").is_disabled()
    assert page.locator("[data-test=office-dingtalk-secret] input").is_disabled()


def test_what_the_officer_types_before_the_channels_load_is_kept(base_url, phone):
    context = phone()
    page = context.new_page()
    sign_in_to(page, base_url, "officer-a")
    held = []

    def hold_the_list(route):
        if route.request.method == "GET":
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/office-channels", hold_the_list)
    page.goto(base_url + "/#/settings/office-channels")
    name = page.locator("[data-test=office-dingtalk-name] input")
    name.fill("安全生产群")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never asked for its channels"
    held[0].continue_()
    page.locator(".loading").wait_for(state="detached")
    assert name.input_value() == "安全生产群"
