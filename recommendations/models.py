from django.db import models

from catalog.models import Song


class Build(models.Model):
    """One run of the batch job and the load of its output."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        LOADING = "loading"
        COMPLETE = "complete"
        FAILED = "failed"

    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    is_active = models.BooleanField(default=False, help_text="The build the site serves.")
    input_path = models.CharField(max_length=1000)
    output_path = models.CharField(max_length=1000, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="The job's JSON summary.")
    stage = models.CharField(max_length=64, blank=True)
    song_count = models.PositiveIntegerField(null=True, blank=True)
    neighbour_count = models.PositiveBigIntegerField(null=True, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per stage.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_build"
            )
        ]

    def __str__(self) -> str:
        return f"Build {self.pk} ({self.status})"


class Neighbour(models.Model):
    """One of a song's nearest neighbours in one build, by Jaccard similarity of playlist sets.

    Rows refer to songs by their stable key, so the job's output loads without an id lookup.
    """

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="neighbours")
    song = models.ForeignKey(
        Song, to_field="key", db_column="song_key", on_delete=models.CASCADE, related_name="+"
    )
    neighbour = models.ForeignKey(
        Song, to_field="key", db_column="neighbour_key", on_delete=models.CASCADE, related_name="+"
    )
    similarity = models.FloatField()
    rank = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["build", "song", "rank"], name="neighbour_lookup")]

    def __str__(self) -> str:
        return f"{self.song_id} → {self.neighbour_id} ({self.similarity:.3f})"
