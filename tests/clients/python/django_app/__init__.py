"""The Django app test_django.py migrates and queries: an author/book/tag/review schema whose
second migration alters it the ways Django projects do (fields added, removed, renamed and
retyped, an index, unique_together, UniqueConstraint, CheckConstraint)."""
