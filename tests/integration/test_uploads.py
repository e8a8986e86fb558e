"""A photo far over the size limit, sent to a real gunicorn: the answer, the form with
what was typed, comes while the photo is still being sent, and the rest of the photo
is never taken.

The request goes over a plain socket, sent from one thread while another reads the
answer, as a browser (or a proxy) does; `requests` would send the whole body before
reading anything.
"""

from __future__ import annotations

import re
import socket
import threading
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test.client import BOUNDARY, encode_multipart

from tests.factories import UserFactory
from tests.integration.conftest import child_env, collect_static, web_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "Right-passw0rd-for-uploads"


class Photo:
    """A file-like of `size` bytes that starts like a JPEG, for `encode_multipart`."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self._size = size

    def read(self) -> bytes:
        return b"\xff\xd8\xff\xe0" + b"\0" * (self._size - 4)


def _signed_in(server: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{server}/accounts/login/", timeout=10)
    response = session.post(
        f"{server}/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:2000]
    return session


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def _post_while_reading(server: str, path: str, *, cookies: str, body: bytes) -> tuple[bytes, int]:
    """POST `body`, sending and reading at once; the whole answer and the bytes sent."""
    address = urlsplit(server)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\nCookie: {cookies}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    request = memoryview(head + body)
    sent = 0
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:

        def send() -> None:
            nonlocal sent
            try:
                while sent < len(request):
                    sent += sock.send(request[sent : sent + 65536])
            except OSError:
                pass  # the server has closed the connection: it takes nothing more

        sender = threading.Thread(target=send)
        sender.start()
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        sender.join(timeout=30)
    return answer, sent


def test_gunicorn_answers_with_the_form_before_the_photo_is_sent_and_never_reads_the_rest(
    tmp_path,
):
    """A photo four times the limit: the compose form comes back with the text and the
    reason, and the server closes the connection without taking the whole photo."""
    person = UserFactory(language="en")
    hasher = PBKDF2PasswordHasher()  # what the web process verifies with
    person.password = hasher.encode(PASSWORD, hasher.salt())
    person.save(update_fields=["password"])
    env = child_env(ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING")
    collect_static(env)
    with web_server(env, log=tmp_path / "web.log") as server:
        session = _signed_in(server, person.email)
        form = session.get(f"{server}/wins/new/", timeout=10)
        size = 4 * settings.MAX_UPLOAD_BYTES
        body = encode_multipart(
            BOUNDARY,
            {
                "csrfmiddlewaretoken": _csrf(form.text),
                "body": "We closed the quarter early",
                "visibility": "everyone",
                "image": Photo("holiday.jpg", size),
            },
        )
        cookies = "; ".join(f"{name}={value}" for name, value in session.cookies.items())

        answer, sent = _post_while_reading(server, "/wins/new/", cookies=cookies, body=body)

    page = answer.decode(errors="replace")
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:500]
    assert "“holiday.jpg” is larger than 10.0\xa0MB" in page
    assert "We closed the quarter early</textarea>" in page
    assert sent < len(body), "the server took the whole photo"
