"""Marshmallow's own messages in Chinese, installed once for every schema of the project.

Most fields of the catalogue carry their own Chinese messages (:mod:`handlers.records.fields`); what they
leave out — a wrong type, an unknown field, a range or length with no ``error=`` — would otherwise reach an
officer or an API caller as "Unknown field." or "Must be greater than or equal to 1.".  Fields and validators
copy their class defaults when they are built, so this runs when :mod:`handlers` is first imported, before any
schema exists.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

FIELD_MESSAGES: dict[type[fields.Field[Any]], dict[str, str]] = {
    fields.Field: {"required": "必填项", "null": "不能为空", "validator_failed": "取值无效"},
    fields.String: {"invalid": "应为文本", "invalid_utf8": "不是有效的 UTF-8 文本"},
    fields.Number: {"invalid": "应为数字", "too_large": "数字过大"},
    fields.Integer: {"invalid": "应为整数"},
    fields.Decimal: {"special": "不能是 NaN 或无穷大"},
    fields.Float: {"special": "不能是 NaN 或无穷大"},
    fields.Boolean: {"invalid": "应为“是”或“否”"},
    fields.List: {"invalid": "应为列表"},
    fields.Tuple: {"invalid": "应为列表"},
    fields.Mapping: {"invalid": "应为对象（键值对）"},
    fields.Nested: {"type": "应为对象（键值对）"},
    fields.DateTime: {"invalid": "时间格式无效", "invalid_awareness": "时间须带时区", "format": "无法按格式输出时间"},
    fields.Date: {"invalid": "日期格式无效", "format": "无法按格式输出日期"},
    fields.Email: {"invalid": "电子邮箱地址无效"},
    fields.URL: {"invalid": "网址无效"},
    fields.UUID: {"invalid_uuid": "不是有效的 UUID"},
    fields.Enum: {"unknown": "只能是：{choices}"},
    fields.TimeDelta: {"invalid": "时长无效", "format": "无法按格式输出时长"},
}

SCHEMA_MESSAGES = {"type": "应为对象（键值对）", "unknown": "不接受此字段"}

VALIDATOR_MESSAGES: dict[type[validate.Validator], dict[str, str]] = {
    validate.Range: {"message_min": "应{min_op} {{min}}", "message_max": "应{max_op} {{max}}",
                     "message_all": "应{min_op} {{min}} 且{max_op} {{max}}", "message_gte": "不小于",
                     "message_gt": "大于", "message_lte": "不大于", "message_lt": "小于"},
    validate.Length: {"message_min": "长度至少为 {min}", "message_max": "长度不能超过 {max}",
                      "message_all": "长度应在 {min} 至 {max} 之间", "message_equal": "长度应为 {equal}"},
    validate.OneOf: {"default_message": "只能是：{choices}"},
    validate.ContainsOnly: {"default_message": "所选项须在以下范围内：{choices}"},
    validate.ContainsNoneOf: {"default_message": "所选项不能包括：{values}"},
    validate.NoneOf: {"default_message": "取值无效"},
    validate.Equal: {"default_message": "应等于 {other}"},
    validate.Regexp: {"default_message": "格式不正确"},
    validate.Email: {"default_message": "电子邮箱地址无效"},
    validate.URL: {"default_message": "网址无效"},
    validate.Predicate: {"default_message": "取值无效"},
}


def install() -> None:
    """Replace the English defaults (idempotent: the same values each time)."""
    for field_class, messages in FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}
    for validator, texts in VALIDATOR_MESSAGES.items():
        for name, text in texts.items():
            setattr(validator, name, text)


install()
