"""The optional rewriting backend: acceptance rule, HTTP client against a local fake server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_draft import fake_taxonomy, fixture_config, fixture_corpus

from surveykit.bib.stage import citation_keys
from surveykit.draft.backend import (
    BackendConfig,
    BackendError,
    ChatBackend,
    accept_rewrite,
    marker_keys,
    parse_rewrite,
)
from surveykit.draft.model import Cite
from surveykit.draft.stage import write_draft

ORIGINAL = "Agents plan [@a]. @[@b] present BLADE. Memory helps [@a; @c]."


def test_accepts_rewrite_with_the_same_keys():
    ok, reason = accept_rewrite(ORIGINAL, "@[@b] present BLADE, and agents plan [@a] with memory [@a; @c].")
    assert ok, reason


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("Agents plan [@a]. @[@b] present BLADE.", "dropped citation(s) c"),
        ("Agents plan [@a; @z]. @[@b] present BLADE. Memory helps [@c].", "added citation(s) z"),
        ("Agents plan [@a]. @[@b] present BLADE [@c]. This is great.", "sentence without a citation"),
        ("   ", "empty reply"),
    ],
)
def test_rejects_rewrite_that_changes_citations(reply, reason):
    ok, why = accept_rewrite(ORIGINAL, reply)
    assert not ok and why.startswith(reason)


def test_rejects_a_number_no_cited_abstract_states():
    abstracts = {"a": "Agents plan and reach 85.2% on WebShop.", "b": "BLADE has 12 datasets.", "c": ""}
    good = "@[@b] present BLADE. Agents plan [@a] and reach 85.2% [@a]. Memory helps [@a; @c]."
    assert accept_rewrite(ORIGINAL, good, abstracts) == (True, "accepted")
    bad = "@[@b] present BLADE. Agents plan and reach 91.0% [@a]. Memory helps [@a; @c]."
    ok, why = accept_rewrite(ORIGINAL, bad, abstracts)
    assert not ok and why == "number(s) 91.0% in no cited abstract"


def test_parse_rewrite_makes_cited_sentences():
    sentences = parse_rewrite("@[@b] present BLADE [@a]. Memory helps [@a; @c].")
    assert [s.kind for s in sentences] == ["rewritten", "rewritten"]
    assert sentences[0].segments[0] == Cite(("b",), textual=True)
    assert sentences[1].keys == ["a", "c"]
    assert marker_keys(ORIGINAL) == ["a", "b", "a", "c"]


def test_backend_config_is_off_by_default():
    assert BackendConfig.from_config({}, env={}) is None
    config = BackendConfig.from_config(
        {"base_url": "http://127.0.0.1:1/v1/", "model": "m"}, env={"SURVEYKIT_LLM_API_KEY": "secret"}
    )
    assert config.base_url == "http://127.0.0.1:1/v1" and config.api_key == "secret"


class _FakeChat(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions: echoes the paragraph, or drops its citations when told to."""

    mode = "echo"
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        text = body["messages"][-1]["content"]
        if type(self).mode == "drop":
            text = "A rewrite that forgot every citation."
        reply = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    _FakeChat.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_client_posts_openai_chat_request(fake_server):
    backend = ChatBackend(BackendConfig(fake_server, "tiny", api_key="k"))
    assert backend.complete("Hello [@a].") == "Hello [@a]."
    request = _FakeChat.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["model"] == "tiny"
    assert request["auth"] == "Bearer k" and request["messages"][0]["role"] == "system"


def test_unreachable_backend_raises_backend_error():
    backend = ChatBackend(BackendConfig("http://127.0.0.1:9/v1", "m", timeout=2))
    with pytest.raises(BackendError):
        backend.complete("x")


@pytest.mark.parametrize("mode", ["echo", "drop"])
def test_write_draft_with_backend_keeps_grounding(tmp_path, fake_server, mode):
    _FakeChat.mode = mode
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path, backend={"base_url": fake_server, "model": "tiny"})
    keys = citation_keys(config, corpus)
    try:
        result = write_draft(config, corpus, assignments, topics, keys, compile=False, backend=True)
    finally:
        _FakeChat.mode = "echo"
    assert _FakeChat.requests, "the backend was not called"
    assert result.grounding.ok, result.grounding.summary()
    if mode == "echo":
        assert result.rewrite.accepted == len(_FakeChat.requests) and not result.rewrite.rejected
        kinds = {json.loads(line)["kind"] for line in result.provenance.read_text().splitlines()}
        assert "rewritten" in kinds
    else:
        assert result.rewrite.accepted == 0 and len(result.rewrite.rejected) == len(_FakeChat.requests)
        assert all("dropped citation" in r for r in result.rewrite.rejected)


def test_configured_backend_is_used_by_default_and_false_turns_it_off(tmp_path, fake_server):
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path, backend={"base_url": fake_server, "model": "tiny"})
    keys = citation_keys(config, corpus)
    _FakeChat.requests.clear()
    off = write_draft(config, corpus, assignments, topics, keys, compile=False, backend=False)
    assert off.rewrite is None and not _FakeChat.requests
    default = write_draft(config, corpus, assignments, topics, keys, compile=False)
    assert default.rewrite is not None and _FakeChat.requests
