"""Django's PostgreSQL backend over psycopg 3: `migrate` of the contrib apps and of django_app
(forwards through an altering migration and back to zero), the ORM queries Django projects run,
transactions, introspection and `flush`."""

import contextlib
import datetime as dt
import io
import json
import uuid
from decimal import Decimal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import django
import pytest
from django.conf import settings
from django.test import TestCase

APP_TABLES = {
    "django_app_author",
    "django_app_book",
    "django_app_book_tags",
    "django_app_review",
    "django_app_label",
}


def configure(url: str):
    """Django settings for the test database at `url` (done once per process: Django's
    settings cannot be configured twice)."""
    parts = urlsplit(url)
    default = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname,
        "PORT": parts.port,
    }
    settings.configure(
        DATABASES={
            "default": default,
            # Server-side parameters: psycopg's extended protocol instead of Django's default
            # client-side binding.
            "server_side": {**default, "OPTIONS": {"server_side_binding": True}},
        },
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.admin",
            "django.contrib.postgres",
            "django_app",
        ],
        USE_TZ=True,
        TIME_ZONE="Europe/Paris",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        SECRET_KEY="devdb-client-suite",
    )
    django.setup()


def call(*args, **options):
    from django.core.management import call_command

    # System checks want admin's templates and middleware, which this suite has no use for.
    call_command(*args, verbosity=0, skip_checks=True, **options)


@pytest.fixture(scope="module", autouse=True)
def migrated(database_url):
    configure(database_url)
    call("migrate")
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture
def clean():
    """Each ORM test starts from empty app tables (a TRUNCATE through Django's flush SQL)."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cur:
        for sql in connection.ops.sql_flush(no_style(), sorted(APP_TABLES), reset_sequences=True):
            cur.execute(sql)


@contextlib.contextmanager
def at_migration(name):
    """The app migrated back to `name` for the block, then forwards to its latest migration."""
    call("migrate", "django_app", name)
    try:
        yield
    finally:
        call("migrate", "django_app")


def insert_row(cur, table, **values):
    """Inserts a row with plain SQL (the models describe the latest migration, not the one
    the app is at) and returns its id."""
    marks = ", ".join(["%s"] * len(values))
    cur.execute(f"insert into {table} ({', '.join(values)}) values ({marks}) returning id", list(values.values()))
    return cur.fetchone()[0]


def models():
    from django_app import models as m

    return m


def seed():
    m = models()
    ann = m.Author.objects.create(name="Ann", email="ann@example.com", born=dt.date(1970, 5, 1))
    bob = m.Author.objects.create(name="Bob", born=dt.date(1985, 1, 2))
    cy = m.Author.objects.create(name="Cy")
    tags = m.Label.objects.bulk_create([m.Label(name=n) for n in ("sf", "poetry", "history")])
    paris = ZoneInfo("Europe/Paris")
    books = [
        m.Book(title="Dune", author=ann, price=Decimal("9.99"), pages=412, rating=4.5,
               published=dt.datetime(2020, 3, 1, 12, 0, tzinfo=paris),
               meta={"lang": "en", "ed": {"n": 2}, "awards": ["hugo"]}, keywords=["desert", "spice"]),
        m.Book(title="Odes", author=ann, price=Decimal("15.00"), pages=80, rating=3.0,
               published=dt.datetime(2021, 7, 14, 23, 30, tzinfo=dt.timezone.utc),
               meta={"lang": "fr"}, keywords=["verse"]),
        m.Book(title="Rome", author=bob, price=Decimal("25.50"), pages=None, rating=None,
               meta={"lang": "en", "ed": {"n": 1}}, keywords=[]),
    ]
    m.Book.objects.bulk_create(books)
    books[0].tags.add(tags[0])
    books[1].tags.add(tags[1])
    books[2].tags.add(tags[2], tags[0])
    m.Review.objects.bulk_create([
        m.Review(book=books[0], reviewer="x", stars=5),
        m.Review(book=books[0], reviewer="y", stars=4),
        m.Review(book=books[2], reviewer="x", stars=2),
    ])
    return ann, bob, cy, books, tags


def test_migrate_creates_contrib_and_app_tables():
    from django.db import connection

    with connection.cursor() as cur:
        tables = {t.name for t in connection.introspection.get_table_list(cur)}
    assert APP_TABLES | {
        "auth_user", "auth_group", "auth_permission", "auth_user_groups",
        "django_content_type", "django_session", "django_admin_log", "django_migrations",
    } <= tables
    from django.contrib.auth.models import Permission, User

    assert Permission.objects.filter(codename="add_book").exists()
    user = User.objects.create_user("alice", password="pw")
    assert User.objects.get(username="alice").check_password("pw")
    user.delete()


def test_migrate_back_to_zero_and_forwards():
    from django.db import connection

    def columns(table):
        with connection.cursor() as cur:
            return {c.name: c for c in connection.introspection.get_table_description(cur, table)}

    def constraint_names(table):
        with connection.cursor() as cur:
            return set(connection.introspection.get_constraints(cur, table))

    call("migrate", "django_app", "0001")
    assert {"nickname", "score"} <= set(columns("django_app_author")) | set(columns("django_app_book"))
    assert "book_price_nonneg" not in constraint_names("django_app_book")
    call("migrate", "django_app", "zero")
    with connection.cursor() as cur:
        assert not APP_TABLES & {t.name for t in connection.introspection.get_table_list(cur)}
    call("migrate", "django_app")
    book = columns("django_app_book")
    assert "rating" in book and "score" not in book
    assert book["pages"].type_code == 23  # int4 after ALTER COLUMN ... TYPE integer USING
    assert "email" in columns("django_app_author")
    assert {"book_author_title_uniq", "book_price_nonneg", "book_lower_title_idx"} <= constraint_names(
        "django_app_book")
    assert "author_born_date_idx" in constraint_names("django_app_author")
    assert "label_id" in columns("django_app_book_tags")


def test_migrations_move_data():
    """A row written at 0002 goes through 0003: RunPython fills the new column, the
    renamed model's table keeps its rows, and the new foreign key is deferred."""
    from django.db import connection

    book = uuid.UUID(int=7)
    with at_migration("0002"), connection.cursor() as cur:
        author = insert_row(cur, "django_app_author", name="Mo", email="")
        insert_row(cur, "django_app_book", id=book, title="B", author_id=author, price=3, meta="{}",
                   keywords="{}")
        tag = insert_row(cur, "django_app_tag", name="kept")
        insert_row(cur, "django_app_book_tags", book_id=book, tag_id=tag)
        for reviewer, stars in [("r", 5), ("s", 1)]:
            insert_row(cur, "django_app_review", book_id=book, reviewer=reviewer, stars=stars,
                       created=dt.datetime.now(dt.timezone.utc))
    m = models()
    try:
        assert sorted(m.Review.objects.values_list("reviewer", "comment")) == [("r", "liked"), ("s", "")]
        assert [t.name for t in m.Book.objects.get(pk=uuid.UUID(int=7)).tags.all()] == ["kept"]
        with connection.cursor() as cur:
            editor_fk = [c for c in connection.introspection.get_constraints(cur, "django_app_book").values()
                         if c["foreign_key"] and c["columns"] == ["editor_id"]]
            assert [c["foreign_key"] for c in editor_fk] == [("django_app_author", "id")]
            cur.execute("select condeferrable, condeferred from pg_constraint where conname like "
                        "'django_app_book_editor_id%%'")
            assert cur.fetchall() == [(True, True)]
    finally:
        m.Author.objects.all().delete()
        m.Label.objects.all().delete()


