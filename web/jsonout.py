"""JSON responses written by orjson: every page's JSON twin and the API.

A national resolution's trace is ~11 MB of JSON: Flask's provider (the standard `json`
module) took 220 ms to write it, longer than building the trace; orjson takes ~30 ms.
Output is what Flask's provider gives (keys sorted, non-ASCII as is, dates as HTTP
dates, decimals and UUIDs as strings, dataclasses as objects, `__html__` as its text);
what orjson cannot write (an integer past 64 bits) falls back to it.
"""
from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response as BaseResponse

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class OrjsonProvider(DefaultJSONProvider):
    """`DefaultJSONProvider`, its writing done by orjson."""

    ensure_ascii = False

    def _bytes(self, obj: Any, *, indent: bool) -> bytes | None:
        options = _OPTIONS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0) \
            | (orjson.OPT_INDENT_2 if indent else 0)
        try:
            return orjson.dumps(obj, default=self.default, option=options)
        except orjson.JSONEncodeError:
            return None                  # the standard module's answer, or its error

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if set(kwargs) <= {"indent", "separators"} and kwargs.get("indent") in (None, 2):
            data = self._bytes(obj, indent="indent" in kwargs)
            if data is not None:
                return data.decode()
        return super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> BaseResponse:
        obj = self._prepare_response_obj(args, kwargs)
        indent = (self.compact is None and self._app.debug) or self.compact is False
        data = self._bytes(obj, indent=indent)
        if data is None:
            return super().response(obj)
        cls: type[Response] = self._app.response_class   # type: ignore[assignment]
        return cls(data + b"\n", mimetype=self.mimetype)
