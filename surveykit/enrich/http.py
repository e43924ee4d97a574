"""A small, polite HTTP layer for the metadata APIs: on-disk cache, per-host rate limits, retries
with backoff (honouring ``Retry-After``), a User-Agent naming surveykit, and an offline mode that
only reads the cache and never touches the network.

Offline mode: ``offline=True`` or ``SURVEYKIT_OFFLINE=1``. A cache miss then raises
:class:`OfflineMiss`. The contact address for the APIs' polite pools comes from ``mailto=`` or
``SURVEYKIT_MAILTO``; it is sent, but never part of a cache key.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from surveykit import __version__, io

DEFAULT_CACHE_DIR = Path(".cache/surveykit/http")
# Minimum seconds between two requests to one host (arXiv asks for 1 request every 3 s).
DEFAULT_INTERVALS: dict[str, float] = {
    "export.arxiv.org": 3.0,
    "api.openalex.org": 0.1,
    "api.crossref.org": 0.2,
    "api.semanticscholar.org": 1.0,
}
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CACHED_STATUSES = frozenset({200, 404})  # 404 is an answer too: "no such work"
# Parameters that identify the caller, not the question: sent, but left out of cache keys.
PRIVATE_PARAMS = frozenset({"mailto", "api_key"})


class OfflineMiss(LookupError):
    """Offline mode and the answer is not in the cache; names the request."""


class HttpError(RuntimeError):
    """A request that failed for good (after retries); names the URL and the status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Session(Protocol):
    """What the client needs of a ``requests.Session`` (tests inject a fake one)."""

    def get(self, url: str, **kwargs: Any) -> Any: ...


