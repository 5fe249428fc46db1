"""Import of the marketing team's own files: read, map headers, clean, validate, report, commit.

Nothing a user uploads may corrupt or lose stored data. The flow has two steps:

1. ``prepare_import(files, engine, mode)`` reads and checks everything and returns an
   :class:`ImportPlan` (rows read / to add / to update / rejected per entity, every problem and
   every change it made, the cleaned frames). It writes nothing.
2. ``commit_import(plan, engine, user)`` writes the plan in one database transaction (with an undo
   snapshot and a history row) and returns the new data_version. It refuses when the stored data
   changed since the check. ``restore_previous(engine)`` undoes the latest import.

Reading (``read_upload``)
    CSV (delimiter ``,`` ``;`` tab or ``|``, taken from the header line), XLSX (openpyxl), or a ZIP
    holding several of them. A workbook whose sheets are named after entities ("posts",
    "Tracking data") gives one table per such sheet; otherwise its first sheet is read. The entity
    comes from the file (or sheet) name: influencers, posts, tracking_data / tracking, payouts, in
    any case or spacing ("Influencers.csv", "tracking data.xlsx", "may_posts.csv"), or is given.
    Text is read as UTF-8 (with or without byte-order mark), UTF-16 with a byte-order mark, then
    Windows-1252, then Latin-1 (both with a note). Empty, header-only, binary, UTF-16-without-BOM,
    malformed (unbalanced quotes, rows with more fields than the header) and oversized files,
    unreadable workbooks and damaged ZIPs raise :class:`ImportRejected` (file and reason).
    Row numbers are the ones the user sees: header = row 1 in a CSV, the sheet's own row numbers
    in a workbook.

Headers
    Matched ignoring case, spaces, punctuation, camelCase and unit suffixes (``Revenue (INR)``,
    ``margin %``), plus common variants (``id`` is the entity's own id, ``followers`` →
    ``follower_count``, ``post_date``/``posted_on`` → ``date``, ``amount``/``payout`` →
    ``total_payout`` ...). Unknown columns are ignored with a note. Both the original assignment's
    minimal columns and the extended ones are accepted; the only required columns are the schema's
    non-nullable ones (``influencer_id`` for influencers and posts and payouts, ``date`` for posts
    and tracking). Ids that minimal files lack are generated (see below).

Cleaning (every changed cell is listed: file, row, column, old value, new value, action)
    Text is trimmed; a leading ``'`` protecting a formula-like text (as written by
    ``dashboard.exports``) is removed. Platforms, tiers, campaign_type (``holdout`` → control),
    touch_type and basis get their canonical spelling (case-insensitive, with synonyms such as
    ``insta``/``ig`` → Instagram, ``yt`` → YouTube, ``tik tok`` → TikTok, ``x`` → Twitter).
    Brands are matched ignoring case, spaces and punctuation and written as already stored, else
    as most often written in the upload (all files of one import together).
    Numbers accept currency (``₹``, ``Rs.``, ``INR``, ``$``), thousands separators in Western or
    Indian grouping (``1,299.00``, ``1,29,999``; any other comma is an error, never a decimal
    comma), ``K``/``M``/``L``(akh)/``Cr`` suffixes and accounting negatives ``(500)``. In a 0..1
    rate or margin column, ``12%`` becomes 0.12, and a plain number above 1 and at most 100 is read
    as a percentage and divided by 100. ``incremental_flag`` also takes yes/no/true/false.
    Dates: ISO first (``2026-05-03``, ``2026/05/03``, with time); then numeric day/month/year as
    Indian users write them (``03/05/2026`` is 3 May 2026; ``.`` and ``-`` separators and two-digit
    years too). If a column has values that can only be month/day (``05/23/2026``) and none that
    can only be day/month, the whole column is read month/day/year, with a note. Then month names
    (``5 Mar 2026``, ``March 5, 2026``) and Excel serial numbers (XLSX number cells, or plain
    numbers 20000–80000). Time-zone suffixes are dropped, keeping the time as written.
    ``source`` is kept as written; an influencer or post with no platform gets the platform that
    its tracking rows' source names (``Instagram_influencer`` → Instagram). ``tier`` is derived
    from ``follower_count`` when empty. Payout ``total_payout`` is computed when empty and computable.

Ids generated for minimal files (posts ``post_id``, tracking ``tracking_id``, payouts
    ``payout_id``) are ``P-``/``T-``/``PAY-`` + 16 hex digits of a BLAKE2 hash of the cleaned row
    (the k-th identical row also hashes k). The same content always gets the same id, so uploading
    a file twice in append mode is refused as "already stored" instead of doubling the data.

Validation (each problem: file, row, column, value, reason, severity)
    From ``analytics.schema`` with pandera: required cells, allowed values, ranges, unique ids.
    Rows that are exact copies of an earlier row with the same id are skipped (warning); different
    rows sharing an id are errors. Referential integrity against the upload plus what is stored
    (as the import would leave it): posts → influencers; tracking → posts and influencers; payouts
    → influencers and posts. A rejected row's id does not exist for the rows that reference it.
    Payout arithmetic: basis=order → rate × orders; basis=post → rate × posts covered (1 with a
    post_id, else all the influencer's posts); hybrid → rate × posts + cost_per_order × orders;
    plus performance_bonus. A difference above max(1 rupee, 1%) is a warning; an empty
    total_payout that cannot be computed is an error. Errors reject the row; warnings keep it.

Modes
    ``append``: only new ids; an id already stored is an error for that row. ``upsert``: rows
    with a stored id update it (columns the file lacks keep their stored values), others are
    added. ``replace``: each *uploaded* entity's table is replaced by the upload; entities not
    uploaded are kept as stored. Replace is refused if any of the uploaded rows has an error (a
    partial table would silently lose rows) or if a kept table would reference ids the new table
    lacks (upload those files too, or use upsert).
"""
from __future__ import annotations

import hashlib
import io
import math
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from analytics.schema import (CAMPAIGN_TYPES, ENTITIES, PAYOUT_BASES, PLATFORMS, TIER_THRESHOLDS, TIERS,
                              TOUCH_TYPES, Column, Entity, tier_from_followers)
from dashboard import store
from dashboard.exports import to_csv_bytes

__all__ = [
    "DEFAULT_MAX_BYTES", "ImportPlan", "ImportRejected", "MODES", "commit_import", "detect_entity",
    "entity_name", "expected_payout", "map_headers", "platform_from_source", "prepare_import", "read_upload",
    "restore_previous",
]

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MODES = ("append", "upsert", "replace")
# Order that respects references: parents first.
ORDER = ("influencers", "posts", "tracking_data", "payouts")
GENERATED_ID_PREFIX = {"posts": "P", "tracking_data": "T", "payouts": "PAY"}
PROBLEM_COLUMNS = ["file", "row", "column", "value", "reason", "severity"]
CHANGE_COLUMNS = ["file", "row", "column", "old_value", "new_value", "action"]
PAYOUT_TOLERANCE = (1.0, 0.01)  # rupees, share of the expected amount


