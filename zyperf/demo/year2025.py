"""2025, the year that is complete: each chapter is what the bureau did in one season of it, in order
from the autumn of 2024 to the summer of 2026. Every document ends final."""

from decimal import Decimal

from sqlalchemy import select

from zyperf.demo import forms
from zyperf.demo.calendar import later
from zyperf.demo.story import Story
from zyperf.extensions import db
from zyperf.models import DocumentKind, Measure, StageDocument
from zyperf.services import handling, results, rounds

K = DocumentKind
YEAR = 2025
NEXT_YEAR_FACTOR = {
    "优": Decimal("1.05"),
    "良": Decimal("1.00"),
    "中": Decimal("0.90"),
    "差": Decimal("0.70"),
}


def round_documents(story: Story, year: int, kind: DocumentKind) -> dict[int, StageDocument]:
    """The year's documents of the kind by project (those a round issued)."""
    return {
        d.project_id: d
        for d in db.session.scalars(
            select(StageDocument).where(
                StageDocument.fiscal_year_id == story.years[year].id,
                StageDocument.kind == kind.value,
                StageDocument.project_id.is_not(None),
            )
        )
    }


def prepare(story: Story) -> None:
    """October 2024: the units enter their 2025 projects; the land reserve centre's new, large project
    is assessed ex ante by a third party and the city bureau supports it."""
    story.at("2024-10-09")
    story.make_projects(YEAR, mid_year=False)
    project = story.project(YEAR, "土地收储前期调查评估")
    story.at("2024-10-10")
    doc = story.create(K.EX_ANTE_ASSESSMENT, project, {})
    story.edit(doc, forms.exante(doc, rating="优", suggested=project.total_amount, rng=story.rng))
    story.forward(
        doc,
        *later("2024-10-14", 1, 1, 2, 21),
        conclusion="予以支持",
        answer="市财政局评审意见：项目立项必要、目标明确，予以支持，按申报金额纳入2025年预算。",
    )


def targets(story: Story) -> None:
    """December 2024 – January 2025: every project's targets, drafted, reviewed and approved (入库);
    finance sends one back once. The department's targets, approved by the principal."""
    for i, row in enumerate(story.rows(YEAR)):
        project = story.project(YEAR, row["name"])
        start = later("2024-12-02", i)[0]
        story.at(start)
        doc = story.create(K.PERFORMANCE_TARGETS, project, {})
        story.edit(doc, forms.targets(doc, row, story.staff(project), story.rng))
        if row["name"] == "沱江流域历史遗留矿山生态修复":
            story.forward(doc, *later(start, 1, 1, 2)[:3])
            story.send_back(
                doc,
                later(start, 6)[1],
                "finance",
                story.finance,
                "三级指标“完成历史遗留矿山生态修复面积”与实施方案不一致，请核实后重新报送",
            )
            story.at(later(start, 8)[1])
            indicators = [dict(r) for r in doc.data["indicators"]]
            indicators[1]["value"] = "175"
            story.edit(doc, {"indicators": indicators})
            start = later(start, 9)[1]
        story.forward(doc, *later(start, 1, 2, 3))
    department_targets(story, YEAR, "2025-01-06")


def department_targets(story: Story, year: int, start: str) -> StageDocument:
    """Finance drafts the department's targets with the budget; the principal approves them."""
    story.at(start, "finance")
    doc = story.create(K.DEPARTMENT_TARGETS, None, {}, year=year)
    main = [story.project(year, r["name"]) for r in story.rows(year) if not r.get("added_mid_year")]
    story.edit(doc, forms.department_targets(doc, forms.tasks_of(main), len(main), story.rng))
    return story.forward(doc, *later(start, 2, 2))


def increase_and_adjust(story: Story) -> None:
    """June – July 2025: more farmland qualifies for compensation (追加); the planning system's targets
    are adjusted after the province upgrades it (a minor change: the old revision stays)."""
    project = story.project(YEAR, "耕地保护补偿资金")
    story.at("2025-06-09")
    doc = story.create(
        K.BUDGET_ADJUSTMENT,
        project,
        forms.adjustment(
            "increase", {"fiscal": "50.00"}, "2025年纳入补偿范围的耕地面积增加，申请追加耕地保护补偿资金"
        ),
    )
    story.forward(doc, *later("2025-06-10", 1, 2, 3))
    project = story.project(YEAR, "国土空间规划“一张图”实施监督信息系统运维")
    story.at("2025-07-07")
    doc = story.create(K.TARGET_ADJUSTMENT, project, {})
    indicators = [dict(r) for r in doc.data["indicators"]]
    indicators[1]["value"] = "355"
    story.edit(
        doc,
        {
            "reason": "根据省自然资源厅系统升级部署，系统运行保障要求提高，调整年度正常运行天数指标",
            "indicators": indicators,
        },
    )
    story.forward(doc, *later("2025-07-08", 1, 1, 2))


