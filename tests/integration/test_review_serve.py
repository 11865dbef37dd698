"""``arbox serve`` as a user runs it: the review app listens on the host and port asked for,
nothing but the sign-in page and static files answers without signing in, a user made with
``arbox users add`` signs in, and SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.integration.cli import ARBOX

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(opener, url: str, data: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    body = urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def test_serve_answers_only_sign_in_until_a_user_signs_in_and_stops_on_sigterm(
    tmp_path: Path, sqlite_template: Path
):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    db = tmp_path / "arbox.db"
    db.write_bytes(sqlite_template.read_bytes())
    env.update(ARBOX_DATABASE_URL=f"sqlite:///{db}", ARBOX_DATA_DIR=str(tmp_path / "data"))
    added = subprocess.run(
        [ARBOX, "users", "add", "sam", "--role", "supervisor", "--password-stdin"],
        input="serve-test-pw\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    port = free_port()
    proc = subprocess.Popen(
        [ARBOX, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        opener = urllib.request.build_opener(
            NoRedirect, urllib.request.HTTPCookieProcessor(CookieJar())
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _h, login = fetch(opener, f"{base}/login")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "arbox serve did not start"
                time.sleep(0.2)
        assert status == 200
        for path in ("/", "/queue", "/dashboard", "/rules", "/applications"):
            code, headers, _ = fetch(opener, base + path)
            assert code == 303 and headers["location"].startswith("/login"), path
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        code, headers, _ = fetch(
            opener,
            f"{base}/login",
            {"username": "sam", "password": "serve-test-pw", "csrf_token": token, "next": "/queue"},
        )
        assert code == 303 and headers["location"] == "/queue"
        code, _h, page = fetch(opener, f"{base}/queue")
        assert code == 200 and "sam (supervisor)" in page
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "serve-test-pw" not in out + err
    assert (tmp_path / "data" / "web-secret-key").stat().st_mode & 0o077 == 0
