from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations import loading, services
from recommendations.models import Build
from recommendations.selectors import active_build

# Options handed to spark/job.py as they are (--k and --spark-master are the build's own).
JOB_ARGUMENTS = (
    *("engine", "exact_budget", "driver_budget", "seed"),
    *("lsh_threshold", "lsh_rows", "lsh_bands", "lsh_cap"),
    *("hash_tables", "max_distance"),
)


class Command(BaseCommand):
    help = (
        "Run the Spark job on a playlists CSV and load the songs and neighbours it finds, "
        "or (--load) load an output the job wrote elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", help="playlists CSV (any Hadoop path)")
        parser.add_argument(
            "--load",
            metavar="DIR",
            help="load this output of spark/job.py (e.g. from Dataproc) instead of running Spark",
        )
        parser.add_argument("--k", type=int, help="neighbours kept per song (default 20)")
        parser.add_argument("--spark-master", help="Spark master URL (default SPARK_MASTER)")
        parser.add_argument(
            "--engine", choices=("auto", "exact", "minhash", "mllib"), help="default auto"
        )
        parser.add_argument("--exact-budget", type=float, help="auto: largest Σ playlist size²")
        parser.add_argument(
            "--driver-budget",
            type=float,
            help="largest Σ playlist size² computed in the Spark driver (0: in Spark tasks)",
        )
        parser.add_argument("--lsh-threshold", type=float, help="minhash: S-curve's steep point")
        parser.add_argument("--lsh-rows", type=int, help="minhash: rows per band (r)")
        parser.add_argument("--lsh-bands", type=int, help="minhash: bands (b)")
        parser.add_argument("--lsh-cap", type=int, help="minhash: bucket window (songs)")
        parser.add_argument("--seed", type=int, help="hash functions and recall sample")
        parser.add_argument("--hash-tables", type=int, help="mllib: MinHashLSH hash tables")
        parser.add_argument("--max-distance", type=float, help="mllib: distance threshold")
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
        parser.add_argument("--build", type=int, help="run this queued build (used by runners)")

    def handle(self, *args, **options) -> None:
        if options["build"]:
            build = Build.objects.filter(pk=options["build"]).first()
            if build is None:
                raise CommandError(f"No build {options['build']}.")
            return self._run(build)
        if not options["input"] and not options["load"]:
            raise CommandError("--input (or --load) is required.")
        job_options = [
            f"--{name.replace('_', '-')}"
            for name in ("input", "k", "spark_master", *JOB_ARGUMENTS)
            if options[name] is not None
        ]
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
        except (services.BuildAlreadyRunning, loading.InvalidOutput) as error:
            raise CommandError(str(error)) from error
        if options["run_async"]:
            try:
                services.build_enqueue(build=build)
            except services.BuildNotQueued as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Build {build.pk} queued.")
            return
        self._run(build)

    def _start(self, options: dict) -> Build:
        if options["load"]:
            return services.build_start_load(output_dir=Path(options["load"]))
        job_arguments = {
            name.replace("_", "-"): options[name]
            for name in JOB_ARGUMENTS
            if options[name] is not None
        }
        return services.build_start(
            input_path=options["input"],
            k=options["k"],
            spark_master=options["spark_master"],
            job_arguments=job_arguments,
        )

    def _run(self, build: Build) -> None:
        if build.load_only:
            self.stdout.write(f"Build {build.pk}: loading {build.output_path} ({build.input_path})")
        else:
            self.stdout.write(f"Build {build.pk}: {build.input_path}")
        try:
            services.build_run(build=build, on_progress=self.stdout.write)
        except Exception as error:
            raise CommandError(f"Build {build.pk} failed: {error}") from error
        if build.status != Build.Status.COMPLETE:
            raise CommandError(f"Build {build.pk} {build.status}: {build.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Build {build.pk} active: {build.song_count:,} songs, "
                f"{build.neighbour_count:,} neighbour rows"
            )
        )
