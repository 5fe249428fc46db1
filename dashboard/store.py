"""The store: the four entities in a SQL database (SQLite file by default, PostgreSQL by URL).

Tables are built from `analytics.schema`. Every write happens in one transaction that also
changes `data_version`, so caches keyed on the version never serve stale results.
"""
from __future__ import annotations

import json
from typing import Callable
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from analytics.schema import ENTITIES, Entity

_SQL_TYPES = {
    "str": sa.String,
    "int": sa.BigInteger,
    "float": sa.Float,
    "date": sa.Date,
    "datetime": sa.DateTime,
}

metadata = sa.MetaData()


def _table_for(entity: Entity) -> sa.Table:
    columns = [
        sa.Column(c.name, _SQL_TYPES[c.kind](), primary_key=c.name == entity.key, nullable=c.nullable)
        for c in entity.columns
    ]
    return sa.Table(entity.name, metadata, *columns)


TABLES: dict[str, sa.Table] = {name: _table_for(entity) for name, entity in ENTITIES.items()}
meta_table = sa.Table(
    "dashboard_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Indexes the loaders and filters use.
sa.Index("ix_posts_influencer", TABLES["posts"].c.influencer_id)
sa.Index("ix_tracking_post", TABLES["tracking_data"].c.post_id)
sa.Index("ix_tracking_order", TABLES["tracking_data"].c.order_id)
sa.Index("ix_payouts_influencer", TABLES["payouts"].c.influencer_id)


def make_engine(database_url: str) -> Engine:
    """An engine for the URL; creates the SQLite file's folder when needed."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(url)


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)


def data_version(engine: Engine) -> str:
    """Changes whenever stored data changes; "empty" before anything was stored."""
    with engine.connect() as conn:
        value = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "data_version")).scalar()
    return value or "empty"


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return all(
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
            for table in TABLES.values()
        )


def _set_meta(conn, key: str, value: str) -> None:
    conn.execute(sa.delete(meta_table).where(meta_table.c.key == key))
    conn.execute(sa.insert(meta_table).values(key=key, value=value))


def get_meta(engine: Engine, key: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == key)).scalar()


def _new_version() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{uuid.uuid4().hex[:8]}"


def _column_values(kind: str, values: pd.Series, sqlite: bool) -> list:
    """One column as Python values the database driver takes (None for missing).

    SQLite gets dates as the ISO text SQLAlchemy itself writes; other databases get date objects.
    """
    missing = values.isna().to_numpy()
    if kind in ("date", "datetime"):
        stamps = pd.to_datetime(values)
        if sqlite:
            text = stamps.dt.strftime("%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S.%f")
            out = text.to_numpy(dtype=object)
        else:
            out = (stamps.dt.date if kind == "date" else pd.Series(stamps.dt.to_pydatetime(),
                                                                   index=values.index)).to_numpy(dtype=object)
    elif kind == "int":
        out = np.array([int(v) for v in values.fillna(0)], dtype=object)
    elif kind == "float":
        out = values.astype(float).to_numpy().astype(object)
    else:
        out = values.astype(object).to_numpy()
    out = np.array(out, dtype=object)  # a writable copy (pandas may hand out read-only views)
    out[missing] = None
    return out.tolist()


def _rows(entity: Entity, frame: pd.DataFrame, sqlite: bool) -> list[tuple]:
    """Rows as tuples in the entity's column order (columns the frame lacks are all None)."""
    columns = [
        _column_values(c.kind, frame[c.name], sqlite) if c.name in frame else [None] * len(frame)
        for c in entity.columns
    ]
    return list(zip(*columns))


def _insert_sql(engine_or_conn, entity: Entity) -> str:
    dialect = engine_or_conn.dialect
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(quote(c) for c in entity.column_names)
    return f"INSERT INTO {quote(entity.name)} ({names}) VALUES ({', '.join([marker] * len(entity.columns))})"


def replace_dataset(engine: Engine, tables: dict[str, pd.DataFrame], meta: dict[str, object] | None = None,
                    chunk_rows: int = 50_000) -> str:
    """Replace all four tables in one transaction and return the new data_version.

    If anything fails, the transaction rolls back and the stored data is exactly as before.
    """
    create_schema(engine)
    version = _new_version()
    with engine.begin() as conn:
        for name, table in TABLES.items():
            conn.execute(sa.delete(table))
        for name, table in TABLES.items():
            frame = tables.get(name)
            if frame is None or frame.empty:
                continue
            # The driver's executemany on plain tuples: ~10x faster than ORM-style dict rows on 1M rows.
            entity, sqlite = ENTITIES[name], conn.dialect.name == "sqlite"
            sql = _insert_sql(conn, entity)
            for start in range(0, len(frame), chunk_rows):
                conn.exec_driver_sql(sql, _rows(entity, frame.iloc[start:start + chunk_rows], sqlite))
        for key, value in (meta or {}).items():
            _set_meta(conn, key, value if isinstance(value, str) else json.dumps(value))
        _set_meta(conn, "data_version", version)
    return version


def _typed(entity: Entity, frame: pd.DataFrame) -> pd.DataFrame:
    """Driver values as the schema's dtypes (SQLite hands dates back as ISO text)."""
    for col in frame.columns:
        kind = entity.column(col).kind
        if kind in ("date", "datetime"):
            frame[col] = pd.to_datetime(frame[col], format="ISO8601") if frame[col].dtype == object else \
                pd.to_datetime(frame[col])
        elif kind in ("int", "float"):
            frame[col] = pd.to_numeric(frame[col]).astype("float64" if kind == "float" else frame[col].dtype)
        else:
            frame[col] = frame[col].astype(object)
    return frame


def load_table(engine: Engine, name: str, columns: list[str] | None = None, chunk_rows: int = 200_000,
               convert: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
    """One stored table as a DataFrame with the schema's dtypes (missing columns are all-null).

    Rows are read `chunk_rows` at a time and `convert` (e.g. text ids to compact codes) runs on
    each chunk, so a 1M-row table never exists as millions of Python strings at once.
    """
    entity = ENTITIES[name]
    wanted = columns or entity.column_names
    quote = engine.dialect.identifier_preparer.quote
    sql = f"SELECT {', '.join(quote(c) for c in wanted)} FROM {quote(entity.name)}"
    chunks = []
    with engine.connect() as conn:
        # The driver's own cursor gives plain tuples; SQLAlchemy Row objects make pandas 5x slower here.
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql)
            while True:
                rows = cursor.fetchmany(chunk_rows)
                if not rows and chunks:
                    break
                frame = _typed(entity, pd.DataFrame.from_records(rows, columns=wanted))
                chunks.append(convert(frame) if convert else frame)
                if not rows:
                    break
        finally:
            cursor.close()
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


def load_dataset(engine: Engine, columns: dict[str, list[str]] | None = None,
                 convert: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] | None = None) -> dict[str, pd.DataFrame]:
    """All four tables; `columns` restricts what is read per table (faster on large data) and
    `convert` gives a per-chunk conversion per table (see load_table)."""
    columns, convert = columns or {}, convert or {}
    return {name: load_table(engine, name, columns.get(name), convert=convert.get(name)) for name in TABLES}


