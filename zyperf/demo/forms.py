"""What the demo's people write in each form: realistic indicators, texts and amounts from
seed/demo.toml, the rest through zyperf.volume's fillers and zyperf.volume_results (the figures
themselves are the services' to compute). Pure but for reading a document's form definition."""

import random
from decimal import Decimal

from zyperf.domain import indicators
from zyperf.domain.figures import EXANTE_ASPECTS
from zyperf.models import Project, StageDocument, User
from zyperf.services import document_data
from zyperf.volume import form_values
from zyperf.volume_results import evaluation_values, monitoring_values

# (一级, 二级, 三级, 性质, 指标值, 计量单位, 权重 of 90) around a project's own output and effect rows.
COST = ("成本指标", "经济成本指标", "项目总成本", "≤", None, "万元", 15)
QUALITY = ("产出指标", "质量指标", "成果验收合格率", "≥", "95", "%", 15)
TIMELY = ("产出指标", "时效指标", "按期完成率", "≥", "95", "%", 10)
LASTING = ("效益指标", "可持续影响指标", "成果持续发挥作用年限", "≥", "3", "年", 10)
SATISFIED = ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%", 10)
DEPARTMENT_ROWS = (
    ("成本指标", "经济成本指标", "部门项目支出总额", "≤", None, "万元", 15),
    ("产出指标", "数量指标", "完成年度重点项目", "≥", None, "个", 15),
    ("产出指标", "质量指标", "项目绩效目标批复率", "≥", "95", "%", 15),
    ("产出指标", "时效指标", "预算执行率", "≥", "90", "%", 15),
    ("效益指标", "社会效益指标", "自然资源要素保障能力", "定性", "效果明显", "", 10),
    ("效益指标", "生态效益指标", "国土空间生态保护修复成效", "定性", "效果明显", "", 10),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%", 10),
)
HUNDRED = Decimal(100)


def _rows(specs, total: Decimal) -> list[dict]:
    """Indicator rows with weights scaled from 90 to the form's total (the last takes the remainder)."""
    rows, given = [], Decimal(0)
    for i, (level1, level2, level3, nature, value, unit, weight) in enumerate(specs):
        share = (Decimal(weight) * total / 90).quantize(Decimal("0.01"))
        share = total - given if i == len(specs) - 1 else share
        given += share
        rows.append(
            {
                "level1": level1,
                "level2": level2,
                "level3": level3,
                "nature": nature,
                "value": value,
                "unit": unit,
                "weight": str(share),
            }
        )
    return rows


def _weight_total(document: StageDocument, key: str = "indicators") -> Decimal:
    definition = document_data.definition_of(document)
    spec = next((f for f in definition.fields if f["key"] == key), {})
    return Decimal(str(spec.get("weight_total", indicators.DEFAULT_WEIGHT_TOTAL)))


def _complete(document: StageDocument, data: dict, rng: random.Random) -> dict:
    """`data`, and a plain value for any field of the form it leaves empty (volume's fillers)."""
    definition = document_data.definition_of(document)
    keys = {f["key"] for f in definition.fields}
    data = {k: v for k, v in data.items() if k in keys}
    if document.project is not None:
        data |= form_values(definition, data, document.project, rng)
    return data


def targets(document: StageDocument, row: dict, staff: User, rng: random.Random) -> dict:
    """绩效目标: the manager, the goal and seven indicators around the project's output and effect."""
    project = document.project
    level3, nature, value, unit = row["output"]
    specs = (
        COST[:4] + (str(project.total_amount),) + COST[5:],
        ("产出指标", "数量指标", level3, nature, value, unit, 15),
        QUALITY,
        TIMELY,
        ("效益指标", "社会效益指标", row["effect"], "定性", "效果明显", "", 15),
        LASTING,
        SATISFIED,
    )
    data = {
        "manager": f"{staff.display_name.split()[-1]} 028-2663{rng.randrange(1000, 9999)}",
        "overview": f"{project.name}：{row['goal']}资金{project.total_amount}万元，按年度计划组织实施。",
        "annual_goal": row["goal"],
        "indicators": _rows(specs, _weight_total(document)),
    }
    return _complete(document, (document.data or {}) | data, rng)


def exante(document: StageDocument, *, rating: str, suggested: Decimal, rng: random.Random) -> dict:
    """事前绩效评估: the 20 sub-aspects rated (`rating`, a few one grade lower), the suggested amount."""
    count = sum(len(items) for _, items in EXANTE_ASPECTS)
    lower = {"优": "良", "良": "中", "中": "中"}[rating]
    ratings = [{"rating": lower if i % 5 == 3 else rating, "opinion": ""} for i in range(count)]
    data = {
        "method": "third_party" if document.project.total_amount >= 500 else "self",
        "ratings": ratings,
        "suggested_amount": str(suggested),
        "assessors": "四川某工程咨询有限公司评估组"
        if document.project.total_amount >= 500
        else "本科室评估小组",
        "overall_opinion": "项目立项依据充分，实施方案基本可行，绩效目标明确，建议按评估意见完善后实施。",
    }
    return _complete(document, (document.data or {}) | data, rng)


