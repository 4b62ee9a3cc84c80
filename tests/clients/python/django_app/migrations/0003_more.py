import django.db.models.deletion
from django.db import migrations, models


def fill_comments(apps, schema_editor):
    Review = apps.get_model("django_app", "Review")
    Review.objects.filter(stars__gte=4).update(comment="liked")


class Migration(migrations.Migration):

    dependencies = [
        ('django_app', '0002_alter'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='author',
            new_name='author_born_date_idx',
            old_name='author_born_idx',
        ),
        migrations.AddField(
            model_name='book',
            name='editor',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='edited', to='django_app.author'),
        ),
        migrations.AddField(
            model_name='review',
            name='comment',
            field=models.TextField(default=''),
        ),
        migrations.AlterField(
            model_name='author',
            name='email',
            field=models.EmailField(blank=True, db_index=True, default='', max_length=254),
        ),
        migrations.AlterField(
            model_name='author',
            name='name',
            field=models.CharField(max_length=150, unique=True),
        ),
        migrations.RenameModel(old_name="Tag", new_name="Label"),
        migrations.RunPython(fill_comments, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE INDEX book_lower_title_idx ON django_app_book (lower(title))",
            "DROP INDEX book_lower_title_idx",
        ),
    ]
