"""The API contract: each JSON endpoint declares its body, query and answer schemas with :func:`op`; the same
declaration validates the request (422 with ``fields``, nothing reaches the service) and writes the OpenAPI 3
description (apispec) served at ``/api/openapi.json``, shown by the vendored Swagger UI at ``/api/docs``."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from marshmallow import Schema, ValidationError

from webapp.api import common
from webapp.api import schemas as s
from webapp.errors import Invalid

F = TypeVar("F", bound=Callable[..., Any])
ERROR_TEXT = {400: "请求无效", 401: "未登录或令牌无效、已过期", 403: "无权访问", 404: "不存在", 405: "方法不支持",
              409: "状态冲突", 413: "超过上限", 422: "输入无效，未保存", 423: "账号已锁定", 429: "尝试过于频繁",
              503: "存储不可用"}
ALWAYS = (400, 401, 405, 413, 422, 429)


@dataclass(frozen=True)
class Op:
    summary: str
    body: type[Schema] | None = None
    load: bool = True  # False: the service validates the body with this same schema (its own messages)
    query: type[Schema] | None = None
    answer: type[Schema] | None = None
    many: bool = False
    keyed: bool = False  # the answer is an object mapping codes to ``answer`` (the record catalogue)
    status: int = 200
    errors: tuple[int, ...] = ()
    produces: str = "application/json"
    consumes: str = "application/json"
    public: bool = False
    tag: str = "案件"


def op(summary: str, **kw: Any) -> Callable[[F], F]:
    """Declare (and enforce) an endpoint's contract; the view gets ``data`` and ``query`` when it declares them."""
    spec = Op(summary, **kw)

    def wrap(view: F) -> F:
        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if spec.query is not None:
                kwargs["query"] = load(spec.query, request.args.to_dict())
            if spec.body is not None and spec.consumes == "application/json":
                raw = common.body()
                kwargs["data"] = load(spec.body, raw) if spec.load else raw
            return view(*args, **kwargs)

        inner.contract = spec  # type: ignore[attr-defined]  # read back by describe()
        return inner  # type: ignore[return-value]

    return wrap


def load(schema: type[Schema], data: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema().load(data)
    except ValidationError as exc:
        raise Invalid("请求内容有误，未保存", fields=exc.normalized_messages()) from exc


# --------------------------------------------------------------------------- the description

_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def describe(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3 document of every endpoint declared with :func:`op`."""
    spec = APISpec(title="留痕 Liuhen 行政执法全过程记录 API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "除登录外，每个请求须带 Authorization: Bearer 令牌（POST /api/login 取得）。"
                                        "每个错误都是 JSON {error, message（中文）, …}。"})
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=s.Error)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        contract = getattr(app.view_functions[rule.endpoint], "contract", None)
        if contract is None:
            continue
        if contract.keyed and contract.answer and contract.answer.__name__ not in spec.components.schemas:
            spec.components.schema(contract.answer.__name__, schema=contract.answer)  # apispec leaves
            # additionalProperties unresolved, so the keyed answer refers to the component by name
        path = _PARAM.sub(r"{\2}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            spec.path(path=path, operations={method.lower(): _operation(rule.rule, contract)})
    return spec.to_dict()


def _operation(rule: str, c: Op) -> dict[str, Any]:
    out: dict[str, Any] = {"summary": c.summary, "tags": [c.tag], "parameters": _path_params(rule),
                           "responses": {str(c.status): _answer(c)}}
    if c.public:
        out["security"] = []
    else:
        out["security"] = [{"token": []}]
    if c.query is not None:
        out["parameters"].append({"in": "query", "schema": c.query})
    if c.consumes == "application/octet-stream":
        out["requestBody"] = {"required": True, "content": {c.consumes: {"schema": {"type": "string", "format": "binary"}}}}
    elif c.body is not None:
        out["requestBody"] = {"required": True, "content": {c.consumes: {"schema": c.body}}}
    for code in sorted(({*ALWAYS} - ({401} if c.public else set())) | set(c.errors)):
        out["responses"][str(code)] = {"description": ERROR_TEXT[code],
                                       "content": {"application/json": {"schema": "Error"}}}
    return out


def _path_params(rule: str) -> list[dict[str, Any]]:
    return [{"in": "path", "name": name, "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1} if conv == "int" else
             {"type": "string", "maxLength": 64}} for conv, name in _PARAM.findall(rule)]


def _answer(c: Op) -> dict[str, Any]:
    if c.produces != "application/json":
        return {"description": "文件", "content": {c.produces: {"schema": {"type": "string", "format": "binary"}}}}
    if c.answer is None:
        return {"description": "成功", "content": {"application/json": {"schema": {"type": "object"}}}}
    schema: Any = {"type": "array", "items": c.answer} if c.many else c.answer
    if c.keyed:
        schema = {"type": "object", "additionalProperties": {"$ref": f"#/components/schemas/{c.answer.__name__}"}}
    return {"description": "成功", "content": {"application/json": {"schema": schema}}}


# --------------------------------------------------------------------------- serving it

bp = Blueprint("api_docs", __name__, url_prefix="/api")
PUBLIC = ("api_docs.openapi", "api_docs.docs")
common.install(bp, public=PUBLIC)


@bp.get("/openapi.json")
def openapi() -> Any:
    if "liuhen.openapi" not in current_app.extensions:
        current_app.extensions["liuhen.openapi"] = describe(current_app)
    return jsonify(current_app.extensions["liuhen.openapi"])


@bp.get("/docs")
def docs() -> Any:
    """Swagger UI from ``static/vendor/swagger-ui`` (no CDN), started by a static script (no inline script)."""
    return render_template("api_docs.html")
