"""Fetching `$ref`ed documents over HTTP(S), only when the user asked for it (`--allow-remote-refs`).

Off by default: a generator that fetches is not reproducible offline, and a contract could make it
reach any host it can see. When allowed, each document is fetched once per run, over http(s) only
(redirects included), within a time limit and the size limit every contract file has.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import IO, Any

from generator.readers.limits import MAX_CONTRACT_BYTES

FETCH_TIMEOUT_SECONDS = 20
REMOTE_SCHEMES = ("http", "https")


class RemoteRefError(Exception):
    """Why a remote document could not be fetched; the message is shown to the user as is."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect may not leave http(s) (urllib would follow one to `ftp:`)."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme not in REMOTE_SCHEMES:
            raise RemoteRefError(f"redirected to {newurl!r}, which is not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects())


def fetch_text(url: str) -> str:
    """The UTF-8 text at `url`; `RemoteRefError` on any failure, size or time over the limits."""
    if urllib.parse.urlsplit(url).scheme not in REMOTE_SCHEMES:
        raise RemoteRefError("only http and https references can be fetched")
    request = urllib.request.Request(url, headers={"Accept": "application/yaml, application/json, */*"})
    try:
        with _OPENER.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            body: bytes = response.read(MAX_CONTRACT_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise RemoteRefError(f"the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise RemoteRefError(f"cannot fetch it: {reason}") from None
    if len(body) > MAX_CONTRACT_BYTES:
        raise RemoteRefError(f"the document is larger than the {MAX_CONTRACT_BYTES // 2**20} MiB a contract may be")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RemoteRefError(f"not UTF-8 text: {error.reason}") from None
