"""SQLAlchemy 2 and Alembic as an application's tests use them: declarative models created with
`metadata.create_all` (existence checked through catalog queries), ORM and Core work through the
psycopg (v3) dialect and a little through asyncpg, reflection with `sqlalchemy.inspect` compared
with what PostgreSQL 15 (ORACLE_URL) reports for the same schema, and Alembic migrations
upgraded, compared with the models by autogenerate, and downgraded."""

import asyncio
import datetime as dt
import enum
import os
import textwrap
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY as PG_ARRAY, JSONB, UUID, insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)

from conftest import ADMIN_URL, fresh_database


def engine_url(url: str, driver: str) -> sa.URL:
    return sa.make_url(url).set(drivername=f"postgresql+{driver}")


class Status(enum.Enum):
    draft = "draft"
    placed = "placed"
    shipped = "shipped"


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("email", name="uq_customers_email"),
        CheckConstraint("credit >= 0", name="ck_customers_credit"),
        {"comment": "people who order"},
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(start=1000, minvalue=1000), primary_key=True)
    email: Mapped[str] = mapped_column(String(120))
    name: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa.true())
    credit: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    birthday: Mapped[dt.date | None] = mapped_column(Date)
    ref: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), default=uuid.uuid4)
    prefs: Mapped[dict | None] = mapped_column(JSONB)
    orders: Mapped[list["Order"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Order.id"
    )


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_customer_status", "customer_id", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[Status] = mapped_column(Enum(Status, name="order_status"), default=Status.draft)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    tags: Mapped[list[str] | None] = mapped_column(PG_ARRAY(String(20)))
    meta: Mapped[dict | None] = mapped_column(sa.JSON)
    customer: Mapped[Customer] = relationship(back_populates="orders")
    lines: Mapped[list["Line"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Line.sku"
    )


class Line(Base):
    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("qty > 0", name="ck_lines_qty"),)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(20), primary_key=True)
    qty: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    order: Mapped[Order] = relationship(back_populates="lines")