# ---------------------------------------------------------------------------------------------
# Imports: history, undo snapshots and restore (used by dashboard.importer)
# ---------------------------------------------------------------------------------------------
#
# Every committed import is one row of `dashboard_imports` (when, user, action, mode, file names,
# row counts, the data_version it produced). Before an import writes, it keeps what it is about
# to overwrite in an *undo snapshot* in the same database, in the same transaction:
#
# - replace: every row of each replaced table is copied to `dashboard_snapshot_<table>`;
# - append / upsert: the stored rows the import updates are copied there, and the ids it adds
#   are listed in `dashboard_snapshot_keys`.
#
# Tables the import does not touch are not copied (they are the same before and after), so a
# snapshot costs what the import changes, not the whole dataset. `restore_previous` undoes the
# latest import from its snapshot in one transaction: the previous dataset comes back exactly.
# A snapshot is only valid while the data is the one its import produced (`valid_version`); a write
# that bypassed the importer (for example `replace_dataset` by `demo --replace`) makes restoring
# refuse rather than mix two datasets. At most `keep_snapshots` (default 3) snapshots are kept.

DEFAULT_KEEP_SNAPSHOTS = 3

imports_table = sa.Table(
    "dashboard_imports",
    metadata,
    sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("user_name", sa.String(200)),
    sa.Column("action", sa.String(16), nullable=False),  # "import" or "restore"
    sa.Column("mode", sa.String(16)),  # append / upsert / replace (None for a restore)
    sa.Column("files", sa.Text, nullable=False),  # JSON list of file names
    sa.Column("row_counts", sa.Text, nullable=False),  # JSON {entity: {read, added, updated, rejected}}
    sa.Column("data_version", sa.String(64), nullable=False),
    sa.Column("snapshot_id", sa.Integer),
)
snapshots_table = sa.Table(
    "dashboard_snapshots",
    metadata,
    sa.Column("snapshot_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("tables", sa.Text, nullable=False),  # JSON {table: mode of the import}
    sa.Column("version_before", sa.String(64), nullable=False),
    sa.Column("valid_version", sa.String(64), nullable=False),
)
SNAPSHOT_TABLES: dict[str, sa.Table] = {
    name: sa.Table(
        f"dashboard_snapshot_{name}",
        metadata,
        sa.Column("snapshot_id", sa.Integer, nullable=False, index=True),
        *[sa.Column(c.name, _SQL_TYPES[c.kind]()) for c in entity.columns],
    )
    for name, entity in ENTITIES.items()
}
snapshot_keys_table = sa.Table(
    "dashboard_snapshot_keys",
    metadata,
    sa.Column("snapshot_id", sa.Integer, nullable=False),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("row_key", sa.String, nullable=False),
)
sa.Index("ix_snapshot_keys", snapshot_keys_table.c.snapshot_id, snapshot_keys_table.c.table_name)


class StaleDataError(RuntimeError):
    """The stored data is not the one an import was checked against (or a snapshot was taken for)."""


class NothingToRestore(RuntimeError):
    """No undo snapshot is kept."""


def _lock_for_write(conn) -> str:
    """Open the write transaction now (SQLite's driver begins one only at the first write) and
    return the current data_version, read inside it."""
    conn.execute(sa.update(meta_table).where(meta_table.c.key == "data_version").values(value=meta_table.c.value))
    value = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "data_version")).scalar()
    return value or "empty"


