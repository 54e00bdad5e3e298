"""The job's contract: its command line, its lines and its summary, read back as written."""

import dataclasses
import re

import pytest

from spark import contract


def test_the_command_line_takes_every_option_with_its_default() -> None:
    arguments = contract.argument_parser().parse_args(["--input", "a.csv", "--output", "out"])

    for option in contract.OPTIONS:
        if option.name not in contract.REQUIRED:
            assert getattr(arguments, option.dest) == option.default


def test_an_unknown_engine_is_refused_by_the_command_line() -> None:
    with pytest.raises(SystemExit):
        contract.argument_parser().parse_args(["--input", "a", "--output", "b", "--engine", "x"])


def test_command_line_follows_the_options_order_and_drops_unset_ones() -> None:
    line = contract.command_line({"seed": 3, "engine": "exact", "lsh-bands": None, "k": 5})

    assert line == ["--k", "5", "--engine", "exact", "--seed", "3"]
    assert contract.argument_parser().parse_args(["--input", "a", "--output", "b", *line]).k == 5


def test_command_line_refuses_an_option_the_job_does_not_take() -> None:
    with pytest.raises(ValueError, match="no option fastest"):
        contract.command_line({"fastest": True})


def test_a_progress_line_reads_back_as_its_event() -> None:
    line = contract.progress_line("read", lines=12, rejected=1)

    assert contract.parse_line(line) == (
        contract.PROGRESS,
        {"event": "read", "lines": 12, "rejected": 1},
    )
    assert contract.parse_line("26/12/04 INFO SparkContext: Running Spark") is None


def test_a_summary_reads_back_from_its_line_and_its_json(job_summary) -> None:
    kind, payload = contract.parse_line(job_summary.line())

    assert kind == contract.SUMMARY
    assert contract.Summary.from_dict(payload) == job_summary
    assert contract.Summary.from_json(job_summary.to_json(indent=2)) == job_summary


def test_fields_a_later_job_adds_are_ignored(job_summary) -> None:
    data = {**job_summary.to_dict(), "added_later": 1}

    assert contract.Summary.from_dict(data) == job_summary


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"k": None}, "has no int 'k'"),
        ({"k": True}, "has no int 'k'"),
        ({"input": 3}, "has no str 'input'"),
        ({"counts": []}, "has no dict 'counts'"),
        ({"seconds": {"read": "fast"}}, "has no seconds per stage"),
    ],
)
def test_a_summary_missing_or_mistyping_a_field_is_refused(job_summary, change, message) -> None:
    with pytest.raises(contract.InvalidSummary, match=message):
        contract.Summary.from_dict({**job_summary.to_dict(), **change})


def test_a_summary_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(contract.InvalidSummary, match="is not a JSON object"):
        contract.Summary.from_json("[1, 2]")
    with pytest.raises(contract.InvalidSummary, match="is not valid JSON"):
        contract.Summary.from_json('{"k": ')


def test_every_summary_field_is_checked(job_summary) -> None:
    for field in dataclasses.fields(contract.Summary):
        data = job_summary.to_dict()
        del data[field.name]
        with pytest.raises(contract.InvalidSummary, match=repr(field.name)):
            contract.Summary.from_dict(data)


def test_the_catalogue_stores_names_as_long_as_the_reader_keeps() -> None:
    from catalog.models import Song

    for name in ("artist", "title", "artist_norm", "title_norm"):
        assert Song._meta.get_field(name).max_length == contract.MAX_NAME_LENGTH, name


def test_the_header_matches_its_own_pattern() -> None:
    assert re.match(contract.HEADER_PATTERN, contract.HEADER)
    assert re.match(contract.HEADER_PATTERN, "\ufeff" + contract.HEADER.replace(" ", ""))
    assert not re.match(contract.HEADER_PATTERN, '"u1","user_id","t","p"')