class Counter(Base):
    __tablename__ = "counters"
    id: Mapped[int] = mapped_column(Integer, Sequence("counters_id_seq"), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    hits: Mapped[int] = mapped_column(BigInteger, default=0)


def schema_engine(url, driver="psycopg"):
    engine = sa.create_engine(engine_url(url, driver))
    Base.metadata.create_all(engine)
    return engine


@pytest.fixture(scope="module")
def engine(database_url):
    engine = schema_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        yield session
        session.rollback()
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def seed(session, customers=3, orders_each=2):
    people = []
    for c in range(customers):
        customer = Customer(email=f"c{c}@example.com", name=f"Customer {c}", credit=Decimal("10.50"))
        for o in range(orders_each):
            customer.orders.append(
                Order(
                    status=Status.placed if o % 2 else Status.draft,
                    total=Decimal(f"{o + 1}0.25"),
                    tags=["a", f"t{o}"],
                    meta={"n": o},
                    lines=[Line(sku=f"s{k}", qty=k + 1, price=Decimal("2.50")) for k in range(2)],
                )
            )
        people.append(customer)
    session.add_all(people)
    session.commit()
    return people


def test_create_all_is_idempotent_and_drop_all_removes(database_url):
    for url in fresh_database(ADMIN_URL, "client_sqla_ddl"):
        engine = schema_engine(url)
        try:
            Base.metadata.create_all(engine)  # checkfirst: every table and the enum exist
            inspector = sa.inspect(engine)
            assert sorted(inspector.get_table_names()) == [
                "counters",
                "customers",
                "order_lines",
                "orders",
            ]
            Base.metadata.drop_all(engine)
            inspector = sa.inspect(engine)
            assert inspector.get_table_names() == []
            assert not inspector.has_table("customers")
            assert [e["name"] for e in inspector.get_enums()] == []
            Base.metadata.create_all(engine)
            assert sa.inspect(engine).has_table("orders")
        finally:
            engine.dispose()


def test_session_add_flush_commit_defaults(session):
    customer = Customer(email="a@example.com", name="A")
    session.add(customer)
    session.flush()
    assert customer.id >= 1000  # Identity(start=1000, minvalue=1000)
    session.commit()
    session.refresh(customer)
    assert customer.active is True
    assert customer.credit == Decimal("0.00")
    assert customer.created_at.tzinfo is not None
    assert isinstance(customer.ref, uuid.UUID)
    again = session.get(Customer, customer.id)
    assert again is customer
    assert session.scalar(select(Customer.email).where(Customer.ref == customer.ref)) == "a@example.com"


def test_insertmanyvalues_returning(session, engine):
    session.add_all([Customer(email=f"m{i}@example.com", name=f"M{i}") for i in range(250)])
    session.flush()
    ids = [c.id for c in session.scalars(select(Customer).order_by(Customer.id))]
    assert len(ids) == 250 and len(set(ids)) == 250
    session.commit()
    with engine.begin() as conn:
        rows = conn.execute(
            sa.insert(Counter).returning(Counter.id, Counter.name, sort_by_parameter_order=True),
            [{"name": f"k{i}", "hits": i} for i in range(120)],
        ).all()
    assert [r.name for r in rows] == [f"k{i}" for i in range(120)]
    assert len({r.id for r in rows}) == 120


def test_relationships_and_eager_loading(session):
    seed(session)
    session.expunge_all()
    customers = session.scalars(
        select(Customer).options(selectinload(Customer.orders).selectinload(Order.lines)).order_by(Customer.id)
    ).all()
    assert [len(c.orders) for c in customers] == [2, 2, 2]
    assert [line.sku for line in customers[0].orders[0].lines] == ["s0", "s1"]
    session.expunge_all()
    orders = (
        session.scalars(select(Order).options(joinedload(Order.customer), joinedload(Order.lines)).order_by(Order.id))
        .unique()
        .all()
    )
    assert len(orders) == 6
    assert orders[0].customer.email == "c0@example.com"
    assert orders[1].status is Status.placed
    assert orders[1].tags == ["a", "t1"]
    assert orders[1].meta == {"n": 1}


def test_joins_aggregates_subqueries(session):
    seed(session)
    per_customer = session.execute(
        select(Customer.email, func.count(Order.id), func.sum(Order.total))
        .join(Order)
        .group_by(Customer.email)
        .having(func.count(Order.id) > 1)
        .order_by(Customer.email)
    ).all()
    assert per_customer == [
        ("c0@example.com", 2, Decimal("30.50")),
        ("c1@example.com", 2, Decimal("30.50")),
        ("c2@example.com", 2, Decimal("30.50")),
    ]
    line_totals = (
        select(Line.order_id, func.sum(Line.qty * Line.price).label("amount"))
        .group_by(Line.order_id)
        .subquery()
    )
    biggest = session.execute(
        select(Order.id, line_totals.c.amount)
        .join(line_totals, line_totals.c.order_id == Order.id)
        .where(Order.total > select(func.avg(Order.total)).scalar_subquery())
        .order_by(Order.id)
    ).all()
    assert [amount for _, amount in biggest] == [Decimal("7.5000")] * 3
    exists = session.scalars(
        select(Customer.email).where(Customer.orders.any(Order.status == Status.placed)).order_by(Customer.email)
    ).all()
    assert exists == ["c0@example.com", "c1@example.com", "c2@example.com"]


def test_bulk_update_delete(session):
    seed(session)
    result = session.execute(
        update(Order).where(Order.status == Status.draft).values(total=Order.total + 1, status=Status.shipped)
    )
    assert result.rowcount == 3
    session.execute(
        update(Customer).where(Customer.email == "c1@example.com").values(active=False),
        execution_options={"synchronize_session": "fetch"},
    )
    gone = session.execute(delete(Line).where(Line.sku == "s1").returning(Line.order_id))
    assert len(gone.all()) == 6
    session.commit()
    assert session.scalar(select(func.count()).select_from(Order).where(Order.status == Status.shipped)) == 3
    assert session.scalar(select(func.count()).select_from(Line)) == 6
    assert session.scalar(select(func.count()).where(Customer.active.is_(False))) == 1


def test_on_conflict_do_update(session):
    statement = pg_insert(Counter).values(name="visits", hits=1)
    upsert = statement.on_conflict_do_update(
        index_elements=[Counter.name], set_={"hits": Counter.hits + statement.excluded.hits}
    ).returning(Counter.hits)
    assert [session.scalar(upsert) for _ in range(3)] == [1, 2, 3]
    ignore = pg_insert(Counter).values(name="visits", hits=9).on_conflict_do_nothing()
    assert session.execute(ignore.returning(Counter.id)).all() == []
    session.commit()
    assert session.scalar(select(Counter.hits).where(Counter.name == "visits")) == 3


def test_savepoints_and_rollback(session):
    customer = Customer(email="s@example.com")
    session.add(customer)
    session.flush()
    with pytest.raises(sa.exc.IntegrityError):
        with session.begin_nested():
            session.add(Customer(email="s@example.com"))
            session.flush()
    nested = session.begin_nested()
    customer.name = "renamed"
    session.add(Customer(email="t@example.com"))
    nested.rollback()
    assert session.scalar(select(func.count()).select_from(Customer)) == 1
    with session.begin_nested():
        session.add(Customer(email="u@example.com"))
    session.commit()
    assert session.scalars(select(Customer.email).order_by(Customer.email)).all() == [
        "s@example.com",
        "u@example.com",
    ]
    session.add(Customer(email="v@example.com"))
    session.flush()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Customer)) == 2
    with pytest.raises(sa.exc.IntegrityError):
        session.add(Order(customer_id=10**9))
        session.flush()
    session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        session.add(Customer(email="neg@example.com", credit=Decimal("-1")))
        session.flush()


