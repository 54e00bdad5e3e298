"""Seeded generator of files in the "Spotify Playlists Dataset" CSV format.

Songs belong to communities (genres) through their artists and playlists draw mostly from one or
two communities, so co-occurrence carries signal. Popularity is Zipf-like, playlist sizes are
heavy-tailed, names mix scripts, punctuation and spelling variants, and a few lines are malformed
like the real file's. Streams to disk; memory holds per-song and per-artist arrays and a name blob.

    python -m generator.synthetic --rows 1000000 --seed 7 --out data/synthetic.csv --planted 20
"""

import argparse
import hashlib
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generator.names import (
    GENRES,
    WORDS,
    artist_name,
    coined_word,
    escape,
    mix,
    pick,
    rough_key,
    song_title,
    spelling_variant,
)

HEADER = b'"user_id", "artistname", "trackname", "playlistname"\n'
_FIELD = rb'"((?:[^"\\]|\\.)*)"'
_VALID_LINE = re.compile(rb"^" + rb",\s*".join([_FIELD] * 4) + rb"$")
_FRAGMENT = re.compile(rb'((?:[^"\\]|\\.)*)","(.*)\Z', re.S)

_ALT_SHARE = 0.12  # songs that also appear under a second spelling
_ALT_USE = 0.35  # rows of such a song written with that spelling


@dataclass(frozen=True)
class GenerationStats:
    """Counts for one generated file.

    users, playlists, songs and artists count what the valid lines hold; songs and artists are
    counted as generated, so two spellings of one song count once. planted_pairs holds each pair's
    two (artist, title) exactly as written.
    """

    rows: int
    malformed: int
    users: int
    playlists: int
    songs: int
    artists: int
    planted_pairs: list[tuple[tuple[str, str], tuple[str, str]]]


def _zipf(rng: np.random.Generator, n: Any, size: int, alpha: Any) -> np.ndarray:
    """Ranks in [0, n) with P(rank r) roughly proportional to (r + 1) ** -alpha (alpha != 1)."""
    e = 1.0 - np.asarray(alpha, dtype=float)
    top = np.power(np.asarray(n, dtype=float) + 1.0, e) - 1.0
    x = (1.0 + rng.random(size) * top) ** (1.0 / e)
    return np.minimum(x.astype(np.int64) - 1, np.asarray(n) - 1)


