"""Backups for real: deploy/backup.sh dumps the stack's database, deploy/restore.sh loads the dump
into a fresh one, and the site then serves the same active build and favourites."""

import subprocess

from tests.processes import wait_for
from tests.stack.conftest import PROJECT, Site, Stack, report

FAVOURITES = (
    "SELECT u.username, f.song_key FROM accounts_favourite f "
    "JOIN auth_user u ON u.id = f.user_id ORDER BY 1, 2"
)


def test_a_backup_restored_into_a_fresh_database_serves_the_same_site(
    stack: Stack, site: Site, tmp_path
) -> None:
    active = stack.active_build()
    favourites = stack.query(FAVOURITES)
    assert favourites

    backed_up = stack.run("deploy/backup.sh", env_extra={"BACKUP_DIR": str(tmp_path)})
    assert backed_up.returncode == 0, backed_up.stderr
    (dump,) = tmp_path.glob("songrec-*.dump")
    report(f"stack: deploy/backup.sh wrote {dump.stat().st_size / 1e6:.1f} MB")

    # A fresh database: the db service's volume removed and made anew.
    stack.compose("stop", "web", "worker", "db")
    stack.compose("rm", "-f", "db")
    subprocess.run(["docker", "volume", "rm", f"{PROJECT}_postgres-data"], check=True)
    stack.compose("up", "-d", "--no-build", "db")
    wait_for(stack.database_answers, timeout=60, what="the fresh database to start")
    assert stack.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]

    restored = stack.run("deploy/restore.sh", str(dump))
    assert restored.returncode == 0, restored.stdout[-2000:] + restored.stderr[-3000:]
    stack.wait_until_healthy()

    assert stack.active_build() == active
    assert stack.query(FAVOURITES) == favourites
    page = stack.browser().get(f"/songs/{site.song_id}/?same_artist=1")
    assert page.status == 200
    assert "No recommendations" not in page.text