def adjustment(kind: str, amounts: dict[str, str], reason: str) -> dict:
    """预算调整: 追加 (increase), 调减 (decrease) or 收回 (recall) by fund source, with its reason."""
    return {
        "adjustment_type": kind,
        "funds": {source: {"amount": amount} for source, amount in amounts.items()},
        "reason": reason,
    }


def monitoring(document: StageDocument, cls: str, rng: random.Random) -> dict:
    """绩效监控 of 1-m月 for class `cls`; a key-monitoring project's plan runs with the calendar."""
    month = document.fiscal_year.monitoring_month
    data = monitoring_values(document.data or {}, month, rng, cls)
    if document.project.is_key_monitoring:
        data["planned_progress"] = str((HUNDRED * month / 12).quantize(Decimal("0.01")))
    return data


def evaluation(document: StageDocument, grade: str, rng: random.Random) -> dict:
    """项目支出绩效自评 (or the department's) for `grade`."""
    data = evaluation_values(document.data or {}, rng, grade)
    return _complete(document, data, rng)


# The department's task (name, content) each unit's projects serve.
TASKS = {
    "guihua": ("国土空间规划", "完成国土空间总体规划、详细规划和村庄规划编制及实施监督"),
    "gengdi": ("耕地保护", "落实耕地保护补偿，开展高标准农田耕地质量监测"),
    "shengtai": ("国土空间生态修复", "实施历史遗留矿山生态修复和地质灾害综合治理"),
    "quequan": ("自然资源确权登记", "推进自然资源统一确权登记"),
    "cehui": ("基础测绘", "完成基础测绘更新和地理信息公共服务"),
    "zhifa": ("自然资源执法监管", "开展卫片执法监测和违法用地整治"),
    "chubei": ("土地储备", "完成拟收储地块前期调查评估"),
    "xinxi": ("自然资源信息化", "建设和运维自然资源信息化平台"),
    "bangongshi": ("不动产登记服务", "推进不动产登记档案数字化"),
}


def tasks_of(projects: list[Project]) -> list[dict]:
    """The department's tasks: one per unit, with the amounts of its projects."""
    found: dict[str, dict] = {}
    for project in projects:
        name, content = TASKS[project.unit.code]
        task = found.setdefault(name, {"name": name, "content": content, "fiscal": 0, "other": 0})
        task["fiscal"] += project.fiscal_amount
        task["other"] += project.other_amount
    return [t | {"fiscal": str(t["fiscal"]), "other": str(t["other"])} for t in found.values()]


def department_targets(document: StageDocument, tasks: list[dict], projects: int, rng) -> dict:
    """部门整体支出绩效目标: the year's tasks with their amounts, the goal, the department indicators."""
    total = sum(Decimal(t["fiscal"]) + Decimal(t["other"]) for t in tasks)
    specs = [list(s) for s in DEPARTMENT_ROWS]
    specs[0][4], specs[1][4] = str(total), str(projects)
    return {
        "tasks": tasks,
        "annual_goal": "围绕国土空间规划、耕地保护、生态修复、确权登记和执法监管等职能，全面完成年度重点工作任务，"
        "提升自然资源要素保障能力和资金使用效益。",
        "indicators": _rows(specs, _weight_total(document)),
    }


def department_evaluation(document: StageDocument, grade: str, finance: User, rng) -> dict:
    data = evaluation_values(document.data or {}, rng, grade)
    return _complete(document, data, rng) | {
        "contact": finance.display_name.split()[-1],
        "phone": "028-26631001",
        "tasks_completion": "年度主要任务基本完成，个别项目因前期手续和资金拨付滞后，进度未达预期。",
    }


def problem(
    description: str,
    measures: str,
    *,
    kind: str,
    unit: str,
    person: str,
    deadline: str,
    status: str,
    source: str = "self",
    result: str = "",
) -> dict:
    """One problem of a rectification report (its 序号 is the service's to give)."""
    return {
        "source": source,
        "type": kind,
        "description": description,
        "measures": measures,
        "responsible_unit": unit,
        "responsible_person": person,
        "deadline": deadline,
        "status": status,
        "result": result,
    }


def rectification(problems: list[dict], summary: str) -> dict:
    return {"summary": summary, "problems": problems, "truthfulness": True}


def person_of(user: User) -> str:
    """The name part of a display name ("规划科 陈晓" → 陈晓)."""
    return user.display_name.split()[-1]