def test_query_forms_apps_use(session):
    seed(session)
    session.execute(
        update(Customer).where(Customer.email == "c2@example.com").values(prefs={"theme": "dark", "n": [1, 2]})
    )
    ranked = session.execute(
        select(
            Order.id,
            func.row_number().over(partition_by=Order.customer_id, order_by=Order.total.desc()).label("rank"),
        ).order_by(Order.id)
    ).all()
    assert [r.rank for r in ranked] == [2, 1, 2, 1, 2, 1]
    totals = select(Order.customer_id, func.sum(Order.total).label("spent")).group_by(Order.customer_id).cte("totals")
    top = session.execute(
        select(Customer.email, totals.c.spent)
        .join(totals, totals.c.customer_id == Customer.id)
        .order_by(totals.c.spent.desc(), Customer.email)
        .limit(2)
        .offset(1)
    ).all()
    assert top == [("c1@example.com", Decimal("30.50")), ("c2@example.com", Decimal("30.50"))]
    label = sa.case((Order.total > 15, "big"), else_="small")
    assert session.execute(
        select(label, func.count()).group_by(label).order_by(label)
    ).all() == [("big", 3), ("small", 3)]
    assert session.scalars(
        select(Customer.email).where(Customer.email.ilike("C1@%")).distinct()
    ).all() == ["c1@example.com"]
    assert session.scalar(select(Customer.email).where(Customer.prefs["theme"].astext == "dark")) == "c2@example.com"
    assert session.scalar(select(func.count()).where(Customer.prefs.contains({"n": [2]}))) == 1
    assert session.scalar(select(func.count()).where(Order.tags.any("t1"))) == 3
    assert session.scalar(select(func.count()).where(Order.tags.contains(["a", "t0"]))) == 3
    assert session.scalar(select(func.coalesce(func.max(Customer.birthday), dt.date(2000, 1, 1)))) == dt.date(2000, 1, 1)
    emails = sa.union(
        select(Customer.email).where(Customer.email == "c0@example.com"),
        select(Customer.email).where(Customer.email == "c1@example.com"),
    ).order_by("email")
    assert session.scalars(emails).all() == ["c0@example.com", "c1@example.com"]
    assert session.scalar(select(sa.exists().where(Line.qty > 1))) is True
    locked = session.scalars(select(Customer).where(Customer.email == "c0@example.com").with_for_update()).one()
    locked.name = "locked"
    session.commit()
    streamed = session.scalars(
        select(Line).order_by(Line.order_id, Line.sku).execution_options(yield_per=4)
    )
    assert len(list(streamed)) == 12


def test_orm_bulk_insert_and_update_by_primary_key(session):
    rows = session.scalars(
        sa.insert(Customer).returning(Customer.id, sort_by_parameter_order=True),
        [{"email": f"b{i}@example.com", "credit": Decimal(i)} for i in range(40)],
    ).all()
    assert len(rows) == 40
    session.execute(update(Customer), [{"id": pk, "name": f"bulk {i}"} for i, pk in enumerate(rows)])
    session.commit()
    assert session.scalar(select(Customer.name).where(Customer.id == rows[7])) == "bulk 7"
    session.execute(
        sa.insert(Counter).from_select(
            ["name", "hits"], select(Customer.email, sa.cast(Customer.credit, BigInteger)).where(Customer.credit > 35)
        )
    )
    assert session.scalars(select(Counter.hits).order_by(Counter.hits)).all() == [36, 37, 38, 39]
    merged = session.merge(Counter(id=session.scalar(select(func.min(Counter.id))), name="merged", hits=7))
    session.commit()
    assert session.get(Counter, merged.id).name == "merged"


