"""2026, the year in progress: from its ex-ante assessments in the autumn of 2025 to the September
monitoring round, which is open on the demo's today (seed/demo.toml). Targets stand in every state,
one sent back with its comment; an assessment waits for the city bureau's answer; some units are late
with their monitoring; finance has handling to decide and the principal a report to approve."""

from zyperf.demo import forms
from zyperf.demo.calendar import later
from zyperf.demo.story import Story
from zyperf.demo.year2025 import _problems, department_targets, round_documents
from zyperf.models import DocumentKind, Measure
from zyperf.services import handling, rounds

K = DocumentKind
YEAR = 2026
# How many steps past draft each state is (Story.steps).
STEPS = {"draft": 0, "submitted": 1, "head_approved": 2, "leader_approved": 3, "final": 4}
RESERVE = "土地收储前期调查评估"


def prepare(story: Story) -> None:
    """October – November 2025: the units enter their 2026 projects; the new and large ones are assessed
    ex ante. The village plans are supported, the city-centre plan supported once improved (a lower
    suggested amount); the land reserve centre's assessment is sent back by the city bureau."""
    story.at("2025-10-20")
    story.make_projects(YEAR, mid_year=False)
    answers = {
        "村级国土空间规划编制": ("优", "予以支持", "市财政局评审意见：项目符合乡村振兴战略部署，予以支持。"),
        "中心城区控制性详细规划修编": (
            "良",
            "调整完善后予以支持",
            "市财政局评审意见：压减部分专题研究内容后予以支持，建议预算控制数520万元。",
        ),
    }
    for i, (name, (rating, conclusion, answer)) in enumerate(answers.items()):
        project = story.project(YEAR, name)
        start = later("2025-10-21", i)[0]
        story.at(start)
        doc = story.create(K.EX_ANTE_ASSESSMENT, project, {})
        suggested = project.total_amount if conclusion == "予以支持" else project.total_amount - 30
        story.edit(doc, forms.exante(doc, rating=rating, suggested=suggested, rng=story.rng))
        story.forward(doc, *later(start, 1, 1, 2, 21), conclusion=conclusion, answer=answer)
    project = story.project(YEAR, RESERVE)
    story.at("2025-10-23")
    doc = story.create(K.EX_ANTE_ASSESSMENT, project, {})
    story.edit(doc, forms.exante(doc, rating="良", suggested=project.total_amount, rng=story.rng))
    story.forward(doc, *later("2025-10-24", 1, 1, 2))
    story.send_back(
        doc,
        "2025-11-20",
        "finance",
        story.finance,
        "市财政局评审意见：收储范围与年度土地储备计划衔接不够，请补充拟收储地块清单和成本测算依据后重新报送",
    )


def targets(story: Story) -> None:
    """January 2026: the projects' targets are drafted, reviewed and approved (入库); the land reserve
    centre drafts its own but cannot send them before its assessment is supportive. The department's
    targets are approved by the principal."""
    for i, row in enumerate(r for r in story.rows(YEAR) if r["targets"] in ("final", "draft")):
        if row.get("added_mid_year"):
            continue
        project = story.project(YEAR, row["name"])
        start = later("2026-01-05", i)[0]
        story.at(start)
        doc = story.create(K.PERFORMANCE_TARGETS, project, {})
        story.edit(doc, forms.targets(doc, row, story.staff(project), story.rng))
        if row["targets"] == "final":
            story.forward(doc, *later(start, 1, 2, 3))
    department_targets(story, YEAR, "2026-01-12")


