"""Display names for uploads. A name is shown and offered as the download name, never used
as a storage path (see uploads.models.upload_storage_path)."""

import unicodedata

MAX_NAME_LENGTH = 255
# Reserved on Windows: a downloaded file must be savable under its name everywhere.
_RESERVED = str.maketrans({char: "_" for char in '<>:"|?*'})


def display_name(raw: str) -> str:
    """The last path part, without control/format characters, at most 255 characters.

    Leading and trailing dots and spaces go (no hidden or dot-only names); "" when nothing
    is left, so callers fall back to another name.
    """
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char for char in name if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    name = " ".join(name.split()).translate(_RESERVED).strip(" .")
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 16:
        stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .")
        return f"{stem}.{extension}"
    return name[:MAX_NAME_LENGTH].rstrip(" .")