def test_asyncpg_core_and_reflection(database_url):
    async def main():
        engine = create_async_engine(engine_url(database_url, "asyncpg"))
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
                rows = (
                    await conn.execute(
                        sa.insert(Customer).returning(Customer.id, Customer.created_at),
                        [{"email": f"a{i}@example.com", "ref": uuid.uuid4()} for i in range(30)],
                    )
                ).all()
                assert len(rows) == 30 and all(r.created_at.tzinfo for r in rows)
                names = await conn.run_sync(lambda c: sorted(sa.inspect(c).get_table_names()))
                assert names == ["counters", "customers", "order_lines", "orders"]
                columns = await conn.run_sync(lambda c: sa.inspect(c).get_columns("orders"))
                assert [c["name"] for c in columns] == ["id", "customer_id", "status", "total", "tags", "meta"]
                await conn.execute(delete(Customer))
        finally:
            await engine.dispose()

    asyncio.run(asyncio.wait_for(main(), 60))


def test_asyncpg_orm(database_url):
    async def main():
        engine = create_async_engine(engine_url(database_url, "asyncpg"))
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            async with AsyncSession(engine, expire_on_commit=False) as session:
                customer = Customer(email="async@example.com", prefs={"theme": "dark"})
                customer.orders = [Order(status=Status.placed, tags=["x"], total=Decimal("4.20"))]
                session.add(customer)
                await session.commit()
                loaded = (
                    await session.scalars(
                        select(Customer)
                        .options(selectinload(Customer.orders))
                        .where(Customer.email == "async@example.com")
                    )
                ).one()
                assert loaded.prefs == {"theme": "dark"}
                assert [(o.status, o.tags, o.total) for o in loaded.orders] == [
                    (Status.placed, ["x"], Decimal("4.20"))
                ]
                upsert = pg_insert(Counter).values(name="async", hits=1)
                upsert = upsert.on_conflict_do_update(
                    index_elements=["name"], set_={"hits": Counter.hits + 1}
                ).returning(Counter.hits)
                assert [await session.scalar(upsert) for _ in range(2)] == [1, 2]
                await session.execute(delete(Customer).where(Customer.id == loaded.id))
                await session.commit()
                assert await session.scalar(select(func.count()).select_from(Order)) == 0
                await session.execute(delete(Counter))
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(asyncio.wait_for(main(), 60))


# Reflection: the same schema on both servers, every inspector answer compared.

REFLECTED_VIEW = (
    "create view big_orders as select o.id, c.email, o.total from orders o "
    "join customers c on c.id = o.customer_id where o.total > 100"
)


def reflection_engine(server_url, name):
    """A fresh database at `server_url` with the models' schema and a view; yields an engine."""
    for url in fresh_database(server_url, name):
        engine = schema_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(REFLECTED_VIEW)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def reflected(database_url):
    oracle = os.environ.get("ORACLE_URL")
    assert oracle, "ORACLE_URL (PostgreSQL 15) is not set: run the suite through `cargo xtask test`"
    admin = ADMIN_URL
    for tested in reflection_engine(admin, "client_sqla_reflect"):
        for expected in reflection_engine(oracle, "client_sqla_reflect_oracle"):
            yield tested, expected


