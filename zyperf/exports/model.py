"""What each table prints, as plain frozen dataclasses (slotted: a bureau workbook holds tens of
thousands of indicator rows). Adapters fill them from documents through the §4 computations: every
rate, score, total, grade, class and suggestion arrives computed (Decimal, or None where the table
shows its filler or a blank). Builders only lay these values out."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

Value = Decimal | str | None  # a quantitative number, a qualitative text, or nothing yet

CAUSES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")  # M-1 J–N
LIKELIHOODS = ("确定能", "有可能", "完全不可能")  # M-1 O–Q
RATINGS = ("优", "良", "中", "差")  # X-1 D–G


@dataclass(frozen=True, slots=True)
class Project:
    name: str  # 项目名称
    code: str = ""  # 一体化 项目编码, "" when none
    department: str = ""  # 主管部门: the bureau name setting
    unit: str = ""  # 实施单位


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator row; each table prints the columns it has. Rows print in the order given
    (adapters call indicators.sort_indicators with the year's catalog)."""

    level1: str  # 一级指标
    level2: str  # 二级指标
    name: str  # 三级指标
    nature: str  # 指标性质: = ≥ ≤ 定性
    target: Value  # 指标值
    unit: str = ""  # 度量单位
    weight: Decimal | None = None  # 权重 / 分值
    core: bool = False  # 核心指标: ★ in T-1 and D-1
    sequence: int = 0  # 序号 within its 二级
    actual: Value = None  # 完成值 (S-1, S-2)
    score: Decimal | None = None  # 得分
    reason: str = ""  # 未完成原因分析 (S-1) / 偏差原因分析及改进措施 (S-2)
    to_date: Value = None  # M-1: 1-m月实际完成值
    forecast: Value = None  # M-1: 全年预计完成值
    causes: frozenset[str] = frozenset()  # M-1: ticked from CAUSES
    likelihood: str = ""  # M-1: one of LIKELIHOODS
    remark: str = ""  # M-1: 备注


@dataclass(frozen=True, slots=True)
class Fund:
    """A fund row of M-1, S-1, S-2 or D-2. `executed` is 执行数 (M-1: 1-m月; S-2: 全年)."""

    initial: Decimal = Decimal(0)  # 年初预算数
    adjusted: Decimal = Decimal(0)  # 调整后预算数 (S-2: 全年预算数)
    executed: Decimal = Decimal(0)
    rate: Decimal | None = None  # 执行率; None → the filler (denominator 0)
    forecast: Decimal = Decimal(0)  # M-1 only: 全年预计执行数


@dataclass(frozen=True, slots=True)
class Targets:
    """T-1 项目支出绩效目标申报表."""

    fiscal_year: int
    project: Project
    manager: str  # 项目负责人
    phone: str
    total: Decimal  # 年度资金总额
    fiscal: Decimal  # 其中：财政拨款
    other: Decimal  # 其他资金
    goal: str  # 年度目标
    indicators: tuple[Indicator, ...]
    weight_total: Decimal  # Σ权重 (90)
    family: str = "central-annual"


@dataclass(frozen=True, slots=True)
class Monitoring:
    """M-1 项目支出绩效目标执行监控表. funds: 年度资金总额, 其中：财政拨款, 其他资金."""

    fiscal_year: int
    month: int
    project: Project
    funds: tuple[Fund, Fund, Fund]
    deviation_reason: str  # 执行偏差原因 (N6:R8)
    goal: str  # 年度总体目标, from the locked targets
    indicators: tuple[Indicator, ...]
    bureau_code: str = ""
    family: str = "central-monitor"


