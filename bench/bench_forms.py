"""Form-class building and indicator-table validation, as ratios of a baseline measured in the same run
(constructing a trivial one-field WTForms form). Run: .venv/bin/python bench/bench_forms.py"""

import sys
import tempfile
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wtforms import Form, StringField

from forms import builder
from zyperf import create_app
from zyperf.config import TestConfig
from zyperf.extensions import db
from zyperf.seeding import seed_demo
from zyperf.services import definitions as defs


class Trivial(Form):
    name = StringField("名称")


def per_call(fn, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def rows(n: int) -> list[dict]:
    out = []
    pairs = [("产出指标", "数量指标"), ("效益指标", "社会效益指标"), ("成本指标", "经济成本指标")]
    for i in range(n):
        level1, level2 = pairs[i % 3]
        weight = "2.25"  # 40 × 2.25 = 90
        out.append({"level1": level1, "level2": level2, "level3": f"指标{i}", "nature": "≥",
                    "value": str(i), "unit": "个", "weight": weight})  # fmt: skip
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
        app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite"})
        with app.app_context():
            db.create_all()
            seed_demo()
            db.session.commit()
            definition = defs.published_definition("performance_targets", 2026)
            field = next(f for f in definition.fields if f["type"] == "indicator_table")
            field = {**field, "rows_max": 60}
            catalog = defs.catalog_for("2021")
            table = rows(40)
            assert defs.clean_indicator_rows(field, table, catalog)[1] == []

            baseline = per_call(lambda: Trivial(), 2000)
            builder.build_stage_form(definition)
            cached = per_call(lambda: builder.build_stage_form(definition), 2000)

            def uncached():
                builder._FORM_CACHE.clear()
                builder.build_stage_form(definition)

            uncached_t = per_call(uncached, 200)
            validate = per_call(lambda: defs.clean_indicator_rows(field, table, catalog), 200)
            print(f"baseline (trivial 1-field form):   {baseline * 1e6:9.1f} µs  = 1.0")
            print(f"build_stage_form, cached:          {cached * 1e6:9.1f} µs  = {cached / baseline:6.2f}×")
            print(
                f"build_stage_form, uncached:        {uncached_t * 1e6:9.1f} µs  = {uncached_t / baseline:6.2f}×"
            )
            print(
                f"40-row indicator table rules:      {validate * 1e6:9.1f} µs  = {validate / baseline:6.2f}×"
            )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