def plain(value):
    """Inspector answers as comparable plain data: types by their rendered name."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, sa.types.TypeEngine):
        return repr(value)
    return value


TABLES = ["customers", "orders", "order_lines", "counters"]
PER_TABLE = [
    "get_columns",
    "get_pk_constraint",
    "get_foreign_keys",
    "get_indexes",
    "get_unique_constraints",
    "get_check_constraints",
    "get_table_comment",
]


@pytest.mark.parametrize("method", PER_TABLE)
def test_inspector_per_table_matches_postgres(reflected, method):
    tested, expected = reflected
    got = {t: plain(getattr(sa.inspect(tested), method)(t)) for t in TABLES}
    want = {t: plain(getattr(sa.inspect(expected), method)(t)) for t in TABLES}
    assert got == want


def test_inspector_database_wide_matches_postgres(reflected):
    tested, expected = reflected

    def answers(engine):
        inspector = sa.inspect(engine)
        return {
            "schemas": sorted(inspector.get_schema_names()),
            "tables": sorted(inspector.get_table_names()),
            "views": inspector.get_view_names(),
            "view definition": inspector.get_view_definition("big_orders") is not None,
            "sequences": sorted(inspector.get_sequence_names()),
            "enums": plain(inspector.get_enums()),
            "has customers": inspector.has_table("customers"),
            "has nothing": inspector.has_table("nothing"),
            "has sequence": inspector.has_sequence("counters_id_seq"),
        }

    want = answers(expected)
    assert want["enums"] == [
        {"name": "order_status", "schema": "public", "visible": True, "labels": ["draft", "placed", "shipped"]}
    ]
    assert answers(tested) == want


def test_inspector_concrete_columns(reflected):
    tested, _ = reflected
    inspector = sa.inspect(tested)
    columns = {c["name"]: c for c in inspector.get_columns("customers")}
    assert columns["id"]["identity"]["always"] is False
    assert (columns["id"]["identity"]["start"], columns["id"]["identity"]["minvalue"]) == (1000, 1000)
    assert isinstance(columns["id"]["type"], BigInteger)
    assert columns["email"]["type"].length == 120 and not columns["email"]["nullable"]
    assert columns["created_at"]["default"] == "now()"
    assert columns["created_at"]["type"].timezone is True
    assert (columns["credit"]["type"].precision, columns["credit"]["type"].scale) == (10, 2)
    orders = {c["name"]: c for c in inspector.get_columns("orders")}
    assert orders["id"]["default"] == "nextval('orders_id_seq'::regclass)"
    assert orders["id"]["autoincrement"] is True
    assert orders["status"]["type"].enums == ["draft", "placed", "shipped"]
    assert isinstance(orders["tags"]["type"], ARRAY)
    fks = inspector.get_foreign_keys("orders")
    assert [(f["constrained_columns"], f["referred_table"], f["options"]) for f in fks] == [
        (["customer_id"], "customers", {"ondelete": "CASCADE"})
    ]


def test_metadata_reflect(reflected):
    tested, expected = reflected

    def reflect(engine):
        metadata = sa.MetaData()
        metadata.reflect(engine, views=True)
        return {
            name: (
                [(c.name, repr(c.type), c.nullable, c.primary_key) for c in table.columns],
                sorted((fk.parent.name, fk.target_fullname) for fk in table.foreign_keys),
                sorted(i.name for i in table.indexes),
            )
            for name, table in metadata.tables.items()
        }

    want = reflect(expected)
    assert set(want) == set(TABLES) | {"big_orders"}
    assert reflect(tested) == want


# Alembic: hand-written migrations, then autogenerate must find nothing to do.

MIGRATIONS = {
    "0001_authors_books.py": '''
        import sqlalchemy as sa
        from alembic import op

        revision = "0001"
        down_revision = None

        def upgrade():
            op.create_table(
                "authors",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(80), nullable=False),
                sa.Column("nickname", sa.String(40)),
            )
            op.create_table(
                "books",
                sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
                sa.Column("title", sa.String(100)),
                sa.Column("author_id", sa.Integer),
            )
            op.create_index("ix_books_title", "books", ["title"])

        def downgrade():
            op.drop_index("ix_books_title", table_name="books")
            op.drop_table("books")
            op.drop_table("authors")
    ''',
    "0002_books_details.py": '''
        import sqlalchemy as sa
        from alembic import op

        revision = "0002"
        down_revision = "0001"

        def upgrade():
            op.add_column("books", sa.Column("pages", sa.Integer, nullable=True))
            op.add_column(
                "books",
                sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
            )
            op.alter_column("books", "title", type_=sa.String(200), existing_type=sa.String(100),
                            nullable=False)
            op.create_foreign_key("fk_books_author", "books", "authors", ["author_id"], ["id"])
            op.create_unique_constraint("uq_authors_name", "authors", ["name"])
            op.drop_column("authors", "nickname")

        def downgrade():
            op.add_column("authors", sa.Column("nickname", sa.String(40)))
            op.drop_constraint("uq_authors_name", "authors", type_="unique")
            op.drop_constraint("fk_books_author", "books", type_="foreignkey")
            op.alter_column("books", "title", type_=sa.String(100), existing_type=sa.String(200),
                            nullable=True)
            op.drop_column("books", "published")
            op.drop_column("books", "pages")
    ''',
    "0003_reviews.py": '''
        import sqlalchemy as sa
        from alembic import op

        revision = "0003"
        down_revision = "0002"

        def upgrade():
            op.create_table(
                "reviews",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("book_id", sa.BigInteger,
                          sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
                sa.Column("mood", sa.Enum("good", "bad", name="review_mood"), nullable=False),
                sa.Column("body", sa.Text),
                sa.Column("created_at", sa.DateTime(timezone=True),
                          server_default=sa.func.now(), nullable=False),
            )
            op.create_index("ix_reviews_book_mood", "reviews", ["book_id", "mood"])
            op.create_check_constraint("ck_books_pages", "books", "pages > 0")
            op.alter_column("books", "pages", server_default="1", existing_type=sa.Integer)
            op.execute("update books set pages = 1 where pages is null")

        def downgrade():
            op.alter_column("books", "pages", server_default=None, existing_type=sa.Integer)
            op.drop_constraint("ck_books_pages", "books", type_="check")
            op.drop_index("ix_reviews_book_mood", table_name="reviews")
            op.drop_table("reviews")
            sa.Enum(name="review_mood").drop(op.get_bind())
    ''',
}

ENV_PY = """
from alembic import context

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=context.config.attributes.get("metadata"),
    compare_type=True,
    compare_server_default=True,
)
with context.begin_transaction():
    context.run_migrations()
