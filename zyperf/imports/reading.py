"""An uploaded file opened as a workbook, or refused with a Chinese reason before anything is
decompressed: not an .xlsx (an .exe, a .xls, a CSV, an empty file), a password-protected workbook
(an OLE compound file holding an EncryptionInfo stream), a file too large, a zip bomb (the sizes in
the zip directory are checked first; Python's zipfile never inflates an entry past the size its
directory gives), macros. openpyxl then parses the XML through defusedxml (a dependency for that)."""

import io
import warnings
import zipfile
from dataclasses import dataclass

import openpyxl
from openpyxl.workbook import Workbook

MAX_BYTES = 5 * 1024 * 1024  # a 60-row table is about 30 KB
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_ENTRIES = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")  # the stream of an encrypted OOXML file
REQUIRED = ("[Content_Types].xml", "xl/workbook.xml")
TEMPLATE_HINT = "请在文档页面「下载填报模板」，在 Excel 或 WPS 中填写后以 .xlsx 格式保存再上传"


class Refused(Exception):
    """The whole upload is refused (no cell to name): a Chinese message for a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Upload:
    workbook: Workbook
    properties: dict[str, object]  # the §1.8 custom properties (zyperf_*), by name


def kind_of(content: bytes) -> str | None:
    """None when the bytes may be an .xlsx, else why they are not."""
    if not content:
        return "上传的文件是空的。" + TEMPLATE_HINT
    if content.startswith(OLE_MAGIC):
        if ENCRYPTION_INFO in content:
            return "该工作簿设有打开密码（已加密），系统无法读取；请取消密码保护后另存为 .xlsx 再上传"
        return (
            "这是旧版 Excel 97-2003 格式（.xls）的文件；请在 Excel 中「另存为」Excel 工作簿（.xlsx）后再上传"
        )
    if content.startswith(b"MZ"):
        return "上传的是可执行程序，不是 Excel 工作簿。" + TEMPLATE_HINT
    if not content.startswith(ZIP_MAGIC):
        return "上传的文件不是 Excel 工作簿（.xlsx），可能是 CSV、文本或其他格式。" + TEMPLATE_HINT
    return None


def check_archive(content: bytes) -> None:
    """The zip directory, read without inflating anything: an .xlsx's parts, no macros, a bounded
    number of entries and of uncompressed bytes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused("文件已损坏，或不是 Excel 工作簿（.xlsx）。" + TEMPLATE_HINT) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise Refused(f"工作簿内部文件过多（{len(entries)} 个），不是填报模板")
        if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
            raise Refused(
                f"工作簿解压后超过 {MAX_UNCOMPRESSED // 1024 // 1024} MB（疑似压缩炸弹），未读取；"
                "填报模板只有几十 KB"
            )
        names = {e.filename for e in entries}
        if any(e.flag_bits & 0x1 for e in entries):
            raise Refused("工作簿设有密码保护（已加密），系统无法读取；请取消密码保护后再上传")
    if "xl/vbaProject.bin" in names:
        raise Refused("工作簿含有宏（.xlsm），不接受；请另存为不含宏的 Excel 工作簿（.xlsx）")
    if not all(name in names for name in REQUIRED):
        raise Refused("上传的文件不是 Excel 工作簿（可能是 Word、WPS 文字或其他压缩包）。" + TEMPLATE_HINT)


def open_upload(content: bytes) -> Upload:
    """The workbook with its formulas as written (data_only=False: a formula is seen, never its
    cached value) and its custom properties. Raises Refused."""
    if len(content) > MAX_BYTES:
        raise Refused(
            f"文件过大（{len(content) / 1024 / 1024:.1f} MB），填报模板不超过 {MAX_BYTES // 1024 // 1024} MB"
        )
    if reason := kind_of(content):
        raise Refused(reason)
    check_archive(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about parts it drops (extensions, ...)
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), data_only=False, keep_vba=False, keep_links=False, rich_text=False
            )
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds on a damaged part; all mean the same here)
        raise Refused(
            "无法读取该工作簿（文件损坏或格式不受支持），请用 Excel 或 WPS 另存为 .xlsx 后再上传"
        ) from None
    properties = {p.name: p.value for p in workbook.custom_doc_props}
    return Upload(workbook, properties)
