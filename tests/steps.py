"""Moving a document through its workflow in tests, as the people of the demo bureau would."""

from zyperf.services import records, workflow

UNIT_CHAIN = (("guihua", "submit"), ("guihua_head", "approve"), ("deputy", "approve"))
TO_CITY = (*UNIT_CHAIN, ("finance", "report"))


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