class ImportRejected(Exception):
    """A file (or the whole import) that cannot be imported, with the reason in plain words."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


# ---------------------------------------------------------------------------------------------
# Names: entities from file names, schema columns from headers
# ---------------------------------------------------------------------------------------------

_FILE_ALIASES = {
    "influencers": ("influencers", "influencer", "creators", "creator"),
    "posts": ("posts", "post"),
    "tracking_data": ("tracking_data", "tracking", "trackingdata", "tracking_events", "conversions"),
    "payouts": ("payouts", "payout", "payments", "payment"),
}

# Header variants per entity (normalised by _norm); the schema names themselves always match.
_HEADER_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "influencers": {
        "influencer_id": ("id", "influencer", "creator_id", "influencer_code", "influencer_no"),
        "name": ("influencer_name", "creator_name", "full_name", "display_name", "influencer"),
        "category": ("niche", "content_category", "genre", "vertical"),
        "gender": ("sex",),
        "follower_count": ("followers", "follower", "followers_count", "follower_counts", "no_of_followers",
                           "number_of_followers", "subscribers", "fans", "audience"),
        "platform": ("main_platform", "primary_platform", "platform_name", "channel", "network"),
        "tier": ("influencer_tier", "tier_name"),
        "engagement_rate_baseline": ("engagement_rate", "engagement", "er", "avg_engagement_rate",
                                     "average_engagement_rate", "baseline_engagement_rate"),
        "conversion_rate_baseline": ("conversion_rate", "conversion", "cvr", "cr", "avg_conversion_rate",
                                     "baseline_conversion_rate"),
    },
    "posts": {
        "post_id": ("id", "post_code", "content_id"),
        "influencer_id": ("influencer", "creator_id", "influencer_code"),
        "platform": ("platform_name", "channel", "network"),
        "date": ("post_date", "posted_on", "posted_at", "date_posted", "publish_date", "published_on",
                 "published_at", "publication_date", "post_dt", "dt"),
        "url": ("link", "post_url", "post_link", "permalink"),
        "caption": ("text", "post_caption", "post_text", "description"),
        "reach": ("post_reach", "unique_reach", "accounts_reached"),
        "likes": ("like", "like_count", "likes_count", "no_of_likes"),
        "comments": ("comment", "comment_count", "comments_count", "no_of_comments"),
        "shares": ("share", "share_count", "shares_count", "no_of_shares"),
        "brand": ("brand_name",),
        "product": ("product_name", "sku", "sku_name", "item"),
        "product_category": ("category", "product_type"),
        "product_price": ("price", "unit_price", "mrp", "selling_price"),
        "product_margin": ("margin", "gross_margin", "margin_share"),
        "campaign_type": ("group", "test_control", "test_or_control", "arm", "variant", "cell", "holdout_group"),
    },
    "tracking_data": {
        "tracking_id": ("id", "event_id", "touch_id", "row_id"),
        "source": ("utm_source", "traffic_source", "source_name"),
        "campaign": ("utm_campaign", "campaign_name"),
        "influencer_id": ("influencer", "creator_id", "influencer_code"),
        "order_id": ("order_no", "order_number", "order_ref"),
        "user_id": ("user", "customer_id", "customer", "buyer_id", "client_id"),
        "brand": ("brand_name",),
        "product": ("product_name", "sku", "sku_name", "item"),
        "product_category": ("category", "product_type"),
        "date": ("order_date", "order_time", "order_datetime", "timestamp", "datetime", "date_time", "purchase_date",
                 "event_time", "event_date", "created_at", "time"),
        "orders": ("order", "order_count", "orders_count", "num_orders", "no_of_orders"),
        "revenue": ("sales", "gmv", "order_value", "amount", "sale_amount", "total_revenue", "value"),
        "profit": ("gross_profit", "margin_amount"),
        "touch_type": ("touch", "interaction", "interaction_type", "event_type"),
        "attribution_score": ("attribution", "attribution_weight", "score", "weight"),
        "campaign_type": ("group", "test_control", "arm", "variant", "cell"),
        "incremental_flag": ("incremental", "is_incremental"),
    },
    "payouts": {
        "payout_id": ("id", "payment_id"),
        "influencer_id": ("influencer", "creator_id", "influencer_code"),
        "brand": ("brand_name",),
        "basis": ("payout_basis", "payment_basis", "pay_basis", "payout_type", "deal_type", "model"),
        "rate": ("fee", "unit_rate", "rate_per_unit", "fee_per_post"),
        "orders": ("order", "order_count", "orders_count", "num_orders", "no_of_orders"),
        "cost_per_order": ("cpo", "per_order", "commission_per_order"),
        "tier": ("influencer_tier",),
        "performance_bonus": ("bonus", "incentive"),
        "total_payout": ("amount", "payout", "total", "paid", "amount_paid", "total_amount", "payout_amount",
                         "payment", "total_paid"),
    },
}

_UNIT_SUFFIX = re.compile(r"_(?:in_)?(?:inr|rs|rupees|pct|percent|percentage)$")


def _norm(text) -> str:
    """Lower-case words joined by '_' (camelCase split, punctuation dropped).

    >>> _norm(" Follower Count (#)"), _norm("InfluencerID"), _norm("postedOn"), _norm("Margin %")
    ('follower_count_no', 'influencer_id', 'posted_on', 'margin_pct')
    """
    s = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").strip()
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", s)
    s = s.lower().replace("%", " pct ").replace("#", " no ").replace("&", " and ")
    return re.sub(r"[^0-9a-z]+", "_", s).strip("_")


def _header_lookup(entity: Entity) -> dict[str, str]:
    lookup = {}
    for column, variants in _HEADER_ALIASES[entity.name].items():
        for variant in variants:
            lookup.setdefault(variant, column)
    for column in entity.column_names:  # the schema's own names win over any alias
        lookup[column] = column
        lookup[column.replace("_", "")] = column
    return lookup


def entity_name(name: str) -> str:
    """The store's entity name for a user's word for it.

    >>> entity_name("Tracking"), entity_name("influencer"), entity_name("tracking data")
    ('tracking_data', 'influencers', 'tracking_data')
    """
    key = _norm(name)
    for entity, aliases in _FILE_ALIASES.items():
        if key in aliases or key.replace("_", "") in {a.replace("_", "") for a in aliases}:
            return entity
    raise ValueError(f"unknown entity {name!r}; use one of influencers, posts, tracking, payouts")


def detect_entity(filename: str) -> str | None:
    """The entity a file or sheet name designates, or None when it names none or several.

    >>> detect_entity("Influencers.csv"), detect_entity("tracking data.xlsx"), detect_entity("may_posts_v2.csv")
    ('influencers', 'tracking_data', 'posts')
    >>> detect_entity("data.csv") is None
    True
    """
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = re.sub(r"\.(csv|tsv|txt|xlsx|xlsm)$", "", stem, flags=re.IGNORECASE)
    key = _norm(stem)
    try:
        return entity_name(key)
    except ValueError:
        pass
    tokens = key.split("_")
    found = set()
    for entity, aliases in _FILE_ALIASES.items():
        for alias in aliases:
            parts = alias.split("_")
            if any(tokens[i:i + len(parts)] == parts for i in range(len(tokens) - len(parts) + 1)):
                found.add(entity)
    return found.pop() if len(found) == 1 else None


def map_headers(headers: list, entity: Entity) -> tuple[dict[int, str], list[str]]:
    """Which file column (by position) holds which schema column, and notes about the others.

    >>> from analytics.schema import INFLUENCERS
    >>> mapping, notes = map_headers(["ID", "Followers", "Fav colour"], INFLUENCERS)
    >>> mapping
    {0: 'influencer_id', 1: 'follower_count'}
    >>> notes[-1]
    "column 'Fav colour' is not one we use: ignored"
    """
    lookup = _header_lookup(entity)
    mapping: dict[int, str] = {}
    notes: list[str] = []
    for position, header in enumerate(headers):
        text = "" if header is None or (isinstance(header, float) and math.isnan(header)) else str(header).strip()
        if not text:
            continue
        key = _norm(text)
        column = lookup.get(key) or lookup.get(_UNIT_SUFFIX.sub("", key)) or lookup.get(key.replace("_", ""))
        if column is None:
            notes.append(f"column {text!r} is not one we use: ignored")
        elif column in mapping.values():
            first = headers[next(p for p, c in mapping.items() if c == column)]
            notes.append(f"column {text!r} would also be {column} (already read from {first!r}): ignored")
        else:
            mapping[position] = column
            if key != column:
                notes.append(f"column {text!r} read as {column}")
    return mapping, notes


# ---------------------------------------------------------------------------------------------
# Reading bytes into raw tables
# ---------------------------------------------------------------------------------------------

@dataclass
class RawTable:
    """One table as read: cells by schema column (text; native values from XLSX), user row numbers."""

    entity: str
    file: str
    headers: list[str]
    cells: pd.DataFrame  # columns as in the file (positions), RangeIndex
    rows: np.ndarray  # 1-based row number the user sees, per row of ``cells``
    notes: list[str] = field(default_factory=list)
    native: bool = False  # cells hold native XLSX values (numbers, datetimes) rather than text


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _decode(filename: str, content: bytes) -> tuple[str, list[str]]:
    """Text of a CSV, trying UTF-8 (BOM or not), UTF-16 with BOM, then cp1252 and Latin-1 (noted)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict") if _utf8(content[3:]) else \
            content[3:].decode("cp1252", errors="replace"), []
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), ["read as UTF-16 text"]
        except UnicodeDecodeError:
            raise ImportRejected(filename, "is marked as UTF-16 text but is not valid UTF-16") from None
    head = content[:4096]
    if b"\x00" in head:
        zeros = head.count(b"\x00")
        if zeros >= len(head) // 3 and (head[1::2].count(0) > len(head) // 3 or head[0::2].count(0) > len(head) // 3):
            raise ImportRejected(filename, "looks like UTF-16 text without a byte-order mark, which we cannot read "
                                           "reliably; save it as 'CSV UTF-8' and upload again")
        raise ImportRejected(filename, "is not a text file (it contains binary data); upload a CSV or XLSX file")
    try:
        return content.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
        return text, ["the file is not UTF-8: read as Windows-1252 (cp1252); check names and symbols such as ₹"]
    except UnicodeDecodeError:
        return content.decode("latin-1"), ["the file is not UTF-8: read as Latin-1; check names and symbols "
                                           "such as ₹"]


def _utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    return bool(sample) and len(_CONTROL.findall(sample)) > max(3, len(sample) // 100)


def _delimiter(text: str) -> str:
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _read_csv(filename: str, entity: str, content: bytes) -> RawTable:
    text, notes = _decode(filename, content)
    if not text.strip():
        raise ImportRejected(filename, "is empty")
    if _looks_binary(text):
        raise ImportRejected(filename, "is not a text file (it contains binary data); upload a CSV or XLSX file")
    lead = 0  # blank lines before the header: pandas cannot size the columns from them
    while True:
        end = text.find("\n", 0, 4096)
        if end < 0 or text[:end].strip():
            break
        text, lead = text[end + 1:], lead + 1
    sep = _delimiter(text)
    if sep != ",":
        notes.append(f"columns separated by {'tab' if sep == chr(9) else repr(sep)}")
    width = _csv_width(text, sep, filename)
    try:
        cells = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, engine="c",
                            usecols=range(width) if width else None)
    except pd.errors.ParserError as error:
        message = str(error)
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
        if match:
            expected, line, saw = match.groups()
            reason = (f"is malformed: line {line} has {saw} fields but the header has {expected}; a value that "
                      f"contains the separator {sep!r} must be in double quotes")
        elif "EOF inside string" in message:
            reason = "is malformed: a double quote opened in the file is never closed"
        else:
            reason = f"is malformed: {message.replace('Error tokenizing data. C error: ', '')}"
        raise ImportRejected(filename, reason) from None
    except (pd.errors.EmptyDataError, ValueError) as error:
        raise ImportRejected(filename, f"cannot be read as CSV ({error})") from None
    return _raw_table(filename, entity, cells, np.arange(1, len(cells) + 1) + lead, notes, native=False)


def _raw_table(filename: str, entity: str, cells: pd.DataFrame, rows: np.ndarray, notes: list[str],
               native: bool) -> RawTable:
    """Header = first non-blank row; blank rows dropped; row numbers kept."""
    if native:
        blank = cells.map(lambda v: v is None or (isinstance(v, str) and not v.strip())).all(axis=1).to_numpy()
    else:  # exact-empty rows quickly; whitespace-only rows among those whose first cell is blank
        blank = np.array((cells == "").all(axis=1).to_numpy(dtype=bool))
        first = cells[cells.columns[0]]
        codes, uniques = pd.factorize(first.to_numpy(dtype=object))
        spaces = np.array([not str(u).strip() for u in uniques] + [True], dtype=bool)[codes]
        maybe = np.flatnonzero(~blank & spaces)
        if len(maybe):
            sub = cells.iloc[maybe]
            blank[maybe] = (sub.apply(lambda s: s.str.strip()) == "").all(axis=1).to_numpy()
    keep = np.flatnonzero(~blank)
    if len(keep) == 0:
        raise ImportRejected(filename, "is empty")
    header_at = keep[0]
    headers = ["" if v is None else str(v).strip() for v in cells.iloc[header_at].tolist()]
    body = keep[keep > header_at]
    if len(body) == 0:
        raise ImportRejected(filename, "has a header row but no data rows")
    data = cells.iloc[body].reset_index(drop=True)
    data.columns = range(data.shape[1])
    return RawTable(entity=entity, file=filename, headers=headers, cells=data, rows=rows[body], notes=notes,
                    native=native)


def _is_xlsx(content: bytes) -> bool:
    if not content.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


_HELP_SHEETS = ("data_dictionary", "readme", "read_me", "instructions", "notes")