def _sql_names(conn, table: str, columns: list[str]) -> tuple[str, str, str]:
    quote = conn.dialect.identifier_preparer.quote
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return quote(table), ", ".join(quote(c) for c in columns), marker


def _executemany_chunks(conn, sql: str, params: list[tuple], chunk_rows: int) -> None:
    for start in range(0, len(params), chunk_rows):
        conn.exec_driver_sql(sql, params[start:start + chunk_rows])


def _insert_frame(conn, name: str, frame: pd.DataFrame, chunk_rows: int) -> None:
    entity, sqlite = ENTITIES[name], conn.dialect.name == "sqlite"
    sql = _insert_sql(conn, entity)
    for start in range(0, len(frame), chunk_rows):
        conn.exec_driver_sql(sql, _rows(entity, frame.iloc[start:start + chunk_rows], sqlite))


def _drop_snapshots(conn, snapshot_ids: list[int]) -> None:
    if not snapshot_ids:
        return
    ids = [int(i) for i in snapshot_ids]
    for table in (*SNAPSHOT_TABLES.values(), snapshot_keys_table, snapshots_table):
        conn.execute(sa.delete(table).where(table.c.snapshot_id.in_(ids)))


def _record_history(conn, action: str, mode: str | None, files, row_counts, version: str, user: str | None,
                    snapshot_id: int | None) -> int:
    result = conn.execute(sa.insert(imports_table).values(
        at=datetime.now(timezone.utc).replace(tzinfo=None), user_name=user, action=action, mode=mode,
        files=json.dumps(list(files)), row_counts=json.dumps(row_counts or {}), data_version=version,
        snapshot_id=snapshot_id))
    return int(result.inserted_primary_key[0])


