"""The process runner's entry point (`runners`): run one queued build in this process."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations import services
from recommendations.models import Build


def run_and_report(command: BaseCommand, build: Build) -> None:
    """Run `build` here, writing its progress to the command's output; CommandError unless it
    ends complete and active."""
    if build.load_only:
        command.stdout.write(f"Build {build.pk}: loading {build.output_path} ({build.input_path})")
    else:
        command.stdout.write(f"Build {build.pk}: {build.input_path}")
    try:
        services.build_run(build=build, on_progress=command.stdout.write)
    except Exception as error:
        raise CommandError(f"Build {build.pk} failed: {error}") from error
    if build.status != Build.Status.COMPLETE:
        raise CommandError(f"Build {build.pk} {build.status}: {build.error}")
    command.stdout.write(
        command.style.SUCCESS(
            f"Build {build.pk} active: {build.song_count:,} songs, "
            f"{build.neighbour_count:,} neighbour rows"
        )
    )


class Command(BaseCommand):
    help = "Run a queued build (what the process runner starts; see `manage.py build_recs`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("build_id", type=int, help="the queued build's id")

    def handle(self, *args, **options) -> None:
        build = Build.objects.filter(pk=options["build_id"]).first()
        if build is None:
            raise CommandError(f"No build {options['build_id']}.")
        run_and_report(self, build)
