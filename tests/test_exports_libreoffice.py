"""Every kind of workbook opens where the bureau opens it: LibreOffice converts each to PDF without
error (one soffice run for all, with its own profile), and the first page renders to PNG."""

import os
import shutil
import subprocess

import pytest

from tests import exports_data as data
from zyperf.exports import department, exante, lists, monitoring, targets
from zyperf.exports.combined import build_combined
from zyperf.exports.model import Combined
from zyperf.exports.self_evaluation import build_self_evaluation

pytestmark = [
    pytest.mark.libreoffice,
    # Skipped only where LibreOffice is absent; CI (ZYPERF_REQUIRE_BROWSER) installs it and runs this.
    pytest.mark.skipif(
        not shutil.which("soffice") and not os.environ.get("ZYPERF_REQUIRE_BROWSER"),
        reason="LibreOffice (soffice) is not installed",
    ),
]


def every_kind():
    day = {"export_date": data.DAY}
    yield "T-1", targets.build_targets(data.targets(), **day)
    yield "M-1", monitoring.build_monitoring(data.monitoring(), **day)
    yield "S-1", build_self_evaluation(data.e2(conclusion="评" * 200), **day)
    yield "S-2", build_self_evaluation(data.e2_central(), **day)
    yield "X-1", exante.build_exante(data.exante(), **day)
    yield "D-1", department.build_department_targets(data.department_targets(), **day)
    yield "D-2", department.build_department_evaluation(data.department_evaluation(), **day)
    for code, make in zip(
        ("L-1", "L-2", "L-3", "L-4", "L-5", "L-6"),
        (data.targets_list, data.exante_list, data.monitoring_list, data.evaluation_list, data.problem_list,
         data.application_list),
        strict=True,
    ):  # fmt: skip
        yield code, lists.build_list(make(), **day)
    yield "combined", build_combined(Combined(data.targets_list(2), (data.targets(),) * 2), **day)


def run(*args: str) -> None:
    """Our own fixed command lines with paths under tmp_path."""
    subprocess.run([shutil.which(args[0]), *args[1:]], check=True, capture_output=True, timeout=300)  # noqa: S603


def test_every_kind_converts_to_pdf_and_renders(tmp_path):
    codes = []
    for code, (buf, _) in every_kind():
        (tmp_path / f"{code}.xlsx").write_bytes(buf.getvalue())
        codes.append(code)
    sources = [str(tmp_path / f"{code}.xlsx") for code in codes]
    out = tmp_path / "pdf"
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    run(
        "soffice", profile, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(out), *sources
    )
    for code in codes:
        pdf = out / f"{code}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), code
        run(
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / code),
        )
        assert (tmp_path / f"{code}.png").stat().st_size > 1000, code
