"""Authentication: HTTP Basic and WS-Security UsernameToken; without valid credentials nothing runs."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest

from .conftest import PASSWORD, WSU, envelope, fault_of, post, username_token

STATUS = envelope("<m:GetServiceStatus/>")


def test_basic_auth_with_the_right_credentials_runs_the_operation(client, backend):
    response = post(client, STATUS)
    assert response.status_code == 200
    assert "<tns:Version>9.9.9</tns:Version>" in response.get_data(as_text=True)
    assert [name for name, _ in backend.calls] == ["status"]


def test_wrong_basic_password_is_a_401_client_fault_and_nothing_runs(client, backend):
    response = post(client, STATUS, auth=("erp", "wrong"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert fault_of(response) == ("Client.Authentication", "invalid username or password")
    assert backend.calls == []


def test_wrong_basic_username_is_refused(client, backend):
    assert post(client, STATUS, auth=("admin", PASSWORD)).status_code == 401
    assert backend.calls == []


def test_missing_credentials_are_a_401_client_fault(client, backend):
    response = post(client, STATUS, auth=None)
    assert response.status_code == 401
    code, message = fault_of(response)
    assert code == "Client.Authentication"
    assert "HTTP Basic" in message and "UsernameToken" in message
    assert backend.calls == []


def test_password_digest_token_is_accepted(client, clock, backend):
    response = post(client, envelope("<m:GetServiceStatus/>", username_token(clock.now())), auth=None)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert backend.calls


def test_password_text_token_is_accepted(client, clock):
    token = username_token(clock.now(), digest=False)
    assert post(client, envelope("<m:GetServiceStatus/>", token), auth=None).status_code == 200


def test_password_digest_with_the_wrong_password_is_a_client_fault(client, clock, backend):
    token = username_token(clock.now(), password="guess")
    response = post(client, envelope("<m:GetServiceStatus/>", token), auth=None)
    assert response.status_code == 500
    assert fault_of(response) == ("Client.Authentication", "invalid username or password")
    assert backend.calls == []


def test_replayed_nonce_is_refused(client, clock, backend):
    token = username_token(clock.now(), nonce=b"0123456789abcdef")
    assert post(client, envelope("<m:GetServiceStatus/>", token), auth=None).status_code == 200
    clock.advance(10)
    replay = post(client, envelope("<m:GetServiceStatus/>", token), auth=None)
    code, message = fault_of(replay)
    assert code == "Client.Authentication" and "replay" in message
    assert len(backend.calls) == 1


def test_token_created_outside_the_five_minute_window_is_refused(client, clock):
    for skew in (timedelta(minutes=6), -timedelta(minutes=6)):
        token = username_token(clock.now() - skew)
        code, message = fault_of(post(client, envelope("<m:GetServiceStatus/>", token), auth=None))
        assert code == "Client.Authentication" and "time window" in message


def test_token_inside_the_window_is_accepted(client, clock):
    token = username_token(clock.now() - timedelta(minutes=4))
    assert post(client, envelope("<m:GetServiceStatus/>", token), auth=None).status_code == 200


def test_digest_without_nonce_is_refused(client, clock):
    token = username_token(clock.now()).replace("<wsse:Nonce>", "<!--").replace("</wsse:Nonce>", "-->")
    code, message = fault_of(post(client, envelope("<m:GetServiceStatus/>", token), auth=None))
    assert code == "Client.Authentication" and "Nonce" in message


def test_a_failed_attempt_does_not_burn_the_nonce(client, clock):
    nonce = b"fedcba9876543210"
    bad = username_token(clock.now(), password="guess", nonce=nonce)
    assert post(client, envelope("<m:GetServiceStatus/>", bad), auth=None).status_code == 500
    good = username_token(clock.now(), nonce=nonce)
    assert post(client, envelope("<m:GetServiceStatus/>", good), auth=None).status_code == 200


def test_the_wsdl_is_served_without_credentials(client):
    response = client.get("/?wsdl")
    assert response.status_code == 200
    assert b"UpdateOrderStatus" in response.get_data()


def _respelt(token: str) -> str:
    """The same token with its nonce spelt another way: same bytes, other base64 text."""
    start = token.index("<wsse:Nonce>") + len("<wsse:Nonce>")
    text = token[start:token.index("</wsse:Nonce>")]
    assert text.endswith("==")  # 16 bytes: the last letter carries 4 unused bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    other = alphabet[alphabet.index(text[-3]) ^ 1]
    respelt = text[:-3] + other + "=="
    assert base64.b64decode(respelt) == base64.b64decode(text) and respelt != text
    return token.replace(text, respelt)


def test_a_replay_with_the_nonce_spelt_another_way_is_refused(client, clock, backend):
    token = username_token(clock.now(), nonce=b"0123456789abcdef")
    assert post(client, envelope("<m:GetServiceStatus/>", token), auth=None).status_code == 200
    replay = post(client, envelope("<m:UpsertProducts/>", _respelt(token)), auth=None)
    code, message = fault_of(replay)
    assert code == "Client.Authentication" and "replay" in message
    assert len(backend.calls) == 1


def _timestamp(created: datetime, expires: datetime) -> str:
    return (
        f'<wsu:Timestamp xmlns:wsu="{WSU}"><wsu:Created>{created:%Y-%m-%dT%H:%M:%SZ}</wsu:Created>'
        f"<wsu:Expires>{expires:%Y-%m-%dT%H:%M:%SZ}</wsu:Expires></wsu:Timestamp>"
    )


@pytest.mark.parametrize(
    ("created", "expires", "needle"),
    [
        (-250, -200, "expired"),  # expired 200 s ago, inside the old 300 s grace
        (-400, 600, "older than the allowed time window"),
        (120, 400, "in the future"),
    ],
)
def test_a_timestamp_outside_its_window_is_refused(client, clock, backend, created, expires, needle):
    now = clock.now()
    stamp = _timestamp(now + timedelta(seconds=created), now + timedelta(seconds=expires))
    token = username_token(now).replace("<wsse:UsernameToken>", stamp + "<wsse:UsernameToken>")
    code, message = fault_of(post(client, envelope("<m:GetServiceStatus/>", token), auth=None))
    assert code == "Client.Authentication" and needle in message
    assert backend.calls == []


def test_a_fresh_timestamp_is_accepted(client, clock):
    now = clock.now()
    stamp = _timestamp(now - timedelta(seconds=5), now + timedelta(seconds=295))
    token = username_token(now).replace("<wsse:UsernameToken>", stamp + "<wsse:UsernameToken>")
    assert post(client, envelope("<m:GetServiceStatus/>", token), auth=None).status_code == 200


def test_a_must_understand_security_header_is_processed_beside_basic_auth(client, clock, backend):
    token = username_token(clock.now(), password="guess")  # s:mustUnderstand="1"
    response = post(client, envelope("<m:GetServiceStatus/>", token))  # and right Basic credentials
    assert fault_of(response)[0] == "Client.Authentication" and backend.calls == []


def test_a_must_understand_security_header_with_parts_we_cannot_process_is_refused(client, clock, backend):
    signature = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'
    token = username_token(clock.now()).replace("</wsse:Security>", signature + "</wsse:Security>")
    code, message = fault_of(post(client, envelope("<m:GetServiceStatus/>", token), auth=None))
    assert code == "MustUnderstand" and "Security" in message and backend.calls == []
