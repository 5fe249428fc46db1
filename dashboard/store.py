"""The store: the four entities in a SQL database (SQLite file by default, PostgreSQL by URL).

Tables are built from `analytics.schema`. Every write happens in one transaction that also
changes `data_version`, so caches keyed on the version never serve stale results.
"""
from __future__ import annotations

import json
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


def load_table(engine: Engine, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One stored table as a DataFrame with the schema's dtypes (missing columns are all-null)."""
    entity = ENTITIES[name]
    wanted = columns or entity.column_names
    quote = engine.dialect.identifier_preparer.quote
    sql = f"SELECT {', '.join(quote(c) for c in wanted)} FROM {quote(entity.name)}"
    with engine.connect() as conn:
        # The driver's own cursor gives plain tuples; SQLAlchemy Row objects make pandas 5x slower here.
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=wanted)
        finally:
            cursor.close()
    for col in wanted:
        kind = entity.column(col).kind
        if kind in ("date", "datetime"):
            frame[col] = pd.to_datetime(frame[col], format="ISO8601") if frame[col].dtype == object else \
                pd.to_datetime(frame[col])
        elif kind in ("int", "float"):
            frame[col] = pd.to_numeric(frame[col]).astype("float64" if kind == "float" else frame[col].dtype)
        else:
            frame[col] = frame[col].astype(object)
    return frame


def load_dataset(engine: Engine, columns: dict[str, list[str]] | None = None) -> dict[str, pd.DataFrame]:
    """All four tables; `columns` restricts what is read per table (faster on large data)."""
    columns = columns or {}
    return {name: load_table(engine, name, columns.get(name)) for name in TABLES}
