"""Comparisons, as the project package left them (its migrations 0001 and 0004).

Databases made before comparisons moved into this app have the table and a record of
``verdicts.0004_comparison_newest_index`` (so of 0001 to 0003 too): ``replaces`` tells
Django this migration is applied there.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [("verdicts", "0004_comparison_newest_index")]

    dependencies = [
        ("tools", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name='Comparison',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('editor_note', models.TextField(blank=True, help_text='Shown under the title. Plain text.', verbose_name="editor's note")),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='draft', max_length=10)),
                ('published_at', models.DateTimeField(blank=True, help_text='Set on publishing when left empty.', null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('tool_a', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='comparisons_as_a', to='tools.tool', verbose_name='first tool')),
                ('tool_b', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='comparisons_as_b', to='tools.tool', verbose_name='second tool')),
            ],
            options={
                'ordering': ['-published_at', '-pk'],
                'db_table': 'verdicts_comparison',
                'indexes': [models.Index(models.OrderBy(models.F('published_at'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True), name='comparison_newest')],
                'constraints': [models.CheckConstraint(condition=models.Q(('tool_a', models.F('tool_b')), _negated=True), name='comparison_two_different_tools'), models.UniqueConstraint(django.db.models.functions.comparison.Least('tool_a', 'tool_b'), django.db.models.functions.comparison.Greatest('tool_a', 'tool_b'), name='comparison_one_per_pair', violation_error_message='These two tools already have a comparison.'), models.CheckConstraint(condition=models.Q(('status', 'draft'), ('published_at__isnull', False), _connector='OR'), name='comparison_published_has_date')],
            },
        ),
    ]
