"""Run every benchmark: python -m bench. Each prints ratios against a baseline measured in the same run."""

from bench import (
    bench_exports,
    bench_forms,
    bench_imports,
    bench_pages,
    bench_rounds,
    bench_scale,
    bench_transitions,
)

bench_transitions.main()
bench_pages.main()
bench_forms.main()
bench_exports.main()
bench_imports.main()
bench_rounds.main()
bench_scale.main()