def test_alter_field_type_keeps_data(clean):
    """0001 -> 0002 with a row in place: `pages` goes from varchar to integer through USING."""
    from django.db import connection

    with at_migration("0001"), connection.cursor() as cur:
        author = insert_row(cur, "django_app_author", name="Zed", nickname="z")
        insert_row(cur, "django_app_book", id=uuid.uuid4(), title="T", author_id=author, price=1, pages="123",
                   meta="{}", keywords="{}")
    m = models()
    assert m.Book.objects.get().pages == 123
    assert m.Author.objects.get().email == ""


def test_create_get_filter_exclude(clean):
    from django.db.models import Q

    m = models()
    ann, bob, cy, books, _ = seed()
    assert m.Author.objects.get(name="Ann").pk == ann.pk
    assert [b.title for b in m.Book.objects.filter(Q(price__lt=10) | Q(title__startswith="R"))
            .order_by("title")] == ["Dune", "Rome"]
    assert [a.name for a in m.Author.objects.exclude(books__isnull=True).distinct().order_by("name")] == [
        "Ann", "Bob"]
    assert m.Book.objects.filter(title__icontains="OD").get().title == "Odes"
    assert m.Book.objects.filter(pk=books[0].pk).get().title == "Dune"
    assert isinstance(books[0].pk, uuid.UUID)
    with pytest.raises(m.Author.DoesNotExist):
        m.Author.objects.get(name="Nobody")


def test_bulk_create_returns_ids(clean):
    m = models()
    authors = m.Author.objects.bulk_create([m.Author(name=f"a{i}") for i in range(5)])
    ids = [a.pk for a in authors]
    assert all(ids) and len(set(ids)) == 5
    assert sorted(m.Author.objects.values_list("pk", flat=True)) == sorted(ids)


