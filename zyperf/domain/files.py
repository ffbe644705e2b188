"""Attachment metadata as stored in a document's data ({name, size, ...}); the bytes are elsewhere."""

from zyperf.domain.text import FieldError, normalize_text

FILE_META_KEYS = {"name": str, "size": int, "content_type": str, "attachment_id": int, "sha256": str}
MAX_FILE_BYTES = 200 * 1024 * 1024


def size_label(n: int) -> str:
    return f"{n / 1024 / 1024:g}MB" if n >= 1024 * 1024 else f"{n / 1024:g}KB"


def check_file_meta(value, label: str, *, accept=None, max_bytes=None) -> dict:
    """One file's metadata, checked (type by extension, size), or FieldError naming `label`."""
    if not isinstance(value, dict) or set(value) - set(FILE_META_KEYS) or "name" not in value:
        raise FieldError(f"{label}的附件信息无效")
    meta = {}
    for key, kind in FILE_META_KEYS.items():
        if key not in value:
            continue
        item = value[key]
        if isinstance(item, bool) or not isinstance(item, kind):
            raise FieldError(f"{label}的附件信息无效")
        if isinstance(item, str):
            item = normalize_text(item)
            if len(item) > 255:
                raise FieldError(f"{label}的文件名过长")
        elif item < 0:
            raise FieldError(f"{label}的附件信息无效")
        meta[key] = item
    name = meta["name"]
    if not name:
        raise FieldError(f"{label}缺少文件名")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if accept and ext not in accept:
        raise FieldError(f"{label}只接受以下类型：{'、'.join(accept)}")
    if max_bytes and meta.get("size", 0) > max_bytes:
        raise FieldError(f"{label}不得超过{size_label(max_bytes)}")
    return meta