"""

migrated = sa.MetaData()
sa.Table(
    "authors",
    migrated,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    UniqueConstraint("name", name="uq_authors_name"),
)
sa.Table(
    "books",
    migrated,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False, index=True),
    sa.Column("author_id", sa.Integer, ForeignKey("authors.id", name="fk_books_author")),
    sa.Column("pages", sa.Integer, server_default="1"),
    sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
    CheckConstraint("pages > 0", name="ck_books_pages"),
)
sa.Table(
    "reviews",
    migrated,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("book_id", sa.BigInteger, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    sa.Column("mood", sa.Enum("good", "bad", name="review_mood"), nullable=False),
    sa.Column("body", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=func.now(), nullable=False),
    Index("ix_reviews_book_mood", "book_id", "mood"),
)


def alembic_config(tmp_path, connection):
    versions = tmp_path / "versions"
    versions.mkdir()
    (tmp_path / "env.py").write_text(ENV_PY)
    for name, body in MIGRATIONS.items():
        (versions / name).write_text(textwrap.dedent(body))
    config = Config()
    config.set_main_option("script_location", str(tmp_path))
    config.attributes["connection"] = connection
    config.attributes["metadata"] = migrated
    return config


def differences(connection):
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return compare_metadata(context, migrated)


@pytest.fixture
def alembic_url():
    """A database of its own: autogenerate compares every table in it with the migrations'."""
    yield from fresh_database(ADMIN_URL, "client_sqla_alembic")


def test_alembic_upgrade_autogenerate_downgrade(alembic_url, tmp_path):
    engine = sa.create_engine(engine_url(alembic_url, "psycopg"))
    try:
        with engine.begin() as conn:
            config = alembic_config(tmp_path, conn)
            command.upgrade(config, "head")
        with engine.connect() as conn:
            assert conn.scalar(sa.text("select version_num from alembic_version")) == "0003"
            assert differences(conn) == []
            # Autogenerate through env.py too: raises when models and database differ.
            config.attributes["connection"] = conn
            command.check(config)
            inspector = sa.inspect(conn)
            assert [c["name"] for c in inspector.get_columns("authors")] == ["id", "name"]
        with engine.begin() as conn:
            conn.execute(sa.text("insert into authors (name) values ('Ann')"))
            conn.execute(sa.text("insert into books (title, author_id) values ('T', 1)"))
            with pytest.raises(sa.exc.IntegrityError):
                with conn.begin_nested():
                    conn.execute(sa.text("insert into books (title, author_id) values ('U', 99)"))
        with engine.begin() as conn:
            conn.execute(sa.text("insert into reviews (book_id, mood) values (1, 'good')"))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
            assert [e["name"] for e in sa.inspect(conn).get_enums()] == []
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            assert [c["name"] for c in inspector.get_columns("books")] == ["id", "title", "author_id"]
            assert [c["name"] for c in inspector.get_columns("authors")] == ["id", "name", "nickname"]
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names()) == ["alembic_version"]
    finally:
        engine.dispose()