def test_f_expressions_update_delete(clean):
    from django.db.models import F

    m = models()
    seed()
    assert m.Book.objects.filter(author__name="Ann").update(price=F("price") * 2) == 2
    assert m.Book.objects.get(title="Dune").price == Decimal("19.98")
    assert list(m.Book.objects.filter(price__gt=F("pages") / 10).values_list("title", flat=True)) == ["Odes"]
    deleted, per_model = m.Author.objects.filter(name="Ann").delete()
    assert per_model["django_app.Book"] == 2 and per_model["django_app.Review"] == 2
    assert m.Book.objects.count() == 1


def test_annotate_aggregate(clean):
    from django.db.models import Avg, Count, Max, Sum

    m = models()
    seed()
    rows = list(m.Author.objects.annotate(n=Count("books"), total=Sum("books__price"))
                .order_by("name").values_list("name", "n", "total"))
    assert rows == [("Ann", 2, Decimal("24.99")), ("Bob", 1, Decimal("25.50")), ("Cy", 0, None)]
    agg = m.Book.objects.aggregate(avg=Avg("rating"), top=Max("price"), n=Count("id"))
    assert agg == {"avg": 3.75, "top": Decimal("25.50"), "n": 3}
    by_lang = dict(m.Book.objects.values("meta__lang").annotate(n=Count("id")).values_list("meta__lang", "n"))
    assert by_lang == {"en": 2, "fr": 1}


def test_select_related_prefetch_related(clean):
    from django.db.models import Prefetch

    m = models()
    seed()
    books = list(m.Book.objects.select_related("author").order_by("title"))
    assert [(b.title, b.author.name) for b in books] == [("Dune", "Ann"), ("Odes", "Ann"), ("Rome", "Bob")]
    authors = m.Author.objects.prefetch_related(
        Prefetch("books", queryset=m.Book.objects.order_by("title")), "books__tags").order_by("name")
    assert [(a.name, [(b.title, sorted(t.name for t in b.tags.all())) for b in a.books.all()])
            for a in authors] == [
        ("Ann", [("Dune", ["sf"]), ("Odes", ["poetry"])]),
        ("Bob", [("Rome", ["history", "sf"])]),
        ("Cy", []),
    ]


def test_get_or_create_update_or_create(clean):
    m = models()
    a, created = m.Author.objects.get_or_create(name="Dee", defaults={"email": "d@x"})
    assert created
    b, created = m.Author.objects.get_or_create(name="Dee")
    assert not created and b.pk == a.pk
    c, created = m.Author.objects.update_or_create(name="Dee", defaults={"email": "new@x"})
    assert not created and m.Author.objects.get(pk=a.pk).email == "new@x"
    _, created = m.Author.objects.update_or_create(name="Eve", create_defaults={"email": "e@x"})
    assert created and m.Author.objects.count() == 2


def test_atomic_nested_savepoints(clean):
    from django.db import IntegrityError, transaction

    m = models()
    with transaction.atomic():
        m.Author.objects.create(name="outer")
        try:
            with transaction.atomic():
                m.Author.objects.create(name="inner")
                m.Author.objects.create(name="outer")  # unique violation: the savepoint rolls back
        except IntegrityError:
            pass
        with transaction.atomic():
            m.Author.objects.create(name="kept")
    assert sorted(m.Author.objects.values_list("name", flat=True)) == ["kept", "outer"]
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            m.Author.objects.create(name="gone")
            1 / 0
    with transaction.atomic():
        m.Author.objects.create(name="rolled back")
        transaction.set_rollback(True)
    assert m.Author.objects.count() == 2