def monitoring(story: Story) -> None:
    """September 2025: finance issues the monitoring of 1-8月; the units fill it in and their heads and
    leaders pass it on; finance decides what the lagging projects must do (督促加快, acknowledged by
    the unit; 调整预算 for the severe lags, which opens their budget adjustment) and approves them all."""
    story.at("2025-09-01", "finance")
    rounds.open_round(story.years[YEAR], "monitoring", actor=story.finance)
    issued = round_documents(story, YEAR, K.MONITORING)
    rows = story.rows(YEAR)
    for i, row in enumerate(rows):
        project = story.project(YEAR, row["name"])
        doc = issued[project.id]
        start = later("2025-09-03", i // 3)[0]
        story.at(start)
        story.edit(doc, forms.monitoring(doc, row["monitoring"], story.rng))
        story.forward(doc, *later(start, 1, 1))
    for row in rows:
        project = story.project(YEAR, row["name"])
        doc = issued[project.id]
        story.at("2025-09-19", "finance")
        if row["monitoring"] == "滞后":
            decision = handling.decide(
                doc,
                Measure.URGE,
                actor=story.finance,
                instruction="执行进度滞后于时序进度，请分析原因、加快资金支付，9月底前报送整改措施",
            )
            story.at("2025-09-23")
            handling.acknowledge(
                decision,
                actor=story.staff(project),
                comment="已制定资金支付计划，10月底前完成主要合同款支付",
            )
        elif row["monitoring"] == "严重滞后":
            handling.decide(
                doc,
                Measure.ADJUST_BUDGET,
                actor=story.finance,
                instruction="执行进度严重滞后，预计年内无法按计划支出，请据实调减或交回预算",
            )
        story.forward(doc, "2025-09-24")


def adjustments(story: Story) -> None:
    """October 2025: the units answer finance's 调整预算: the mine restoration gives back part of its
    budget (调减), the enforcement monitoring has part recalled (收回)."""
    plans = {
        "沱江流域历史遗留矿山生态修复": (
            "decrease",
            {"fiscal": "150.00"},
            "受征地协调影响，二期修复工程年内无法开工，据实调减财政资金",
        ),
        "自然资源执法卫片监测": (
            "recall",
            {"fiscal": "30.00"},
            "卫片图斑下发推迟，外业核查服务采购缩减，结余资金由财政收回",
        ),
    }
    for i, (name, (kind, amounts, reason)) in enumerate(plans.items()):
        project = story.project(YEAR, name)
        doc = db.session.scalar(
            select(StageDocument).where(
                StageDocument.project_id == project.id, StageDocument.kind == K.BUDGET_ADJUSTMENT.value
            )
        )
        start = later("2025-09-29", i * 3)[0]
        story.at(start)
        story.edit(doc, forms.adjustment(kind, amounts, reason))
        story.forward(doc, *later(start, 1, 2, 3))


def evaluation(story: Story) -> None:
    """February – May 2026: finance issues the self-evaluation of 2025; the units evaluate (grades from
    优 to 差), their reports pass the head and the leader, finance checks their form and reports them,
    and the city bureau approves them. The department's own evaluation goes the same way via the
    principal."""
    story.at("2026-02-02", "finance")
    rounds.open_round(story.years[YEAR], "self_evaluation", actor=story.finance)
    issued = round_documents(story, YEAR, K.SELF_EVALUATION)
    for i, row in enumerate(story.rows(YEAR)):
        project = story.project(YEAR, row["name"])
        doc = issued[project.id]
        start = later("2026-03-02", i)[0]
        story.at(start)
        story.edit(doc, forms.evaluation(doc, row["grade"], story.rng))
        story.forward(
            doc,
            *later(start, 2, 2, 3, 20 - i),
            conclusion="审核通过",
            answer="市财政局审核意见：自评报告规范，结论基本客观，审核通过。",
        )
    story.at("2026-03-23", "finance")
    doc = story.create(K.DEPARTMENT_EVALUATION, None, {}, year=YEAR)
    story.edit(doc, forms.department_evaluation(doc, "良", story.finance, story.rng))
    story.forward(
        doc,
        *later("2026-03-25", 3, 5, 30),
        conclusion="审核通过",
        answer="市财政局审核意见：部门整体支出绩效自评规范，审核通过，请针对问题抓好整改。",
    )


def decisions(story: Story) -> None:
    """May – June 2026: finance records how each result is used for the 2027 budget; one decision is
    changed later, with its reason, on the record."""
    fy = story.years[YEAR]
    rows = [r for r in results.ledger(story.finance, fy) if r.project is not None]
    for i, row in enumerate(rows):
        project, grade = row.project, row.grade  # the grade its final self-evaluation computes
        story.at(later("2026-05-18", i // 4)[0], "finance")
        amount = (project.total_amount * NEXT_YEAR_FACTOR[grade]).quantize(Decimal("0.01"))
        results.decide(
            fy,
            project,
            actor=story.finance,
            ways=list(results.SUGGESTED_WAYS[grade]),
            next_amount=str(amount),
            text=f"2025年自评等级为{grade}，2027年预算按{results.SUGGESTED_WAYS[grade][0]}原则安排。",
        )
    story.at("2026-05-22", "finance")
    results.decide(
        fy,
        None,
        actor=story.finance,
        ways=["合理保障", results.TARGET_ASSESSMENT],
        text="部门整体绩效等级为良，2027年部门预算合理保障，评价结果纳入局年度目标管理绩效考核。",
    )
    project = story.project(YEAR, "自然资源执法卫片监测")
    story.at("2026-06-03", "finance")
    results.decide(
        fy,
        project,
        actor=story.finance,
        ways=["核减预算"],
        next_amount="60.00",
        text="卫片执法为法定职责，2027年核减预算并加强过程督导。",
        reason="经局党组会研究，执法卫片监测不宜暂停，改为核减预算",
    )


# Each report's problems: (description, measures, type, deadline, status, what was done).
PROBLEMS = {
    "沱江流域历史遗留矿山生态修复": (
        ("预算执行率偏低，工程款拨付滞后于工程进度", "建立资金支付月调度机制，按工程计量及时拨付",
         "预算执行", "2026-08-31", "in_progress", ""),
        ("部分修复区域植被成活率未达到设计要求", "组织施工单位补植补种，落实两年管护责任",
         "产出质量", "2026-11-30", "in_progress", ""),
    ),
    "自然资源执法卫片监测": (
        ("卫片图斑季度核查任务未按期完成", "增配外业核查人员，实行图斑销号管理",
         "进度滞后", "2026-07-31", "done", "已增配核查人员4名，积压图斑全部完成核查"),
        ("绩效指标设置不够细化，难以衡量核查质量", "增设图斑核查准确率等质量指标",
         "目标设置", "2026-09-10", "in_progress", ""),
    ),
    "土地收储前期调查评估": (
        ("部分地块土壤污染状况调查成果质量不高", "委托第三方复核，完善成果质量审查机制",
         "产出质量", "2026-10-31", "in_progress", ""),
    ),
}  # fmt: skip
DEPARTMENT_PROBLEMS = (
    ("部分项目预算执行进度不均衡，下半年支出集中", "建立预算执行月通报制度，对滞后项目约谈督办",
     "预算执行", "2026-08-15", "in_progress", ""),
    ("部分项目绩效目标设置不够细化、量化", "开展绩效目标编制培训，财务科逐项审核指标",
     "目标设置", "2026-12-31", "in_progress", ""),
)  # fmt: skip


def _problems(rows, unit: str, person: str, source: str) -> list[dict]:
    return [
        forms.problem(d, m, kind=k, unit=unit, person=person, deadline=due, status=s, result=r, source=source)
        for d, m, k, due, s, r in rows
    ]


def rectification(story: Story) -> None:
    """June – July 2026: the projects graded 中 and 差 report how they rectify their problems (each
    declared true on submission); the department reports its own; the city bureau approves them. Some
    problems are still open past their deadline on the demo's today."""
    for i, (name, rows) in enumerate(PROBLEMS.items()):
        project = story.project(YEAR, name)
        start = later("2026-06-08", i)[0]
        story.at(start)
        staff = story.staff(project)
        problems = _problems(rows, project.unit.name, forms.person_of(staff), "self")
        doc = story.create(K.RECTIFICATION, project, {})
        story.edit(
            doc, forms.rectification(problems, f"针对{YEAR}年度绩效自评发现的问题，制定整改措施如下。")
        )
        story.forward(
            doc,
            *later(start, 2, 1, 2, 21),
            conclusion="审核通过",
            answer="市财政局审核意见：整改措施具体可行，审核通过，请按时限完成整改。",
        )
    story.at("2026-06-15", "finance")
    problems = _problems(DEPARTMENT_PROBLEMS, "财务科", forms.person_of(story.finance), "department")
    doc = story.create(K.DEPARTMENT_RECTIFICATION, None, {}, year=YEAR)
    story.edit(doc, forms.rectification(problems, "针对部门整体支出绩效评价发现的问题，制定整改措施如下。"))
    story.forward(doc, *later("2026-06-17", 2, 2, 21), conclusion="审核通过")
