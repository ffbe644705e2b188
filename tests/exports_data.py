"""Inputs for the export tests: the worked examples of excel-formats §4 (E1, E2, E4) as the plain
dataclasses the builders take, and small lists. Figures are given as §4 computes them."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

from zyperf.exports.exante import DEFAULT_ITEMS
from zyperf.exports.model import (
    ApplicationList,
    ApplicationRow,
    DepartmentSelfEvaluation,
    DepartmentTargets,
    EvaluationList,
    EvaluationRow,
    Exante,
    ExanteItem,
    ExanteList,
    ExanteRow,
    Fund,
    Indicator,
    Monitoring,
    MonitoringList,
    MonitoringRow,
    ProblemList,
    ProblemRow,
    Project,
    SelfEvaluation,
    Targets,
    TargetsList,
    TargetsRow,
    Task,
)

BUREAU = "资阳市自然资源和规划局"
DAY = dt.date(2026, 2, 15)
PROJECT = Project("村级国土空间规划编制", "51200025T000000012345", BUREAU, BUREAU)


def fund(initial, adjusted, executed, forecast="0") -> Fund:
    initial, adjusted, executed = D(initial), D(adjusted), D(executed)
    rate = executed / adjusted if adjusted else None
    return Fund(initial, adjusted, executed, rate, D(forecast))


ZERO = Fund()

# E2 (§4.7): the indicator rows with their 完成值, scores and reasons.
E2_INDICATORS = (
    Indicator(
        "成本指标",
        "经济成本指标",
        "单村规划编制成本",
        "≤",
        D(6),
        "万元/个",
        D(10),
        actual=D("7.2"),
        score=D("8.00"),
        reason="单村编制成本高于预期",
    ),
    Indicator(
        "产出指标",
        "数量指标",
        "完成村级规划编制数量",
        "≥",
        D(20),
        "个",
        D(30),
        core=True,
        actual=D(16),
        score=D("24.00"),
        reason="4个村因边界调整顺延",
    ),
    Indicator(
        "产出指标", "时效指标", "成果按期提交率", "=", D(100), "%", D(20), actual=D(100), score=D("20.00")
    ),
    Indicator(
        "效益指标",
        "社会效益指标",
        "规划对村庄建设的指导作用",
        "定性",
        "效果明显",
        "",
        D(20),
        actual="基本发挥指导作用",
        score=D("15.00"),
        reason="部分村庄尚未据规划实施",
    ),
    Indicator(
        "满意度指标",
        "服务对象满意度指标",
        "村民满意度",
        "≥",
        D(90),
        "%",
        D(10),
        actual=D(92),
        score=D("10.00"),
    ),
)


def e2(**changes) -> SelfEvaluation:
    base = SelfEvaluation(
        fiscal_year=2025,
        family="sichuan-510000",
        project=PROJECT,
        funds=(fund("120.00", "150.00", "127.50"), fund("120.00", "150.00", "127.50"), ZERO, ZERO, ZERO),
        budget_score=D("8.50"),
        indicators=E2_INDICATORS,
        weight_total=D(100),
        total_score=D("85.50"),
        goal="完成20个村的村级国土空间规划编制",
        completion="完成16个村的规划编制",
        process_summary="委托编制单位开展调查、方案编制和审查报批",
        rate_reason="4个村编制任务顺延，尾款未支付",
        adjustment_reason="年中追加30万元用于成果质量复核",
        conclusion="项目总体实施较好",
        problems="进度偏慢",
        improvements="加强进度管理",
        manager="张三",
        finance_manager="李四",
    )
    return replace(base, **changes)


def e2_central(**changes) -> SelfEvaluation:
    funds = (
        fund("120.00", "150.00", "127.50"),
        fund("100.00", "130.00", "110.00"),
        fund("20", "20", "17.50"),
        ZERO,
    )
    return e2(family="central-2020", funds=funds, **changes)


def targets(**changes) -> Targets:
    base = Targets(
        fiscal_year=2025,
        project=PROJECT,
        manager="张三",
        phone="028-26000000",
        total=D("150.00"),
        fiscal=D("150.00"),
        other=D(0),
        goal="完成20个村的村级国土空间规划编制",
        indicators=E2_INDICATORS,
        weight_total=D(90),
    )
    return replace(base, **changes)


# E1 (§4.4): 调整后 300.00, 执行 199.99 at m = 8; 财政资金 280.00 / 190.00, 单位资金 20.00 / 9.99.
E1_FUNDS = (
    fund("300.00", "300.00", "199.99", "300.00"),
    fund("280.00", "280.00", "190.00", "280.00"),
    fund("20.00", "20.00", "9.99", "20.00"),
)


def monitoring(**changes) -> Monitoring:
    indicators = tuple(
        Indicator(
            i.level1,
            i.level2,
            i.name,
            i.nature,
            i.target,
            i.unit,
            i.weight,
            to_date=value,
            forecast=i.target,
            causes=causes,
            likelihood=likely,
            remark=remark,
        )
        for i, value, causes, likely, remark in zip(
            E2_INDICATORS,
            (D(5), D(12), D(60), "初见成效", D(0)),
            (frozenset(), frozenset({"经费保障", "其他"}), frozenset(), frozenset(), frozenset()),
            ("确定能", "有可能", "确定能", "确定能", "完全不可能"),
            ("", "资金拨付滞后", "", "", "年底统一调查"),
            strict=True,
        )
    )
    base = Monitoring(
        fiscal_year=2025,
        month=8,
        project=PROJECT,
        funds=E1_FUNDS,
        deviation_reason="单位资金到位较晚",
        goal="完成20个村的村级国土空间规划编制",
        indicators=indicators,
        bureau_code="512001",
    )
    return replace(base, **changes)


# E4 (§4.8): ratings per aspect; 优 5, 良 4, 中 3, 差 0.
E4_RATINGS = ("优优良良", "良良良良", "良良中中", "优良良中", "优优优优")
POINTS = {"优": D(5), "良": D(4), "中": D(3), "差": D(0)}


def exante(ratings=E4_RATINGS, **changes) -> Exante:
    flat = [r for aspect in ratings for r in aspect]
    names = [n for aspect in DEFAULT_ITEMS for n in aspect]
    items = tuple(ExanteItem(n, r, POINTS[r], "") for n, r in zip(names, flat, strict=True))
    total = sum((i.score for i in items), D(0))
    conclusion = "予以支持" if total >= 80 else "调整完善后予以支持" if total >= 60 else "不予支持"
    base = Exante(
        fiscal_year=2026,
        project=PROJECT,
        requested=D("180.00"),
        method="自行评估",
        items=items,
        total=total,
        conclusion=conclusion,
        suggested=D("160.00"),
        assessors="王五、赵六",
        opinion="项目必要，建议压减部分测绘费用",
    )
    return replace(base, **changes)


def department_targets(**changes) -> DepartmentTargets:
    tasks = (
        Task("国土空间规划", "编制市县国土空间总体规划", D("300.00"), D("300.00"), D(0)),
        Task("耕地保护", "耕地保护补偿与督察", D("500.00"), D("450.00"), D("50.00")),
    )
    base = DepartmentTargets(
        fiscal_year=2025,
        bureau=BUREAU,
        tasks=tasks,
        task_totals=(D("800.00"), D("750.00"), D("50.00")),
        goal="统筹推进规划编制和耕地保护",
        indicators=E2_INDICATORS,
        weight_total=D(90),
    )
    return replace(base, **changes)


def department_evaluation(**changes) -> DepartmentSelfEvaluation:
    source = e2()
    base = DepartmentSelfEvaluation(
        fiscal_year=2025,
        bureau=BUREAU,
        contact="张三",
        phone="028-26000000",
        goal=source.goal,
        completion=source.completion,
        tasks_summary="完成规划编制和耕地保护任务",
        funds=source.funds,
        budget_score=source.budget_score,
        indicators=E2_INDICATORS,
        weight_total=D(100),
        total_score=D("85.50"),
        rate_reason=source.rate_reason,
        conclusion="总体良好",
        problems="执行偏慢",
        improvements="加快支出",
        head="陈局长",
        finance_manager="李四",
    )
    return replace(base, **changes)


def targets_row(i: int, name: str = "村级国土空间规划编制", code: str = "") -> TargetsRow:
    return TargetsRow(
        "规划科",
        code,
        name,
        "新增项目",
        D("150.00") + i,
        D("150.00"),
        D(i),
        "完成编制",
        5,
        D(90),
        i % 2 == 0,
        "财务科已审核",
    )


def targets_list(count: int = 3, **changes) -> TargetsList:
    rows = tuple(targets_row(i) for i in range(count))
    totals = tuple(sum((getattr(r, a) for r in rows), D(0)) for a in ("total", "fiscal", "other"))
    return replace(TargetsList(2025, BUREAU, rows, totals), **changes)


def exante_list(count: int = 2) -> ExanteList:
    rows = tuple(
        ExanteRow(
            "规划科",
            f"项目{i}",
            "新增大额项目",
            "一上",
            D("180.00"),
            "自行评估",
            D(84) if i else None,
            "予以支持" if i else "",
            D("160.00") if i else None,
            "同意",
            "已办结",
        )
        for i in range(count)
    )
    requested = sum((r.requested for r in rows), D(0))
    suggested = sum((r.suggested or D(0) for r in rows), D(0))
    return ExanteList(2026, BUREAU, rows, (requested, suggested))


def monitoring_list(count: int = 2, month: int = 8) -> MonitoringList:
    rows = tuple(
        MonitoringRow(
            "规划科",
            "",
            f"项目{i}",
            D("300.00"),
            D("300.00") if i else D(0),
            D("199.99") if i else D(0),
            D("199.99") / D(300) if i else None,
            D(month) / 12,
            D("0.5") if i else None,
            "滞后" if i else "不适用",
            i == 1,
            False,
            i == 1,
            "提示警示纠偏；督促加快" if i else "",
            "资金拨付滞后",
        )
        for i in range(count)
    )
    adjusted = sum((r.adjusted for r in rows), D(0))
    executed = sum((r.executed for r in rows), D(0))
    totals = Fund(
        sum((r.initial for r in rows), D(0)), adjusted, executed, executed / adjusted if adjusted else None
    )
    return MonitoringList(2025, BUREAU, month, "时序进度", rows, totals, D(month) / 12)


def evaluation_list(count: int = 2) -> EvaluationList:
    rows = tuple(
        EvaluationRow(
            "规划科",
            "51200025T000000012345",
            f"项目{i}",
            D("150.00"),
            D("127.50"),
            D("0.85"),
            D("8.50"),
            D("77.00"),
            D("85.50"),
            "良",
            "据实予以合理保障",
            "得分经复核调整" if i else "",
        )
        for i in range(count)
    )
    adjusted = sum((r.adjusted for r in rows), D(0))
    executed = sum((r.executed for r in rows), D(0))
    return EvaluationList(
        2025, BUREAU, rows, Fund(D(0), adjusted, executed, executed / adjusted if adjusted else None)
    )


def problem_list() -> ProblemList:
    rows = (
        ProblemRow(
            "村级国土空间规划编制",
            "自评",
            "进度",
            "执行偏慢",
            "加快支付",
            "规划科",
            "张三",
            dt.date(2026, 6, 30),
            "正在整改",
            "",
            ("整改方案.pdf", "支付凭证.pdf"),
        ),
        ProblemRow("部门整体支出", "审计", "管理", "制度不全", "修订制度", "财务科", "李四", None, "未整改"),
    )
    return ProblemList(2025, BUREAU, rows)


def application_list() -> ApplicationList:
    rows = (
        ApplicationRow(
            "规划科",
            "村级国土空间规划编制",
            "自评",
            D("85.50"),
            "良",
            "据实予以合理保障",
            D("150.00"),
            D("140.00"),
            D("-10.00"),
            ("合理保障", "挂钩目标管理绩效考核"),
            "压减10万元",
        ),
        ApplicationRow(
            "财务科",
            "部门整体支出",
            "部门评价",
            D("92.00"),
            "优",
            "适当优先给予保障",
            D("800.00"),
            None,
            None,
        ),
    )
    return ApplicationList(2025, BUREAU, rows)
