"""Enterprise names of the generated data: a province, a two-character brand, a trade.

Brands follow a Zipf-Mandelbrot law over 1,722 two-character pairs, as brand names do: the
commonest is in about one enterprise name in twenty, the rarest in a few per million
(`brand_share`). Which brand an enterprise bears depends only on its number, so every
declaration of an enterprise names it alike, and a set generated later (bench/growth.py)
draws from the same law. The search benchmark (bench/discovery_items.py) queries brands of
both ends.
"""

from __future__ import annotations

import bisect
import random

# Characters of brand names (two of them make one); many brands of one share a character.
WORDS = "华海美格新康佳宏瑞泰德隆信安达恒远鑫盛光明科创力源丰通辉凯博利兴金嘉永万和奥志雅威蓝"
KINDS = ["电器", "科技", "实业", "照明", "机电", "家电", "制造", "智能", "电子", "工业"]
# Zipf-Mandelbrot: the brand of rank k has weight (k + OFFSET) ** -EXPONENT.
EXPONENT = 2.0
OFFSET = 20
_SPREAD = 2_654_435_761  # Knuth's multiplicative hash: brand ranks spread over enterprises


def _brands() -> list[str]:
    pairs = [a + b for a in WORDS for b in WORDS if a != b]
    random.Random(14).shuffle(pairs)  # which pair is common is arbitrary, but fixed
    return pairs


BRANDS = _brands()
_WEIGHTS: list[float] = [float(k + 1 + OFFSET) ** -EXPONENT for k in range(len(BRANDS))]
_TOTAL: float = sum(_WEIGHTS)
_CUMULATIVE: list[float] = []
for _w in _WEIGHTS:
    _CUMULATIVE.append((_CUMULATIVE[-1] if _CUMULATIVE else 0.0) + _w / _TOTAL)


def brand_share(rank: int) -> float:
    """The expected share of enterprises bearing the brand of this rank (0 = commonest)."""
    return _WEIGHTS[rank] / _TOTAL


def brand_rank(enterprise: int) -> int:
    """The rank of the brand enterprise number `enterprise` bears."""
    u = (enterprise * _SPREAD + 12_345) % 2**32 / 2**32
    return min(bisect.bisect_right(_CUMULATIVE, u), len(BRANDS) - 1)


def brand(enterprise: int) -> str:
    return BRANDS[brand_rank(enterprise)]


def kind(enterprise: int) -> str:
    """The enterprise's trade (电器, 科技...)."""
    return KINDS[(enterprise // 7) % len(KINDS)]


def enterprise_name(enterprise: int, province: str) -> str:
    """E.g. 江苏华美电器有限公司 (a number follows where brand and trade repeat often)."""
    serial = enterprise // 7840
    return f"{province}{brand(enterprise)}{kind(enterprise)}有限公司{serial or ''}"