def mid_year(story: Story) -> None:
    """June – September 2026: farmland compensation gets more money (追加, approved); the mid-year
    additions come in and their targets stand at every step of the review, one sent back by the head;
    their 追加 waits for the targets; the land reserve centre sends its revised assessment again."""
    project = story.project(YEAR, "耕地保护补偿资金")
    story.at("2026-06-08")
    doc = story.create(
        K.BUDGET_ADJUSTMENT,
        project,
        forms.adjustment("increase", {"fiscal": "100.00"}, "2026年耕地保护补偿标准提高，申请追加补偿资金"),
    )
    story.forward(doc, *later("2026-06-09", 1, 2, 3))
    story.at("2026-07-13")
    story.make_projects(YEAR, mid_year=True)
    for i, row in enumerate(r for r in story.rows(YEAR) if r.get("added_mid_year")):
        project = story.project(YEAR, row["name"])
        start = later("2026-09-07", i)[0]
        story.at(start)
        doc = story.create(K.PERFORMANCE_TARGETS, project, {})
        story.edit(doc, forms.targets(doc, row, story.staff(project), story.rng))
        state = row["targets"]
        if state == "returned":
            story.forward(doc, start)
            story.send_back(
                doc,
                later(start, 2)[1],
                "head",
                story.head(project),
                "“完成历史文化街区保护规划”指标值与省厅下达任务（4个）不一致，成本指标未细化，请修改后重新送审",
            )
        elif state != "draft":
            story.forward(doc, *later(start, 1, 2, 2)[: STEPS[state]])
        if state in ("head_approved", "leader_approved"):  # the 追加 is drafted with the targets
            story.at(later(start, 1)[1])
            story.create(
                K.BUDGET_ADJUSTMENT,
                project,
                forms.adjustment(
                    "increase",
                    {"fiscal": str(project.fiscal_amount)},
                    f"年中新增{project.name}，申请追加预算",
                ),
            )
    project = story.project(YEAR, RESERVE)
    doc = story.docs[(K.EX_ANTE_ASSESSMENT, project.id)]
    story.at("2026-09-01")
    story.edit(
        doc,
        {
            "overall_opinion": "已补充拟收储地块清单（40宗）和成本测算依据，收储范围与2026年土地储备计划一致，建议予以支持。",
            "suggested_amount": "560.00",
        },
    )
    story.forward(doc, *later("2026-09-02", 1, 2, 3))


def monitoring(story: Story) -> None:
    """September 2026: finance issues the monitoring of 1-8月 (due 15 September). Some units have sent
    theirs through their head and leader; two have not (late); finance has approved two, one of them a
    severe lag whose budget adjustment it opened, and told the farmland compensation to speed up."""
    story.at("2026-09-01", "finance")
    rounds.open_round(story.years[YEAR], "monitoring", actor=story.finance)
    issued = round_documents(story, YEAR, K.MONITORING)
    rows = [r for r in story.rows(YEAR) if r.get("monitoring_state")]
    for i, row in enumerate(rows):
        project = story.project(YEAR, row["name"])
        doc = issued[project.id]
        if project.unit.code == "quequan":
            continue  # not started: late
        start = later("2026-09-07", i // 3)[0]
        story.at(start)
        story.edit(doc, forms.monitoring(doc, row["monitoring"], story.rng))
        steps = STEPS[row["monitoring_state"]]
        story.forward(doc, *later(start, 1, 1, 2)[: min(steps, 3)])
        if row["monitoring"] == "严重滞后":
            story.at("2026-09-17", "finance")
            handling.decide(
                doc,
                Measure.ADJUST_BUDGET,
                actor=story.finance,
                instruction="1-8月执行进度严重滞后，请据实提出预算调减或交回意见，9月30日前报送",
            )
        elif row["monitoring"] == "滞后" and steps >= 3:
            story.at("2026-09-18", "finance")
            handling.decide(
                doc,
                Measure.URGE,
                actor=story.finance,
                instruction="执行进度滞后于时序进度，请加快补偿资金兑付，10月15日前报送进展",
            )
        if steps == 4:
            story.forward(doc, "2026-09-18")


def department(story: Story) -> None:
    """September 2026: finance reports the department's rectification of the problems the monitoring
    found so far; it waits for the principal."""
    story.at("2026-09-17", "finance")
    rows = (
        (
            "部分项目1-8月预算执行进度滞后于时序进度",
            "对滞后项目逐一督办，按月通报执行进度，年底前完成主要支出",
            "预算执行",
            "2026-11-30",
            "in_progress",
            "",
        ),
    )
    problems = _problems(rows, "财务科", forms.person_of(story.finance), "monitoring")
    doc = story.create(K.DEPARTMENT_RECTIFICATION, None, {}, year=YEAR)
    story.edit(doc, forms.rectification(problems, "针对2026年绩效监控发现的问题，制定整改措施如下。"))
    story.forward(doc, "2026-09-18")