class _Catalogue:
    """Communities, their artists and their songs, each with contiguous ids, most popular first.

    Names live escaped as `artist","title` in one bytes blob addressed by start/end arrays (and
    alt_start/alt_end for songs with a second spelling). Planted songs and artists come last.
    """

    def __init__(self, rng: np.random.Generator, rows: int, planted: int) -> None:
        n_songs = max(300, math.ceil(0.155 * rows * 1.08))
        n_artists = max(40, math.ceil(0.0225 * rows * 1.0))
        k = max(2, min(round(0.083 * math.sqrt(rows)), n_artists // 8))
        weight = np.sort(rng.lognormal(0.0, 0.9, k))[::-1]
        self.weight, self.cum_weight = weight / weight.sum(), np.cumsum(weight / weight.sum())
        self.song_n = np.maximum(12, np.round(self.weight * n_songs)).astype(np.int64)
        self.art_n = np.clip(np.round(self.weight * n_artists), 2, self.song_n).astype(np.int64)
        self.song_start = np.concatenate([[0], np.cumsum(self.song_n)[:-1]])
        self.art_start = np.concatenate([[0], np.cumsum(self.art_n)[:-1]])
        self.n_songs, self.n_artists = int(self.song_n.sum()), int(self.art_n.sum())
        self.genres = [GENRES[c % len(GENRES)] for c in range(k)]
        self.artist_of = np.empty(self.n_songs + 2 * planted, dtype=np.int64)
        for c in range(k):
            m, n, s0 = int(self.art_n[c]), int(self.song_n[c]), int(self.song_start[c])
            # every artist gets a song; popular songs tend to go to popular artists
            draws = np.concatenate([np.arange(m), _zipf(rng, m, n - m, 0.6)])
            order = np.argsort(np.log1p(draws) + rng.normal(0.0, 3.0, n), kind="stable")
            self.artist_of[s0 : s0 + n] = self.art_start[c] + draws[order]
        # Each twin has an artist of its own, so the song pages' default view (other artists'
        # songs only) shows it the other.
        self.artist_of[self.n_songs :] = self.n_artists + np.arange(2 * planted)
        self.art_songs = np.argsort(self.artist_of, kind="stable")
        self.art_ptr = np.concatenate([[0], np.cumsum(np.bincount(self.artist_of))])
        self._name_songs(rng, planted)

    def _name_songs(self, rng: np.random.Generator, planted: int) -> None:
        comm_of_artist = np.repeat(np.arange(len(self.genres)), self.art_n).tolist()
        art_hash = rng.integers(0, 1 << 62, self.n_artists).tolist()
        song_hash = rng.integers(0, 1 << 62, self.n_songs)
        has_alt = rng.random(self.n_songs) < _ALT_SHARE
        offsets = np.zeros((4, self.artist_of.size), dtype=np.int64)
        self.start, self.end, self.alt_start, self.alt_end = offsets
        blob, used_artists = bytearray(), set()
        for a in range(self.n_artists):
            h = art_hash[a]
            locale = self.genres[comm_of_artist[a]][1] if h % 10 < 7 else "en"
            artist = artist_name(locale, h)
            for retry in range(1, 99):
                if rough_key(artist) not in used_artists:
                    break
                g = mix(h + retry)  # after a few tries, two coined words: a far larger space
                artist = (
                    artist_name(locale, g)
                    if retry < 6
                    else coined_word(locale, g)
                    + " "
                    + (coined_word(locale, g >> 20) + (f" {retry}" if retry > 20 else ""))
                )
            used_artists.add(rough_key(artist))
            songs = self.art_songs[self.art_ptr[a] : self.art_ptr[a + 1]]
            hashes, alts, used_titles = song_hash[songs].tolist(), has_alt[songs].tolist(), set()
            for s, sh, alt in zip(songs.tolist(), hashes, alts, strict=True):
                title = song_title(locale, sh)
                for retry in range(1, 99):
                    if rough_key(title) not in used_titles:
                        break
                    title = song_title(locale, mix(sh + retry)) + (f" {retry}" if retry > 5 else "")
                used_titles.add(rough_key(title))
                self.start[s] = len(blob)
                blob += f'{escape(artist)}","{escape(title)}'.encode()
                self.end[s] = self.alt_start[s] = len(blob)
                if alt:
                    other_artist, other_title = spelling_variant(artist, title, mix(sh))
                    blob += f'{escape(other_artist)}","{escape(other_title)}'.encode()
                self.alt_end[s] = len(blob)
        width, self.planted_pairs = max(3, len(str(planted))), []
        for p in range(planted):
            number = f"{p + 1:0{width}d}"
            pair = tuple(
                (f"Planted Pair {number} {side}", f"Twin {side} {number}") for side in "AB"
            )
            for i, (artist, title) in enumerate(pair):
                self.start[self.n_songs + 2 * p + i] = len(blob)
                blob += f'{artist}","{title}'.encode()
                self.end[self.n_songs + 2 * p + i] = len(blob)
            self.planted_pairs.append(pair)
        self.blob = bytes(blob)


def _apportion(weights: np.ndarray, total: int, cap: float) -> np.ndarray:
    """Integer sizes >= 1 proportional to weights, at most about cap, summing to total."""
    x = weights / weights.sum() * total
    while (excess := np.maximum(x - cap, 0).sum()) > 1e-6 * total:
        x = np.minimum(x, cap)
        x[x < cap] += excess * x[x < cap] / x[x < cap].sum()
    sizes = np.maximum(1, np.floor(x)).astype(np.int64)
    diff = total - int(sizes.sum())
    sizes[np.argsort(np.floor(x) - x, kind="stable")[: max(diff, 0)]] += 1
    while diff < 0:
        shrink = np.argsort(-sizes, kind="stable")[: min(-diff, int((sizes > 1).sum()))]
        sizes[shrink] -= 1
        diff += shrink.size
    return sizes


def _draw_songs(rng: np.random.Generator, cat: _Catalogue, n: int, c1: int, c2: int) -> np.ndarray:
    """n distinct songs: mostly community c1 (and c2 when >= 0), some favourite artists, hits."""
    picked = np.empty(0, dtype=np.int64)
    fav = cat.art_start[c1] + _zipf(rng, cat.art_n[c1], int(rng.integers(1, 4)), 0.8)
    for attempt in range(4):
        m = (n - picked.size) * (attempt + 1) * 5 // 4 + 4
        u = rng.random(m)
        comm = np.where(rng.random(m) < 0.35, c2, c1) if c2 >= 0 else np.full(m, c1)
        hits = u < 0.1
        comm[hits] = np.searchsorted(cat.cum_weight, rng.random(int(hits.sum())) * 0.999999)
        songs = cat.song_start[comm] + _zipf(rng, cat.song_n[comm], m, np.where(hits, 1.05, 0.8))
        from_fav = (u >= 0.1) & (u < 0.3)
        a = fav[rng.integers(0, fav.size, int(from_fav.sum()))]
        offset = ((cat.art_ptr[a + 1] - cat.art_ptr[a]) * rng.random(a.size) ** 2).astype(int)
        songs[from_fav] = cat.art_songs[cat.art_ptr[a] + offset]
        songs = songs[~np.isin(songs, picked)] if picked.size else songs
        first = np.unique(songs, return_index=True)[1]
        picked = np.concatenate([picked, songs[np.sort(first)][: n - picked.size]])
        if picked.size == n:
            return picked
    rest = rng.permutation(cat.n_songs)
    return np.concatenate([picked, rest[~np.isin(rest, picked)][: n - picked.size]])


def _playlist_name(rng: np.random.Generator, genre: str) -> str:
    """A shared name ("Favorites"), the community's genre, a season, or something rarer."""
    kind, r = rng.random(), int(rng.integers(0, 1 << 40))
    if kind < 0.38:
        shared = WORDS["playlist"]
        return shared[min(int(len(shared) * (r % 10**6 / 10**6) ** 2.2), len(shared) - 1)]
    if kind < 0.66:
        forms = ("{g}", "{g}", "{g}", "Best of {g}", "{g} Classics", "My {g}", "{g} {y}", "{g} Mix")
        return forms[r % len(forms)].format(g=genre, y=2008 + r % 7)
    if kind < 0.76:
        season = ("Summer", "Winter", "Spring", "Autumn", WORDS["month"][r % 12])[r % 5]
        return f"{season} {2008 + (r >> 4) % 7}"
    adj, h = pick(r >> 8, WORDS["en.adj"])
    noun, h = pick(h, WORDS["en.words"])
    other, h = pick(h, WORDS["en.words"])
    first, h = pick(h, WORDS["en.first"])
    forms = (f"{adj.lower()} {noun.lower()}", f"for {first}", f"Mix {1 + r % 40}",
             f"{noun}, {adj} & {other}", f"{first}'s playlist", f'"{adj}" {noun}s')  # fmt: skip
    return forms[h % len(forms)]


def _malformed(uid: bytes, fragment: bytes, playlist: bytes, h: int) -> bytes:
    """A broken line made from one row: extra field, stray quote, three fields, or truncated."""
    artist, title = _FRAGMENT.match(fragment).groups()
    if h % 4 == 0:
        word = (re.findall(rb"[A-Za-z]+", artist) or [b"Jr"])[-1]
        line = b'"%s","%s",%s,"%s","%s"' % (uid, artist, word, title, playlist)
    elif h % 4 == 1:
        parts = artist.split(b" ")
        parts[min(1, len(parts) - 1)] = b'"' + parts[min(1, len(parts) - 1)] + b'"'
        line = b'"%s","%s","%s","%s"' % (uid, b" ".join(parts), title, playlist)
    elif h % 4 == 2:
        line = b'"%s","%s","%s"' % (uid, artist, title)
    else:
        name = playlist.decode()
        line = b'"%s","%s","%s","%s' % (uid, artist, title, name[: 1 + h % len(name)].encode())
    if _VALID_LINE.match(line):  # never for these shapes; kept as a guarantee
        line = b'"%s","%s","%s"' % (uid, artist, title)
    return line + b"\n"


def _layout(
    rng: np.random.Generator, rows: int, planted: int, cat: _Catalogue
) -> tuple[list[int], list[bool], list[int], dict[int, list[int]]]:
    """Playlist id ranges per user, which are "Starred", sizes, and where planted pairs go."""
    n_users = min(rows, max(8, round(rows * 15_900 / 12_900_000)))
    n_playlists = min(rows, max(2 * n_users, round(rows * 157_000 / 12_900_000)))
    if planted and n_playlists < 2:
        raise ValueError("planted pairs need at least two playlists")
    if n_users == 0:
        return [0], [], [], {}
    user_weight = rng.lognormal(0.0, 1.0, n_users)
    per_user = 1 + rng.multinomial(n_playlists - n_users, user_weight / user_weight.sum())
    first = np.concatenate([[0], np.cumsum(per_user)]).astype(np.int64)
    starred = np.zeros(n_playlists, dtype=bool)
    starred[first[:-1][rng.random(n_users) < 0.72]] = True
    planted_at: dict[int, list[int]] = {}
    for i in range(planted):
        count = int(rng.integers(2, min(5, n_playlists) + 1))
        for p in rng.choice(n_playlists, count, replace=False).tolist():
            planted_at.setdefault(p, []).extend([cat.n_songs + 2 * i, cat.n_songs + 2 * i + 1])
    base_total = rows - sum(len(v) for v in planted_at.values())
    if base_total < n_playlists:
        raise ValueError(f"{planted} planted pairs do not fit in {rows} rows")
    raw = rng.lognormal(0.0, 1.1, n_playlists) * np.where(starred, 2.5, 1.0)
    # at most about 8000 songs, and a third of the catalogue in tiny files
    cap = max(base_total / n_playlists, min(8000, cat.n_songs // 3))
    sizes = _apportion(raw, base_total, cap).tolist()
    return first.tolist(), starred.tolist(), sizes, planted_at


def _lines(
    cat: _Catalogue, rng: np.random.Generator, uid: bytes, name: str, ids: np.ndarray, share: float
) -> tuple[bytes, np.ndarray]:
    """One playlist's lines as bytes, and which of its rows came out malformed."""
    use_alt = (rng.random(ids.size) < _ALT_USE) & (cat.alt_end[ids] > cat.alt_start[ids])
    starts = np.where(use_alt, cat.alt_start[ids], cat.start[ids]).tolist()
    ends = np.where(use_alt, cat.alt_end[ids], cat.end[ids]).tolist()
    fragments = [cat.blob[a:b] for a, b in zip(starts, ends, strict=True)]
    broken = (rng.random(ids.size) < share) & (ids < cat.n_songs)
    prefix, pname = b'"' + uid + b'","', escape(name).encode()
    suffix = b'","' + pname + b'"\n'
    glue, pieces, previous = suffix + prefix, [], 0
    for i in np.flatnonzero(broken).tolist():
        if i > previous:
            pieces.append(prefix + glue.join(fragments[previous:i]) + suffix)
        pieces.append(_malformed(uid, fragments[i], pname, int(rng.integers(1 << 62))))
        previous = i + 1
    if previous < ids.size:
        pieces.append(prefix + glue.join(fragments[previous:]) + suffix)
    return b"".join(pieces), broken


def generate(
    out_path: Path, *, rows: int, seed: int = 0, malformed_share: float = 0.003, planted: int = 0
) -> GenerationStats:
    """Write a synthetic playlists CSV to out_path: the header, then exactly `rows` data lines.

    `seed` (>= 0) fixes every choice: the same arguments give a byte-identical file. About
    `malformed_share` of the lines are malformed. `planted` pairs of songs ("Twin A 001" by
    "Planted Pair 001 A", "Twin B 001" by "Planted Pair 001 B") each appear together, and
    nowhere else, in 2 to 5 playlists.
    Returns what the valid lines hold and the planted pairs' exact (artist, title) spellings.
    Raises ValueError for negative arguments or more planted pairs than the rows can hold.
    """
    if min(rows, seed, planted) < 0 or not 0.0 <= malformed_share < 1.0:
        raise ValueError("rows, seed and planted must be >= 0 and malformed_share in [0, 1)")
    seeds = np.random.SeedSequence(seed).spawn(4)
    cat_rng, plan_rng, song_rng, noise_rng = (np.random.default_rng(s) for s in seeds)
    cat = _Catalogue(cat_rng, rows, planted)
    first, starred, sizes, planted_at = _layout(plan_rng, rows, planted, cat)
    song_seen = np.zeros(cat.artist_of.size, dtype=bool)
    n_users = n_playlists = n_malformed = 0
    k, taste_p = len(cat.genres), cat.weight**0.8 / (cat.weight**0.8).sum()
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb", buffering=1 << 22) as out:
        out.write(HEADER)
        for u in range(len(first) - 1):
            uid = hashlib.md5(f"songrec-synthetic/{seed}/{u}".encode(), usedforsecurity=False)
            uid = uid.hexdigest().encode()
            tastes = plan_rng.choice(k, min(k, 1 + plan_rng.binomial(2, 0.4)), False, taste_p)
            names, playlists_before = {"Starred"}, n_playlists
            for p in range(first[u], first[u + 1]):
                c1 = int(tastes[plan_rng.integers(0, tastes.size)])
                if plan_rng.random() < 0.2:
                    c1 = int(np.searchsorted(cat.cum_weight, plan_rng.random() * 0.999999))
                c2 = -1
                if tastes.size > 1 and plan_rng.random() < (0.9 if starred[p] else 0.3):
                    c2 = int(tastes[plan_rng.integers(0, tastes.size)])
                name, attempt = "Starred", 0
                while name in names and not starred[p]:
                    name = _playlist_name(plan_rng, cat.genres[c1][0])
                    name += f" {attempt - 3}" if attempt > 4 else ""
                    attempt += 1
                names.add(name)
                ids = _draw_songs(song_rng, cat, sizes[p], c1, c2)
                if p in planted_at:
                    extra = planted_at[p]
                    ids = np.insert(ids, song_rng.integers(0, ids.size + 1, len(extra)), extra)
                text, broken = _lines(cat, noise_rng, uid, name, ids, malformed_share)
                out.write(text)
                n_malformed += int(broken.sum())
                song_seen[ids[~broken]] = True
                n_playlists += int(not broken.all())
            n_users += n_playlists > playlists_before
    artist_seen = np.zeros(cat.n_artists + 2 * planted, dtype=bool)
    artist_seen[cat.artist_of[song_seen]] = True
    songs, artists = int(song_seen.sum()), int(artist_seen.sum())
    counts = (rows, n_malformed, n_users, n_playlists, songs, artists)
    return GenerationStats(*counts, planted_pairs=cat.planted_pairs)


def main(argv: list[str] | None = None) -> None:
    """Command line: write the file and print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True, help="data lines to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--malformed-share", type=float, default=0.003)
    parser.add_argument("--planted", type=int, default=0, help="pairs of always-together songs")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    stats = generate(args.out, rows=args.rows, seed=args.seed,
                     malformed_share=args.malformed_share, planted=args.planted)  # fmt: skip
    print(
        f"rows={stats.rows} malformed={stats.malformed} users={stats.users} "
        f"playlists={stats.playlists} songs={stats.songs} artists={stats.artists} "
        f"planted_pairs={len(stats.planted_pairs)} seconds={time.perf_counter() - began:.1f}"
    )


if __name__ == "__main__":
    main()