def _read_xlsx(filename: str, content: bytes, entity: str | None) -> list[RawTable]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise ImportRejected(filename, f"is not a readable XLSX workbook ({type(error).__name__})") from None
    try:
        sheets = workbook.sheetnames
        named = {}
        for sheet in sheets:
            found = detect_entity(sheet)
            if found and found not in named:
                named[found] = sheet
        if entity and entity in named:
            chosen = {entity: named[entity]}
        elif named and (entity is None or len(named) > 1):
            chosen = named
        else:
            entity = entity or detect_entity(filename)
            if entity is None:
                raise ImportRejected(filename, "cannot tell which table this is: name the file (or its sheet) "
                                               "influencers, posts, tracking_data or payouts, or choose the entity")
            usable = [s for s in sheets if _norm(s) not in _HELP_SHEETS]
            chosen = {entity: (usable or sheets)[0]}
        tables = []
        for name, sheet in chosen.items():
            try:
                width = _header_width(workbook[sheet], label=f"{filename} [{sheet}]")
                values = list(workbook[sheet].iter_rows(values_only=True, max_col=width)) if width else []
            except ImportRejected:
                raise
            except Exception as error:
                raise ImportRejected(filename, f"sheet {sheet!r} cannot be read ({type(error).__name__})") from None
            label = f"{filename} [{sheet}]" if len(sheets) > 1 else filename
            if not values:
                raise ImportRejected(label, "is empty")
            width = max(len(r) for r in values)
            cells = pd.DataFrame([tuple(r) + (None,) * (width - len(r)) for r in values], dtype=object)
            others = [s for s in sheets if s != sheet and s not in chosen.values() and _norm(s) not in _HELP_SHEETS]
            notes = [f"read sheet {sheet!r}; other sheets ignored ({', '.join(others)})"] if others else []
            tables.append(_raw_table(label, name, cells, np.arange(1, len(cells) + 1), notes, native=True))
        return tables
    finally:
        workbook.close()


MAX_COLUMNS = 200  # far more than any entity has; stops a stray far-right cell from exploding the table


def _header_width(sheet, label: str) -> int:
    """Columns to read: up to the header's last filled cell. A workbook's stated size can be far
    too wide (one stray cell in column XFD makes 16,384 columns), and reading it all costs minutes."""
    for row in sheet.iter_rows(min_row=1, max_row=20, values_only=True):
        filled = [i for i, v in enumerate(row) if v is not None and str(v).strip()]
        if filled:
            if len(filled) > MAX_COLUMNS:
                raise ImportRejected(label, f"has {len(filled):,} header columns; at most {MAX_COLUMNS} are read")
            return filled[-1] + 1
    return 0


def _csv_width(text: str, sep: str, filename: str) -> int | None:
    """Columns to read from a CSV: up to the header's last filled field (None: all). A header that
    ends in thousands of separators would otherwise pad every row to that width."""
    header = text.split("\n", 1)[0]
    fields = header.split(sep)
    filled = [i for i, f in enumerate(fields) if f.strip().strip('"')]
    if len(filled) > MAX_COLUMNS:
        raise ImportRejected(filename, f"has {len(filled):,} header columns; at most {MAX_COLUMNS} are read")
    return filled[-1] + 1 if filled and filled[-1] + 1 < len(fields) else None


def _read_zip(filename: str, content: bytes, entity: str | None, max_bytes: int) -> list[RawTable]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRejected(filename, "is not a valid ZIP archive (damaged or incomplete)") from None
    with archive:
        wanted, skipped = [], []
        for member in members:
            base = member.filename.rsplit("/", 1)[-1]
            if member.filename.startswith("__MACOSX/") or base.startswith(".") or not base:
                continue
            if re.search(r"\.(csv|tsv|txt|xlsx|xlsm)$", base, flags=re.IGNORECASE):
                wanted.append(member)
            else:
                skipped.append(base)
        if not wanted:
            raise ImportRejected(filename, "holds no CSV or XLSX file")
        total = sum(m.file_size for m in wanted)
        if total > max_bytes:
            raise ImportRejected(filename, f"unpacks to {_size(total)}; the limit is {_size(max_bytes)}")
        tables = []
        for member in wanted:
            label = f"{filename}/{member.filename}"
            if member.flag_bits & 0x1:
                raise ImportRejected(label, "is password-protected")
            try:
                data = archive.read(member)
            except Exception as error:  # zlib.error, BadZipFile, NotImplementedError (compression)
                reason = f"cannot be unpacked: the ZIP is damaged ({type(error).__name__})"
                raise ImportRejected(label, reason) from None
            given = entity if len(wanted) == 1 else None
            tables.extend(_read_one(label, data, given, max_bytes, allow_zip=False))
        if skipped:
            tables[0].notes.append(f"ignored in the ZIP: {', '.join(skipped)}")
        return tables


def _read_one(filename: str, content: bytes, entity: str | None, max_bytes: int,
              allow_zip: bool = True) -> list[RawTable]:
    if len(content) > max_bytes:
        raise ImportRejected(filename, f"is {_size(len(content))}; the limit is {_size(max_bytes)}")
    if not content or (not content[:65536].strip() and not content.strip()):
        raise ImportRejected(filename, "is empty")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected(filename, "is an old Excel 97-2003 (.xls) workbook: save it as .xlsx or CSV")
    if _is_xlsx(content):
        return _read_xlsx(filename, content, entity)
    if content.startswith(b"PK\x03\x04") or content.startswith(b"PK\x05\x06") or \
            filename.lower().endswith(".zip"):
        if not allow_zip:
            raise ImportRejected(filename, "is a ZIP inside a ZIP: upload the files directly")
        return _read_zip(filename, content, entity, max_bytes)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportRejected(filename, "is not a readable XLSX workbook")
    entity = entity or detect_entity(filename)
    if entity is None:
        raise ImportRejected(filename, "cannot tell which table this is: name the file influencers, posts, "
                                       "tracking_data or payouts (e.g. 'posts.csv'), or choose the entity")
    return [_read_csv(filename, entity, content)]


def _read_tables(filename: str, content: bytes, max_bytes: int, entity: str | None) -> list[RawTable]:
    entity = entity_name(entity) if entity else None
    return _read_one(filename, bytes(content), entity, max_bytes)


def read_upload(filename: str, content: bytes, max_bytes: int = DEFAULT_MAX_BYTES,
                entity: str | None = None) -> dict[str, pd.DataFrame]:
    """Read a CSV, XLSX or ZIP upload into raw tables, one per entity.

    Returns {entity: DataFrame} whose columns are the file's headers, every cell as read (text
    for CSV, native values for XLSX), blank rows dropped. ``frame.attrs`` holds ``file``,
    ``rows`` (the row numbers the user sees) and ``notes``. Raises ImportRejected with the file
    and the reason for anything unreadable, empty, too large or ambiguous.

    >>> tables = read_upload("Influencers.csv", b"ID,Followers\\nINF1,1200\\n")
    >>> tables["influencers"].to_dict("list"), tables["influencers"].attrs["rows"]
    ({'ID': ['INF1'], 'Followers': ['1200']}, [2])
    """
    out: dict[str, pd.DataFrame] = {}
    for table in _read_tables(filename, content, max_bytes, entity):
        if table.entity in out:
            raise ImportRejected(filename, f"holds two tables for {table.entity}")
        frame = table.cells.copy()
        frame.columns = [h or f"column {i + 1}" for i, h in enumerate(table.headers)][:frame.shape[1]]
        frame.attrs.update(file=table.file, rows=table.rows.tolist(), notes=list(table.notes))
        out[table.entity] = frame
    return out


# ---------------------------------------------------------------------------------------------
# The log of problems and changes
# ---------------------------------------------------------------------------------------------

def _display(values) -> np.ndarray:
    """Values as the text a user reads in the report ('' for missing)."""
    series = pd.Series(values) if not isinstance(values, pd.Series) else values.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        has_time = bool((series.dropna() != series.dropna().dt.normalize()).any())
        text = series.dt.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
        return text.fillna("").to_numpy(dtype=object)
    if pd.api.types.is_float_dtype(series.dtype):
        return np.array(["" if not np.isfinite(v) else (f"{v:.0f}" if float(v).is_integer() and abs(v) < 1e15
                                                         else repr(float(v))) for v in series.to_numpy()],
                        dtype=object)
    return np.array(["" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT
                     else str(v) for v in series.tolist()], dtype=object)


class _Log:
    def __init__(self):
        self.problems: list[pd.DataFrame] = []
        self.changes: list[pd.DataFrame] = []

    def problem(self, file: str, rows, column: str | None, values, reason, severity: str) -> None:
        rows = np.atleast_1d(np.asarray(rows, dtype=object))
        if len(rows) == 0:
            return
        values = _display(values) if not np.isscalar(values) else np.full(len(rows), values, dtype=object)
        reasons = np.asarray(reason, dtype=object) if not isinstance(reason, str) else np.full(len(rows), reason,
                                                                                                dtype=object)
        self.problems.append(pd.DataFrame({"file": file, "row": rows, "column": column, "value": values,
                                           "reason": reasons, "severity": severity}))

    def change(self, file: str, rows, column: str, old, new, action) -> None:
        rows = np.asarray(rows)
        if len(rows) == 0:
            return
        actions = np.asarray(action, dtype=object) if not isinstance(action, str) else action
        self.changes.append(pd.DataFrame({"file": file, "row": rows, "column": column, "old_value": _display(old),
                                          "new_value": _display(new), "action": actions}))

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        problems = pd.concat(self.problems, ignore_index=True) if self.problems else \
            pd.DataFrame(columns=PROBLEM_COLUMNS)
        changes = pd.concat(self.changes, ignore_index=True) if self.changes else pd.DataFrame(columns=CHANGE_COLUMNS)
        problems["row"] = pd.array(problems["row"].tolist(), dtype="Int64")
        changes["row"] = pd.array(changes["row"].tolist(), dtype="Int64")
        problems = problems.drop_duplicates(["file", "row", "column", "severity"], keep="first")
        return problems.reset_index(drop=True)[PROBLEM_COLUMNS], changes[CHANGE_COLUMNS]


# ---------------------------------------------------------------------------------------------
# Cleaning one column
# ---------------------------------------------------------------------------------------------

_MISSING = {"", "na", "n/a", "nan", "null", "none", "nil", "-", "--", "—", "–", "#n/a"}
_EXCEL_ERRORS = {"#n/a", "#value!", "#ref!", "#div/0!", "#name?", "#num!", "#null!", "#spill!", "#calc!"}


