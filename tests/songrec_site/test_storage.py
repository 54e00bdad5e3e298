import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from songrec_site.storage import StaticFilesStorage

MANIFEST = {
    "css/site.css": "css/site.0123456789ab.css",
    "js/a b&c.js": "js/a b&c.ba9876543210.js",
}


@pytest.fixture
def collected(tmp_path):
    """A STATIC_ROOT as collectstatic leaves it: the manifest of hashed names."""
    manifest = {"paths": MANIFEST, "version": "1.1", "hash": "0"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return {"location": tmp_path, "base_url": "/static/"}


@pytest.mark.parametrize("name", list(MANIFEST))
def test_urls_are_whitenoise_s(collected, name):
    storage = StaticFilesStorage(**collected)
    expected = CompressedManifestStaticFilesStorage(**collected).url(name)

    assert storage.url(name) == expected
    assert storage.url(name) == expected


def test_a_file_not_collected_is_refused_every_time(collected):
    storage = StaticFilesStorage(**collected)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_each_url_is_worked_out_once(collected):
    storage = StaticFilesStorage(**collected)
    first = storage.url("css/site.css")
    storage.hashed_files["css/site.css"] = "css/site.fedcba987654.css"

    assert storage.url("css/site.css") == first == "/static/css/site.0123456789ab.css"
    assert storage.url("css/site.css", force=True) == "/static/css/site.fedcba987654.css"
