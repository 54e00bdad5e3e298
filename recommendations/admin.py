from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from recommendations import charts, runners, services
from recommendations.forms import StartBuildForm
from recommendations.models import Build

# While a build runs, the list and its page reload themselves this often.
REFRESH_SECONDS = 3


@admin.register(Build)
class BuildAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "status",
        "is_active",
        "stage",
        "progress_bar",
        "started_at",
        "finished_at",
        "duration_seconds",
        "song_count",
        "neighbour_count",
        "short_error",
    ]
    list_filter = ["status", "is_active"]
    actions = ["activate", "cancel"]
    change_list_template = "admin/recommendations/build/change_list.html"
    change_form_template = "admin/recommendations/build/change_form.html"
    readonly_fields = [
        "status",
        "is_active",
        "stage",
        "progress_bar",
        "input_path",
        "output_path",
        "parameters",
        "song_count",
        "neighbour_count",
        "timings",
        "summary",
        "error",
        "worker",
        "spark_pid",
        "created_at",
        "started_at",
        "finished_at",
        "cancel_requested_at",
    ]
    exclude = ["in_progress"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Build | None = None) -> bool:
        return False

    @admin.display(description="Progress")
    def progress_bar(self, build: Build) -> str:
        return format_html(
            '<progress max="100" value="{}"></progress> {}%', build.progress, build.progress
        )

    @admin.display(description="Seconds")
    def duration_seconds(self, build: Build) -> str:
        return f"{build.duration:.0f}" if build.duration is not None else "–"

    @admin.display(description="Error")
    def short_error(self, build: Build) -> str:
        return build.error.splitlines()[0][:120] if build.error else ""

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
                stage_chart=charts.stage_bars(build, previous),
                histogram=charts.similarity_histogram(build, previous),
                comparison=charts.comparison(build, previous),
                recall=build.summary.get("recall_at_10"),
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
