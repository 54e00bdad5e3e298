from django.conf import settings
from django.db import models
from django.utils import timezone

from catalog.forms import MAX_SEARCH_LENGTH
from catalog.models import Song


class Favourite(models.Model):
    """A song a user keeps.

    It points at the song by its stable key (never deleted, kept across rebuilds), so a rebuild
    with changed data leaves it on the same song, in the catalogue or not.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    # PROTECT: songs are never deleted; deleting one by hand must not drop people's favourites.
    song = models.ForeignKey(
        Song, to_field="key", db_column="song_key", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "song"], name="one_favourite_per_song")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="favourite_newest")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.song_id}"


class HistoryEntry(models.Model):
    """A search a user ran or a song page they opened."""

    class Kind(models.TextChoices):
        SEARCH = "search"
        VIEW = "view"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="history"
    )
    kind = models.CharField(max_length=8, choices=Kind)
    song = models.ForeignKey(
        Song,
        to_field="key",
        db_column="song_key",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The song opened (views only).",
    )
    query = models.CharField(max_length=MAX_SEARCH_LENGTH, blank=True)
    artist = models.CharField(max_length=MAX_SEARCH_LENGTH, blank=True)
    track = models.CharField(max_length=MAX_SEARCH_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "history entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="view", song__isnull=False)
                | models.Q(kind="search", song__isnull=True),
                name="history_view_has_song",
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="history_newest")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} at {self.created_at:%Y-%m-%d %H:%M}"

    def search_terms(self) -> dict[str, str]:
        """The search's non-empty fields, named as the search page's parameters."""
        terms = {"q": self.query, "artist": self.artist, "track": self.track}
        return {name: value for name, value in terms.items() if value}


class LoginFailure(models.Model):
    """One failed log-in, kept while it counts towards a lockout.

    An attempt is recorded before its password is checked; a successful log-in deletes its
    account's rows.
    """

    username = models.CharField(max_length=150, help_text="As typed, case-folded.")
    address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["username", "-created_at"], name="login_failure_username"),
            models.Index(fields=["address", "-created_at"], name="login_failure_address"),
            models.Index(fields=["created_at"], name="login_failure_age"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.created_at:%Y-%m-%d %H:%M}"


class ThrottledRequest(models.Model):
    """One password-reset request or sign-up attempt, kept while it counts towards a limit."""

    class Action(models.TextChoices):
        PASSWORD_RESET = "password_reset"
        SIGN_UP = "sign_up"

    action = models.CharField(max_length=16, choices=Action)
    key = models.CharField(
        max_length=320, help_text="A client address, or an e-mail address case-folded."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["action", "key", "-created_at"], name="throttled_request_key"),
            models.Index(fields=["created_at"], name="throttled_request_age"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.key} at {self.created_at:%Y-%m-%d %H:%M}"
