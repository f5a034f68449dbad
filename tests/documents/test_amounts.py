"""Sums in 大写 as 《支付结算办法》附一 (正确填写票据和结算凭证的基本规定) writes them: 元 then 整; zeros inside once."""
from __future__ import annotations

import pytest

from documents.amounts import figures, money, upper


@pytest.mark.parametrize("value,expected", [
    ("10000.00", "壹万元整"), ("50", "伍拾元整"), ("1500.05", "壹仟伍佰元零伍分"), ("0.5", "伍角"), ("0.05", "伍分"),
    ("0.55", "伍角伍分"), ("3.07", "叁元零柒分"), ("1001", "壹仟零壹元整"), ("1010", "壹仟零壹拾元整"),
    ("105000", "壹拾万伍仟元整"), ("100010000", "壹亿零壹万元整"), ("200000", "贰拾万元整"), ("0", "零元整"),
    ("99999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"), ("10000.5", "壹万元零伍角"), ("20.30", "贰拾元零叁角"),
    ("1234.565", "壹仟贰佰叁拾肆元伍角柒分"),
])
def test_upper(value, expected):
    assert upper(value) == expected


def test_figures_and_both():
    assert figures("10000") == "¥10,000.00"
    assert money("10000.00") == "人民币壹万元整（¥10,000.00）"
    with pytest.raises(ValueError, match="负数"):
        upper("-1")
    with pytest.raises(ValueError, match="格式"):
        upper("一万")
