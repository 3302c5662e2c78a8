"""`python run.py erp check`: a plain report of connector, profile and ERP; exit 1 on a problem; no secret."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from middleware.cli import main
from tests.connectors.cases import PASSWORD, ConnectorCase

WRONG_PASSWORD = "Wrong-Secret-0815"


def erp_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str]
) -> tuple[int, list[str]]:
    """Run `erp check` in this process with the environment; (exit code, stdout + stderr lines)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(["erp", "check"])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


@pytest.fixture
def run_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], erp_env: dict[str, str]
) -> Callable[..., tuple[int, list[str]]]:
    """`erp check` with the case's environment, overridden by keyword arguments (MIDDLEWARE_ names)."""

    def run(**env: str) -> tuple[int, list[str]]:
        return erp_check(monkeypatch, capsys, {**erp_env, **env})

    return run


def secrets_absent(lines: list[str]) -> bool:
    text = "\n".join(lines)
    return PASSWORD not in text and WRONG_PASSWORD not in text


def test_a_healthy_erp_passes_every_check(
    run_check: Callable[..., tuple[int, list[str]]], case: ConnectorCase, profile_path: str
) -> None:
    code, lines = run_check()
    assert code == 0, lines
    assert lines[0].startswith(f"connector: {case.connector}")
    assert lines[1] == f"profile:   {profile_path}"
    assert lines[2].startswith("endpoint:  http://127.0.0.1:")
    items = lines[3:-1]
    assert items and all(line.startswith("ok ") for line in items), lines
    assert lines[-1] == "all checks passed"
    assert secrets_absent(lines)


def test_refused_credentials_fail_the_check_without_showing_the_password(
    run_check: Callable[..., tuple[int, list[str]]],
) -> None:
    code, lines = run_check(MIDDLEWARE_ERP_PASSWORD=WRONG_PASSWORD)
    assert code == 1
    assert any(line.startswith("FAIL") for line in lines), lines
    assert lines[-1].endswith("problem(s) found")
    assert secrets_absent(lines)


def test_an_unreachable_erp_fails_the_check(
    run_check: Callable[..., tuple[int, list[str]]], unreachable: str
) -> None:
    code, lines = run_check(MIDDLEWARE_ERP_ENDPOINT=unreachable)
    assert code == 1
    assert f"endpoint:  {unreachable}" in lines
    assert any(line.startswith("FAIL") for line in lines), lines
    assert secrets_absent(lines)


def test_credentials_in_the_endpoint_url_are_not_shown(
    run_check: Callable[..., tuple[int, list[str]]], unreachable: str
) -> None:
    with_credentials = unreachable.replace("http://", "http://admin:Url-Secret-77@")
    code, lines = run_check(MIDDLEWARE_ERP_ENDPOINT=with_credentials)
    assert code == 1
    assert f"endpoint:  {unreachable}" in lines
    assert not any("Url-Secret-77" in line or "admin:" in line for line in lines), lines


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[reference\nendpoint = 1\n", "MIDDLEWARE_ERP_PROFILE"),
        (f'[reference]\npassword = "{PASSWORD}"\n', "password"),
        ('[reference]\nendpoint = "ftp://erp.example/soap"\n', "endpoint"),
    ],
    ids=["invalid-toml", "unknown-key", "bad-endpoint"],
)
def test_a_broken_reference_profile_is_one_line_naming_the_problem(
    run_check: Callable[..., tuple[int, list[str]]],
    broken_profile: Callable[[str], str],
    case: ConnectorCase,
    text: str,
    named: str,
) -> None:
    if case.connector != "reference":
        pytest.skip("the profile keys are the reference connector's")
    code, lines = run_check(MIDDLEWARE_ERP_PROFILE=broken_profile(text))
    assert code == 1
    assert len(lines) == 1 and named in lines[0] and "MIDDLEWARE_ERP_PROFILE" in lines[0], lines
    assert secrets_absent(lines)


def test_a_missing_profile_names_the_setting(
    run_check: Callable[..., tuple[int, list[str]]], tmp_path
) -> None:
    code, lines = run_check(MIDDLEWARE_ERP_PROFILE=str(tmp_path / "nowhere.toml"))
    assert code == 1
    assert len(lines) == 1 and "MIDDLEWARE_ERP_PROFILE" in lines[0], lines


@pytest.mark.parametrize(
    "connector",
    ["no-such-connector", "tests.connectors.no_such_module:Erp", "tests.connectors.cases:NoSuchClass"],
    ids=["unknown-name", "missing-module", "missing-class"],
)
def test_a_connector_that_cannot_be_loaded_names_the_setting(
    run_check: Callable[..., tuple[int, list[str]]], connector: str
) -> None:
    code, lines = run_check(MIDDLEWARE_ERP_CONNECTOR=connector)
    assert code == 1
    assert len(lines) == 1 and "MIDDLEWARE_ERP_CONNECTOR" in lines[0], lines