def test_unique_and_check_constraints_raise_integrity_error(clean):
    from django.db import IntegrityError, transaction

    m = models()
    ann, _, _, books, _ = seed()
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Book.objects.create(title="Dune", author=ann, price=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Book.objects.create(title="Free", author=ann, price=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Review.objects.create(book=books[0], reviewer="x", stars=1)


def test_deferred_foreign_key_checked_at_commit(clean):
    """Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: a dangling reference is fine
    until commit, or until SET CONSTRAINTS ALL IMMEDIATE."""
    from django.db import IntegrityError, connection, transaction

    m = models()
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Book.objects.create(title="Orphan", author_id=999999, price=1)
        connection.check_constraints()
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            m.Book.objects.create(title="Orphan", author_id=999999, price=1)
    with transaction.atomic():
        b = m.Book.objects.create(title="Early", author_id=123456, price=1)
        m.Author.objects.create(id=123456, name="Late")
    assert m.Book.objects.get(pk=b.pk).author.name == "Late"


def test_select_for_update(clean):
    from django.db import transaction

    m = models()
    seed()
    with transaction.atomic():
        rows = list(m.Book.objects.select_for_update().filter(author__name="Ann").order_by("title"))
        assert [b.title for b in rows] == ["Dune", "Odes"]
        locked = list(m.Book.objects.select_for_update(of=("self",), skip_locked=True)
                      .select_related("author").values_list("title", flat=True).order_by("title"))
        assert locked == ["Dune", "Odes", "Rome"]


def test_json_field_lookups(clean):
    m = models()
    seed()

    def titles(**lookup):
        return sorted(m.Book.objects.filter(**lookup).values_list("title", flat=True))

    assert titles(meta__lang="en") == ["Dune", "Rome"]
    assert titles(meta__ed__n=2) == ["Dune"]
    assert titles(meta__contains={"lang": "fr"}) == ["Odes"]
    assert titles(meta__has_key="ed") == ["Dune", "Rome"]
    assert titles(meta__has_any_keys=["awards", "zzz"]) == ["Dune"]
    assert titles(meta__awards__0="hugo") == ["Dune"]
    assert titles(meta__ed__isnull=True) == ["Odes"]
    assert m.Book.objects.get(title="Dune").meta == {"lang": "en", "ed": {"n": 2}, "awards": ["hugo"]}


def test_array_field(clean):
    m = models()
    seed()

    def titles(**lookup):
        return sorted(m.Book.objects.filter(**lookup).values_list("title", flat=True))

    assert m.Book.objects.get(title="Dune").keywords == ["desert", "spice"]
    assert titles(keywords__contains=["spice"]) == ["Dune"]
    assert titles(keywords__overlap=["verse", "spice"]) == ["Dune", "Odes"]
    assert titles(keywords__len=0) == ["Rome"]
    assert titles(keywords__0="verse") == ["Odes"]
    m.Book.objects.filter(title="Rome").update(keywords=["empire"])
    assert titles(keywords__contained_by=["empire", "x"]) == ["Rome"]


def test_datetime_time_zones(clean):
    from django.db.models.functions import ExtractHour, TruncDate, TruncMonth
    from django.utils import timezone

    m = models()
    seed()
    dune = m.Book.objects.get(title="Dune")
    assert dune.published == dt.datetime(2020, 3, 1, 11, 0, tzinfo=dt.timezone.utc)
    assert dune.published.tzinfo is not None
    # Odes: 2021-07-14 23:30 UTC is the 15th, 01:30 in Paris (the current time zone).
    odes = m.Book.objects.annotate(day=TruncDate("published"), hour=ExtractHour("published"),
                                   month=TruncMonth("published")).get(title="Odes")
    assert (odes.day, odes.hour) == (dt.date(2021, 7, 15), 1)
    assert odes.month == dt.datetime(2021, 7, 1, tzinfo=ZoneInfo("Europe/Paris"))
    assert list(m.Book.objects.filter(published__date=dt.date(2021, 7, 15)).values_list("title", flat=True)) == [
        "Odes"]
    assert list(m.Book.objects.filter(published__year=2020).values_list("title", flat=True)) == ["Dune"]
    before = timezone.now()
    review = m.Review.objects.create(book=dune, reviewer="z", stars=3)
    assert before <= m.Review.objects.get(pk=review.pk).created <= timezone.now()


def test_decimal_and_uuid(clean):
    m = models()
    ann = m.Author.objects.create(name="Ann")
    key = uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    m.Book.objects.create(id=key, title="Exact", author=ann, price=Decimal("123456.78"))
    book = m.Book.objects.get(pk=key)
    assert book.price == Decimal("123456.78") and book.pk == key
    assert m.Book.objects.filter(id__in=[key, uuid.uuid4()]).count() == 1
    assert m.Book.objects.filter(price=Decimal("123456.780")).exists()


def test_window_functions(clean):
    from django.db.models import F, Window
    from django.db.models.functions import Rank, RowNumber

    m = models()
    seed()
    rows = list(m.Book.objects.annotate(
        rank=Window(Rank(), partition_by=F("author"), order_by=F("price").desc()),
        n=Window(RowNumber(), order_by=F("title").asc()),
    ).order_by("title").values_list("title", "rank", "n"))
    assert rows == [("Dune", 2, 1), ("Odes", 1, 2), ("Rome", 1, 3)]


def test_subquery_outerref_exists(clean):
    from django.db.models import Exists, OuterRef, Subquery

    m = models()
    seed()
    newest = m.Book.objects.filter(author=OuterRef("pk")).order_by("-price").values("title")[:1]
    rows = list(m.Author.objects.annotate(top=Subquery(newest)).order_by("name").values_list("name", "top"))
    assert rows == [("Ann", "Odes"), ("Bob", "Rome"), ("Cy", None)]
    reviewed = m.Review.objects.filter(book=OuterRef("pk"), stars__gte=4)
    assert list(m.Book.objects.filter(Exists(reviewed)).values_list("title", flat=True)) == ["Dune"]
    assert sorted(m.Book.objects.filter(~Exists(reviewed)).values_list("title", flat=True)) == ["Odes", "Rome"]


def test_distinct_and_nulls_last(clean):
    from django.db.models import F

    m = models()
    seed()
    assert list(m.Book.objects.order_by(F("pages").asc(nulls_last=True)).values_list("title", flat=True)) == [
        "Odes", "Dune", "Rome"]
    assert list(m.Book.objects.order_by(F("rating").desc(nulls_first=True)).values_list("title", flat=True)) == [
        "Rome", "Dune", "Odes"]
    assert sorted(m.Review.objects.values_list("reviewer", flat=True).distinct()) == ["x", "y"]
    first_per_author = m.Book.objects.order_by("author_id", "title").distinct("author_id")
    assert [b.title for b in first_per_author] == ["Dune", "Rome"]


def test_introspection():
    from django.db import connection

    with connection.cursor() as cur:
        tables = {t.name: t.type for t in connection.introspection.get_table_list(cur)}
        assert tables["django_app_book"] == "t"
        description = {c.name: c for c in connection.introspection.get_table_description(cur, "django_app_book")}
        assert description["title"].display_size == 200 or description["title"].internal_size == 200
        assert description["pages"].null_ok and not description["title"].null_ok
        assert (description["price"].precision, description["price"].scale) == (8, 2)
        constraints = connection.introspection.get_constraints(cur, "django_app_book")
        fk = [c for c in constraints.values() if c["foreign_key"]]
        assert sorted((c["columns"], c["foreign_key"]) for c in fk) == [
            (["author_id"], ("django_app_author", "id")), (["editor_id"], ("django_app_author", "id"))]
        pk = [c for c in constraints.values() if c["primary_key"]]
        assert [c["columns"] for c in pk] == [["id"]]
        assert constraints["book_author_title_uniq"]["unique"]
        assert constraints["book_author_title_uniq"]["columns"] == ["author_id", "title"]
        assert constraints["book_price_nonneg"]["check"]
        assert connection.introspection.get_primary_key_column(cur, "django_app_book") == "id"
        relations = connection.introspection.get_relations(cur, "django_app_review")
        assert relations == {"book_id": ("id", "django_app_book")}
        sequences = connection.introspection.get_sequences(cur, "django_app_author")
        assert [s["column"] for s in sequences] == ["id"]


def test_inspectdb():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("inspectdb", "django_app_book", "django_app_review", stdout=out)
    text = out.getvalue()
    assert "class DjangoAppBook(models.Model):" in text
    assert "id = models.UUIDField(primary_key=True)" in text
    assert "price = models.DecimalField(max_digits=8, decimal_places=2)" in text
    assert "book = models.ForeignKey(DjangoAppBook, models.DO_NOTHING)" in text
    assert "unique_together = (('book', 'reviewer'),)" in text


def test_flush_resets_sequences(clean):
    from django.db import connection

    m = models()
    seed()
    call("flush", interactive=False, allow_cascade=True, reset_sequences=True, inhibit_post_migrate=True)
    assert m.Author.objects.count() == 0 and m.Book.objects.count() == 0
    with connection.cursor() as cur:
        cur.execute("select count(*) from auth_permission")
        assert cur.fetchone() == (0,)
    assert m.Author.objects.create(name="first").pk == 1
    call("migrate")  # restores the permissions and content types flush removed


def test_server_side_binding(clean):
    """The same ORM calls with server_side_binding: psycopg sends parameters separately
    (extended protocol, typed parameters) instead of Django inlining them."""
    from django.db import transaction
    from django.db.models import Count, Q

    m = models()
    seed()
    books = m.Book.objects.using("server_side")
    assert sorted(books.filter(Q(price__lt=Decimal("10")) | Q(meta__lang="fr")).values_list("title", flat=True)) == [
        "Dune", "Odes"]
    assert books.filter(published__gte=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)).get().title == "Odes"
    assert books.filter(keywords__contains=["spice"], meta__ed__n=2).get().title == "Dune"
    assert books.filter(pk=uuid.UUID(str(seed_book_id("Rome")))).get().title == "Rome"
    assert dict(m.Author.objects.using("server_side").annotate(n=Count("books")).values_list("name", "n")) == {
        "Ann": 2, "Bob": 1, "Cy": 0}
    with transaction.atomic(using="server_side"):
        a = m.Author.objects.using("server_side").create(name="Srv", born=dt.date(2000, 1, 1))
        m.Book.objects.using("server_side").bulk_create(
            [m.Book(title=f"s{i}", author=a, price=Decimal(i), meta={"i": i}) for i in range(3)])
    assert m.Book.objects.filter(author__name="Srv").count() == 3


def seed_book_id(title):
    return models().Book.objects.values_list("pk", flat=True).get(title=title)


def test_iterator_uses_server_side_cursors(clean):
    """QuerySet.iterator() reads through a named cursor: WITH HOLD outside a transaction."""
    from django.db import transaction

    m = models()
    m.Author.objects.bulk_create([m.Author(name=f"it{i:02}") for i in range(25)])
    names = [a.name for a in m.Author.objects.order_by("name").iterator(chunk_size=4)]
    assert names == [f"it{i:02}" for i in range(25)]
    with transaction.atomic():
        assert sum(1 for _ in m.Author.objects.filter(name__gte="it10").iterator(chunk_size=3)) == 15


def test_bulk_update_and_conflicts(clean):
    m = models()
    authors = m.Author.objects.bulk_create([m.Author(name=n) for n in ("a", "b", "c")])
    for i, a in enumerate(authors):
        a.email = f"{a.name}@x"
        a.born = dt.date(1990 + i, 1, 1)
    assert m.Author.objects.bulk_update(authors, ["email", "born"], batch_size=2) == 3
    assert list(m.Author.objects.order_by("name").values_list("email", "born")) == [
        ("a@x", dt.date(1990, 1, 1)), ("b@x", dt.date(1991, 1, 1)), ("c@x", dt.date(1992, 1, 1))]
    m.Author.objects.bulk_create([m.Author(name="a"), m.Author(name="d")], ignore_conflicts=True)
    assert m.Author.objects.count() == 4
    m.Author.objects.bulk_create(
        [m.Author(name="a", email="new@x"), m.Author(name="e", email="e@x")],
        update_conflicts=True, unique_fields=["name"], update_fields=["email"])
    assert dict(m.Author.objects.values_list("name", "email")) == {
        "a": "new@x", "b": "b@x", "c": "c@x", "d": "", "e": "e@x"}


def test_database_functions(clean):
    from django.db.models import CharField, F, FloatField, IntegerField, Value
    from django.db.models.functions import (
        Cast, Coalesce, Concat, ExtractYear, Greatest, JSONObject, Left, Length, Lower, Now, Replace,
        Round, StrIndex, Upper,
    )

    m = models()
    seed()
    row = m.Book.objects.annotate(
        label=Concat(Upper("title"), Value(" by "), Lower("author__name"), output_field=CharField()),
        pages_or_zero=Coalesce("pages", 0),
        price_int=Cast("price", IntegerField()),
        longest=Greatest(Length("title"), Value(3)),
        head=Left("title", 2),
        replaced=Replace("title", Value("u"), Value("oo")),
        at=StrIndex("title", Value("n")),
        year=ExtractYear("published"),
        rounded=Round(F("rating") * 1.05, 1, output_field=FloatField()),
        doc=JSONObject(t="title", p="price"),
        recent=Now(),
    ).get(title="Dune")
    assert (row.label, row.pages_or_zero, row.price_int, row.longest, row.head, row.replaced, row.at) == (
        "DUNE by ann", 412, 10, 4, "Du", "Doone", 3)
    assert (row.year, row.rounded) == (2020, 4.7)
    assert row.doc == {"t": "Dune", "p": 9.99}
    assert row.recent.tzinfo is not None


def test_postgres_aggregates(clean):
    from django.contrib.postgres.aggregates import ArrayAgg, BoolAnd, JSONBAgg, StringAgg
    from django.db.models import Q

    m = models()
    seed()
    rows = list(m.Author.objects.annotate(
        titles=ArrayAgg("books__title", order_by="-books__title", filter=Q(books__isnull=False), default=[]),
        joined=StringAgg("books__title", delimiter=", ", order_by="books__title", default=""),
        cheap=BoolAnd(Q(books__price__lt=20)),
        docs=JSONBAgg("books__meta__lang", order_by="books__title", default=[]),
    ).order_by("name").values_list("name", "titles", "joined", "cheap", "docs"))
    assert rows == [
        ("Ann", ["Odes", "Dune"], "Dune, Odes", True, ["en", "fr"]),
        ("Bob", ["Rome"], "Rome", False, ["en"]),
        ("Cy", [], "", None, [None]),
    ]


def test_set_operations_and_slicing(clean):
    m = models()
    seed()
    cheap = m.Book.objects.filter(price__lt=20).values_list("title", flat=True)
    by_ann = m.Book.objects.filter(author__name="Ann").values_list("title", flat=True)
    rome = m.Book.objects.filter(title="Rome").values_list("title", flat=True)
    assert sorted(cheap.union(rome)) == ["Dune", "Odes", "Rome"]
    assert sorted(cheap.intersection(by_ann)) == ["Dune", "Odes"]
    assert list(by_ann.difference(cheap)) == []
    ordered = m.Book.objects.order_by("title")
    assert [b.title for b in ordered[1:3]] == ["Odes", "Rome"]
    assert ordered.first().title == "Dune" and ordered.last().title == "Rome"
    assert set(m.Author.objects.in_bulk(field_name="name")) == {"Ann", "Bob", "Cy"}
    assert m.Book.objects.filter(tags__name__in=["sf", "poetry"]).distinct().count() == 3
    dates = list(m.Book.objects.dates("published", "year"))
    assert dates == [dt.date(2020, 1, 1), dt.date(2021, 1, 1)]
    months = list(m.Book.objects.datetimes("published", "month"))
    assert months == [dt.datetime(2020, 3, 1, tzinfo=ZoneInfo("Europe/Paris")),
                      dt.datetime(2021, 7, 1, tzinfo=ZoneInfo("Europe/Paris"))]


def test_raw_queries(clean):
    from django.db import connection

    m = models()
    seed()
    raw = list(m.Author.objects.raw("select id, name from django_app_author where name <> %s order by name", ["Cy"]))
    assert [a.name for a in raw] == ["Ann", "Bob"]
    with connection.cursor() as cur:
        cur.execute("select title, price from django_app_book where price > %s order by price", [Decimal("10")])
        assert cur.fetchall() == [("Odes", Decimal("15.00")), ("Rome", Decimal("25.50"))]
        cur.executemany("insert into django_app_label (name) values (%s)", [("x1",), ("x2",)])
    assert m.Label.objects.filter(name__startswith="x").count() == 2


def test_auth_and_sessions():
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.sessions.backends.db import SessionStore

    editors = Group.objects.create(name="editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="django_app",
                                                       codename__startswith="change_"))
    user = User.objects.create_user("ed", "ed@example.com", "secret")
    user.groups.add(editors)
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("django_app.change_book") and not user.has_perm("django_app.delete_book")
    assert list(User.objects.filter(groups__name="editors").values_list("username", flat=True)) == ["ed"]
    session = SessionStore()
    session["user"] = user.pk
    session.set_expiry(300)
    session.save()
    assert SessionStore(session_key=session.session_key)["user"] == user.pk
    session.delete()
    user.delete()
    editors.delete()