def _cell_text(value) -> str:
    """An XLSX cell as the text a user would type for it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if (value.hour, value.minute, value.second, value.microsecond) != (
            0, 0, 0, 0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class _Cells:
    """One column of a raw table, ready to clean."""

    text: pd.Series  # str dtype, as written (stripped of nothing)
    native: pd.Series | None  # object: XLSX values, None for CSV


def _column_cells(raw: RawTable, position: int) -> _Cells:
    values = raw.cells[position]
    if raw.native:
        return _Cells(text=pd.Series([_cell_text(v) for v in values.tolist()], dtype="str"), native=values)
    return _Cells(text=values.astype("str"), native=None)


class _Cleaner:
    """Cleans the columns of one raw table into typed values, logging changes and problems."""

    def __init__(self, raw: RawTable, entity: Entity, log: _Log, brands: dict[str, str]):
        self.raw, self.entity, self.log, self.brands = raw, entity, log, brands
        self.file, self.rows = raw.file, raw.rows
        self.error = np.zeros(len(raw.rows), dtype=bool)

    # -- helpers ---------------------------------------------------------------------------
    def _changed(self, column: str, mask: np.ndarray, old, new, action) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            old_values = old[mask] if not isinstance(old, pd.Series) else old[mask].reset_index(drop=True)
            new_values = new[mask] if not isinstance(new, pd.Series) else new[mask].reset_index(drop=True)
            self.log.change(self.file, self.rows[mask], column, old_values, new_values,
                            action[mask] if isinstance(action, np.ndarray) else action)

    def _bad(self, column: str, mask: np.ndarray, values, reason, severity: str = "error") -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            vals = values[mask] if not isinstance(values, pd.Series) else values[mask].reset_index(drop=True)
            reasons = reason[mask] if isinstance(reason, np.ndarray) else reason
            self.log.problem(self.file, self.rows[mask], column, vals, reasons, severity)
            if severity == "error":
                self.error |= mask

    # -- text ------------------------------------------------------------------------------
    def text(self, column: Column, cells: _Cells) -> pd.Series:
        """Trimmed text (empty → missing); canonical allowed values and brands. Work is done once per
        distinct value, so a million rows of a few values cost little."""
        raw = cells.text.to_numpy(dtype=object)
        codes, uniques = pd.factorize(raw)
        if len(uniques) == 0:
            return pd.Series(raw).astype("str")
        u = np.asarray(uniques, dtype=object)
        new = np.array([x.strip() for x in u], dtype=object)
        action = np.array([None] * len(u), dtype=object)
        action[new != u] = "trimmed spaces"
        quoted = np.array([len(x) > 1 and x[0] == "'" and x[1] in "=+-@\t\r" for x in new], dtype=bool)
        new[quoted] = np.array([x[1:] for x in new[quoted]], dtype=object)
        action[quoted] = "removed the quote that protected a formula-like text"
        excel = np.array([x[:1] == "#" and x.lower() in _EXCEL_ERRORS for x in new], dtype=bool)
        empty = (new == "") | excel
        if column.allowed or column.name == "brand":
            for i in np.flatnonzero(~empty):
                found = canonical_value(column.name, new[i]) if column.allowed else \
                    self.brands.get(_brand_key(new[i]), new[i])
                if found is not None and found != new[i]:
                    new[i] = found
                    what = f"canonical {column.name.replace('_', ' ')}" if column.allowed else \
                        "brand spelled as stored / as most often in the upload"
                    action[i] = what if action[i] is None else f"{action[i]}; {what}"
        if excel.any():
            self._bad(column.name, excel[codes], raw, "spreadsheet error value: left empty", "warning")
        listed = np.array([a is not None for a in action], dtype=bool) & ~excel
        if listed.any():
            mask = listed[codes]
            self.log.change(self.file, self.rows[mask], column.name, raw[mask],
                            np.where(empty[codes[mask]], None, new[codes[mask]]), action[codes[mask]])
        new[empty] = np.nan
        return pd.Series(new[codes]).astype("str")

    # -- numbers ---------------------------------------------------------------------------
    def number(self, column: Column, cells: _Cells) -> pd.Series:
        """Numbers: plain ones through pandas' C parser, the others once per distinct text."""
        share = column.kind == "float" and column.max == 1
        flag = column.kind == "int" and column.min == 0 and column.max == 1
        text = cells.text
        n = len(text)
        values = np.full(n, np.nan)
        actions = np.full(n, None, dtype=object)
        reasons = np.full(n, None, dtype=object)
        warnings = np.zeros(n, dtype=bool)
        todo = ~(text == "").to_numpy(dtype=bool)
        if cells.native is not None:
            native = cells.native.to_numpy(dtype=object)
            is_num = np.array([isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                               for v in native], dtype=bool) & todo
            values[is_num] = np.array([float(v) for v in native[is_num]], dtype=float)
            todo &= ~is_num
        if todo.any():
            fast = pd.to_numeric(text.where(todo), errors="coerce").to_numpy(dtype=float)
            ok = todo & ~np.isnan(fast)
            values[ok] = fast[ok]
            todo &= ~ok
        if todo.any():
            idx = np.flatnonzero(todo)
            codes, uniques = pd.factorize(text.to_numpy(dtype=object)[idx])
            parsed = [_parse_number(u, share=share, flag=flag) for u in uniques]
            values[idx] = np.array([p[0] for p in parsed], dtype=float)[codes]
            actions[idx] = np.array([p[1] for p in parsed], dtype=object)[codes]
            reasons[idx] = np.array([p[2] for p in parsed], dtype=object)[codes]
            warnings[idx] = np.array([p[2] == _EXCEL_REASON for p in parsed], dtype=bool)[codes]
        infinite = np.isinf(values)
        reasons[infinite] = "not a finite number"
        values[infinite] = np.nan
        if share:  # plain numbers above 1 and up to 100 are percentages
            pct = (values > 1) & (values <= 100) & np.array([a is None or "%" not in a for a in actions], dtype=bool)
            if pct.any():
                values[pct] = values[pct] / 100
                actions[pct] = np.array([("" if a is None else a + "; ") + "read as a percentage (÷ 100)"
                                         for a in actions[pct]], dtype=object)
        if column.kind == "int":
            fractional = ~np.isnan(values) & (np.abs(values - np.round(values)) > 1e-9)
            reasons[fractional] = "not a whole number"
            values[fractional] = np.nan
        bad = np.array([r is not None for r in reasons], dtype=bool)
        self._bad(column.name, warnings, text, _EXCEL_REASON, "warning")
        self._bad(column.name, bad & ~warnings, text, reasons)
        listed = np.array([a is not None for a in actions], dtype=bool) & ~bad
        self._changed(column.name, listed, text.to_numpy(dtype=object), values, actions)
        out = pd.Series(values)
        return out.round().astype("Int64") if column.kind == "int" else out

    # -- dates -----------------------------------------------------------------------------
    def when(self, column: Column, cells: _Cells) -> pd.Series:
        text = cells.text
        parsed, actions, reasons, notes = parse_dates(text, cells.native)
        self.raw.notes.extend(f"{column.name}: {note}" for note in notes)
        bad = np.array([r is not None for r in reasons], dtype=bool)
        warn = bad & (reasons == _EXCEL_REASON)
        self._bad(column.name, warn, text, _EXCEL_REASON, "warning")
        self._bad(column.name, bad & ~warn, text, reasons)
        if column.kind == "date":
            normal = parsed.dt.normalize()
            with_time = parsed.notna().to_numpy() & (parsed != normal).to_numpy(dtype=bool)
            if with_time.any():
                self.raw.notes.append(f"{column.name}: times dropped ({int(with_time.sum()):,} rows had one)")
            parsed = normal
        listed = np.array([a is not None for a in actions], dtype=bool) & ~bad
        self._changed(column.name, listed, text.to_numpy(dtype=object), parsed, actions)
        year = parsed.dt.year.to_numpy(dtype=float)
        odd = (year < 2000) | (year > 2100)
        self._bad(column.name, odd & ~np.isnan(year), parsed, "date outside 2000–2100: check the format", "warning")
        return parsed


_EXCEL_REASON = "spreadsheet error value: left empty"


def canonical_value(column: str, value) -> str | None:
    """The schema's spelling of an allowed value, or None when it is not one.

    >>> canonical_value("platform", "insta"), canonical_value("platform", "Tik Tok"), canonical_value("platform", "x")
    ('Instagram', 'TikTok', 'Twitter')
    >>> canonical_value("campaign_type", "Holdout"), canonical_value("tier", "micro"), canonical_value("tier", "nano")
    ('control', 'Micro', None)
    """
    key = re.sub(r"[^0-9a-z]", "", str(value).lower())
    return _VALUE_SYNONYMS.get(column, {}).get(key)


def _synonyms(allowed: tuple[str, ...], extra: dict[str, str]) -> dict[str, str]:
    table = {re.sub(r"[^0-9a-z]", "", a.lower()): a for a in allowed}
    table.update(extra)
    return table


_PLATFORM_WORDS = {"insta": "Instagram", "ig": "Instagram", "instagramreels": "Instagram", "reels": "Instagram",
                   "yt": "YouTube", "youtubeshorts": "YouTube", "ytshorts": "YouTube", "tiktok": "TikTok",
                   "x": "Twitter", "xcom": "Twitter", "twitterx": "Twitter"}
_VALUE_SYNONYMS = {
    "platform": _synonyms(PLATFORMS, _PLATFORM_WORDS),
    "tier": _synonyms(TIERS, {"microinfluencer": "Micro", "macroinfluencer": "Macro", "megainfluencer": "Mega",
                              "celebrity": "Mega"}),
    "campaign_type": _synonyms(CAMPAIGN_TYPES, {"holdout": "control", "ctrl": "control", "controlgroup": "control",
                                                "treatment": "test", "exposed": "test", "testgroup": "test",
                                                "promoted": "test"}),
    "touch_type": _synonyms(TOUCH_TYPES, {"views": "view", "viewthrough": "view", "impression": "view",
                                          "clicks": "click", "clickthrough": "click"}),
    "basis": _synonyms(PAYOUT_BASES, {"perpost": "post", "posts": "post", "fixed": "post", "flat": "post",
                                      "perorder": "order", "orders": "order", "cpo": "order", "commission": "order",
                                      "mixed": "hybrid", "postandorder": "hybrid"}),
}


