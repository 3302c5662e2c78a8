"""The CLI dispatch and the waitress server wrapper."""

import pytest
import requests
from flask import Flask

from middleware.cli import build_parser, main
from middleware.config import Settings
from middleware.web import WebServer


def test_demo_is_the_default_command_and_takes_its_flags():
    parser = build_parser()
    args = parser.parse_args(["demo", "--port", "9000", "--erp-port", "9001", "--data-dir", "/tmp/x"])
    assert (args.port, args.erp_port, args.data_dir) == (9000, 9001, "/tmp/x")


def test_serve_refuses_demo_secrets(monkeypatch, capsys):
    for name in list(__import__("os").environ):
        if name.startswith("MIDDLEWARE_"):
            monkeypatch.delenv(name)
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "MIDDLEWARE_ERP_PASSWORD" in err and "MIDDLEWARE_ADMIN_PASSWORD" in err
    assert Settings.from_env({}).erp_password not in err


SAFE = {
    "MIDDLEWARE_ERP_PASSWORD": "erp-secret-1",
    "MIDDLEWARE_SHOP_API_KEYS": "shop-key-123456",
    "MIDDLEWARE_SOAP_PASSWORD": "soap-secret-1",
    "MIDDLEWARE_ADMIN_PASSWORD": "a-long-admin-secret",
    "MIDDLEWARE_SECRET_KEY": "k9R2vX7qLm4Tz8Wb1Yc6Hn3Jd5Fg0Ps",
}


def _environment(monkeypatch, **changes):  # type: ignore[no-untyped-def]
    for name in list(__import__("os").environ):
        if name.startswith("MIDDLEWARE_"):
            monkeypatch.delenv(name)
    for name, value in {**SAFE, **changes}.items():
        monkeypatch.setenv(name, value)


def test_the_worker_refuses_demo_secrets_like_serve(monkeypatch, capsys):
    _environment(monkeypatch, MIDDLEWARE_ERP_PASSWORD="erp-pass")
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "MIDDLEWARE_ERP_PASSWORD still hold demo values" in err


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MIDDLEWARE_SECRET_KEY", "tooShortKey1"),
        ("MIDDLEWARE_SECRET_KEY", "ab" * 20),
        ("MIDDLEWARE_ADMIN_PASSWORD", "hunter2"),
        ("MIDDLEWARE_ADMIN_PASSWORD", "admin"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_weak_session_key_or_admin_password_stops_start_up_in_one_line(
    monkeypatch, capsys, variable, value, command
):
    _environment(monkeypatch, **{variable: value})
    assert main([command, "--port", "0"] if command == "serve" else [command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{variable} is" in err and value not in err


def test_a_bad_setting_exits_with_one_line_naming_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("MIDDLEWARE_PRICE_CACHE_TTL", "often")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "MIDDLEWARE_PRICE_CACHE_TTL" in err


def test_web_server_serves_and_stops_with_keep_alive_clients_connected():
    app = Flask("probe")
    app.add_url_rule("/", "index", lambda: "pong")
    server = WebServer(app, "127.0.0.1", 0, threads=2).start()
    session = requests.Session()
    assert session.get(server.url, timeout=5).text == "pong"
    server.close()
    assert server._thread is not None and not server._thread.is_alive()


def test_erp_sim_hands_its_options_to_the_reference_erp(capsys):
    import pytest

    with pytest.raises(SystemExit) as exited:
        main(["erp-sim", "--help"])
    assert exited.value.code == 0
    assert "python -m erpsim" in capsys.readouterr().out
