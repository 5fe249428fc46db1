"""The store: the four entities in a SQL database (SQLite file by default, PostgreSQL by URL).

Tables are built from `analytics.schema`. Every write happens in one transaction that also
changes `data_version`, so caches keyed on the version never serve stale results.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

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


def _records(entity: Entity, frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with Python values (None for missing), in the entity's columns."""
    out = frame.reindex(columns=entity.column_names).astype(object)
    for col in entity.columns:
        if col.kind == "date":
            out[col.name] = pd.to_datetime(frame[col.name]).dt.date if col.name in frame else None
        elif col.kind == "datetime":
            out[col.name] = pd.to_datetime(frame[col.name]).dt.to_pydatetime() if col.name in frame else None
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


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
            for start in range(0, len(frame), chunk_rows):
                conn.execute(sa.insert(table), _records(ENTITIES[name], frame.iloc[start:start + chunk_rows]))
        for key, value in (meta or {}).items():
            _set_meta(conn, key, value if isinstance(value, str) else json.dumps(value))
        _set_meta(conn, "data_version", version)
    return version


def load_table(engine: Engine, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One stored table as a DataFrame with the schema's dtypes (missing columns are all-null)."""
    entity = ENTITIES[name]
    table = TABLES[name]
    wanted = columns or entity.column_names
    with engine.connect() as conn:
        result = conn.execute(sa.select(*[table.c[c] for c in wanted]))
        frame = pd.DataFrame(result.fetchall(), columns=wanted)
    for col in wanted:
        kind = entity.column(col).kind
        if kind in ("date", "datetime"):
            frame[col] = pd.to_datetime(frame[col])
        elif kind in ("int", "float"):
            frame[col] = pd.to_numeric(frame[col]).astype("float64" if kind == "float" else frame[col].dtype)
        else:
            frame[col] = frame[col].astype(object)
    return frame


def load_dataset(engine: Engine, columns: dict[str, list[str]] | None = None) -> dict[str, pd.DataFrame]:
    """All four tables; `columns` restricts what is read per table (faster on large data)."""
    columns = columns or {}
    return {name: load_table(engine, name, columns.get(name)) for name in TABLES}
