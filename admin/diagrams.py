"""A workflow table drawn as SVG, on the server, from the same rows the service runs."""

from markupsafe import Markup, escape

from zyperf.transitions import ACTION_LABELS, State, Workflow, roles_label, state_label

BOX_W, BOX_H, GAP, TOP, LOW = 128, 40, 112, 40, 170


def _layout(workflow: Workflow) -> dict[State, tuple[int, int]]:
    """States on one line in the order the main path reaches them; 已退回 under the first one."""
    order, frontier = [workflow.initial], [workflow.initial]
    while frontier:
        state = frontier.pop(0)
        for row in workflow.transitions:
            if state in row.sources and row.target not in order and row.target is not State.RETURNED:
                order.append(row.target)
                frontier.append(row.target)
    positions = {s: (20 + i * (BOX_W + GAP), TOP) for i, s in enumerate(order)}
    if State.RETURNED in workflow.states:
        positions[State.RETURNED] = (20 + (BOX_W + GAP) // 2, LOW)
    return positions


def workflow_svg(workflow: Workflow) -> Markup:
    pos = _layout(workflow)
    width = max(x for x, _ in pos.values()) + BOX_W + 20
    parts = []
    for i, row in enumerate(workflow.transitions):
        for source in sorted(row.sources):
            (x1, y1), (x2, y2) = pos[source], pos[row.target]
            title = f"{ACTION_LABELS[row.action]}：{roles_label(row.roles)}"
            if y1 == y2 and x2 > x1:  # forward on the main line
                a, b = (x1 + BOX_W, y1 + BOX_H // 2), (x2, y2 + BOX_H // 2)
                path = f"M{a[0]},{a[1]} L{b[0]},{b[1]}"
                label_at = ((a[0] + b[0]) // 2, a[1] - 6 - (i % 2) * 12)
            elif y1 == y2:  # back along the main line (withdraw): an arc above
                a, b = (x1 + BOX_W // 2, y1), (x2 + BOX_W // 2, y2)
                path = f"M{a[0]},{a[1]} Q{(a[0] + b[0]) // 2},{y1 - 34} {b[0]},{b[1]}"
                label_at = ((a[0] + b[0]) // 2, y1 - 22)
            else:  # to or from 已退回: returns come down on the right, resubmission goes up on the left
                down = y2 > y1
                a = (x1 + BOX_W // 2, y1 + (BOX_H if down else 0))
                b = (x2 + BOX_W // 2 + (16 if down else -16), y2 + (0 if down else BOX_H))
                if not down:
                    a = (a[0] - 16, a[1])
                path = f"M{a[0]},{a[1]} L{b[0]},{b[1]}"
                label_at = ((a[0] + b[0]) // 2 + (10 if down else -18), (a[1] + b[1]) // 2)
            dashed = Markup(' stroke-dasharray="4 3"') if row.target is State.RETURNED else Markup("")
            parts.append(
                Markup(
                    '<path d="{}" fill="none" stroke="#6c757d" marker-end="url(#arrow)"{}><title>{}</title></path>'
                ).format(path, dashed, title)
            )
            parts.append(
                Markup(
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#343a40">{}</text>'
                ).format(label_at[0], label_at[1], ACTION_LABELS[row.action])
            )
    for state, (x, y) in pos.items():
        fill = (
            "#d4edda"
            if state in workflow.final_states
            else ("#cce5ff" if state == workflow.initial else "#f8f9fa")
        )
        parts.append(
            Markup(
                '<g class="state" data-state="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="#495057"/>'
                '<text x="{}" y="{}" font-size="12" text-anchor="middle" dominant-baseline="middle">{}</text></g>'
            ).format(
                state.value, x, y, BOX_W, BOX_H, fill, x + BOX_W // 2, y + BOX_H // 2, state_label(state)
            )
        )
    defs = Markup(
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6c757d"/></marker></defs>'
    )
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" role="img"'
        ' aria-label="{}">{}{}</svg>'
    ).format(
        width,
        LOW + BOX_H + 20,
        width,
        LOW + BOX_H + 20,
        escape(workflow.kind.label),
        defs,
        Markup("").join(parts),
    )