def platform_from_source(values) -> pd.Series:
    """The platform a free-text tracking ``source`` names, else missing.

    >>> platform_from_source(["Instagram_influencer", "YT shorts", "organic", "tik tok ad"]).tolist()
    ['Instagram', 'YouTube', nan, 'TikTok']
    """
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series)
    found = []
    for value in uniques:
        text = str(value).lower()
        squashed = re.sub(r"[^0-9a-z]", "", text)
        tokens = set(re.split(r"[^0-9a-z]+", text))
        hit = None
        for word in ("instagram", "youtube", "tiktok", "twitter", "insta"):
            if word in squashed:
                hit = _VALUE_SYNONYMS["platform"][word]
                break
        if hit is None:
            hit = next((_PLATFORM_WORDS[t] for t in ("ig", "yt", "x") if t in tokens), None)
        found.append(hit if hit is not None else np.nan)
    mapped = np.array(found + [np.nan], dtype=object)
    return pd.Series(mapped[np.where(codes >= 0, codes, len(found))], index=series.index, dtype=object)


_CURRENCY = re.compile(r"^(?:₹|rs\.?|inr|\$|usd|€|eur|£|gbp)\s*|\s*(?:₹|rs\.?|inr|/-|\$|usd|€|eur|£|gbp)$",
                       re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$|^\d{1,2}(?:,\d{2})*,\d{3}(?:\.\d*)?$")
_SUFFIX = {"k": 1e3, "m": 1e6, "mn": 1e6, "l": 1e5, "lac": 1e5, "lacs": 1e5, "lakh": 1e5, "lakhs": 1e5,
           "cr": 1e7, "crore": 1e7, "crores": 1e7}
_TRUE_FALSE = {"yes": 1.0, "y": 1.0, "true": 1.0, "t": 1.0, "no": 0.0, "n": 0.0, "false": 0.0, "f": 0.0}


def _parse_number(text: str, share: bool = False, flag: bool = False) -> tuple[float, str | None, str | None]:
    """(value, what was done, error) for a number written with symbols.

    >>> _parse_number("₹1,299.00")
    (1299.0, 'removed currency symbol; removed thousands separators', None)
    >>> _parse_number("1,29,999")[0], _parse_number("Rs. 500")[0], _parse_number("12%", share=True)[:2]
    (129999.0, 500.0, (0.12, 'percentage → share (÷ 100)'))
    >>> _parse_number("1,5")[2]
    'not a number we can read safely (is the comma a decimal point?)'
    """
    actions = []
    t = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if t.lower() in _MISSING:
        return math.nan, None, None
    if t.lower() in _EXCEL_ERRORS:
        return math.nan, None, _EXCEL_REASON
    if flag and t.lower() in _TRUE_FALSE:
        return _TRUE_FALSE[t.lower()], "yes/no → 1/0", None
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1].strip()
        actions.append("accounting negative")
    if t[:1] in "+-" and len(t) > 1:
        negative, t = negative ^ (t[0] == "-"), t[1:].strip()
    stripped_currency = _CURRENCY.sub("", t)
    while stripped_currency != t:
        t = stripped_currency
        stripped_currency = _CURRENCY.sub("", t)
        if "removed currency symbol" not in actions:
            actions.append("removed currency symbol")
    if t[:1] in "+-" and len(t) > 1:
        negative, t = negative ^ (t[0] == "-"), t[1:].strip()
    percent = t.endswith("%")
    if percent:
        t = t[:-1].strip()
    multiplier = 1.0
    match = re.match(r"^(.*?)\s*([a-z]+)$", t, flags=re.IGNORECASE)
    if match and match.group(2).lower() in _SUFFIX and match.group(1):
        t, multiplier = match.group(1), _SUFFIX[match.group(2).lower()]
        actions.append(f"expanded '{match.group(2)}' (× {multiplier:,.0f})")
    t = t.replace(" ", "")
    if "," in t:
        if not _GROUPED.match(t):
            return math.nan, None, "not a number we can read safely (is the comma a decimal point?)"
        t = t.replace(",", "")
        actions.append("removed thousands separators")
    try:
        value = float(t)
    except ValueError:
        return math.nan, None, "not a number"
    if not math.isfinite(value):
        return math.nan, None, "not a finite number"
    value *= multiplier * (-1 if negative else 1)
    if percent:
        if not share:
            return math.nan, None, "a percentage is not allowed here"
        value /= 100
        actions.append("percentage → share (÷ 100)")
    return value, "; ".join(actions) or None, None


_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                  r"\s*([AaPp][Mm])?)?$")
_TZ = re.compile(r"(?<=\d)\s*(?:Z|[+-]\d{2}:?\d{2})$")
_MONTH_WORD = re.compile(r"[a-z]", re.IGNORECASE)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def parse_dates(text: pd.Series, native: pd.Series | None = None) -> tuple[pd.Series, np.ndarray, np.ndarray, list]:
    """Dates from text (and native XLSX values): (values, action per row, error per row, notes).

    ISO 8601 text goes through pandas' C parser; everything else is worked out once per distinct
    text. Rule for numeric dates: day/month/year unless the column has values that only make sense
    as month/day/year and none that only make sense as day/month/year.

    >>> values, actions, errors, notes = parse_dates(pd.Series(["2026-05-03", "03/05/2026", "5 Mar 2026", "x"]))
    >>> [str(v.date()) if not pd.isna(v) else None for v in values]
    ['2026-05-03', '2026-05-03', '2026-03-05', None]
    >>> actions.tolist(), errors.tolist()[3]
    ([None, 'read as day/month/year', 'read as a date', None], 'not a date (use YYYY-MM-DD or DD/MM/YYYY)')
    """
    n = len(text)
    text = text.reset_index(drop=True).astype("str")
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    actions = np.full(n, None, dtype=object)
    errors = np.full(n, None, dtype=object)
    notes: list[str] = []
    todo = ~(text == "").to_numpy(dtype=bool)
    if native is not None:
        cells = native.reset_index(drop=True).to_numpy(dtype=object)
        is_dt = np.array([isinstance(v, (datetime, date)) for v in cells], dtype=bool) & todo
        if is_dt.any():
            out[is_dt] = np.array([np.datetime64(pd.Timestamp(v).to_datetime64(), "us") for v in cells[is_dt]])
            todo &= ~is_dt
        is_num = np.array([isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells], dtype=bool) & todo
        if is_num.any():
            serial = np.array([float(v) for v in cells[is_num]])
            out[is_num] = (_EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")).to_numpy().astype("datetime64[us]")
            actions[is_num] = "Excel serial date"
            todo &= ~is_num
    if todo.any():
        iso = _iso_dates(text.where(todo), notes)
        ok = todo & ~np.isnat(iso)
        out[ok] = iso[ok]
        todo &= ~ok
    if todo.any():
        idx = np.flatnonzero(todo)
        codes, uniques = pd.factorize(text.to_numpy(dtype=object)[idx])
        values, acts, errs = _parse_date_texts(np.asarray(uniques, dtype=object), notes)
        out[idx] = values[codes]
        actions[idx] = acts[codes]
        errors[idx] = errs[codes]
    return pd.Series(out), actions, errors, notes


def _iso_dates(text: pd.Series, notes: list[str]) -> np.ndarray:
    """ISO 8601 dates (NaT where not ISO); a time-zone offset is dropped, keeping the time as written."""
    try:
        iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):  # mixed offsets: the slow path strips them one by one
        return np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    if isinstance(iso.dtype, pd.DatetimeTZDtype):
        iso = iso.dt.tz_localize(None)
        notes.append("time-zone offsets dropped; times kept as written")
    return iso.to_numpy().astype("datetime64[us]")