def apply_import(engine: Engine, frames: dict[str, pd.DataFrame], mode: str, *,
                 updated: dict[str, np.ndarray] | None = None, files=(), row_counts: dict | None = None,
                 user: str | None = None, expected_version: str | None = None,
                 keep_snapshots: int = DEFAULT_KEEP_SNAPSHOTS, chunk_rows: int = 50_000) -> str:
    """Write checked import rows in one transaction and return the new data_version.

    ``frames`` maps table names to complete rows (all schema columns); ``mode`` is
    ``"append"`` (insert), ``"upsert"`` (rows flagged in ``updated[name]`` replace the stored row
    with the same id, the others are inserted) or ``"replace"`` (the table's rows are all replaced;
    tables not in ``frames`` are kept). Raises StaleDataError, and writes nothing, when
    ``expected_version`` is given and the stored data_version differs (someone wrote since the
    check). The undo snapshot, the history row and the new data_version are part of the same
    transaction: on any failure everything rolls back and the stored data is exactly as before.
    """
    if mode not in ("append", "upsert", "replace"):
        raise ValueError(f"unknown import mode {mode!r}")
    create_schema(engine)
    updated = updated or {}
    version = _new_version()
    with engine.begin() as conn:
        current = _lock_for_write(conn)
        if expected_version is not None and current != expected_version:
            raise StaleDataError(f"the stored data changed since the import was checked "
                                 f"(data_version {expected_version} then, {current} now)")
        snapshot_id = None
        if keep_snapshots > 0:
            snapshot_id = int(conn.execute(sa.insert(snapshots_table).values(
                created_at=datetime.now(timezone.utc).replace(tzinfo=None),
                tables=json.dumps({name: mode for name in frames}), version_before=current,
                valid_version=version)).inserted_primary_key[0])
        for name, frame in frames.items():
            entity = ENTITIES[name]
            columns = entity.column_names
            table, cols, marker = _sql_names(conn, name, columns)
            snap, _, _ = _sql_names(conn, SNAPSHOT_TABLES[name].name, columns)
            key = conn.dialect.identifier_preparer.quote(entity.key)
            if mode == "replace":
                if snapshot_id is not None:
                    conn.exec_driver_sql(f"INSERT INTO {snap} (snapshot_id, {cols}) "
                                         f"SELECT {snapshot_id}, {cols} FROM {table}")
                conn.execute(sa.delete(TABLES[name]))
            else:
                flags = np.asarray(updated.get(name, np.zeros(len(frame), dtype=bool)), dtype=bool)
                old_keys = [(str(k),) for k in frame[entity.key].to_numpy()[flags]]
                if old_keys and snapshot_id is not None:
                    _executemany_chunks(conn, f"INSERT INTO {snap} (snapshot_id, {cols}) SELECT {snapshot_id}, "
                                              f"{cols} FROM {table} WHERE {key} = {marker}", old_keys, chunk_rows)
                if old_keys:
                    _executemany_chunks(conn, f"DELETE FROM {table} WHERE {key} = {marker}", old_keys, chunk_rows)
                if snapshot_id is not None:
                    keys_table, key_cols, _ = _sql_names(conn, snapshot_keys_table.name,
                                                         ["snapshot_id", "table_name", "row_key"])
                    added = [(snapshot_id, name, str(k)) for k in frame[entity.key].to_numpy()[~flags]]
                    _executemany_chunks(conn, f"INSERT INTO {keys_table} ({key_cols}) VALUES "
                                              f"({marker}, {marker}, {marker})", added, chunk_rows)
            _insert_frame(conn, name, frame, chunk_rows)
        if snapshot_id is not None:
            older = conn.execute(sa.select(snapshots_table.c.snapshot_id).order_by(
                snapshots_table.c.snapshot_id.desc()).offset(keep_snapshots)).scalars().all()
            _drop_snapshots(conn, older)
        _record_history(conn, "import", mode, files, row_counts, version, user, snapshot_id)
        _set_meta(conn, "data_version", version)
    return version


