from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations import loading, runners, services
from recommendations.inputs import InvalidInput, checked_input
from recommendations.management.commands.run_build import run_and_report
from recommendations.models import Build
from recommendations.selectors import active_build
from spark import contract


class Command(BaseCommand):
    help = (
        "Run the Spark job on a playlists CSV and load the songs and neighbours it finds, "
        "or (--load) load an output the job wrote elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--input", help="playlists CSV: a file or Hadoop path under SONGREC_INPUT_DIRS"
        )
        parser.add_argument(
            "--load",
            metavar="DIR",
            help="load this output of spark/job.py (e.g. from Dataproc) instead of running Spark",
        )
        k = contract.OPTION["k"]
        parser.add_argument("--k", type=int, help=f"{k.help} (default {k.default})")
        parser.add_argument("--spark-master", help="Spark master URL (default SPARK_MASTER)")
        # The job's tuning options, handed to spark/job.py as they are; unset, the job's default.
        for option in contract.TUNING:
            parser.add_argument(
                f"--{option.name}",
                type=option.type,
                choices=option.choices,
                help=f"{option.help} (default {option.default})",
            )
        parser.add_argument(
            "--async",
            action="store_true",
            dest="run_async",
            help="queue the build for a worker (SONGREC_BUILD_RUNNER) and return at once",
        )
        parser.add_argument(
            "--if-no-active-build",
            action="store_true",
            help="do nothing when the site already serves a build (for the quick start)",
        )

    def handle(self, *args, **options) -> None:
        if not options["input"] and not options["load"]:
            raise CommandError("--input (or --load) is required.")
        given = ("input", "k", "spark_master", *(option.dest for option in contract.TUNING))
        job_options = [f"--{name.replace('_', '-')}" for name in given if options[name] is not None]
        if options["load"] and job_options:
            raise CommandError(
                f"--load takes an output the job already computed: "
                f"{', '.join(job_options)} cannot apply."
            )
        if options["if_no_active_build"] and (build := active_build()):
            self.stdout.write(f"Build {build.pk} is active already; nothing to do.")
            return
        try:
            build = self._start(options)
        except (services.BuildAlreadyRunning, loading.InvalidOutput, InvalidInput) as error:
            raise CommandError(str(error)) from error
        if options["run_async"]:
            try:
                runners.build_enqueue(build=build)
            except runners.BuildNotQueued as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Build {build.pk} queued.")
            return
        run_and_report(self, build)

    def _start(self, options: dict) -> Build:
        if options["load"]:
            return services.build_start_load(output_dir=Path(options["load"]))
        job_arguments = {
            option.name: options[option.dest]
            for option in contract.TUNING
            if options[option.dest] is not None
        }
        input_path = checked_input(options["input"])  # before the build is queued
        return services.build_start(
            input_path=input_path,
            k=options["k"],
            spark_master=options["spark_master"],
            job_arguments=job_arguments,
        )