def _parse_date_texts(texts: np.ndarray, notes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct non-ISO date texts → (values, actions, errors)."""
    n = len(texts)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    actions = np.full(n, None, dtype=object)
    errors = np.full(n, None, dtype=object)
    work = pd.Series([str(t).strip() for t in texts], dtype=object)
    lowered = work.str.lower()
    missing = lowered.isin(_MISSING).to_numpy(dtype=bool)
    excel = lowered.isin(_EXCEL_ERRORS).to_numpy(dtype=bool)
    errors[excel] = _EXCEL_REASON
    todo = ~missing & ~excel
    has_tz = work.str.contains(_TZ, regex=True).fillna(False).to_numpy(dtype=bool) & todo
    if has_tz.any():
        work = work.where(~has_tz, work.str.replace(_TZ, "", regex=True))
        if "time-zone offsets dropped; times kept as written" not in notes:
            notes.append("time-zone offsets dropped; times kept as written")
    iso = _iso_dates(work.where(todo), notes)
    ok = todo & ~np.isnat(iso)
    values[ok] = iso[ok]
    todo &= ~ok
    parts = work.where(todo).str.extract(_DMY)
    numeric = todo & parts[0].notna().to_numpy()
    if numeric.any():
        a = parts[0].astype(float).to_numpy()
        b = parts[1].astype(float).to_numpy()
        only_mdy = numeric & (b > 12) & (a <= 12)
        only_dmy = numeric & (a > 12) & (b <= 12)
        month_first = bool(only_mdy.any()) and not only_dmy.any()
        day, month = (b, a) if month_first else (a, b)
        year = parts[2].astype(float).to_numpy()
        year = np.where(year < 100, 2000 + year, year)
        hour = parts[3].astype(float).fillna(0).to_numpy()
        ampm = parts[6].str.lower().to_numpy(dtype=object)
        hour = np.where((ampm == "pm") & (hour < 12), hour + 12, np.where((ampm == "am") & (hour == 12), 0, hour))
        stamp = pd.to_datetime(pd.DataFrame({
            "year": np.where(numeric, year, 2000), "month": np.where(numeric, month, 1),
            "day": np.where(numeric, day, 1), "hour": np.where(numeric, hour, 0),
            "minute": parts[4].astype(float).fillna(0).to_numpy(),
            "second": parts[5].astype(float).fillna(0).to_numpy()}), errors="coerce")
        stamp = stamp.to_numpy().astype("datetime64[us]")
        good = numeric & ~np.isnat(stamp)
        values[good] = stamp[good]
        actions[good] = "read as month/day/year" if month_first else "read as day/month/year"
        if month_first:
            notes.append("read as month/day/year: the column has dates such as "
                         f"{work[only_mdy].iloc[0]!r} that cannot be day/month/year")
        errors[numeric & ~good] = "not a valid date (day/month/year)"
        todo &= ~numeric
    if todo.any():
        as_number = pd.to_numeric(work.where(todo), errors="coerce").to_numpy(dtype=float)
        serial = todo & (as_number >= 20000) & (as_number <= 80000)
        if serial.any():
            values[serial] = (_EXCEL_EPOCH + pd.to_timedelta(as_number[serial], unit="D")).to_numpy() \
                .astype("datetime64[us]")
            actions[serial] = "Excel serial date"
            todo &= ~serial
    for i in np.flatnonzero(todo):
        parsed = _parse_date_words(work[i])
        if parsed is None:
            errors[i] = "not a date (use YYYY-MM-DD or DD/MM/YYYY)"
        else:
            values[i] = parsed
            actions[i] = "read as a date"
    return values, actions, errors


def _parse_date_words(text: str):
    """'5 Mar 2026', 'March 5, 2026', '05-Mar-26' (a month name and a year are required)."""
    from dateutil import parser as date_parser

    if not _MONTH_WORD.search(text) or not re.search(r"\d", text):
        return None
    if not re.search(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", text):
        return None
    try:
        value = date_parser.parse(text, dayfirst=True, default=datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    return None if value.year == 1 else np.datetime64(value, "us")


def _brand_key(value) -> str:
    return re.sub(r"[^0-9a-z]", "", str(value).lower())


# ---------------------------------------------------------------------------------------------
# From raw tables to clean, checked frames
# ---------------------------------------------------------------------------------------------

@dataclass
class _Table:
    raw: RawTable
    entity: Entity
    mapping: dict[int, str]
    present: list[str]
    frame: pd.DataFrame | None = None  # cleaned, all schema columns, RangeIndex aligned with raw.rows
    error: np.ndarray | None = None
    skipped: np.ndarray | None = None

    @property
    def file(self) -> str:
        return self.raw.file

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def accepted(self) -> np.ndarray:
        return ~(self.error | self.skipped)


def _required(entity: Entity) -> list[str]:
    return [c.name for c in entity.columns if not c.nullable and not (
        c.name == entity.key and entity.name in GENERATED_ID_PREFIX)]


def _mapped(raw: RawTable) -> _Table:
    entity = ENTITIES[raw.entity]
    mapping, notes = map_headers(raw.headers, entity)
    raw.notes.extend(notes)
    extra = [p for p in range(raw.cells.shape[1]) if p >= len(raw.headers) or not raw.headers[p]]
    for position in extra:
        column = raw.cells[position]
        filled = column.map(lambda v: v is not None and str(v).strip() != "").any()
        if filled:
            raw.notes.append(f"column {position + 1} has values but no header: ignored")
    if not mapping:
        raise ImportRejected(raw.file, f"none of the columns is one of {entity.name}'s "
                                       f"({', '.join(entity.column_names)}): is this the right file?")
    present = list(mapping.values())
    missing = [c for c in _required(entity) if c not in present]
    if missing:
        hints = []
        for column in missing:
            variants = _HEADER_ALIASES[entity.name].get(column, ())
            hints.append(column + (f" (or {', '.join(variants[:4])})" if variants else ""))
        raise ImportRejected(raw.file, f"missing required column{'s' if len(missing) > 1 else ''}: "
                                       f"{'; '.join(hints)}")
    return _Table(raw=raw, entity=entity, mapping=mapping, present=present)


def _empty_column(column: Column, n: int) -> pd.Series:
    if column.kind == "int":
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    if column.kind == "float":
        return pd.Series(np.full(n, np.nan))
    if column.kind in ("date", "datetime"):
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    return pd.Series(np.full(n, np.nan, dtype=object)).astype("str")


def _clean(table: _Table, log: _Log, brands: dict[str, str]) -> None:
    raw, entity = table.raw, table.entity
    cleaner = _Cleaner(raw, entity, log, brands)
    n = len(raw.rows)
    columns = {}
    by_name = {name: position for position, name in table.mapping.items()}
    for column in entity.columns:
        if column.name not in by_name:
            columns[column.name] = _empty_column(column, n)
            continue
        cells = _column_cells(raw, by_name[column.name])
        if column.kind in ("int", "float"):
            columns[column.name] = cleaner.number(column, cells)
        elif column.kind in ("date", "datetime"):
            columns[column.name] = cleaner.when(column, cells)
        else:
            columns[column.name] = cleaner.text(column, cells)
    table.frame = pd.DataFrame(columns)
    table.error = cleaner.error
    table.skipped = np.zeros(n, dtype=bool)


def _derive_tier(table: _Table, log: _Log, thresholds) -> None:
    frame = table.frame
    if "follower_count" not in frame or "tier" not in frame:
        return
    followers = frame["follower_count"].astype("float64").to_numpy()
    empty = frame["tier"].isna().to_numpy() & ~np.isnan(followers)
    if not empty.any():
        return
    derived = np.asarray(tier_from_followers(np.nan_to_num(followers), thresholds), dtype=object)
    _fill_derived(table, "tier", empty, derived, "derived from follower_count", log)


def _fill_derived(table: _Table, column: str, fill: np.ndarray, values: np.ndarray, reason: str, log: _Log) -> None:
    """Put derived values into the empty cells `fill` marks, list each change, mark the column present."""
    filled = np.array(table.frame[column].astype(object).to_numpy(), dtype=object)
    filled[fill] = values[fill]
    table.frame[column] = pd.Series(filled).astype("str")
    log.change(table.file, table.raw.rows[fill], column, np.full(int(fill.sum()), None, dtype=object),
               values[fill], reason)
    if column not in table.present:
        table.present.append(column)


def _derive_platforms(tables: dict[str, _Table], log: _Log) -> None:
    """Influencers and posts without a platform get the one their tracking rows' source names."""
    tracking = tables.get("tracking_data")
    if tracking is None or "source" not in tracking.present:
        return
    named = platform_from_source(tracking.frame["source"].astype(object))
    rows = tracking.frame.assign(_platform=named)[named.notna().to_numpy()]
    for name, key in (("influencers", "influencer_id"), ("posts", "post_id")):
        table = tables.get(name)
        if table is None or rows.empty or key not in tracking.present:
            continue
        votes = rows.dropna(subset=[key]).groupby([key, "_platform"]).size().reset_index(name="n")
        best = votes.sort_values(["n", "_platform"], ascending=[False, True]).drop_duplicates(key)
        lookup = dict(zip(best[key], best["_platform"]))
        frame = table.frame
        empty = frame["platform"].isna().to_numpy()
        found = frame[key].astype(object).map(lookup).to_numpy(dtype=object)
        fill = empty & pd.notna(found)
        if fill.any():
            _fill_derived(table, "platform", fill, found, "derived from the source of its tracking rows", log)


def _row_text(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One canonical text per row (values joined by a separator that text never holds)."""
    parts = []
    for column in columns:
        values = frame[column]
        missing = values.isna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(values.dtype):  # microseconds since 1970, whatever the unit
            micros = ((values - pd.Timestamp("1970-01-01")) // pd.Timedelta(microseconds=1)).astype("Int64")
            text = micros.astype(str).to_numpy(dtype=object)
        elif pd.api.types.is_float_dtype(values.dtype):
            text = values.to_numpy(dtype=float).astype(str).astype(object)  # shortest round-trip text
        elif pd.api.types.is_integer_dtype(values.dtype):
            text = values.astype(str).to_numpy(dtype=object)
        else:
            text = values.astype(object).to_numpy(dtype=object)
        text = np.where(missing, "", text).astype(object)
        parts.append(text)
    out = parts[0]
    for part in parts[1:]:
        out = out + "\x1f" + part
    return pd.Series(out, index=frame.index, dtype=object)


def _generate_ids(table: _Table, log: _Log) -> None:
    entity, frame = table.entity, table.frame
    if entity.name not in GENERATED_ID_PREFIX or entity.key in table.present:
        return
    prefix = GENERATED_ID_PREFIX[entity.name]
    text = _row_text(frame, [c for c in entity.column_names if c != entity.key])
    occurrence = text.groupby(text).cumcount().to_numpy()
    keyed = np.where(occurrence > 0, text + "\x1e" + occurrence.astype(str), text)
    ids = [f"{prefix}-{hashlib.blake2b(t.encode('utf-8'), digest_size=8).hexdigest()}" for t in keyed]
    frame[entity.key] = pd.Series(ids, dtype="str")
    table.present.append(entity.key)
    table.raw.notes.append(f"no {entity.key} column: generated one id per row from its content "
                           f"({prefix}-… hash; the same row always gets the same id)")
    log.change(table.file, pd.array([pd.NA], dtype="Int64"), entity.key, [None], [f"{prefix}-… ({len(ids):,} ids)"],
               "generated ids from row content (all rows)")


def _drop_exact_duplicates(table: _Table, log: _Log) -> None:
    key = table.entity.key
    ids = table.frame[key]
    dup = ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()
    if not dup.any():
        return
    idx = np.flatnonzero(dup)
    sub = table.frame.iloc[idx]
    text = _row_text(sub, table.entity.column_names)
    repeat = text.duplicated(keep="first").to_numpy()
    first_row = pd.Series(table.raw.rows[idx]).groupby(text.to_numpy()).transform("first").to_numpy()
    skip = idx[repeat]
    table.skipped[skip] = True
    log.problem(table.file, table.raw.rows[skip], key, ids.iloc[skip],
                [f"exact copy of row {r}: skipped" for r in first_row[repeat]], "warning")


_PANDERA_SCHEMAS: dict[str, object] = {}


def _pandera_schema(entity: Entity):
    """The pandera schema of an entity, built from analytics.schema (types are enforced by cleaning)."""
    if entity.name in _PANDERA_SCHEMAS:
        return _PANDERA_SCHEMAS[entity.name]
    try:
        import pandera.pandas as pa
    except ImportError as error:  # pragma: no cover - an installation problem, not a user's
        raise RuntimeError("the importer needs pandera (pip install 'pandera>=0.35')") from error
    columns = {}
    for c in entity.columns:
        checks = []
        if c.allowed:
            checks.append(pa.Check.isin(list(c.allowed), error=f"must be one of {', '.join(c.allowed)}"))
        if c.min is not None and c.max is not None:
            checks.append(pa.Check.in_range(c.min, c.max, error=f"must be between {c.min:g} and {c.max:g}"))
        elif c.min is not None:
            checks.append(pa.Check.ge(c.min, error=f"must be at least {c.min:g}"))
        elif c.max is not None:
            checks.append(pa.Check.le(c.max, error=f"must be at most {c.max:g}"))
        columns[c.name] = pa.Column(None, checks, nullable=c.nullable, unique=c.name == entity.key,
                                    report_duplicates="all", required=True)
    schema = pa.DataFrameSchema(columns, strict=False)
    _PANDERA_SCHEMAS[entity.name] = schema
    return schema


def _validate_schema(table: _Table, log: _Log) -> None:
    import pandera.pandas as pa

    live = np.flatnonzero(~table.skipped)
    frame = table.frame.iloc[live].reset_index(drop=True)
    try:
        _pandera_schema(table.entity).validate(frame, lazy=True)
        return
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    cases = cases[cases["index"].notna()]
    if cases.empty:
        return
    key = table.entity.key
    positions = live[cases["index"].astype(int).to_numpy()]
    rows = table.raw.rows[positions]
    reasons = []
    for check, column, position in zip(cases["check"], cases["column"], positions):
        if check == "not_nullable":
            reasons.append("required: the cell is empty" if column != key else f"required: {key} is empty")
        elif check == "field_uniqueness":
            reasons.append(None)
        else:
            reasons.append(str(check))
    reasons = np.array(reasons, dtype=object)
    unique = cases["check"].to_numpy() == "field_uniqueness"
    if unique.any():
        ids = table.frame[key].to_numpy(dtype=object)
        for i in np.flatnonzero(unique):
            same = np.flatnonzero((ids == ids[positions[i]]) & ~table.skipped)
            others = [str(r) for r in table.raw.rows[same] if r != rows[i]]
            reasons[i] = f"duplicate id: {key} {ids[positions[i]]!r} is also on row{'s' if len(others) > 1 else ''} " \
                         f"{', '.join(others[:5])}{' …' if len(others) > 5 else ''}"
    for column in cases["column"].unique():
        pick = (cases["column"] == column).to_numpy()
        log.problem(table.file, rows[pick], column, cases["failure_case"].to_numpy(dtype=object)[pick],
                    reasons[pick], "error")
    table.error[positions] = True


def expected_payout(basis, rate, orders, posts_covered, cost_per_order=None, bonus=None) -> np.ndarray:
    """What a payout should total by its terms (NaN where it cannot be computed).

    basis=order → rate × orders; basis=post → rate × posts covered; hybrid → rate × posts +
    cost_per_order × orders; plus performance_bonus (0 when empty).

    >>> expected_payout(["post", "order", "hybrid"], [5000, 250, 2000], [3, 12, 10], [2, 1, 3], [None, 250, 100],
    ...                 [0, None, 500]).tolist()
    [10000.0, 3000.0, 7500.0]
    """
    basis = np.asarray(pd.Series(basis, dtype=object).to_numpy(), dtype=object)
    as_float = lambda v: pd.to_numeric(pd.Series(v, dtype=object), errors="coerce").to_numpy(dtype=float)  # noqa
    n = len(basis)
    rate, orders, posts = as_float(rate), as_float(orders), as_float(posts_covered)
    cpo = as_float(cost_per_order) if cost_per_order is not None else np.full(n, np.nan)
    extra = np.nan_to_num(as_float(bonus)) if bonus is not None else np.zeros(n)
    out = np.full(n, np.nan)
    out = np.where(basis == "order", rate * orders, out)
    out = np.where(basis == "post", rate * posts, out)
    out = np.where(basis == "hybrid", rate * posts + cpo * orders, out)
    return out + extra


class _Stored:
    """What is stored, read lazily and only as much as the checks need."""

    def __init__(self, engine):
        self.engine = engine
        self._cache: dict[tuple, pd.DataFrame] = {}

    def columns(self, name: str, columns: list[str]) -> pd.DataFrame:
        key = (name, tuple(columns))
        if key not in self._cache:
            self._cache[key] = store.load_table(self.engine, name, list(columns))
        return self._cache[key]

    def keys(self, name: str) -> pd.Series:
        return self.columns(name, [ENTITIES[name].key])[ENTITIES[name].key].astype(object)


def _brand_map(tables: list[_Table], stored: _Stored, engine) -> dict[str, str]:
    """Brand key → spelling: as already stored (most frequent), else most frequent in the upload."""
    counts: dict[str, dict[str, int]] = {}
    for name in ("posts", "tracking_data", "payouts"):
        try:
            stored_counts = store.distinct_values(engine, name, "brand")
        except Exception:  # noqa: BLE001 - an empty or older database has nothing to offer
            stored_counts = pd.Series(dtype="int64")
        for value, n in stored_counts.items():
            counts.setdefault(_brand_key(value), {}).setdefault(("stored", value), 0)
            counts[_brand_key(value)][("stored", value)] += int(n)
    for table in tables:
        position = next((p for p, c in table.mapping.items() if c == "brand"), None)
        if position is None:
            continue
        text = _column_cells(table.raw, position).text.str.strip()
        for value, n in text[text.ne("")].value_counts().items():
            counts.setdefault(_brand_key(value), {}).setdefault(("upload", value), 0)
            counts[_brand_key(value)][("upload", value)] += int(n)
    out = {}
    for key, spellings in counts.items():
        stored_ones = {v: n for (where, v), n in spellings.items() if where == "stored"}
        pool = stored_ones or {v: n for (_, v), n in spellings.items()}
        out[key] = sorted(pool.items(), key=lambda item: (-item[1], item[0]))[0][0]
    return out


# ---------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------

@dataclass
class ImportPlan:
    """What an import would do: counts, problems, changes and the rows ready to write.

    ``counts``: one row per entity with read / to_add / to_update / rejected / skipped.
    ``problems``: file, row, column, value, reason, severity ("error" rejects the row, "warning"
    keeps it); a row of NA is about the file or the import as a whole.
    ``changes``: file, row, column, old_value, new_value, action.
    ``frames``: per entity, the cleaned rows that would be written (all schema columns).
    ``blocking``: reasons the import cannot be committed at all (empty when it can).
    """

    mode: str
    files: list[tuple[str, str]]  # (file name, entity)
    counts: pd.DataFrame
    problems: pd.DataFrame
    changes: pd.DataFrame
    frames: dict[str, pd.DataFrame]
    updated: dict[str, np.ndarray]
    notes: list[str]
    blocking: list[str]
    base_version: str
    seconds: float = 0.0

    @property
    def has_errors(self) -> bool:
        return bool((self.problems["severity"] == "error").any())

    @property
    def can_commit(self) -> bool:
        return not self.blocking

    def problems_csv(self) -> bytes:
        """The problem list as CSV bytes (formula-safe) for download."""
        return to_csv_bytes(self.problems)

    def changes_csv(self) -> bytes:
        """The change list as CSV bytes (formula-safe) for download."""
        return to_csv_bytes(self.changes)

    def row_counts(self) -> dict[str, dict[str, int]]:
        return {name: {k: int(v) for k, v in row.items()} for name, row in self.counts.iterrows()}

    def report(self, max_lines: int = 20) -> str:
        """The plan as text: files, notes, counts, problems and a summary of the changes."""
        lines = [f"Import check, mode {self.mode} (stored data_version {self.base_version})"]
        for file, entity in self.files:
            lines.append(f"  {file} → {entity}")
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  - {note}" for note in self.notes)
        lines.append("")
        header = f"{'entity':<14}{'read':>10}{'to add':>10}{'to update':>11}{'rejected':>10}{'skipped':>9}"
        lines.append(header)
        for name, row in self.counts.iterrows():
            lines.append(f"{name:<14}{row['read']:>10,}{row['to_add']:>10,}{row['to_update']:>11,}"
                         f"{row['rejected']:>10,}{row['skipped']:>9,}")
        errors = int((self.problems["severity"] == "error").sum())
        warnings = int((self.problems["severity"] == "warning").sum())
        lines.append("")
        lines.append(f"Problems: {errors:,} error{'s' * (errors != 1)}, {warnings:,} warning{'s' * (warnings != 1)}")
        ordered = self.problems.sort_values("severity", kind="stable")  # errors first
        for problem in ordered.head(max_lines).itertuples():
            where = problem.file + (f" row {problem.row}" if not pd.isna(problem.row) else "")
            value = f" = {problem.value!r}" if problem.value not in ("", None) else ""
            lines.append(f"  [{problem.severity}] {where}, {problem.column}{value}: {problem.reason}")
        if len(ordered) > max_lines:
            lines.append(f"  … and {len(ordered) - max_lines:,} more (see the problem list)")
        lines.append(f"Changes: {len(self.changes):,}")
        if len(self.changes):
            groups = self.changes.groupby(["file", "column", "action"], sort=False)
            for (file, column, action), group in list(groups)[:max_lines]:
                example = group.iloc[0]
                lines.append(f"  {file}, {column}: {action} × {len(group):,} (e.g. {example['old_value']!r} → "
                             f"{example['new_value']!r})")
        if self.blocking:
            lines.append("")
            lines.append("Cannot be imported:")
            lines.extend(f"  - {reason}" for reason in self.blocking)
        return "\n".join(lines)


def _reference_check(table: _Table, column: str, parent: str, valid: set, rejected: set, log: _Log) -> None:
    if column not in table.present:
        return
    values = table.frame[column].astype(object)
    live = ~table.skipped & ~table.error
    given = values.notna().to_numpy()
    unknown = live & given & ~values.isin(valid).to_numpy()
    if not unknown.any():
        return
    was_rejected = values.isin(rejected).to_numpy()
    word = "influencer" if parent == "influencers" else "post"
    reasons = np.where(was_rejected[unknown], f"{word}'s own row was rejected",
                       f"unknown {word}: not in the uploaded {parent} nor in the stored data")
    log.problem(table.file, table.raw.rows[unknown], column, values[unknown], reasons, "error")
    table.error |= unknown


def _check_existing(table: _Table, stored_keys: pd.Series, mode: str, log: _Log) -> np.ndarray:
    """Flags of rows whose id is stored; in append mode those are errors."""
    key = table.entity.key
    exists = table.frame[key].astype(object).isin(set(stored_keys)).to_numpy() & ~table.skipped
    if mode == "append" and exists.any():
        bad = exists & ~table.error
        log.problem(table.file, table.raw.rows[bad], key, table.frame[key][bad],
                    f"{key} is already stored: use upsert to update it", "error")
        table.error |= bad
    return exists


def _check_payouts(table: _Table, posts_per_influencer: pd.Series, log: _Log) -> None:
    frame = table.frame
    live = ~table.skipped & ~table.error
    has_post = frame["post_id"].notna().to_numpy()
    covered = np.where(has_post, 1.0, frame["influencer_id"].astype(object).map(posts_per_influencer)
                       .fillna(0).to_numpy(dtype=float))
    expected = expected_payout(frame["basis"].astype(object), frame["rate"], frame["orders"].astype("float64"),
                               covered, frame["cost_per_order"], frame["performance_bonus"])
    total = frame["total_payout"].to_numpy(dtype=float)
    computable = ~np.isnan(expected)
    fill = live & np.isnan(total) & computable
    if fill.any():
        total = total.copy()
        total[fill] = np.round(expected[fill], 2)
        frame["total_payout"] = total
        log.change(table.file, table.raw.rows[fill], "total_payout", np.full(int(fill.sum()), None, dtype=object),
                   total[fill], "computed from basis, rate and units")
        if "total_payout" not in table.present:
            table.present.append("total_payout")
    impossible = live & np.isnan(total) & ~computable
    if impossible.any():
        log.problem(table.file, table.raw.rows[impossible], "total_payout", np.full(int(impossible.sum()), ""),
                    "total_payout is empty and cannot be computed from basis, rate and units", "error")
        table.error |= impossible
    check = live & ~np.isnan(total) & computable & ~fill
    tolerance = np.maximum(PAYOUT_TOLERANCE[0], PAYOUT_TOLERANCE[1] * np.abs(expected))
    off = check & (np.abs(total - expected) > tolerance)
    if off.any():
        basis = frame["basis"].astype(object).to_numpy()
        reasons = [f"total_payout differs from its terms: basis {b} gives {e:,.2f} (posts covered {c:g}); "
                   f"difference {t - e:+,.2f}"
                   for b, e, c, t in zip(basis[off], expected[off], covered[off], total[off])]
        log.problem(table.file, table.raw.rows[off], "total_payout", total[off], np.array(reasons, dtype=object),
                    "warning")


def _overlay_stored(engine, name: str, frame: pd.DataFrame, updated: np.ndarray, present: list[str]) -> pd.DataFrame:
    """Updated rows keep the stored values of the columns the file did not have."""
    entity = ENTITIES[name]
    absent = [c for c in entity.column_names if c not in present]
    if not absent or not updated.any():
        return frame
    stored = store.load_table(engine, name, [entity.key] + absent).set_index(entity.key)
    ids = frame.loc[updated, entity.key].astype(object)
    out = frame.copy()
    for column in absent:
        values = np.array(out[column].astype(object).to_numpy(), dtype=object)
        values[updated] = stored[column].reindex(ids.to_numpy()).astype(object).to_numpy()
        out[column] = pd.Series(values).astype(frame[column].dtype if entity.column(column).kind != "int"
                                               else "Int64")
    return out


def _finish_types(frame: pd.DataFrame, entity: Entity) -> pd.DataFrame:
    out = {}
    for column in entity.columns:
        values = frame[column.name]
        if column.kind == "int" and str(values.dtype) != "Int64":
            values = pd.array(pd.to_numeric(values.astype(object), errors="coerce"), dtype="Int64")
        elif column.kind == "float" and values.dtype != np.float64:
            values = pd.to_numeric(values.astype(object), errors="coerce").astype("float64")
        elif column.kind in ("date", "datetime") and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = pd.to_datetime(values)
        elif column.kind == "str" and values.dtype != "str":
            values = values.astype("str")
        out[column.name] = values
    return pd.DataFrame(out).reset_index(drop=True)


def prepare_import(files: dict[str, bytes], engine, mode: str = "append", entities: dict[str, str] | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES, tier_thresholds=TIER_THRESHOLDS) -> ImportPlan:
    """Read, clean and check uploaded files against what is stored; write nothing.

    ``files`` maps file names to their bytes (CSV, XLSX or ZIP); ``entities`` optionally names the
    entity of a file whose name does not ("export.csv": "posts"). Raises ImportRejected for files
    that cannot be read at all; row-level problems are in the plan.
    """
    started = time.perf_counter()
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not files:
        raise ImportRejected("import", "no file was given")
    entities = entities or {}
    store.create_schema(engine)
    base_version = store.data_version(engine)
    raws: list[RawTable] = []
    for filename, content in files.items():
        raws.extend(_read_tables(filename, content, max_bytes, entities.get(filename)))
    by_entity: dict[str, _Table] = {}
    for raw in raws:
        if raw.entity in by_entity:
            raise ImportRejected(raw.file, f"is a second file for {raw.entity} (the first is "
                                           f"{by_entity[raw.entity].file}); upload one file per table")
        by_entity[raw.entity] = _mapped(raw)
    tables = {name: by_entity[name] for name in ORDER if name in by_entity}

    log = _Log()
    stored = _Stored(engine)
    brands = _brand_map(list(tables.values()), stored, engine)
    for table in tables.values():
        _clean(table, log, brands)
    if "influencers" in tables:
        _derive_tier(tables["influencers"], log, tier_thresholds)
    _derive_platforms(tables, log)
    for table in tables.values():
        _generate_ids(table, log)
        _drop_exact_duplicates(table, log)
        _validate_schema(table, log)

    # Integrity against the dataset as the import would leave it, parents first.
    replace = mode == "replace"
    resulting: dict[str, set] = {}
    rejected_ids: dict[str, set] = {}
    exists: dict[str, np.ndarray] = {}
    for name in ORDER:
        table = tables.get(name)
        if table is not None:
            if name == "posts":
                _reference_check(table, "influencer_id", "influencers", resulting["influencers"],
                                 rejected_ids["influencers"], log)
            elif name in ("tracking_data", "payouts"):
                _reference_check(table, "influencer_id", "influencers", resulting["influencers"],
                                 rejected_ids["influencers"], log)
                _reference_check(table, "post_id", "posts", resulting["posts"], rejected_ids["posts"], log)
            if name == "payouts":
                posts_now = _resulting_posts(tables.get("posts"), stored, replace)
                _check_payouts(table, posts_now.groupby("influencer_id").size(), log)
            if not replace:
                exists[name] = _check_existing(table, stored.keys(name), mode, log)
            else:
                exists[name] = np.zeros(len(table.raw.rows), dtype=bool)
        if name in ("influencers", "posts"):
            uploaded = set(table.frame[table.entity.key][table.accepted].astype(object)) if table else set()
            rejected_ids[name] = (set(table.frame[table.entity.key][table.error].astype(object)) - uploaded
                                  if table else set())
            kept = set() if (replace and table is not None) else set(stored.keys(name))
            resulting[name] = kept | uploaded

    blocking = _blocking(tables, stored, replace, resulting, log)

    problems, changes = log.frames()
    notes = [f"{t.file}: {note}" for t in tables.values() for note in t.raw.notes]
    frames, updated, counts = {}, {}, []
    for name, table in tables.items():
        accepted = table.accepted
        is_update = exists[name] & accepted
        counts.append({"entity": name, "read": len(accepted), "to_add": int((accepted & ~exists[name]).sum()),
                       "to_update": int(is_update.sum()), "rejected": int(table.error.sum()),
                       "skipped": int((table.skipped & ~table.error).sum())})
        frame = _finish_types(table.frame[accepted], table.entity)
        flags = is_update[accepted]
        if mode == "upsert":
            frame = _overlay_stored(engine, name, frame, flags, table.present)
        if len(frame) or replace:
            frames[name] = frame
            updated[name] = flags
    counts_frame = pd.DataFrame(counts, columns=["entity", "read", "to_add", "to_update", "rejected", "skipped"]) \
        .set_index("entity")
    if replace:
        for name, table in tables.items():
            notes.append(f"replace: the {store.row_count(engine, name):,} stored {name} rows are replaced by "
                         f"the {int(table.accepted.sum()):,} accepted rows of {table.file}")
            if table.error.any():
                blocking.append(f"replace needs a clean {name} file: {int(table.error.sum()):,} rows have errors "
                                f"(replacing with the rest would lose them); fix them or use append/upsert")
    if not any(len(f) for f in frames.values()):
        blocking.append("nothing to import: no row is left to add or update")
    return ImportPlan(mode=mode, files=[(t.file, name) for name, t in tables.items()], counts=counts_frame,
                      problems=problems, changes=changes, frames=frames, updated=updated, notes=notes,
                      blocking=blocking, base_version=base_version, seconds=time.perf_counter() - started)


def _resulting_posts(table: _Table | None, stored: _Stored, replace: bool) -> pd.DataFrame:
    """post_id, influencer_id of the posts as the import would leave them."""
    parts = []
    if table is not None:
        parts.append(table.frame.loc[table.accepted, ["post_id", "influencer_id"]].astype(object))
    if table is None or not replace:
        kept = stored.columns("posts", ["post_id", "influencer_id"]).astype(object)
        if table is not None:
            kept = kept[~kept["post_id"].isin(set(parts[0]["post_id"]))]
        parts.append(kept)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["post_id", "influencer_id"])


def _blocking(tables: dict[str, _Table], stored: _Stored, replace: bool, resulting: dict[str, set],
              log: _Log) -> list[str]:
    """Replace mode: tables that are kept must not reference ids the replaced tables lose."""
    if not replace:
        return []
    reasons = []
    checks = [("posts", "influencer_id", "influencers"), ("tracking_data", "influencer_id", "influencers"),
              ("tracking_data", "post_id", "posts"), ("payouts", "influencer_id", "influencers"),
              ("payouts", "post_id", "posts")]
    for child, column, parent in checks:
        if child in tables or parent not in tables:
            continue
        values = stored.columns(child, [column])[column].dropna().astype(object)
        lost = values[~values.isin(resulting[parent])]
        if lost.empty:
            continue
        sample = ", ".join(map(str, lost.unique()[:5]))
        reason = (f"{len(lost):,} stored {child} rows reference {parent} missing from the new {parent} "
                  f"(e.g. {sample}); upload {child} too, or use upsert")
        log.problem(f"(stored {child})", [pd.NA], column, sample, reason, "error")
        reasons.append(reason)
    return reasons


def commit_import(plan: ImportPlan, engine, user: str | None = None,
                  keep_snapshots: int = store.DEFAULT_KEEP_SNAPSHOTS) -> str:
    """Write a checked plan in one transaction; return the new data_version.

    Rows with errors are not written (their problems are in the plan). Raises ImportRejected when
    the plan cannot be committed or the stored data changed since it was checked; then nothing
    is written and data_version is unchanged.
    """
    if not plan.can_commit:
        raise ImportRejected("import", "; ".join(plan.blocking))
    try:
        return store.apply_import(engine, plan.frames, plan.mode, updated=plan.updated,
                                  files=[f for f, _ in plan.files], row_counts=_history_counts(plan), user=user,
                                  expected_version=plan.base_version, keep_snapshots=keep_snapshots)
    except store.StaleDataError as error:
        raise ImportRejected("import", f"{error}; check the files again") from None


def _history_counts(plan: ImportPlan) -> dict:
    return {name: {"read": int(r["read"]), "added": int(r["to_add"]), "updated": int(r["to_update"]),
                   "rejected": int(r["rejected"]), "skipped": int(r["skipped"])} for name, r in plan.counts.iterrows()}


def restore_previous(engine, user: str | None = None) -> str:
    """Bring back the dataset as it was before the latest import (see dashboard.store.restore_previous)."""
    return store.restore_previous(engine, user=user)
