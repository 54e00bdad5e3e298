from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timezone import localtime

from recommendations import charts, inputs, report, runners, services
from recommendations.forms import StartBuildForm
from recommendations.models import Build

# While a build runs, the list and its page reload themselves this often.
REFRESH_SECONDS = 3
# Characters of an error's first line the list shows (the whole line is its tooltip).
SHORT_ERROR = 80


@admin.register(Build)
class BuildAdmin(admin.ModelAdmin):
    # Narrow columns, so the list fits a laptop's screen beside the admin's sidebars.
    list_display = [
        "id",
        "status_column",
        "started",
        "took",
        "songs",
        "neighbours",
    ]
    list_filter = ["status", "is_active"]
    actions = ["activate", "cancel"]
    change_list_template = "admin/recommendations/build/change_list.html"
    change_form_template = "admin/recommendations/build/change_form.html"
    # The summary, the timings and the error are the report below the fields (report.py), the
    # error first of all.
    fieldsets = [
        (None, {"fields": ["status", "served", "stage", "progress_bar", "took"]}),
        ("Input and output", {"fields": ["input_path", "output_path", "requested"]}),
        ("Counts", {"fields": ["songs_loaded", "neighbours_loaded"]}),
        (
            "Who and when",
            {"fields": ["worker", "spark_pid", "created_at", "started_at", "finished_at"]},
        ),
    ]
    readonly_fields = [
        "status",
        "served",
        "stage",
        "progress_bar",
        "took",
        "input_path",
        "output_path",
        "requested",
        "songs_loaded",
        "neighbours_loaded",
        "worker",
        "spark_pid",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Build | None = None) -> bool:
        return False

    @admin.display(description="Progress")
    def progress_bar(self, build: Build) -> str:
        return format_html(
            '<progress max="100" value="{}"></progress> {}%', build.progress, build.progress
        )

    @admin.display(description="Status", ordering="status")
    def status_column(self, build: Build) -> str:
        """The status, whether it is served, the stage it is in or failed at, and the start of
        its error: one column, so the list stays narrow."""
        status = build.get_status_display()
        if build.in_progress:
            return format_html(
                '{} <progress max="100" value="{}"></progress> {}',
                status,
                build.progress,
                build.stage,
            )
        if build.is_active:
            status = format_html("{} <strong>· served</strong>", status)
        elif build.status == Build.Status.FAILED and build.stage:
            status = f"{status} at {build.stage}"
        if not build.error:
            return status
        first_line = build.error.splitlines()[0]
        return format_html(
            '{}<div class="build-error" title="{}">{}</div>',
            status,
            first_line,
            Truncator(first_line).chars(SHORT_ERROR),
        )

    @admin.display(description="Started", ordering="started_at")
    def started(self, build: Build) -> str:
        return date_format(localtime(build.started_at), "j M H:i") if build.started_at else "–"

    @admin.display(description="Took")
    def took(self, build: Build) -> str:
        return report.duration(build.duration)

    @admin.display(description="Songs")
    def songs(self, build: Build) -> str:
        return report.compact(build.song_count)

    @admin.display(description="Neighbours")
    def neighbours(self, build: Build) -> str:
        return report.compact(build.neighbour_count)

    @admin.display(description="Songs")
    def songs_loaded(self, build: Build) -> str:
        return report.number(build.song_count)

    @admin.display(description="Neighbour rows")
    def neighbours_loaded(self, build: Build) -> str:
        return report.number(build.neighbour_count)

    @admin.display(description="Served")
    def served(self, build: Build) -> str:
        if build.is_active:
            return "Yes: the site serves this build."
        if build.status == Build.Status.COMPLETE:
            return "No: the action “Activate” serves it again."
        return "No: only a complete build can be served."

    @admin.display(description="Requested")
    def requested(self, build: Build) -> str:
        return ", ".join(f"{name} {value}" for name, value in build.parameters.items()) or "–"

    @admin.action(description="Activate (serve this build)")
    def activate(self, request: HttpRequest, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one build to activate.", messages.ERROR)
            return
        build = queryset.get()
        try:
            services.build_activate(build=build)
        except services.BuildNotActivatable as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"Build {build.pk} is now served.", messages.SUCCESS)

    @admin.action(description="Cancel")
    def cancel(self, request: HttpRequest, queryset) -> None:
        for build in queryset:
            if services.build_cancel(build=build):
                self.message_user(request, f"Build {build.pk}: cancelling.", messages.SUCCESS)
            else:
                self.message_user(
                    request,
                    f"Build {build.pk} is {build.status}: nothing to cancel.",
                    messages.WARNING,
                )

    def get_urls(self):
        start = path(
            "start/",
            self.admin_site.admin_view(self.start_view),
            name="recommendations_build_start",
        )
        return [start, *super().get_urls()]

    def start_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = StartBuildForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                build = services.build_start(
                    input_path=form.cleaned_data["input_path"],
                    k=form.cleaned_data["k"],
                    job_arguments=form.job_arguments(),
                )
            except services.BuildAlreadyRunning as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                try:
                    runners.build_enqueue(build=build)
                except runners.BuildNotQueued as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    self.message_user(request, f"Build {build.pk} queued.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:recommendations_build_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Start rebuild",
            "form": form,
            "input_files": inputs.input_files(),
            "input_dirs": settings.SONGREC_INPUT_DIRS,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/recommendations/build/start.html", context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "refresh_seconds": REFRESH_SECONDS if self._any_running() else None,
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        build = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if build is not None:
            previous = (
                Build.objects.filter(pk__lt=build.pk, status=Build.Status.COMPLETE)
                .order_by("-pk")
                .first()
            )
            extra_context.update(
                previous=previous,
                tables=report.summary_tables(build),
                stage_rows=report.stage_rows(build),
                stage_chart=charts.stage_bars(build, previous),
                histogram=charts.similarity_histogram(build, previous),
                comparison=report.comparison(build, previous),
                refresh_seconds=REFRESH_SECONDS if build.in_progress else None,
                # Every field is read-only: a build changes through its actions, not a form.
                show_save=False,
                show_save_and_continue=False,
                show_save_and_add_another=False,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _any_running() -> bool:
        return Build.objects.filter(in_progress=True).exists()