def test_dumpdata_loaddata_sequence_reset(clean, tmp_path):
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    m = models()
    seed()
    out = io.StringIO()
    call_command("dumpdata", "django_app", stdout=out)
    dumped = json.loads(out.getvalue())
    assert len([o for o in dumped if o["model"] == "django_app.book"]) == 3
    fixture = tmp_path / "app.json"
    fixture.write_text(out.getvalue())
    m.Author.objects.all().delete()
    m.Label.objects.all().delete()
    call("loaddata", str(fixture))
    assert m.Book.objects.count() == 3 and m.Review.objects.count() == 3
    assert sorted(t.name for t in m.Book.objects.get(title="Rome").tags.all()) == ["history", "sf"]
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m.Author, m.Label, m.Review]):
            cur.execute(sql)
    top = max(m.Author.objects.values_list("pk", flat=True))
    assert m.Author.objects.create(name="next").pk == top + 1


@contextlib.contextmanager
def created(*model_classes):
    """The models' tables made by Django's schema editor for the block, dropped after it.

    Not atomic: a schema editor whose deferred SQL (its indexes) fails leaves its atomic block
    open, and every later test of the module would fail with it."""
    from django.db import DatabaseError, connection

    made = False
    try:
        with connection.schema_editor(atomic=False) as editor:
            for model in model_classes:
                editor.create_model(model)
        made = True
        yield
    finally:
        # What a failed creation left behind goes quietly; a failed drop after a good one is
        # a failure of its own.
        with contextlib.suppress(*(() if made else (DatabaseError,))):
            with connection.schema_editor(atomic=False) as editor:
                for model in reversed(model_classes):
                    editor.delete_model(model)


