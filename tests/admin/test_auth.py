"""Sign-in, session cookie and CSRF protection of the admin page."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ADMIN_USER, csrf_of, page_token, sign_in

PAGES = [
    "/admin/",
    "/admin/panel/erp",
    "/admin/orders/WEB-1",
    "/admin/search?q=x",
    "/admin/audit",
    "/admin/prices",
    "/admin/messages/1",
]
ACTIONS = [
    "/admin/orders/WEB-1/retry",
    "/admin/orders/retry-failed",
    "/admin/orders/WEB-1/resolve",
    "/admin/findings/1/resolve",
    "/admin/reconciliation/run",
    "/admin/jobs/x/run",
    "/admin/prices",
]


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_pages_redirect_to_sign_in(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_status_json_refuses_a_signed_out_caller_with_401(client: Any) -> None:
    assert client.get("/admin/status.json").status_code == 401


@pytest.mark.parametrize("path", ACTIONS)
def test_signed_out_actions_are_refused(client: Any, path: str) -> None:
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_sign_in_with_right_credentials_opens_the_status_page(client: Any) -> None:
    response = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "ERP link" in page.get_data(as_text=True)


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(client: Any) -> None:
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    form = {"csrf_token": token, "username": ADMIN_USER, "password": "test-admin-password"}
    assert client.post("/admin/login?next=/admin/audit", data=form).headers["Location"] == "/admin/audit"
    client.post("/admin/logout", data={"csrf_token": page_token(client)})
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    form["csrf_token"] = token
    assert client.post("/admin/login?next=//evil.example/x", data=form).headers["Location"] == "/admin/"


def test_a_line_break_in_next_is_a_bad_request_not_a_server_error(client: Any) -> None:
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    form = {"csrf_token": token, "username": ADMIN_USER, "password": "test-admin-password"}
    response = client.post("/admin/login?next=/admin/%0d%0aSet-Cookie:%20x=1", data=form)
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302  # and nobody was signed in


@pytest.mark.parametrize("username,password", [("admin", "wrong"), ("root", "test-admin-password"), ("", "")])
def test_wrong_credentials_are_refused(client: Any, username: str, password: str) -> None:
    response = sign_in(client, username, password)
    assert response.status_code == 401
    assert "Wrong user name or password" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_sign_in_without_csrf_token_is_refused(client: Any) -> None:
    client.get("/admin/login")
    response = client.post("/admin/login", data={"username": ADMIN_USER, "password": "test-admin-password"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ACTIONS)
def test_actions_with_a_bad_csrf_token_are_refused(admin_client: Any, path: str) -> None:
    response = admin_client.post(path, data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_samesite_and_scoped_to_admin(client: Any) -> None:
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # http public_url


def test_session_cookie_is_secure_when_public_url_is_https(database_url: str, fake_erp: Any) -> None:
    from middleware.app import create_app
    from middleware.wiring import build_container

    from .conftest import make_settings

    container = build_container(make_settings(database_url, public_url="https://shop.example"), erp=fake_erp)
    try:
        client = create_app(container=container).test_client()
        assert "Secure" in sign_in(client).headers["Set-Cookie"]
    finally:
        container.close()


def test_sign_out_ends_the_session(admin_client: Any) -> None:
    response = admin_client.post("/admin/logout", data={"csrf_token": page_token(admin_client)})
    assert response.status_code == 302
    assert admin_client.get("/admin/").status_code == 302


def test_a_cookie_copied_before_sign_out_is_worthless_afterwards(app: Any, admin_client: Any) -> None:
    cookie = admin_client.get_cookie("middleware_admin", path="/admin")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("middleware_admin", cookie.value, path="/admin")
    assert thief.get("/admin/").status_code == 200  # the copy works while the session lives
    admin_client.post("/admin/logout", data={"csrf_token": page_token(admin_client)})
    response = thief.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_sign_ins_are_audited_without_the_password(admin_client: Any, container: Any) -> None:
    actions = container.audit.recent("admin")
    assert [(a.action, a.actor, a.outcome) for a in actions] == [("sign_in", ADMIN_USER, "ok")]
    assert "test-admin-password" not in repr(actions)


def test_admin_pages_forbid_framing_and_caching_and_load_only_own_assets(admin_client: Any) -> None:
    response = admin_client.get("/admin/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html
    assert admin_client.get("/admin/static/admin.js").status_code == 200


def test_behind_a_proxy_an_attacker_is_throttled_and_the_real_admin_still_signs_in(app: Any) -> None:
    import re

    import requests

    from middleware.web import WebServer
    from middleware.web_limits import WebLimits

    server = WebServer(app, "127.0.0.1", 0, threads=4, limits=WebLimits(trusted_proxy="127.0.0.1")).start()

    def attempt(client_address: str, password: str) -> requests.Response:
        session = requests.Session()
        session.headers["X-Forwarded-For"] = client_address
        page = session.get(f"{server.url}/admin/login", timeout=5).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        form = {"csrf_token": token.group(1), "username": ADMIN_USER, "password": password}
        return session.post(f"{server.url}/admin/login", data=form, allow_redirects=False, timeout=5)

    try:
        for _ in range(10):
            assert attempt("203.0.113.7", "guess").status_code == 401
        blocked = attempt("203.0.113.7", "test-admin-password")
        assert blocked.status_code == 401 and "Too many failed sign-ins" in blocked.text
        assert attempt("198.51.100.2", "test-admin-password").status_code == 302  # the admin, elsewhere
    finally:
        server.close()
