"""The demo dataset: evaluation bodies, the indicators of each scheme, the enterprises and
the values their standards declare (what `cli.demo.story` tells, not how)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.evaluation_body import BodyKind
from domain.values import Direction, Indicator, IndicatorKind

CORE, BASIC = IndicatorKind.CORE.value, IndicatorKind.BASIC.value
INNOVATION = IndicatorKind.INNOVATION.value
HIGHER, LOWER = Direction.HIGHER.value, Direction.LOWER.value

REFRIGERATORS, AIR_CONDITIONERS, WASHING_MACHINES = "C3851", "C3852", "C3855"
LED_LAMPS, PROPERTY_SERVICES = "C3872", "K7020"
# The catalogue's names of the demo's categories: (code, Chinese name, English name).
CATEGORIES = (
    (REFRIGERATORS, "家用电冰箱", "Household refrigerators"),
    (AIR_CONDITIONERS, "房间空气调节器", "Room air conditioners"),
    (WASHING_MACHINES, "家用洗衣机", "Household washing machines"),
    (LED_LAMPS, "LED照明产品", "LED lighting products"),
    (PROPERTY_SERVICES, "物业服务", "Property management services"),
)
TIANJIN = "120000"
APPROVAL = "专家评审通过 (approved by the expert review panel)"


def indicator(
    code: str, name: str, unit: str, kind: str, direction: str, baseline: str, weight: str
) -> Indicator:
    return Indicator(code, name, unit, kind, direction, Decimal(baseline), Decimal(weight))


# Evaluation bodies ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Body:
    key: str
    name: str
    kind: str
    categories: tuple[str, ...]


BODIES = (
    Body(
        "cnis",
        "中国标准化研究院 (China National Institute of Standardization)",
        BodyKind.STANDARDISATION_INSTITUTE.value,
        (REFRIGERATORS,),
    ),
    Body(
        "cheari",
        "中国家用电器研究院 (China Household Electric Appliance Research Institute)",
        BodyKind.TESTING_INSTITUTE.value,
        (AIR_CONDITIONERS, WASHING_MACHINES),
    ),
    Body(
        "cali",
        "中国照明电器协会 (China Association of Lighting Industry)",
        BodyKind.INDUSTRY_ASSOCIATION.value,
        (LED_LAMPS,),
    ),
    Body(
        "tjis",
        "天津市标准化研究院 (Tianjin Institute of Standardization)",
        BodyKind.STANDARDISATION_INSTITUTE.value,
        (REFRIGERATORS, PROPERTY_SERVICES),
    ),
)
DEMO_BODY = "cnis"  # the body whose token `serve --demo` prints

# Indicators of the schemes ---------------------------------------------------------------------
FRIDGE_INDICATORS = (
    indicator("eei", "能效指数 Energy efficiency index", "%", CORE, LOWER, "60", "3"),
    indicator("noise", "噪声 Noise", "dB(A)", CORE, LOWER, "42", "1"),
    indicator("fresh", "保鲜技术 Freshness retention", "", INNOVATION, HIGHER, "0", "0"),
)
AC_INDICATORS = (
    indicator("apf", "全年能源消耗效率 APF", "W·h/(W·h)", CORE, HIGHER, "4.50", "3"),
    indicator("standby", "待机功率 Standby power", "W", CORE, LOWER, "1.0", "1"),
    indicator("noise", "室内机噪声 Indoor unit noise", "dB(A)", BASIC, LOWER, "40", "0"),
    indicator("low_gwp", "低GWP制冷剂 Low-GWP refrigerant", "", INNOVATION, HIGHER, "0", "0"),
)
WASHER_INDICATORS = (
    indicator(
        "energy", "单位功效耗电量 Energy per unit", "kW·h/(cycle·kg)", CORE, LOWER, "0.150", "2"
    ),
    indicator("water", "单位功效用水量 Water per unit", "L/(cycle·kg)", CORE, LOWER, "10.0", "1"),
    indicator("wash_ratio", "洗净比 Washing ratio", "", BASIC, HIGHER, "0.70", "0"),
    indicator("noise", "洗涤噪声 Washing noise", "dB(A)", BASIC, LOWER, "62", "0"),
)
LED_INDICATORS = (
    indicator("efficacy", "光效 Luminous efficacy", "lm/W", CORE, HIGHER, "100", "2"),
    indicator("lifetime", "额定寿命 Rated lifetime", "h", CORE, HIGHER, "15000", "1"),
    indicator("ra", "显色指数 Colour rendering index", "Ra", BASIC, HIGHER, "80", "0"),
    indicator("dimming", "智能调光 Smart dimming", "", INNOVATION, HIGHER, "0", "0"),
)
PROPERTY_INDICATORS = (
    indicator("satisfaction", "业主满意度 Owner satisfaction", "%", CORE, HIGHER, "80", "2"),
    indicator("repair_response", "报修响应时间 Repair response", "h", CORE, LOWER, "24", "1"),
    indicator("closure", "投诉处理及时率 Complaint closure rate", "%", BASIC, HIGHER, "95", "0"),
)


# Enterprises and the standards they declare -----------------------------------------------------
@dataclass(frozen=True)
class Maker:
    key: str  # also the letters of its standard number, e.g. Q/12JL 0001-2024
    name: str
    region: str
    model: str
    values: dict[str, str]


@dataclass(frozen=True)
class Line:
    """One product or service category and the enterprises that declare standards for it."""

    category: str
    product: str
    title: str
    keys: tuple[str, ...]
    makers: tuple[Maker, ...]


def line(
    category: str,
    product: str,
    title: str,
    keys: Sequence[str],
    rows: Sequence[tuple[str, str, str, str, Sequence[str]]],
) -> Line:
    makers = tuple(
        Maker(key, name, region, model, dict(zip(keys, values, strict=True)))
        for key, name, region, model, values in rows
    )
    return Line(category, product, title, tuple(keys), makers)


FRIDGES = line(
    REFRIGERATORS,
    "家用电冰箱 Household refrigerator",
    "家用电冰箱",
    ("eei", "noise", "fresh"),
    [
        ("JL", "津冷电器(天津)有限公司", TIANJIN, "BCD-510WP", ("42", "37", "1")),
        ("XY", "北京雪原制冷设备有限公司", "110000", "BCD-460W", ("45", "38", "0")),
        ("BC", "上海冰川家电有限公司", "310000", "BCD-552WK", ("40", "39", "1")),
        ("HL", "青岛海澜电器股份有限公司", "370200", "BCD-480WD", ("38", "36", "1")),
        ("HW", "合肥恒温科技有限公司", "340100", "BCD-401", ("50", "38", "0")),
        ("QL", "杭州清凉电器有限公司", "330100", "BCD-320", ("47", "40", "0")),
        ("LX", "深圳冷芯智能电器有限公司", "440300", "BCD-505WG", ("44", "37", "1")),
        ("BJX", "佛山北极星电器有限公司", "440600", "BCD-268", ("52", "39", "0")),
    ],
)
# Newcomers who declare in time for the current refrigerator cycle only.
NEW_FRIDGES = line(
    REFRIGERATORS,
    FRIDGES.product,
    FRIDGES.title,
    FRIDGES.keys,
    [
        ("SH", "苏州霜华电器有限公司", "320500", "BCD-450WS", ("42", "37", "0")),
        ("BB", "天津渤冰科技有限公司", TIANJIN, "BCD-390W", ("44", "39", "0")),
        ("SC", "重庆山城制冷有限公司", "500000", "BCD-215", ("61", "40", "0")),
    ],
)
AIR_CONDITIONER_MAKERS = line(
    AIR_CONDITIONERS,
    "房间空气调节器 Room air conditioner",
    "房间空气调节器",
    ("apf", "standby", "noise", "low_gwp"),
    [
        ("NF", "珠海暖风空调设备有限公司", "440400", "KFR-35GW/NF1", ("5.60", "0.40", "38", "1")),
        ("SQ", "佛山顺清空调有限公司", "440600", "KFR-35GW/SQ3", ("5.45", "0.50", "37", "0")),
        ("LH", "青岛蓝海空调股份有限公司", "370200", "KFR-26GW/LH", ("5.30", "0.45", "39", "1")),
        ("AF", "宁波奥风电器有限公司", "330200", "KFR-35GW/AF", ("5.20", "0.60", "38", "0")),
        ("LXK", "天津凉夏空调有限公司", TIANJIN, "KFR-35GW/LX", ("5.05", "0.55", "39", "0")),
        ("JF", "武汉江风电器有限公司", "420100", "KFR-32GW/JF", ("4.95", "0.50", "38", "0")),
        ("QY", "南京清源空调设备有限公司", "320100", "KFR-35GW/QY", ("5.10", "0.50", "38", "0")),
        ("HF", "厦门海风电器有限公司", "350200", "KFR-26GW/HF", ("4.80", "0.70", "36", "0")),
    ],
)
WASHER_MAKERS = line(
    WASHING_MACHINES,
    "家用洗衣机 Household washing machine",
    "滚筒洗衣机",
    ("energy", "water", "wash_ratio", "noise"),
    [
        ("QYX", "无锡清漪洗衣机有限公司", "320200", "XQG100-QY1", ("0.105", "6.8", "1.03", "48")),
        ("RT", "合肥荣泰电器有限公司", "340100", "XQG90-RT5", ("0.112", "7.2", "1.00", "50")),
        ("HLX", "宁波海浪洗涤设备有限公司", "330200", "XQG100-HL", ("0.118", "7.9", "0.98", "52")),
        ("JLA", "上海洁澜电器有限公司", "310000", "XQG80-JL2", ("0.125", "8.4", "0.95", "49")),
        ("JJ", "天津洁净家电有限公司", TIANJIN, "XQG100-JJ", ("0.130", "8.8", "0.92", "53")),
        ("SY", "杭州水韵电器有限公司", "330100", "XQG90-SY", ("0.135", "9.1", "0.90", "54")),
        ("JJK", "深圳净界科技有限公司", "440300", "XQG80-JJK", ("0.140", "9.5", "0.85", "55")),
    ],
)
LED_MAKERS = line(
    LED_LAMPS,
    "LED筒灯 LED downlight",
    "LED筒灯",
    ("efficacy", "lifetime", "ra", "dimming"),
    [
        ("GY", "厦门光源照明科技有限公司", "350200", "TD-12W-GY", ("150", "30000", "85", "1")),
        ("MLD", "中山明亮灯饰有限公司", "442000", "MLD-DL10", ("145", "25000", "82", "0")),
        ("CG", "杭州晨光照明电器有限公司", "330100", "CG-DL12", ("140", "25000", "90", "1")),
        ("MH", "上海明辉照明有限公司", "310000", "MH-D9W", ("140", "25000", "83", "0")),
        ("XYG", "深圳星耀光电有限公司", "440300", "XY-DL15", ("135", "30000", "80", "1")),
        ("HD", "佛山华灯照明有限公司", "440600", "HD-TD8", ("130", "20000", "84", "0")),
        ("JLG", "苏州晶亮光电科技有限公司", "320500", "JL-D12", ("125", "25000", "81", "0")),
        ("JH", "北京京华照明有限公司", "110000", "JH-DL7", ("120", "20000", "86", "0")),
        ("JM", "天津津明电光源有限公司", TIANJIN, "JM-TD10", ("115", "15000", "80", "0")),
    ],
)
PROPERTY_FIRMS = line(
    PROPERTY_SERVICES,
    "住宅物业服务 Residential property services",
    "住宅物业服务规范",
    ("satisfaction", "repair_response", "closure"),
    [
        ("AJ", "天津安居物业服务有限公司", "120103", "住宅小区一级服务", ("96", "4", "100")),
        ("HH", "天津海河物业管理有限公司", "120101", "住宅小区一级服务", ("94", "6", "99")),
        ("BH", "天津滨海宜家物业服务有限公司", "120116", "住宅小区二级服务", ("92", "8", "98")),
        ("NK", "天津南开园区物业管理有限公司", "120104", "住宅小区二级服务", ("90", "12", "97")),
        ("HS", "天津和顺物业服务有限公司", "120102", "住宅小区一级服务", ("88", "2", "96")),
        ("JC", "天津津城物业管理有限公司", "120105", "住宅小区三级服务", ("85", "12", "95")),
    ],
)
FORMAT_PROBLEM = (
    "格式问题：标准文本缺少范围和技术要求章节，不符合 GB/T 1.1-2020 "
    "(format problem: the standard text lacks the scope and requirements clauses)"
)
INVALID_REFERENCE = (
    "规范性引用文件无效：引用已废止的 GB 12021.3-2010，已被 GB 21455-2019 代替 "
    "(invalid normative reference: GB 12021.3-2010 was replaced by GB 21455-2019)"
)

CURRENT_SCHEMES = {  # key: body, category, title (Chinese, English), indicators, top n, publicity
    "refrigerators_current": (
        "cnis",
        REFRIGERATORS,
        "家用电冰箱",
        "Household refrigerators",
        FRIDGE_INDICATORS,
        3,
        10,
    ),
    "air_conditioners": (
        "cheari",
        AIR_CONDITIONERS,
        "房间空气调节器",
        "Room air conditioners",
        AC_INDICATORS,
        4,
        7,
    ),
    "washing_machines": (
        "cheari",
        WASHING_MACHINES,
        "家用洗衣机",
        "Washing machines",
        WASHER_INDICATORS,
        3,
        10,
    ),
    "led_lamps": ("cali", LED_LAMPS, "LED筒灯", "LED downlights", LED_INDICATORS, 5, 7),
}