@dataclass
class Response:
    """A response body with its status, from the network or the cache."""

    status: int
    text: str
    url: str
    content_type: str = ""
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.status == 200

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise HttpError(f"{self.url}: response is not JSON ({exc.msg}): "
                            f"{self.text[:80]!r}", self.status) from None


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def cache_key(method: str, url: str, params: Mapping[str, Any] | None = None) -> str:
    """SHA-256 of method, URL and the sorted (public) parameters."""
    items = sorted((str(k), str(v)) for k, v in (params or {}).items()
                   if k not in PRIVATE_PARAMS and v is not None)
    blob = json.dumps([method.upper(), url, items], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    """Response bodies as JSON files: ``<dir>/<host>/<key[:2]>/<key>.json``."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path(self, method: str, url: str, params: Mapping[str, Any] | None = None) -> Path:
        key = cache_key(method, url, params)
        host = urlsplit(url).netloc or "local"
        return self.directory / host / key[:2] / f"{key}.json"

    def get(self, method: str, url: str, params: Mapping[str, Any] | None = None) -> Response | None:
        path = self.path(method, url, params)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Response(int(data["status"]), data["body"], data["url"],
                            data.get("content_type", ""), from_cache=True)
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            return None  # a damaged entry is a miss; it is rewritten on the next fetch

    def put(self, method: str, url: str, params: Mapping[str, Any] | None,
            response: Response) -> Path:
        public = {k: str(v) for k, v in sorted((params or {}).items())
                  if k not in PRIVATE_PARAMS and v is not None}
        record = {
            "method": method.upper(), "url": url, "params": public,
            "status": response.status, "content_type": response.content_type,
            "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
            "body": response.text,
        }
        return io.write_text(self.path(method, url, params),
                             json.dumps(record, ensure_ascii=False, indent=1) + "\n")


class RateLimiter:
    """Keeps at least ``interval(host)`` seconds between requests to one host."""

    def __init__(
        self,
        intervals: Mapping[str, float] | None = None,
        default: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.intervals = dict(DEFAULT_INTERVALS if intervals is None else intervals)
        self.default = default
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}

    def interval(self, host: str) -> float:
        return self.intervals.get(host, self.default)

    def wait(self, host: str) -> float:
        """Sleep until ``host`` may be called again; returns the seconds slept."""
        slept = 0.0
        last = self._last.get(host)
        if last is not None:
            due = last + self.interval(host)
            now = self.clock()
            if now < due:
                slept = due - now
                self.sleep(slept)
        self._last[host] = self.clock()
        return slept


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass
class HttpClient:
    """GET with cache, rate limit, retries and offline mode. Inject ``session`` for tests."""

    cache_dir: str | os.PathLike[str] | None = None
    offline: bool | None = None
    mailto: str | None = None
    session: Session | None = None
    timeout: float = 30.0
    max_retries: int = 4
    backoff: float = 2.0
    max_wait: float = 120.0
    use_cache: bool = True
    intervals: Mapping[str, float] | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    limiter: RateLimiter = field(init=False)
    cache: ResponseCache = field(init=False)
    requests_sent: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        if self.offline is None:
            self.offline = env_flag("SURVEYKIT_OFFLINE")
        if self.mailto is None:
            self.mailto = os.environ.get("SURVEYKIT_MAILTO") or None
        directory = self.cache_dir or os.environ.get("SURVEYKIT_CACHE_DIR") or DEFAULT_CACHE_DIR
        self.cache = ResponseCache(Path(directory).expanduser().absolute())
        self.limiter = RateLimiter(self.intervals, clock=self.clock, sleep=self.sleep)

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.mailto}" if self.mailto else ""
        return f"surveykit/{__version__} (literature survey toolkit; python-requests{contact})"

    def _session(self) -> Session:
        if self.session is None:
            self.session = requests.Session()
        return self.session

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        private_params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """The response to ``GET url?params`` (status 200 or 404), from the cache when there.

        ``private_params`` (e.g. ``mailto``) are sent but not part of the cache key. Raises
        :class:`OfflineMiss` offline on a cache miss and :class:`HttpError` when the request
        fails for good.
        """
        params = {k: v for k, v in (params or {}).items() if v is not None}
        if self.use_cache:
            cached = self.cache.get("GET", url, params)
            if cached is not None:
                return cached
        if self.offline:
            shown = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
            raise OfflineMiss(f"offline and not cached: GET {url}{'?' + shown if shown else ''} "
                              f"(cache {self.cache.directory})")
        response = self._fetch(url, {**params, **(private_params or {})}, headers or {})
        if self.use_cache and response.status in CACHED_STATUSES:
            self.cache.put("GET", url, params, response)
        return response

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        private_params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """The JSON body of ``GET url?params``; ``None`` for 404 (no such record)."""
        response = self.get(url, params, private_params=private_params, headers=headers)
        if response.status == 404:
            return None
        if response.status != 200:
            raise HttpError(f"GET {url} answered HTTP {response.status}", response.status)
        return response.json()

    def forget(self, url: str, params: Mapping[str, Any] | None = None) -> None:
        """Drop a cached answer (e.g. a body that turned out to be unusable)."""
        params = {k: v for k, v in (params or {}).items() if v is not None}
        self.cache.path("GET", url, params).unlink(missing_ok=True)

    def _fetch(self, url: str, params: dict[str, Any], headers: Mapping[str, str]) -> Response:
        host = urlsplit(url).netloc
        send_headers = {"User-Agent": self.user_agent, **headers}
        last_problem = ""
        for attempt in range(self.max_retries + 1):
            self.limiter.wait(host)
            self.requests_sent += 1
            try:
                raw = self._session().get(url, params=params, headers=send_headers,
                                          timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                delay = self.backoff * 2**attempt
            else:
                status = int(raw.status_code)
                if status not in RETRY_STATUSES:
                    content_type = str((raw.headers or {}).get("Content-Type", ""))
                    return Response(status, raw.text, url, content_type)
                last_problem = f"HTTP {status}"
                waited = retry_after_seconds((raw.headers or {}).get("Retry-After"))
                delay = waited if waited is not None else self.backoff * 2**attempt
            if attempt < self.max_retries:
                self.sleep(min(delay, self.max_wait))
        raise HttpError(f"GET {url} failed after {self.max_retries + 1} attempts ({last_problem})",
                        None if not last_problem.startswith("HTTP") else int(last_problem[5:]))
