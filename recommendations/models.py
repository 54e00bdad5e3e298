from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models import Song
from spark import contract


class Build(models.Model):
    """One run of the batch job and the load of its output: a version of the recommendations."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        LOADING = "loading"
        COMPLETE = "complete"
        FAILED = "failed"
        CANCELLED = "cancelled"

    # Share of the work done when each stage starts, for the progress bar: the job's stages,
    # then the load.
    STAGE_PROGRESS = {**contract.STAGES, "load": 85}

    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED)
    in_progress = models.BooleanField(
        default=False,
        help_text="Queued, running or loading. At most one build can be: the guard lives here.",
    )
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
    worker = models.CharField(max_length=255, blank=True, help_text="Who runs it.")
    spark_pid = models.PositiveIntegerField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_build"
            ),
            models.UniqueConstraint(
                fields=["in_progress"], condition=Q(in_progress=True), name="one_build_at_a_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Build {self.pk} ({self.status})"

    @property
    def progress(self) -> int:
        """Rough percentage done, from the stage it is in."""
        if self.status == self.Status.COMPLETE:
            return 100
        return self.STAGE_PROGRESS.get(self.stage, 0)

    @property
    def load_only(self) -> bool:
        """Loads an output the Spark job wrote elsewhere instead of running the job."""
        return bool(self.parameters.get("load_only"))

    @property
    def stage_seconds(self) -> dict[str, float]:
        """`timings` in the order the stages run (jsonb keeps keys in an order of its own);
        stages the site does not know last."""
        order = list(self.STAGE_PROGRESS)
        return dict(
            sorted(
                self.timings.items(),
                key=lambda item: order.index(item[0]) if item[0] in order else len(order),
            )
        )

    @property
    def duration(self) -> float | None:
        """Seconds from start to end (or to now while it runs)."""
        if not self.started_at:
            return None
        return ((self.finished_at or timezone.now()) - self.started_at).total_seconds()


class Neighbour(models.Model):
    """One of a song's nearest neighbours in one build, by Jaccard similarity of playlist sets.

    Rows refer to songs by their stable key, so the job's output loads without an id lookup. The
    primary key (build, song, rank) is also the serving index. On PostgreSQL the table is
    partitioned by build: a build loads into its own partition and an old one is detached and
    dropped without touching the rows that are served.
    """

    pk = models.CompositePrimaryKey("build_id", "song_id", "rank")
    build = models.ForeignKey(
        Build,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="neighbours",
    )
    song = models.ForeignKey(
        Song,
        to_field="key",
        db_column="song_key",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    neighbour = models.ForeignKey(
        Song,
        to_field="key",
        db_column="neighbour_key",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    similarity = models.FloatField()
    rank = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.song_id} → {self.neighbour_id} ({self.similarity:.3f})"
