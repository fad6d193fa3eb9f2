"""Settings are declared once; the README lists every one."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg import settings

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_readme_lists_setting(setting: settings.Setting) -> None:
    assert f"`{setting.env}`" in README.read_text(encoding="utf-8")


def test_environment_overrides_default_and_parses_type() -> None:
    values = settings.load(environ={"KG_PORT": "8080", "KG_QUERY_TIMEOUT": "2.5",
                                    "KG_SERVICE_ALLOW": "http://a/sparql, http://b/sparql"})
    assert values["port"] == 8080
    assert values["query_timeout"] == 2.5
    assert values["service_allow"] == ("http://a/sparql", "http://b/sparql")
    assert values["store"] == "./kgdata"


def test_overrides_beat_environment() -> None:
    values = settings.load({"port": 9000}, environ={"KG_PORT": "8080"})
    assert values["port"] == 9000


def test_unknown_override_is_an_error() -> None:
    with pytest.raises(KeyError):
        settings.load({"no_such_setting": 1}, environ={})


def test_readme_table_is_made_from_the_settings() -> None:
    assert settings.markdown_table() in README.read_text(encoding="utf-8")
