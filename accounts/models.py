from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from core.addresses import validate_deliverable
from core.text import CleanText


class UserManager(BaseUserManager):
    """Members sign in with their email address; there is no username."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        if not email:
            raise ValueError("A member needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser has is_staff and is_superuser set.")
        return self.create_user(email, password, **extra_fields)


class User(CleanText, AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True, validators=[validate_deliverable])
    name = models.CharField("display name", max_length=80, blank=True)
    # The member's own weights for the panel's seats, as an address spells them
    # ("founder:2,futurist:0", core/weights.py); empty: the panel's own. Kept on the row so
    # that reading them costs nothing beyond the member (reviews/weighting.py).
    panel_weights = models.CharField(
        "weights for the panel's seats", max_length=400, blank=True, default="", db_default=""
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        # The table predates this app (members lived in the project package): its name,
        # and those of its many-to-many tables, stay so no row has to move.
        db_table = "verdicts_user"

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email.split("@")[0]