# Reflection and autogenerate of expression, DESC/NULLS, INCLUDE and partial indexes, foreign
# keys into another schema and user types outside the search path: a migration creates them,
# the inspector's answers are compared with PostgreSQL's, autogenerate finds nothing to do.

SCHEMA_MIGRATION = '''
    import sqlalchemy as sa
    from alembic import op

    from test_sqlalchemy import people_columns

    revision = "s0001"
    down_revision = None

    def upgrade():
        op.execute("create schema other")
        color = sa.Enum("red", "green", name="color", schema="other")
        op.create_table(
            "parents",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("code", sa.String(20), nullable=False),
            sa.UniqueConstraint("code", name="uq_parents_code"),
            schema="other",
        )
        op.create_table("people", *people_columns(color))
        op.create_index("ix_people_lower_email", "people", [sa.text("lower(email)")], unique=True)
        op.create_index("ix_people_sum", "people", [sa.text("(a + b)")])
        op.create_index("ix_people_sorted", "people",
                        [sa.text("a DESC"), sa.text("b DESC NULLS LAST"), sa.text("name NULLS FIRST")])
        op.create_index("ix_people_mixed", "people", ["name", sa.text("lower(email) DESC")])
        op.create_index("ix_people_covering", "people", ["a"], postgresql_include=["name", "b"])
        op.create_index("ix_people_positive", "people", ["email"], unique=True,
                        postgresql_where=sa.text("a > 0"))
        op.create_table(
            "children",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("person_id", sa.Integer, sa.ForeignKey("public.people.id", ondelete="SET NULL")),
            sa.Column("color", color),
            schema="other",
        )
        op.create_index("ix_children_person_desc", "children", [sa.text("person_id DESC")],
                        schema="other")

    def downgrade():
        op.drop_table("children", schema="other")
        op.drop_table("people")
        op.drop_table("parents", schema="other")
        sa.Enum(name="color", schema="other").drop(op.get_bind())
        op.execute("drop schema other")
'''

schema_metadata = sa.MetaData()
_color = sa.Enum("red", "green", name="color", schema="other")
_parents = sa.Table(
    "parents",
    schema_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(20), nullable=False),
    UniqueConstraint("code", name="uq_parents_code"),
    schema="other",
)


def people_columns(color):
    """The people table's columns and foreign keys, for the migration and the models alike."""
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), nullable=False),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer),
        sa.Column("name", sa.Text),
        sa.Column("score", sa.Integer, server_default=sa.text("-1")),
        sa.Column("ratio", sa.Numeric(6, 2), server_default=sa.text("-1.5")),
        sa.Column("color", color, server_default="red"),
        sa.Column("parent_id", sa.Integer),
        sa.Column("parent_code", sa.String(20)),
        sa.ForeignKeyConstraint(["parent_id"], ["other.parents.id"], name="fk_people_parent",
                                ondelete="CASCADE", onupdate="SET NULL"),
        sa.ForeignKeyConstraint(["parent_code"], ["other.parents.code"],
                                name="fk_people_parent_code", deferrable=True,
                                initially="DEFERRED"),
    ]


_people = sa.Table("people", schema_metadata, *people_columns(_color))
Index("ix_people_lower_email", func.lower(_people.c.email), unique=True)
Index("ix_people_sum", _people.c.a + _people.c.b)
Index("ix_people_sorted", _people.c.a.desc(), _people.c.b.desc().nulls_last(),
      _people.c.name.nulls_first())
Index("ix_people_mixed", _people.c.name, func.lower(_people.c.email).desc())
Index("ix_people_covering", _people.c.a, postgresql_include=["name", "b"])
Index("ix_people_positive", _people.c.email, unique=True, postgresql_where=_people.c.a > 0)
_children = sa.Table(
    "children",
    schema_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("person_id", sa.Integer, ForeignKey("people.id", ondelete="SET NULL")),
    sa.Column("color", _color),
    schema="other",
)
Index("ix_children_person_desc", _children.c.person_id.desc())

SCHEMA_TABLES = [("people", None), ("parents", "other"), ("children", "other")]