def test_schema_editor_features():
    """Django 4.2-5.x schema features: db_default, column and table comments, an expression
    index, a partial index, unique constraints on an expression and with a condition."""
    from django.db import IntegrityError, connection, models, transaction
    from django.db.models import Q
    from django.db.models.functions import Lower, Now

    class Gadget(models.Model):
        name = models.CharField(max_length=50, db_comment="what it is called")
        made = models.DateTimeField(db_default=Now())
        price = models.DecimalField(max_digits=6, decimal_places=2, db_default=1)

        class Meta:
            app_label = "django_app"
            db_table_comment = "gadgets of all kinds"
            indexes = [
                models.Index(Lower("name"), name="gadget_lower_name"),
                models.Index(fields=["price"], condition=Q(price__gt=10), name="gadget_pricey"),
            ]
            constraints = [
                models.UniqueConstraint(Lower("name"), name="gadget_uniq_lower_name"),
                models.UniqueConstraint(fields=["price"], condition=Q(price__gt=100), name="gadget_uniq_big"),
            ]

    with created(Gadget):
        before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
        g = Gadget.objects.create(name="Knife")
        g.refresh_from_db()
        assert g.made >= before and g.price == Decimal("1.00")
        with pytest.raises(IntegrityError), transaction.atomic():
            Gadget.objects.create(name="KNIFE")
        Gadget.objects.create(name="Fork", price=200)
        with pytest.raises(IntegrityError), transaction.atomic():
            Gadget.objects.create(name="Spoon", price=200)
        Gadget.objects.create(name="Cup", price=50)
        Gadget.objects.create(name="Mug", price=50)
        with connection.cursor() as cur:
            description = {c.name: c for c in connection.introspection.get_table_description(cur, "django_app_gadget")}
            assert description["name"].comment == "what it is called"
            tables = {t.name: t.comment for t in connection.introspection.get_table_list(cur)}
            assert tables["django_app_gadget"] == "gadgets of all kinds"
            constraints = connection.introspection.get_constraints(cur, "django_app_gadget")
            assert {"gadget_lower_name", "gadget_pricey", "gadget_uniq_lower_name", "gadget_uniq_big"} <= set(
                constraints)
            assert constraints["gadget_uniq_lower_name"]["unique"]


