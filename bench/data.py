"""Synthetic, realistic declarations: valid credit codes, real region codes, plausible values.

`generate` writes the national platform's feed as JSON Lines (the API's request shape, one
declaration a line) and keeps, per category, a sample of what it wrote, which the
population step enters as candidates, and the names, brands (`bench.names`) and models the
search benchmark queries. The same seed always gives the same file.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from bench.names import brand, enterprise_name
from domain import ids
from domain.credit_code import make_credit_code
from domain.values import Direction, Indicator, IndicatorKind

CORE, BASIC = IndicatorKind.CORE.value, IndicatorKind.BASIC.value
HIGHER, LOWER = Direction.HIGHER.value, Direction.LOWER.value

# (code, name) of the provincial-level divisions (GB/T 2260).
PROVINCES = [
    ("110000", "北京"),
    ("120000", "天津"),
    ("130000", "河北"),
    ("140000", "山西"),
    ("150000", "内蒙古"),
    ("210000", "辽宁"),
    ("220000", "吉林"),
    ("230000", "黑龙江"),
    ("310000", "上海"),
    ("320000", "江苏"),
    ("330000", "浙江"),
    ("340000", "安徽"),
    ("350000", "福建"),
    ("360000", "江西"),
    ("370000", "山东"),
    ("410000", "河南"),
    ("420000", "湖北"),
    ("430000", "湖南"),
    ("440000", "广东"),
    ("450000", "广西"),
    ("460000", "海南"),
    ("500000", "重庆"),
    ("510000", "四川"),
    ("520000", "贵州"),
    ("530000", "云南"),
    ("610000", "陕西"),
    ("620000", "甘肃"),
    ("630000", "青海"),
    ("640000", "宁夏"),
    ("650000", "新疆"),
]
# Enterprises cluster in the manufacturing provinces.
PROVINCE_WEIGHTS = [
    4, 3, 3, 1, 1, 2, 1, 1, 4, 9, 9, 3, 4, 2, 7, 4, 3, 3, 10, 2, 1, 2, 3, 1, 1, 2, 1, 1, 1, 1,
]  # fmt: skip


@dataclass(frozen=True)
class Family:
    """A kind of product: its name, title and the indicators its schemes use."""

    product: str
    title: str
    model_prefix: str
    indicators: tuple[Indicator, ...]


def _i(code: str, name: str, unit: str, kind: str, direction: str, base: str, w: str) -> Indicator:
    return Indicator(code, name, unit, kind, direction, Decimal(base), Decimal(w))


FAMILIES = [
    Family(
        "Household refrigerator",
        "家用电冰箱",
        "BCD",
        (
            _i("eei", "Energy efficiency index", "%", CORE, LOWER, "60", "2"),
            _i("noise", "Noise", "dB(A)", CORE, LOWER, "40", "1"),
            _i("fresh", "Freshness retention", "%", BASIC, HIGHER, "70", "0"),
        ),
    ),
    Family(
        "Room air conditioner",
        "房间空气调节器",
        "KFR",
        (
            _i("apf", "Annual performance factor", "W/W", CORE, HIGHER, "4.50", "3"),
            _i("noise", "Indoor noise", "dB(A)", CORE, LOWER, "40", "1"),
        ),
    ),
    Family(
        "Washing machine",
        "家用电动洗衣机",
        "XQG",
        (
            _i("water", "Water consumption", "L/kg", CORE, LOWER, "12", "2"),
            _i("energy", "Energy consumption", "kWh/kg", CORE, LOWER, "0.20", "2"),
            _i("wash", "Washing ratio", "1", BASIC, HIGHER, "0.70", "0"),
        ),
    ),
    Family(
        "LED downlight",
        "LED筒灯",
        "LED",
        (
            _i("efficacy", "Luminous efficacy", "lm/W", CORE, HIGHER, "90", "2"),
            _i("cri", "Colour rendering index", "1", CORE, HIGHER, "80", "1"),
        ),
    ),
    Family(
        "Electric water heater",
        "储水式电热水器",
        "EWH",
        (
            _i("loss", "Standby heat loss", "kWh/24h", CORE, LOWER, "1.20", "2"),
            _i("output", "Hot water output rate", "%", CORE, HIGHER, "55", "1"),
        ),
    ),
    Family(
        "Motor",
        "三相异步电动机",
        "YE",
        (
            _i("eff", "Efficiency", "%", CORE, HIGHER, "91.0", "3"),
            _i("vib", "Vibration", "mm/s", BASIC, LOWER, "2.8", "0"),
        ),
    ),
]
# Industry codes (GB/T 4754) for the synthetic categories, each of one family.
CATEGORIES = {
    f"C{3851 + n}": FAMILIES[n % len(FAMILIES)] for n in range(6 * 8)
}  # 48 categories, 8 of each family (C3851: refrigerators, as in GB/T 4754)
# The category of the one large scheme (bench/populate.py): its declarations kept in full.
BIG_CATEGORY = "C3852"  # room air conditioners
BIG_KEEP = 10_000
SAMPLE = 5000  # enterprise names and product models kept for the search queries


def family(category: str) -> Family:
    return CATEGORIES[category]


def declared_value(rng: random.Random, indicator: Indicator) -> Decimal:
    """Mostly better than the baseline (about one in eight is worse)."""
    base = float(indicator.baseline)
    better = rng.random() >= 0.125
    step = rng.uniform(0.01, 0.35) if better else -rng.uniform(0.005, 0.1)
    value = base * (1 - step) if indicator.direction == LOWER else base * (1 + step)
    return Decimal(f"{value:.2f}")


@dataclass
class Sample:
    """A declaration kept for the population step."""

    id: UUID
    credit_code: str
    indicators: dict[str, str]


@dataclass
class DataSet:
    path: Path
    declarations: int
    enterprises: int
    by_category: dict[str, list[Sample]] = field(default_factory=dict)
    bytes: int = 0
    brands: Counter[str] = field(default_factory=Counter)  # enterprises bearing each brand
    names: list[str] = field(default_factory=list)  # of the first SAMPLE enterprises
    models: list[str] = field(default_factory=list)  # of the first SAMPLE declarations


def generate(
    path: Path,
    declarations: int,
    *,
    seed: int = 2025,
    keep_per_category: int = 4000,
    first_enterprise: int = 0,
) -> DataSet:
    """Write `declarations` declarations (about three per enterprise) as JSON Lines; the
    enterprises are numbered from `first_enterprise`, so that later sets add new ones.
    `keep_per_category` declarations of each category are kept (BIG_KEEP of BIG_CATEGORY)."""
    rng = random.Random(seed)
    enterprises = max(1, declarations // 3)
    provinces = rng.choices(range(len(PROVINCES)), PROVINCE_WEIGHTS, k=min(enterprises, 100_000))
    categories = sorted(CATEGORIES)
    data = DataSet(path, declarations, enterprises, {c: [] for c in categories})
    keep = dict.fromkeys(categories, keep_per_category)
    if keep_per_category:
        keep[BIG_CATEGORY] = max(keep_per_category, BIG_KEEP)
    today = date.today()
    with path.open("w", encoding="utf-8") as out:
        for n in range(declarations):
            e = first_enterprise + n % enterprises  # its (n // enterprises + 1)-th standard
            region, province = PROVINCES[provinces[e % len(provinces)]]
            code = make_credit_code("91", region, 1_000_003 * e % 26_439_622_160_671 + 7)
            name = enterprise_name(e, province)
            if n < enterprises:  # each enterprise's first declaration
                data.brands[brand(e)] += 1
                if n < SAMPLE:
                    data.names.append(name)
            category = categories[rng.randrange(len(categories))]
            fam = CATEGORIES[category]
            values = {i.code: str(declared_value(rng, i)) for i in fam.indicators}
            number = f"Q/{region[:2]}{code[10:14]} {n // enterprises + 1:04d}-{2019 + n % 7}"
            model = f"{fam.model_prefix}-{rng.randrange(100, 999)}{'ABCDEFGH'[e % 8]}"
            record = {
                "enterprise": {"credit_code": code, "name": name, "region": region},
                "standard_number": number,
                "title": fam.title,
                "product": {
                    "name": fam.product,
                    "model": model,
                    "category": category,
                },
                "indicators": values,
                "disclosed_on": (today - timedelta(days=rng.randrange(30, 1500))).isoformat(),
            }
            if n < SAMPLE:
                data.models.append(model)
            line = json.dumps(record, ensure_ascii=False) + "\n"
            data.bytes += len(line.encode())
            out.write(line)
            kept = data.by_category[category]
            if len(kept) < keep[category]:
                kept.append(Sample(ids.declaration_id(code, number), code, values))
    return data
