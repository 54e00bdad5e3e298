from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations import services
from recommendations.models import Build
from recommendations.selectors import active_build


class Command(BaseCommand):
    help = "Run the Spark job on a playlists CSV and load the songs and neighbours it finds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", help="playlists CSV (any Hadoop path)")
        parser.add_argument("--k", type=int, help="neighbours kept per song (default 20)")
        parser.add_argument("--spark-master", help="Spark master URL (default SPARK_MASTER)")
        parser.add_argument(
            "--engine", choices=("auto", "exact", "minhash", "mllib"), help="default auto"
        )
        parser.add_argument("--exact-budget", type=float, help="auto: largest Σ playlist size²")
        parser.add_argument("--lsh-threshold", type=float, help="minhash: S-curve's steep point")
        parser.add_argument("--lsh-rows", type=int, help="minhash: rows per band (r)")
        parser.add_argument("--lsh-bands", type=int, help="minhash: bands (b)")
        parser.add_argument("--lsh-cap", type=int, help="minhash: songs per bucket run")
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
        if not options["input"]:
            raise CommandError("--input is required.")
        if options["if_no_active_build"] and (build := active_build()):
            self.stdout.write(f"Build {build.pk} is active already; nothing to do.")
            return
        job_arguments = {
            name.replace("_", "-"): options[name]
            for name in (
                *("engine", "exact_budget", "seed"),
                *("lsh_threshold", "lsh_rows", "lsh_bands", "lsh_cap"),
                *("hash_tables", "max_distance"),
            )
            if options[name] is not None
        }
        try:
            build = services.build_start(
                input_path=options["input"],
                k=options["k"],
                spark_master=options["spark_master"],
                job_arguments=job_arguments,
            )
        except services.BuildAlreadyRunning as error:
            raise CommandError(str(error)) from error
        if options["run_async"]:
            services.build_enqueue(build=build)
            self.stdout.write(f"Build {build.pk} queued.")
            return
        self._run(build)

    def _run(self, build: Build) -> None:
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