@dataclass(frozen=True, slots=True)
class SelfEvaluation:
    """S-1 (family sichuan-510000; funds: 总额, 财政资金, 财政专户管理资金, 单位资金, 其他资金) or
    S-2 (central-2020; funds: 年度资金总额, 当年财政拨款, 上年结转资金, 其他资金)."""

    fiscal_year: int
    family: str
    project: Project
    funds: tuple[Fund, ...]
    budget_score: Decimal
    indicators: tuple[Indicator, ...]
    weight_total: Decimal  # 10 + Σ权重 (100)
    total_score: Decimal  # 总分
    goal: str  # 年度目标, from the locked targets
    completion: str  # 年度目标完成情况
    process_summary: str = ""  # S-1: 项目实施内容及过程概述
    rate_reason: str = ""  # S-1: why the rate is below 90%
    adjustment_reason: str = ""  # S-1: 预算调整理由
    conclusion: str = ""  # S-1: 评价结论
    problems: str = ""  # S-1: 存在问题
    improvements: str = ""  # S-1: 改进措施
    manager: str = ""  # S-1 footer: 项目负责人
    finance_manager: str = ""  # S-1 footer: 财务负责人
    report_code: str = "报表编号:510000_0013zp"  # S-1 row 1; "" leaves it blank


@dataclass(frozen=True, slots=True)
class ExanteItem:
    name: str  # 评估要点
    rating: str | None  # one of RATINGS
    score: Decimal | None
    comment: str = ""  # 评估意见
    points: Decimal = Decimal(5)  # 分值


@dataclass(frozen=True, slots=True)
class Exante:
    """X-1 事前绩效评估评分表; fiscal_year is the budget year applied for; 20 items in aspect order."""

    fiscal_year: int
    project: Project
    requested: Decimal  # 申请预算金额
    method: str  # 自行评估 / 委托第三方评估
    items: tuple[ExanteItem, ...]
    total: Decimal | None
    conclusion: str  # §4.8
    suggested: Decimal | None  # 建议预算控制数
    assessors: str  # 评估人员
    opinion: str  # 综合意见
    points_total: Decimal = Decimal(100)
    family: str = "X-1"


@dataclass(frozen=True, slots=True)
class Task:
    name: str
    content: str
    total: Decimal
    fiscal: Decimal
    other: Decimal


@dataclass(frozen=True, slots=True)
class DepartmentTargets:
    """D-1 部门（单位）整体支出绩效目标申报表."""

    fiscal_year: int
    bureau: str
    tasks: tuple[Task, ...]
    task_totals: tuple[Decimal, Decimal, Decimal]  # 金额合计: 总额, 财政拨款, 其他资金
    goal: str
    indicators: tuple[Indicator, ...]
    weight_total: Decimal
    family: str = "D-1"


@dataclass(frozen=True, slots=True)
class DepartmentSelfEvaluation:
    """D-2 部门整体支出绩效自评表; rows 8 on print as in S-1 (funds: the five S-1 rows)."""

    fiscal_year: int
    bureau: str
    contact: str
    phone: str
    goal: str  # 年度总体目标
    completion: str  # 年度目标完成情况
    tasks_summary: str  # 年度主要任务完成情况
    funds: tuple[Fund, Fund, Fund, Fund, Fund]
    budget_score: Decimal
    indicators: tuple[Indicator, ...]
    weight_total: Decimal
    total_score: Decimal
    rate_reason: str = ""
    adjustment_reason: str = ""
    conclusion: str = ""
    problems: str = ""
    improvements: str = ""
    head: str = ""  # footer: 部门负责人
    finance_manager: str = ""
    family: str = "D-2"


# ---------------------------------------------------------------------------------------------------
# List workbooks (§8). Rows print in the order given, 序号 1…P; `subject` is the file name's 主体
# (the unit for a unit workbook), the bureau when empty.


@dataclass(frozen=True, slots=True)
class TargetsRow:  # L-1
    unit: str
    code: str
    name: str
    attribute: str  # 新增项目 / 延续项目
    total: Decimal
    fiscal: Decimal
    other: Decimal
    goal: str
    indicator_count: int
    weight_total: Decimal
    needs_exante: bool
    status: str