def migrated_schema(server_url, name, tmp_path):
    """A fresh database at `server_url` migrated by SCHEMA_MIGRATION; yields an engine."""
    for url in fresh_database(server_url, name):
        engine = sa.create_engine(engine_url(url, "psycopg"))
        scripts = tmp_path / name
        (scripts / "versions").mkdir(parents=True)
        (scripts / "env.py").write_text(ENV_PY)
        (scripts / "versions" / "s0001_schema.py").write_text(textwrap.dedent(SCHEMA_MIGRATION))
        config = Config()
        config.set_main_option("script_location", str(scripts))
        config.attributes["metadata"] = schema_metadata
        try:
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
            yield engine, config
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def schemas(database_url, tmp_path_factory):
    oracle = os.environ.get("ORACLE_URL")
    assert oracle, "ORACLE_URL (PostgreSQL 15) is not set: run the suite through `cargo xtask test`"
    tmp = tmp_path_factory.mktemp("schemas")
    for tested in migrated_schema(ADMIN_URL, "client_sqla_schemas", tmp):
        for expected in migrated_schema(oracle, "client_sqla_schemas_oracle", tmp):
            yield tested, expected


@pytest.mark.parametrize("method", PER_TABLE)
def test_inspector_indexes_and_schemas_match_postgres(schemas, method):
    (tested, _), (expected, _) = schemas

    def answers(engine):
        inspector = sa.inspect(engine)
        return {
            f"{schema}.{table}": plain(getattr(inspector, method)(table, schema=schema))
            for table, schema in SCHEMA_TABLES
        }

    assert answers(tested) == answers(expected)


def test_inspector_multi_and_ignore_search_path_match_postgres(schemas):
    (tested, _), (expected, _) = schemas

    def answers(engine):
        inspector = sa.inspect(engine)
        return {
            "indexes": plain(dict(inspector.get_multi_indexes())),
            "other indexes": plain(dict(inspector.get_multi_indexes(schema="other"))),
            "foreign keys": plain(dict(inspector.get_multi_foreign_keys())),
            "other foreign keys": plain(dict(inspector.get_multi_foreign_keys(schema="other"))),
            "ignoring search path": plain(
                inspector.get_foreign_keys("people", postgresql_ignore_search_path=True)
            ),
            "columns": plain(dict(inspector.get_multi_columns())),
            "enums": plain(inspector.get_enums(schema="*")),
        }

    assert answers(tested) == answers(expected)


def test_inspector_reads_expression_and_sorted_indexes(schemas):
    (tested, _), _ = schemas
    inspector = sa.inspect(tested)
    indexes = {i["name"]: i for i in inspector.get_indexes("people")}
    assert indexes["ix_people_lower_email"]["expressions"] == ["lower(email::text)"]
    assert indexes["ix_people_lower_email"]["column_names"] == [None]
    assert indexes["ix_people_sum"]["expressions"] == ["(a + b)"]
    assert indexes["ix_people_sorted"]["column_sorting"] == {
        "a": ("desc",),
        "b": ("desc", "nulls_last"),
        "name": ("nulls_first",),
    }
    assert indexes["ix_people_mixed"]["column_names"] == ["name", None]
    assert indexes["ix_people_mixed"]["column_sorting"] == {"lower(email::text)": ("desc",)}
    assert indexes["ix_people_covering"]["include_columns"] == ["name", "b"]
    assert indexes["ix_people_positive"]["dialect_options"]["postgresql_where"] == "(a > 0)"
    fks = {f["name"]: f for f in inspector.get_foreign_keys("people")}
    assert fks["fk_people_parent"]["referred_schema"] == "other"
    assert fks["fk_people_parent"]["options"] == {"onupdate": "SET NULL", "ondelete": "CASCADE"}
    assert fks["fk_people_parent_code"]["options"] == {"deferrable": True, "initially": "DEFERRED"}
    children = inspector.get_foreign_keys("children", schema="other")
    assert [(f["referred_schema"], f["referred_table"]) for f in children] == [(None, "people")]
    columns = {c["name"]: c for c in inspector.get_columns("people")}
    assert columns["score"]["default"] == "'-1'::integer"
    assert columns["ratio"]["default"] == "'-1.5'::numeric"
    assert columns["color"]["type"].schema == "other"


def test_alembic_autogenerate_finds_nothing_after_schema_migration(schemas):
    for engine, config in schemas:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "compare_server_default": True,
                    "include_schemas": True,
                    "include_name": lambda name, type_, parent: type_ != "schema"
                    or name in (None, "public", "other"),
                },
            )
            assert compare_metadata(context, schema_metadata) == []
