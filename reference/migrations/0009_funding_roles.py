"""Who runs and funds what, from foreign keys to participation rows with roles (issue #18
point 6), their history kept (core.migrating)."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.fulltext import operation as fulltext_operation
from core.migrating import foreign_keys_to_rows


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0008_organisation_fulltext"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalProgrammeParticipant",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("funding", "Funding"),
                            ("accountable", "Accountable"),
                            ("extending", "Extending"),
                            ("implementing", "Implementing"),
                            ("swedish", "Swedish participant"),
                            ("partner", "Partner local government"),
                        ],
                        db_index=True,
                        help_text="What the organisation does here. One organisation may have several roles.",
                        max_length=12,
                        verbose_name="role",
                    ),
                ),
                (
                    "amount_sek",
                    models.BigIntegerField(
                        blank=True,
                        help_text="Whole kronor, when a source states it.",
                        null=True,
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="amount, SEK",
                    ),
                ),
                (
                    "share_percent",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="0–100, when a source states it.",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="share, per cent",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="Lower numbers are listed first.", verbose_name="order"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Type a few letters of the name, a former name, the acronym or a code.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reference.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reference.programme",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical organisation of the programme",
                "verbose_name_plural": "historical organisations of the programme",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ProgrammeParticipant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("funding", "Funding"),
                            ("accountable", "Accountable"),
                            ("extending", "Extending"),
                            ("implementing", "Implementing"),
                            ("swedish", "Swedish participant"),
                            ("partner", "Partner local government"),
                        ],
                        db_index=True,
                        help_text="What the organisation does here. One organisation may have several roles.",
                        max_length=12,
                        verbose_name="role",
                    ),
                ),
                (
                    "amount_sek",
                    models.BigIntegerField(
                        blank=True,
                        help_text="Whole kronor, when a source states it.",
                        null=True,
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="amount, SEK",
                    ),
                ),
                (
                    "share_percent",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="0–100, when a source states it.",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="share, per cent",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="Lower numbers are listed first.", verbose_name="order"
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        help_text="Type a few letters of the name, a former name, the acronym or a code.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reference.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="roles",
                        to="reference.programme",
                    ),
                ),
            ],
            options={
                "verbose_name": "organisation of the programme",
                "verbose_name_plural": "organisations of the programme",
                "ordering": ["position", "id"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("programme", "role"), name="programme_role_one_per_role"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("role__in", ("accountable", "funding"))),
                        name="programme_role_role_allowed",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("amount_sek__isnull", True), ("amount_sek__gt", 0), _connector="OR"
                        ),
                        name="programme_role_amount_positive",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("share_percent__isnull", True),
                            models.Q(("share_percent__gte", 0), ("share_percent__lte", 100)),
                            _connector="OR",
                        ),
                        name="programme_role_share_in_range",
                    ),
                ],
            },
        ),
        foreign_keys_to_rows(
            "reference",
            "Programme",
            "ProgrammeParticipant",
            "programme",
            {"owner_id": "accountable", "funder_id": "funding"},
        ),
        # Reversed, the fields come back in a remade table without its full-text triggers
        # (SQLite): they are made again here, after the reversed RemoveFields.
        migrations.RunPython(
            migrations.RunPython.noop,
            fulltext_operation(
                "reference.Programme", ("name_sv", "description_sv", "name_en", "description_en")
            ).code,
        ),
        migrations.RemoveField(
            model_name="historicalprogramme",
            name="funder",
        ),
        migrations.RemoveField(
            model_name="historicalprogramme",
            name="owner",
        ),
        migrations.RemoveField(
            model_name="programme",
            name="funder",
        ),
        migrations.RemoveField(
            model_name="programme",
            name="owner",
        ),
        # Removing the fields remade the table on SQLite, without its full-text triggers.
        fulltext_operation(
            "reference.Programme", ("name_sv", "description_sv", "name_en", "description_en")
        ),
    ]