@dataclass(frozen=True, slots=True)
class ExanteRow:  # L-2
    unit: str
    name: str
    assessment_type: str
    stage: str
    requested: Decimal
    method: str
    score: Decimal | None
    conclusion: str
    suggested: Decimal | None
    city_opinion: str
    status: str
    remark: str = ""


@dataclass(frozen=True, slots=True)
class MonitoringRow:  # L-3, amounts of the 总额 row
    unit: str
    code: str
    name: str
    initial: Decimal
    adjusted: Decimal
    executed: Decimal
    rate: Decimal | None
    progress: Decimal  # m/12
    plan: Decimal | None  # 计划进度
    category: str  # 监控分类
    deviation: bool  # 方向偏差
    major_change: bool  # 目标重大变化
    key: bool  # 重点监控
    measures: str  # 处置措施
    reason: str  # 偏差原因


@dataclass(frozen=True, slots=True)
class EvaluationRow:  # L-4
    unit: str
    code: str
    name: str
    adjusted: Decimal
    executed: Decimal
    rate: Decimal | None
    budget_score: Decimal | None
    indicator_score: Decimal | None
    total_score: Decimal | None
    grade: str
    suggestion: str
    remark: str = ""


@dataclass(frozen=True, slots=True)
class ProblemRow:  # L-5
    project: str  # project name, or 部门整体支出
    source: str
    problem_type: str
    description: str
    measures: str
    unit: str
    person: str
    deadline: dt.date | None
    status: str
    explanation: str = ""
    evidence: tuple[str, ...] = ()  # attachment names, joined by ；


@dataclass(frozen=True, slots=True)
class ApplicationRow:  # L-6
    unit: str
    target: str  # 评价对象
    method: str
    score: Decimal | None
    grade: str
    suggestion: str
    budget: Decimal | None  # 当年预算数
    next_budget: Decimal | None  # 下年预算安排数
    change: Decimal | None  # 增减金额, None while next_budget is
    ways: tuple[str, ...] = ()  # 应用方式, joined by 、
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class TargetsList:
    fiscal_year: int
    bureau: str
    rows: tuple[TargetsRow, ...]
    totals: tuple[Decimal, Decimal, Decimal]  # Σ 年度资金总额, 财政拨款, 其他资金
    subject: str = ""


@dataclass(frozen=True, slots=True)
class ExanteList:
    fiscal_year: int
    bureau: str
    rows: tuple[ExanteRow, ...]
    totals: tuple[Decimal, Decimal]  # Σ 申请预算金额, 建议预算控制数
    subject: str = ""


@dataclass(frozen=True, slots=True)
class MonitoringList:
    fiscal_year: int
    bureau: str
    month: int
    progress_label: str  # 时序进度 / 序时进度
    rows: tuple[MonitoringRow, ...]
    totals: Fund  # initial, adjusted, executed, rate (ΣG/ΣF or None)
    progress: Decimal  # m/12 for the 合计 row
    subject: str = ""


@dataclass(frozen=True, slots=True)
class EvaluationList:
    fiscal_year: int
    bureau: str
    rows: tuple[EvaluationRow, ...]
    totals: Fund  # adjusted, executed, rate (ΣF/ΣE or None)
    subject: str = ""


@dataclass(frozen=True, slots=True)
class ProblemList:
    fiscal_year: int
    bureau: str
    rows: tuple[ProblemRow, ...]
    subject: str = ""


@dataclass(frozen=True, slots=True)
class ApplicationList:
    fiscal_year: int
    bureau: str
    rows: tuple[ApplicationRow, ...]
    subject: str = ""


@dataclass(frozen=True, slots=True)
class Combined:
    """A unit or bureau workbook (§8.7): the list, then one form per list row, in list order."""

    summary: TargetsList | ExanteList | MonitoringList | EvaluationList
    forms: tuple = ()  # Targets, Exante, Monitoring or SelfEvaluation, one per list row
