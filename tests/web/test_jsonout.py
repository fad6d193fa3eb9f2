"""The app's JSON is written by orjson and reads back as Flask's own provider writes it."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

from web.jsonout import OrjsonProvider


@dataclass
class _Row:
    iri: str
    n: int


PAYLOADS = [
    {"label": "Nghị quyết 97/2019/QH14 — Quốc hội", "lag_days": 34, "count": None,
     "nested": {"z": [1, 2.5, True], "a": {"b": "đ"}}},
    {"date": date(2019, 11, 27), "at": datetime(2021, 4, 22, 8, 30, tzinfo=UTC)},
    {"price": Decimal("1.50"), "id": uuid.UUID(int=7), "row": _Row("x", 3)},
    {"html": Markup("<b>Ủy ban</b>"), "b": "after", "a": "before"},
    {3: "int keys", 10: "as text"},
    [{"iri": f"https://w3id.org/vnkg/id/doc/{i}"} for i in range(3)],
    {"huge": 2**70},                                   # past orjson: Flask's own writes it
]


@pytest.fixture
def app() -> Flask:
    return Flask(__name__)           # the providers hold it weakly: the test holds it


@pytest.fixture
def providers(app: Flask) -> tuple[OrjsonProvider, DefaultJSONProvider]:
    plain = DefaultJSONProvider(app)
    plain.ensure_ascii = False
    return OrjsonProvider(app), plain


@pytest.mark.parametrize("payload", PAYLOADS)
def test_json_reads_back_as_flasks_own(app, providers, payload) -> None:
    fast, plain = providers
    assert json.loads(fast.dumps(payload)) == json.loads(plain.dumps(payload))
    with app.app_context():
        body = fast.response(payload).get_data()
        assert json.loads(body) == json.loads(plain.response(payload).get_data())
        assert body.endswith(b"\n")


def test_keys_are_sorted_and_text_is_not_escaped(providers) -> None:
    fast, _ = providers
    text = fast.dumps({"b": "Phường Đức Giang", "a": 1})
    assert text.index('"a"') < text.index('"b"') and "Đức" in text


def test_what_neither_can_write_is_an_error(providers) -> None:
    fast, _ = providers
    with pytest.raises(TypeError):
        fast.dumps({"x": object()})


def test_the_app_writes_its_json_with_it(wc) -> None:
    assert isinstance(wc.application.json, OrjsonProvider)
    r = wc.get("/api/trace", query_string={"doc": "97/2019/QH14"})
    assert r.status_code == 200 and r.is_json
    assert r.get_json()["ok"] is True and r.get_json()["nodes"]
