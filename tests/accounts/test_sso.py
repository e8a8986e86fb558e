"""Single sign-on through allauth's OpenID Connect provider, against a fake identity provider.

The provider is a tiny HTTP server in a thread: it publishes its discovery document,
issues a token for any code and answers `/userinfo` with the person the test chose.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.urls import reverse
from django.utils.html import escape

from accounts.adapters import SocialAccountAdapter, _refusal
from accounts.models import User

pytestmark = pytest.mark.django_db

PROVIDER_ID = "sso"
CLIENT_ID = "wins-test-client"


@dataclass
class FakeProvider:
    """What the fake identity provider serves, and what it was sent."""

    url: str = ""
    userinfo: dict = field(default_factory=dict)
    token_requests: list[dict] = field(default_factory=list)

    @property
    def configuration(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _json(self, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/.well-known/openid-configuration":
                self._json(provider.configuration)
            elif path == "/userinfo" and self.headers.get("Authorization") == "Bearer at-1":
                self._json(provider.userinfo)
            else:
                self.send_error(404)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode())
            provider.token_requests.append({key: values[0] for key, values in form.items()})
            self._json({"access_token": "at-1", "token_type": "Bearer", "expires_in": 300})

        def log_message(self, format, *args):  # keep the test output quiet
            pass

    return Handler


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    provider = FakeProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def sso(settings, fake_provider) -> FakeProvider:
    """Settings as wins_net/settings.py builds them from OIDC_* variables."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }
    settings.ALLOWED_SIGNUP_DOMAINS = ["example.com"]
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Company SSO",
                    "client_id": CLIENT_ID,
                    "secret": "wins-test-secret",
                    "settings": {"server_url": fake_provider.url},
                }
            ],
        }
    }
    return fake_provider


def _login_url() -> str:
    return reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})


def _start(client, provider: FakeProvider) -> dict[str, str]:
    """Press "Continue" on the SSO page: the answer sends the browser to the provider."""
    response = client.post(_login_url())
    assert response.status_code == 302
    assert response.url.startswith(f"{provider.url}/authorize?")
    return {key: values[0] for key, values in parse_qs(urlsplit(response.url).query).items()}


def _return_from_provider(client, params: dict[str, str]):
    callback = reverse("openid_connect_callback", kwargs={"provider_id": PROVIDER_ID})
    return client.get(callback, {"code": "code-1", "state": params["state"]}, follow=True)


def test_sign_in_sends_the_browser_to_the_provider_with_pkce(client, sso):
    """The authorisation request carries our client id, our callback, a state and PKCE."""
    params = _start(client, sso)

    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/accounts/oidc/sso/login/callback/"
    assert params["response_type"] == "code"
    assert set(params["scope"].split()) >= {"openid", "email"}
    assert len(params["state"]) >= 12
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) >= 43


def test_each_sign_in_gets_its_own_state_and_challenge(client, sso):
    first, second = _start(client, sso), _start(client, sso)

    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]


def test_person_of_the_organisation_signs_up_and_in_through_sso(client, sso):
    """Coming back from the provider with a verified work address opens the feed, with an
    account carrying the provider's name; the code is redeemed with the PKCE verifier."""
    sso.userinfo = {
        "sub": "u-123",
        "email": "sofia.romero@example.com",
        "email_verified": True,
        "name": "Sofía Romero",
    }
    params = _start(client, sso)

    response = _return_from_provider(client, params)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("feed:home")
    person = User.objects.get(email="sofia.romero@example.com")
    assert person.name == "Sofía Romero"
    assert SocialAccount.objects.get(user=person).uid == "u-123"
    assert EmailAddress.objects.get(user=person).verified
    assert int(client.session["_auth_user_id"]) == person.pk
    (token_request,) = sso.token_requests
    assert token_request["code"] == "code-1"
    assert token_request["client_id"] == CLIENT_ID
    assert len(token_request["code_verifier"]) >= 43


def test_person_outside_the_organisation_is_refused_after_sso(client, sso):
    """A provider account with an outside address gets no account in Wins, and is told why."""
    sso.userinfo = {"sub": "u-666", "email": "mallory@evil-example.com", "email_verified": True}
    params = _start(client, sso)

    response = _return_from_provider(client, params)

    assert response.status_code == 200
    assert escape(_refusal()) in response.text
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session


def _sociallogin(email: str) -> SocialLogin:
    """A SocialLogin as allauth builds one on the way back from the provider."""
    return SocialLogin(
        user=User(email=email), account=SocialAccount(provider=PROVIDER_ID, uid="u-1")
    )


def _request(rf):
    request = rf.get("/accounts/oidc/sso/login/callback/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    ("email", "open_for_signup"),
    [
        ("ana@example.com", True),
        ("Ana@EXAMPLE.com", True),
        ("ana@evil-example.com", False),
        ("ana@example.com.evil.org", False),
        ("ana@gmail.com", False),
        ("", False),  # a provider that shares no address
    ],
)
def test_sso_sign_up_is_open_to_allowed_domains_only(rf, settings, email, open_for_signup):
    settings.ALLOWED_SIGNUP_DOMAINS = ["example.com"]
    adapter = get_adapter()
    assert isinstance(adapter, SocialAccountAdapter)

    assert adapter.is_open_for_signup(_request(rf), _sociallogin(email)) is open_for_signup


def test_login_page_offers_the_sso_button_when_configured(client, sso):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert "Company SSO" in response.text
    assert f'href="{_login_url()}?process=login"' in response.text


def test_login_page_has_no_sso_button_without_configuration(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert "/accounts/oidc/" not in response.text


def test_sso_page_of_an_unknown_provider_is_not_found(client, sso):
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "other"}))

    assert response.status_code == 404