def restore_previous(engine: Engine, user: str | None = None, chunk_rows: int = 50_000) -> str:
    """Undo the latest committed import in one transaction and return the new data_version.

    The tables it changed get back exactly the rows they had before it; the snapshot is then
    dropped, so calling again undoes the import before it (as far as snapshots are kept).
    Raises NothingToRestore when no snapshot is kept, StaleDataError when the stored data was
    changed after that import by something other than the importer.
    """
    create_schema(engine)
    version = _new_version()
    with engine.begin() as conn:
        current = _lock_for_write(conn)
        latest = conn.execute(sa.select(snapshots_table).order_by(snapshots_table.c.snapshot_id.desc())
                              .limit(1)).mappings().first()
        if latest is None:
            raise NothingToRestore("no earlier dataset is kept: nothing to restore")
        if latest["valid_version"] != current:
            raise StaleDataError(
                f"the stored data was changed after the last import by something other than the importer "
                f"(data_version {current}, the import produced {latest['valid_version']}); restoring it would "
                f"mix two datasets")
        snapshot_id = int(latest["snapshot_id"])
        restored = json.loads(latest["tables"])
        for name, how in restored.items():
            entity = ENTITIES[name]
            table, cols, _ = _sql_names(conn, name, entity.column_names)
            snap, _, _ = _sql_names(conn, SNAPSHOT_TABLES[name].name, entity.column_names)
            keys_table, _, _ = _sql_names(conn, snapshot_keys_table.name, [])
            key = conn.dialect.identifier_preparer.quote(entity.key)
            if how == "replace":
                conn.execute(sa.delete(TABLES[name]))
            else:
                conn.exec_driver_sql(f"DELETE FROM {table} WHERE {key} IN (SELECT row_key FROM {keys_table} "
                                     f"WHERE snapshot_id = {snapshot_id} AND table_name = '{name}')")
                conn.exec_driver_sql(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {snap} "
                                     f"WHERE snapshot_id = {snapshot_id})")
            conn.exec_driver_sql(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {snap} "
                                 f"WHERE snapshot_id = {snapshot_id}")
        _drop_snapshots(conn, [snapshot_id])
        # The dataset is now the one the import before produced: its snapshot is valid again.
        previous = conn.execute(sa.select(sa.func.max(snapshots_table.c.snapshot_id))).scalar()
        if previous is not None:
            conn.execute(sa.update(snapshots_table).where(snapshots_table.c.snapshot_id == previous)
                         .values(valid_version=version))
        counts = {name: int(conn.execute(sa.select(sa.func.count()).select_from(TABLES[name])).scalar())
                  for name in restored}
        _record_history(conn, "restore", None, [], {name: {"rows": n} for name, n in counts.items()}, version,
                        user, None)
        _set_meta(conn, "data_version", version)
    return version


def import_history(engine: Engine, limit: int | None = None) -> pd.DataFrame:
    """Committed imports and restores, newest first: import_id, at, user, action, mode, files (list),
    row_counts (dict), data_version, snapshot_id."""
    create_schema(engine)
    query = sa.select(imports_table).order_by(imports_table.c.import_id.desc())
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    frame = pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in imports_table.columns])
    frame = frame.rename(columns={"user_name": "user"})
    frame["files"] = frame["files"].map(json.loads)
    frame["row_counts"] = frame["row_counts"].map(json.loads)
    return frame


def snapshot_ids(engine: Engine) -> list[int]:
    """Ids of the undo snapshots kept, newest first."""
    create_schema(engine)
    with engine.connect() as conn:
        return [int(i) for i in conn.execute(sa.select(snapshots_table.c.snapshot_id).order_by(
            snapshots_table.c.snapshot_id.desc())).scalars()]


def distinct_values(engine: Engine, name: str, column: str) -> pd.Series:
    """How often each non-empty value of one stored column occurs (value → count)."""
    table = TABLES[name]
    col = table.c[column]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(col, sa.func.count()).where(col.isnot(None)).group_by(col)).all()
    return pd.Series({r[0]: int(r[1]) for r in rows}, dtype="int64")


def row_count(engine: Engine, name: str) -> int:
    """Rows stored in one of the four tables."""
    create_schema(engine)
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(TABLES[name])).scalar())
