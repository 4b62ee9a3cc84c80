import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q


class Author(models.Model):
    name = models.CharField(max_length=150, unique=True)
    email = models.EmailField(blank=True, default="", db_index=True)
    born = models.DateField(null=True)

    class Meta:
        app_label = "django_app"
        indexes = [models.Index(fields=["born"], name="author_born_date_idx")]


class Label(models.Model):
    name = models.SlugField(unique=True)

    class Meta:
        app_label = "django_app"


class Book(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    editor = models.ForeignKey(Author, on_delete=models.SET_NULL, null=True, related_name="edited")
    tags = models.ManyToManyField(Label, related_name="books", blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    pages = models.IntegerField(null=True)
    published = models.DateTimeField(null=True)
    meta = models.JSONField(default=dict)
    keywords = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    rating = models.FloatField(null=True)

    class Meta:
        app_label = "django_app"
        constraints = [
            models.UniqueConstraint(fields=["author", "title"], name="book_author_title_uniq"),
            models.CheckConstraint(condition=Q(price__gte=0), name="book_price_nonneg"),
        ]


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.CharField(max_length=50)
    stars = models.PositiveSmallIntegerField()
    comment = models.TextField(default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "django_app"
        unique_together = [("book", "reviewer")]
