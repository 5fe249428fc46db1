"""Downloads: CSV and XLSX bytes that are safe to open in a spreadsheet, and their file names.

Spreadsheet formula injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return may be run as a formula by Excel, LibreOffice or Google Sheets (for example
``=HYPERLINK(...)`` or ``=cmd|...``). Every such *text* cell (and column header) is prefixed with a
single quote ``'`` before writing, so it shows as text. Numbers stay numbers: a negative number is
a number, not text, and is written unchanged. The importer removes that quote again when a file
exported here is uploaded back (see ``dashboard.importer``).

>>> import pandas as pd
>>> neutralise_formulas(pd.DataFrame({"note": ["=1+1", "ok"], "n": [-1, 2]}))["note"].tolist()
["'=1+1", 'ok']
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from datetime import date, datetime

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "export_filename", "neutralise_formulas", "to_csv_bytes", "to_xlsx_bytes"]

# Characters that make a spreadsheet treat a text cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Control characters an XLSX file cannot hold (openpyxl refuses them); replaced by nothing.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _neutralise_value(value):
    # Judge the text as a spreadsheet will see it: control characters are dropped on the way in, so
    # "\x01=HYPERLINK(...)" must count as starting with "=".
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES)
                                   or _XLSX_ILLEGAL.sub("", value).startswith(FORMULA_PREFIXES)):
        return "'" + value
    return value


def _neutralise_series(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)  # categories are text too
    if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        return values.map(_neutralise_value)
    return values  # numbers, dates, booleans: never formulas


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers cannot run as spreadsheet formulas.

    >>> neutralise_formulas(pd.DataFrame({"-x": ["@SUM(A1)", "-3"]})).to_dict("list")
    {"'-x": ["'@SUM(A1)", "'-3"]}
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        out.isetitem(position, _neutralise_series(out.iloc[:, position]))
    out.columns = [_neutralise_value(c) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame, index: bool = False, bom: bool = True) -> bytes:
    """``frame`` as UTF-8 CSV bytes with formula-like text neutralised.

    With ``bom`` (the default) the bytes start with a UTF-8 byte-order mark, which is what makes
    Excel open non-ASCII text (₹, names in Indian scripts) correctly; the importer accepts it.
    Lines end with CRLF (RFC 4180), so a text holding a line break or a carriage return is quoted.

    >>> to_csv_bytes(pd.DataFrame({"a": ["=2", "x"], "b": [-1.5, 2]}), bom=False).decode().splitlines()
    ['a,b', "'=2,-1.5", 'x,2.0']
    """
    text = neutralise_formulas(frame).to_csv(index=index, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def _sheet_names(names) -> list[str]:
    """Valid, unique Excel sheet names (at most 31 characters, no []:*?/\\)."""
    out: list[str] = []
    for raw in names:
        base = _SHEET_FORBIDDEN.sub("_", str(raw)).strip("'").strip() or "Sheet"
        name, n = base[:31], 2
        while name.lower() in (o.lower() for o in out):
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        out.append(name)
    return out


def _xlsx_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Characters XLSX cannot hold removed, time zones dropped, then neutralised (in that order, so
    removing a character can never uncover a formula)."""
    out = frame.copy()
    for position in range(out.shape[1]):
        values = out.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            out.isetitem(position, values.dt.tz_localize(None))
        elif values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            out.isetitem(position, values.map(
                lambda v: _XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v))
    out.columns = [_XLSX_ILLEGAL.sub("", c) if isinstance(c, str) else c for c in out.columns]
    return neutralise_formulas(out)


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame], index: bool = False) -> bytes:
    """An XLSX workbook with one sheet per entry, formula-like text neutralised.

    Header row bold and frozen; column widths fit the first rows. Sheet names are made valid
    (31 characters, none of ``[]:*?/\\``, unique).
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if not sheets:
        sheets = {"Sheet": pd.DataFrame()}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in zip(_sheet_names(sheets), sheets.values()):
            ready = _xlsx_ready(frame)
            ready.to_excel(writer, sheet_name=name, index=index)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for position, column in enumerate(ready.columns, start=1 + int(index)):
                sample = [str(column)] + [str(v) for v in ready[column].head(50).tolist()]
                sheet.column_dimensions[get_column_letter(position)].width = min(60, max(8, *map(len, sample)) + 2)
    return buffer.getvalue()


def _slug(text: str, limit: int) -> str:
    """ASCII letters, digits, '.', '_' and '-' only; runs of anything else become one '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9._]+", "-", ascii_text).strip("-._")
    slug = re.sub(r"\.{2,}", ".", slug)
    if len(slug) > limit:  # keep it distinct: a short hash of the full text replaces the tail
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        slug = slug[:limit - 9].rstrip("-._") + "-" + digest
    return slug


def _filters_text(filters_summary) -> str:
    if filters_summary is None:
        return ""
    if isinstance(filters_summary, dict):
        parts = []
        for key, value in filters_summary.items():
            if value in (None, "", [], ()):
                continue
            values = value if isinstance(value, (list, tuple, set)) else [value]
            parts.append(f"{key}-{'+'.join(str(v) for v in values)}")
        return "_".join(parts)
    return str(filters_summary)


def export_filename(section: str, filters_summary=None, day=None, ext: str = "csv") -> str:
    """A safe download name carrying the section, the filters and the date.

    ``filters_summary`` is text ("Brand: MuscleBlaze; Platform: Instagram") or a dict of filter
    values; ``day`` a date, datetime or ISO text (today when None). Only ASCII letters, digits,
    ``.``, ``_`` and ``-`` remain: no path separators, no leading dot. Long filter summaries
    are cut and end with a short hash, so two different filter sets keep different names.

    >>> export_filename("Top influencers", "Brand: MuscleBlaze; Platform: Instagram", "2026-05-03", "xlsx")
    'influencer-roi_Top-influencers_Brand-MuscleBlaze-Platform-Instagram_2026-05-03.xlsx'
    >>> export_filename("../../etc", {"brand": ["A/B"]}, "2026-05-03", ".csv")
    'influencer-roi_etc_brand-A-B_2026-05-03.csv'
    """
    if day is None:
        day = date.today()
    if isinstance(day, datetime):
        day = day.date()
    day_text = day.isoformat() if isinstance(day, date) else str(pd.Timestamp(str(day)).date())
    extension = re.sub(r"[^A-Za-z0-9]", "", str(ext).lower()) or "csv"
    parts = ["influencer-roi", _slug(str(section), 40) or "export"]
    filters = _slug(_filters_text(filters_summary), 100)
    if filters:
        parts.append(filters)
    parts.append(day_text)
    return "_".join(parts) + "." + extension[:5]

