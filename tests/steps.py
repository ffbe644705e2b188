"""Moving a document through its workflow in tests, as the people of the demo bureau would."""

from zyperf.services import records, workflow


def to_city(unit: str = "guihua") -> tuple[tuple[str, str], ...]:
    """A unit's report from its staff through its head and division leader to finance's report."""
    return ((unit, "submit"), (f"{unit}_head", "approve"), ("deputy", "approve"), ("finance", "report"))


TO_CITY = to_city()


def run(document, bureau, steps, **params):
    """Take each (username, action) in turn; finance checks the standard form before it reports.
    `params` go to the last step (a record_review's conclusion)."""
    for i, (name, action) in enumerate(steps):
        if action == "report":
            records.check_form(
                document,
                actor=bureau["finance"],
                comment="表式规范，要素齐全",
                expected_version=document.version,
            )
        last = i == len(steps) - 1
        workflow.apply(
            document,
            action,
            actor=bureau[name],
            expected_version=document.version,
            comment="同意" if action in ("record_review", "return") else "",
            params=params if last else None,
        )
    return document
