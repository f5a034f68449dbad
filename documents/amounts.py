"""Sums of money as a 决定书 states them: in figures and in 大写 (人民币壹万元整), the way a bank and a court read them.

cn2an writes 大写 numerals but not the 元角分 of money (it has no 整 and reads 0.05 as 零点零伍), so the
few lines of the conventional rule are kept here and tested against the cases bankers check by hand.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL = ("", "拾", "佰", "仟")
LARGE = ("", "万", "亿", "万亿")


def _section(n: int) -> str:
    """0 < n < 10000 in 大写, zeros inside collapsed (1001 → 壹仟零壹)."""
    out, zero = "", False
    for i in range(3, -1, -1):
        d = n // 10 ** i % 10
        if d == 0:
            zero = bool(out)
            continue
        out += ("零" if zero else "") + DIGITS[d] + SMALL[i]
        zero = False
    return out


def _integer(n: int) -> str:
    if n == 0:
        return ""
    sections = []
    i = 0
    while n:
        sections.append((n % 10000, i))
        n //= 10000
        i += 1
    out = ""
    pending_zero = False
    for value, index in reversed(sections):
        if value == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or value < 1000):
            out += "零"
        out += _section(value) + LARGE[index]
        pending_zero = False
    return out


def to_decimal(value: object) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"金额格式不正确：{value!r}") from None
    if amount < 0:
        raise ValueError(f"金额不能为负数：{value}")
    return amount


def upper(value: object) -> str:
    """人民币 大写 (《支付结算办法》附一 the 正确填写票据和结算凭证的基本规定): 10000 → 壹万元整,
    1500.05 → 壹仟伍佰元零伍分, 0.5 → 伍角."""
    amount = to_decimal(value)
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    out = _integer(yuan) + ("元" if yuan else "")
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += ("零" if yuan and yuan % 10 == 0 else "") + DIGITS[jiao] + "角"
    if fen:
        out += ("零" if yuan and not jiao else "") + DIGITS[fen] + "分"
    return out


def figures(value: object) -> str:
    """¥10,000.00."""
    return f"¥{to_decimal(value):,.2f}"


def money(value: object) -> str:
    """Both, as the sum appears in a 文书: 人民币壹万元整（¥10,000.00）."""
    return f"人民币{upper(value)}（{figures(value)}）"