def test_generated_field():
    from django.db import models
    from django.db.models import F

    class Priced(models.Model):
        price = models.DecimalField(max_digits=6, decimal_places=2)
        doubled = models.GeneratedField(expression=F("price") * 2, db_persist=True,
                                        output_field=models.DecimalField(max_digits=8, decimal_places=2))

        class Meta:
            app_label = "django_app"

    with created(Priced):
        p = Priced.objects.create(price=Decimal("2.50"))
        p.refresh_from_db()
        assert p.doubled == Decimal("5.00")
        assert Priced.objects.filter(doubled__gt=4).count() == 1


def test_gin_index():
    from django.contrib.postgres.indexes import GinIndex
    from django.db import models

    class Tagged(models.Model):
        tags = models.JSONField(default=list)

        class Meta:
            app_label = "django_app"
            indexes = [GinIndex(fields=["tags"], name="tagged_tags_gin")]

    with created(Tagged):
        Tagged.objects.create(tags=["a", "b"])
        assert Tagged.objects.filter(tags__contains=["a"]).count() == 1


def test_full_text_search(clean):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    m = models()
    seed()
    vector = SearchVector("title", weight="A") + SearchVector("meta__lang", weight="B")
    found = m.Book.objects.annotate(search=vector).filter(search=SearchQuery("dune"))
    assert [b.title for b in found] == ["Dune"]
    ranked = m.Book.objects.annotate(rank=SearchRank(vector, SearchQuery("en"))).filter(rank__gt=0)
    assert sorted(b.title for b in ranked) == ["Dune", "Rome"]


def test_date_range_field():
    from django.contrib.postgres.fields import DateRangeField
    from django.db import models
    from django.db.backends.postgresql.psycopg_any import DateRange

    class Booking(models.Model):
        during = DateRangeField()

        class Meta:
            app_label = "django_app"

    with created(Booking):
        Booking.objects.create(during=DateRange(dt.date(2024, 1, 1), dt.date(2024, 1, 10)))
        assert Booking.objects.filter(during__contains=dt.date(2024, 1, 5)).count() == 1


def test_explain(clean):
    m = models()
    plan = m.Author.objects.filter(name="Ann").explain()
    assert "django_app_author" in plan


class TestCaseRollsBack(TestCase):
    """django.test.TestCase: each test inside a transaction (and its class inside another),
    rolled back after it; setUpTestData rows are seen by every test."""

    @classmethod
    def setUpTestData(cls):
        models().Author.objects.all().delete()  # rolled back with the class's transaction
        models().Author.objects.create(name="class-level")

    def test_a_writes(self):
        m = models()
        m.Author.objects.create(name="test-level")
        self.assertEqual(m.Author.objects.count(), 2)

    def test_b_sees_only_class_data(self):
        self.assertEqual(list(models().Author.objects.values_list("name", flat=True)), ["class-level"])
