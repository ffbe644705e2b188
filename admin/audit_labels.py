"""The audit log as people read it: actions, objects and states in Chinese. The stored rows keep their
codes (they are the record); only their display is translated."""

import re

from zyperf.models import KIND_LABELS
from zyperf.transitions import ACTION_LABELS, STATE_LABELS

OBJECT_LABELS = {
    "StageDocument": "阶段文档",
    "Project": "项目",
    "User": "用户",
    "Unit": "科室（单位）",
    "FiscalYear": "预算年度",
    "FormDefinition": "表单",
    "IndicatorCategory": "指标库",
    "ListView": "列表设置",
    "SystemConfig": "系统设置",
    "ApiToken": "API 令牌",
    "Round": "监控与自评任务",
    "HandlingDecision": "处置决定",
    "ResultDecision": "结果应用决定",
    "Attachment": "附件",
    "Reminder": "催办提醒",
    "RectificationProblem": "整改问题",
}
SUBJECT_LABELS = {
    "document": "文档",
    "project": "项目",
    "user": "用户",
    "unit": "科室（单位）",
    "fiscalyear": "预算年度",
    "form_definition": "表单",
    "indicator_category": "指标库",
    "indicatorcategory": "指标库",
    "listview": "列表设置",
    "system_settings": "系统设置",
    "token": "API 令牌",
    "round": "任务",
    "handling": "处置决定",
    "reminder": "催办提醒",
    "results": "结果应用",
}
VERB_LABELS = {
    **{a.value: label for a, label in ACTION_LABELS.items()},
    "create": "新建",
    "update": "修改",
    "edit": "修改",
    "delete": "删除",
    "publish": "发布",
    "login": "登录",
    "logout": "退出登录",
    "set_password": "设置密码",
    "set_roles": "设置角色",
    "revoke": "作废",
    "open": "下发",
    "reopen": "补充下发",
    "issue": "下发",
    "attach": "上传附件",
    "declare": "真实性声明",
    "form_check": "规范性审核",
    "move_form": "改用新版表单",
    "adjusted": "目标调整生效",
    "budget_adjusted": "预算调整生效",
    "ex_ante": "记入事前评估结论",
    "in_library": "入库",
    "key_monitoring": "重点监控标记",
    "decide": "决定",
    "acknowledge": "确认",
    "send": "发送",
    "settings": "修改设置",
    "flag": "审核标记",
    "adjust_score": "复核调整得分",
}
# Codes that appear in older summaries ("leader_approved → final", "monitoring · 2026年绩效监控").
_CODES = {s.value: label for s, label in STATE_LABELS.items()} | {
    k.value: label for k, label in KIND_LABELS.items()
}
_CODE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _CODES), key=len, reverse=True)) + r")\b")


def action_text(action: str) -> str:
    """`document.approve` → 文档：审核通过 (unknown parts stay as they are)."""
    subject, _, verb = action.partition(".")
    return f"{SUBJECT_LABELS.get(subject, subject)}：{VERB_LABELS.get(verb, verb)}" if verb else action


def object_text(object_type: str) -> str:
    return OBJECT_LABELS.get(object_type, object_type)


def summary_text(summary: str) -> str:
    return _CODE.sub(lambda m: _CODES[m.group(1)], summary or "")
