"""Seeded generator of files in the "Spotify Playlists Dataset" CSV format.

Songs belong to communities (genres) through their artists and playlists draw mostly from one or
two communities, so co-occurrence carries signal. Popularity is Zipf-like, playlist sizes are
heavy-tailed, names mix scripts, punctuation and spelling variants, and a few lines are malformed
like the real file's. Streams to disk; memory holds per-song and per-artist arrays and a name blob.

    python -m spark.synthetic --rows 1000000 --seed 7 --out data/synthetic.csv --planted 20
"""

import argparse
import hashlib
import math
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HEADER = b'"user_id", "artistname", "trackname", "playlistname"\n'
_FIELD = rb'"((?:[^"\\]|\\.)*)"'
_VALID_LINE = re.compile(rb"^" + rb",\s*".join([_FIELD] * 4) + rb"$")
_FRAGMENT = re.compile(rb'((?:[^"\\]|\\.)*)","(.*)\Z', re.S)

# "key words..." segments separated by " / "; a key may repeat to extend its list, and keys
# ending in "|" hold "|"-separated phrases. Locales: en es fr de nordic pt ja ko ru el hi ar.
_WORD_TEXT = """
en.first James Mary John Linda Robert Sarah Michael Emma David Olivia Chris Grace Daniel Alice Tom
en.first Nina Sam Lucy Jack Ruby Ben Chloé Leo Ella Max Zoë Noah Ivy Luke Amy Adam Kate Ryan Jade
en.first Joe Rose Mark Lily Paul Anna Eric Mia Neil Joni Bruce Patti Kurt Stevie Otis Dolly Hank
en.last Smith Jones Brown Taylor Wilson Davies Evans Thomas Johnson Roberts Walker Wright Robinson
en.last Thompson White Hughes Edwards Green Hall Wood Harris Clarke Jackson Turner Hill Moore King
en.last Parker Young Allen Carter Mitchell Bell Hayes Reed Cole Brooks Price Hudson Fox Lane Grant
en.last Stone Marsh Cash Wonder Redding Nelson Simone Holiday Dylan Bowie Beaulieu Brontë Núñez
en.adj Black White Silver Golden Velvet Electric Crystal Broken Wild Lonely Midnight Neon Paper
en.adj Sweet Bitter Blue Red Little Big Young Old Dark Bright Holy Lucky Crazy Empty Hollow Silent
en.adj Burning Frozen Secret Stolen Strange Happy Lost Faded Rolling Naked Cosmic Atomic Naïve Über
en.words Heart Love Night Fire Rain River Road Dream Star Moon Sun City Light Shadow Stone Ocean Sky
en.words Wolf Rose Kiss Ghost Angel Devil Train Highway Summer Winter Morning Girl Boy Child Soul
en.words Mind Eyes Time Home World Song Dance Heaven Storm Thunder Mirror Garden Window Door Bridge
en.words Island Tiger Lion Bird Crow Owl Diamond Gold Money Honey Whiskey Coffee Radio Machine Echo
en.words Wave Desert Mountain Forest Valley Kingdom Paradise Memory Story Letter Café Señorita
en.common Intro Outro Home Forever Sorry Stay Hello Alone Closer Breathe Interlude Reprise Crazy
en.syl ka ro mi ze lu va no ri sa te bo xi da fe gu ly ne po ta / en.common Faith Youth Tonight
es.first José María Juan Carmen Javier Lucía Miguel Sofía Andrés Inés Raúl Ángel Iñigo Rocío
es.last García Fernández López Martínez Sánchez Pérez Gómez Díaz Muñoz Peña Ibáñez Castaño Ortega
es.words Amor Corazón Noche Fuego Luna Sol Cielo Mar Canción Camino Sueño Vida Niña Mañana Baile
fr.first Édith Hélène Jérôme Amélie François Céline Benoît Léa Gaëlle Raphaël Étienne Anaïs Zoé
fr.last Martin Bernard Dubois Lefèvre Moreau Laurent Girard Rousseau Fontaine Périer Thériault
fr.words Amour Cœur Nuit Rêve Étoile Lumière Été Chanson Soleil Mer Ville Mémoire Liberté Café
de.first Jürgen Günter Jörg Käthe Sören Ute Lena Tobias Lukas Jonas Anja Heike Bärbel Özlem
de.last Müller Schröder Schäfer Köhler Weiß Krüger Hoffmann Wagner Becker Fuchs Jäger Möller
de.words Liebe Nacht Herz Traum Straße Stadt Sommer Himmel Stern Licht Zeit Welt Feuer Mädchen
nordic.first Bjørn Søren Åsa Øystein Jørgen Märta Åke Sigurður Ólafur Freyja Tove Linnéa Måns
nordic.last Østergaard Söderberg Åkesson Jönsson Lindqvist Sørensen Nyström Bråten Ødegård Løvland
nordic.words Hjärta Natt Sommar Fjäll Hav Ljus Dröm Skog Stjärna Vinter Sjø Sól Kärlek Eld Måne
pt.first João Conceição Antônio Joana Sebastião Luísa Gonçalo Inês Vitória Caetano Simão Glória
pt.last Gonçalves Araújo Simões Magalhães Brandão Falcão Assunção Leão Damião Veloso Moreira
pt.words Saudade Coração Noite Mar Canção Amor Sonho Lua Estrela Verão Cidade Paixão Solidão
es.syl ca lo me ri ña jo to va le ro mu sé lú ní / pt.syl ção ma ri lu jo ão sé bra ne to vi lú
fr.syl ba lé ro mi zé lu va no ri sè té bo gaë / de.syl kö ra mü le ber tin wal fri dö gü schi ha
nordic.syl bjø ra sø le å ki ny ström dal vik ul fa ös
ja.first 花子 太郎 さくら 健 美咲 翔 陽菜 大輝 結衣 蓮 あおい / ja.last 山田 佐藤 鈴木 高橋
ja.last 田中 渡辺 伊藤 中村 / ja.words 夜 空 桜 夢 恋 花火 東京 星 雨 海 月 風 光 涙 君 僕
ja.words 未来 さよなら メロディー ドリーム / ja.syl か さ た な は ま や ら わ き し ち に ひ
ja.syl み り く す つ ふ む ゆ る こ そ と の ほ も よ ろ ん / ko.last 김 이 박 최 정 강 조 윤
ko.first 민지 지수 서연 하준 도윤 유나 태양 수진 지민 예린 / ko.words 사랑 별 밤 하늘 꿈 바다
ko.syl 가 나 다 라 마 바 사 아 자 하 민 지 수 서 연 준 윤 은 혜 진 현 우 / ko.words 눈물 우리
ko.words 봄 노래 마음 빛 / ko.last 장 임
ru.first Виктор Анна Дмитрий Ольга Сергей Наталья Алексей Мария Игорь Елена Юрий Земфира
ru.last Цой Иванов Петрова Смирнов Кузнецова Соколов Лебедев Морозов Волков Орлова Шевчук
ru.words Ночь Город Звезда Кино Любовь Солнце Небо Весна Дорога Море Песня Зима Сердце Ветер
ru.syl ка ро ми за лу ва но ри са те бо да ле ни ко ма / el.syl κα λη μέ ρα το νι σο φί γι ώρ λά
el.first Γιώργος Μαρία Νίκος Ελένη Δημήτρης Σοφία Κώστας Άννα Γιάννης Δέσποινα
el.last Παπαδόπουλος Νταλάρας Αλεξίου Βανδή Ρέμος Μητροπάνος Θεοδωράκης Χατζιδάκις Βίσση
el.words Αγάπη Θάλασσα Νύχτα Ουρανός Καρδιά Όνειρο Φεγγάρι Καλοκαίρι Ήλιος Δρόμος Ζωή Ψυχή
hi.first राज लता आशा किशोर अरिजीत श्रेया सोनू नेहा विशाल प्रिया
hi.syl रा जा मा ला सी ता कु नी प्री या वि शा / hi.last कुमार शर्मा सिंह मंगेशकर भोसले घोषाल
hi.last निगम कक्कड़ डडलानी / hi.words दिल प्यार रात सपना चाँद मेरा तेरा इश्क़ जिंदगी बारिश
hi.words दुनिया आसमान गीत रंग सफ़र / ar.syl سا لي ما نو را حي دا كا مي لا بو
ar.first محمد عمرو فيروز نانسي كاظم إليسا تامر أصالة راغب شيرين
ar.last دياب عجرم الساهر حسني علامة عبده ماجد الحلاني وهبي
ar.words حب ليل قمر بحر نور حبيبي عيون قلب سما حلم غرام أمل روح زمان
artist| 34 {person}|6 {first} {initial}. {last}|10 {article} {adj} {nouns}|7 {last} & {last2}
artist| 3 {last}, {last2} & {last3}|4 {first} "{adj}" {last}|6 {first} {last} & {article} {nouns}
artist| 4 {dj} {coined}|12 {coined}|6 {coined} {noun}|8 {adj} {noun}
title| 22 {w2}|28 {w1}{sep}{w2}|8 {w2}, {w3}|4 {w1} "{w2}"|6 {w2} & {w3}|10 {common}
title| 8 {the}{w2}{of}{w3}|14 {w1} {w2} {w3}
genre Pop:en Rock:en Hip_Hop:en Latin:es Indie:en J-Pop:ja Electronic:en Chanson:fr K-Pop:ko
genre Country:en Russian_Rock:ru Schlager:de Greek_Laïko:el Bollywood:hi Metal:en Nordic_Folk:nordic
genre Arabic_Pop:ar Jazz:en MPB:pt R&B:en Punk:en Reggaeton:es Soul:en Deutschrap:de
genre House:en Anime:ja Blues:en Variété:fr Folk:en K-Indie:ko Techno:de Bossa_Nova:pt Reggae:en
genre Flamenco:es Classical:en Russian_Pop:ru Disco:en Filmi:hi Emo:en Raï:ar Ambient:en Fado:pt
genre Grunge:en Black_Metal:nordic Trance:en Rebetiko:el Funk:en Tango:es Gospel:en Enka:ja
prefix Deep Dark Indie Post Neo Dream Lo-Fi Acid Progressive Alt Nu Retro Modern Classic Garage
prefix Underground Tropical Melodic Experimental Chill Hard Soft Psychedelic Vintage Future
playlist| Favorites|Liked from Radio|Summer 2014|Workout|Chill|Party|Road Trip|Running|Christmas
playlist| Sleep|Study|Summer 2013|Gym|Driving|Rainy Day|Sunday Morning|Throwbacks|Oldies|Dinner
playlist| Love Songs|Wedding|Mix|My Music|New|Good Stuff|Random|Summer|Winter 2013|Coffee|Focus
playlist| Relax|Top Hits|Covers|Acoustic|Dance|Late Night|Rock, Paper, Scissors|"Chill" Vibes
suffix| (Remastered {y})| - {y} Remaster| [Live]| - Live| - Radio Edit| (Acoustic)| (feat. {f})
suffix| (feat. {f})| - Single Version| (Original Mix)| [Explicit]| (Demo)| - Mono Version
month January February March April May June July August September October November December
"""
_WORDS: dict[str, list[str]] = {}
for _segment in _WORD_TEXT.replace("\n", " / ").split(" / "):
    _name, _, _rest = _segment.strip().partition(" ")
    _items = [x.strip() for x in _rest.split("|")] if _name.endswith("|") else _rest.split()
    _WORDS.setdefault(_name.rstrip("|"), []).extend(_items)
_ARTICLES = {"en": "The", "es": "Los", "fr": "Les", "de": "Die", "pt": "Os"}
_FORMS = {  # "weight form" entries expanded into lookup tables of 100 forms
    kind: [form for entry in _WORDS[kind] for form in [entry.split(" ", 1)[1]] * int(entry[:2])]
    for kind in ("artist", "title")
}
_GENRES = [(g.replace("_", " "), loc) for g, loc in (x.split(":") for x in _WORDS["genre"])]
_GENRES += [(f"{prefix} {g}", loc) for prefix in _WORDS["prefix"] for g, loc in _GENRES]
_ALT_SHARE = 0.12  # songs that also appear under a second spelling
_ALT_USE = 0.35  # rows of such a song written with that spelling
_MASK = (1 << 64) - 1


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


def _mix(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _pick(h: int, seq: list[str]) -> tuple[str, int]:
    return seq[h % len(seq)], h // len(seq)


def _key(name: str) -> str:
    """Close to matching.names.match_key: distinct artists (or songs of one artist) differ in it."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"\s+[-\u2013\u2014]\s+.*$", "", re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text))
    text = unicodedata.normalize("NFKD", text.replace("&", " and "))
    return " ".join(re.sub("[\u0300-\u036f]", "", text).split())


def _escape(text: str) -> str:
    if '"' in text or "\\" in text:
        return text.replace("\\", "\\\\").replace('"', '\\"')
    return text


def _zipf(rng: np.random.Generator, n: Any, size: int, alpha: Any) -> np.ndarray:
    """Ranks in [0, n) with P(rank r) roughly proportional to (r + 1) ** -alpha (alpha != 1)."""
    e = 1.0 - np.asarray(alpha, dtype=float)
    top = np.power(np.asarray(n, dtype=float) + 1.0, e) - 1.0
    x = (1.0 + rng.random(size) * top) ** (1.0 / e)
    return np.minimum(x.astype(np.int64) - 1, np.asarray(n) - 1)


def _coined(locale: str, g: int) -> str:
    syllables = _WORDS[f"{locale}.syl"]
    return "".join(_pick(g >> (6 * i), syllables)[0] for i in range(2 + g % 2)).capitalize()


def _artist_name(locale: str, h: int) -> str:
    g = _mix(h)  # a second 64 bits: one hash is too short for all the choices below
    coined, last_names = _coined(locale, g), _WORDS[f"{locale}.last"]
    n = len(last_names)
    g >>= 24
    form, h = _pick(h, _FORMS["artist"])
    first, h = _pick(h, _WORDS[f"{locale}.first"])
    i, step, h = h % n, 1 + (h // n) % (n - 1), h // n // (n - 1)
    last, last2, last3 = (last_names[(i + j * step) % n] for j in range(3))
    adj, h = _pick(h, _WORDS["en.adj" if locale == "en" else f"{locale}.words"])
    noun, h = _pick(h, [w for w in _WORDS[f"{locale}.words"] if w != adj])
    if g % 500 == 7:
        return f"{adj}\\{noun}"
    if locale == "ko" and "{initial}" in form:
        form = "{person}"
    person = {"ja": "{last} {first}", "ko": "{last}{first}"}.get(locale, "{first} {last}")
    nouns = noun + "s" if locale == "en" and noun[-1] != "y" else noun
    parts = {
        "first": coined if g % 2 == 0 else first, "last": last, "last2": last2, "last3": last3,
        "adj": adj, "noun": noun, "nouns": nouns,
        "coined": coined, "article": _ARTICLES.get(locale, ""), "initial": chr(65 + g % 26),
        "dj": ("DJ", "MC", "Lil", "Big")[(g >> 6) % 4],
    }  # fmt: skip
    return " ".join(form.replace("{person}", person).format(**parts).split())


def _title(locale: str, h: int) -> str:
    words, en, g = _WORDS[f"{locale}.words"], locale == "en", _mix(h)
    form, h = _pick(h, _FORMS["title"])
    w1, h = _pick(h, _WORDS["en.adj"] if en else words)
    i2, h = h % len(words), h // len(words)
    w2, w3 = words[i2], words[(i2 + 1 + h % (len(words) - 1)) % len(words)]
    common, h = _pick(h // len(words), _WORDS["en.common"] if en else words)
    sep = "の" if locale == "ja" else " "
    title = form.format(w1=w1, w2=w2, w3=w3, common=common, sep=sep,
                        the="The " if en else "", of=" of " if en else " ")  # fmt: skip
    if g % 5000 == 0:
        title = f"{w2}\\{w3}"
    if (g >> 13) % 100 < 18:
        singer = f"{_pick(g >> 20, _WORDS['en.first'])[0]} {_pick(g >> 28, _WORDS['en.last'])[0]}"
        suffix = _WORDS["suffix"][(g >> 36) % len(_WORDS["suffix"])]
        title += " " + suffix.format(y=1995 + (g >> 44) % 20, f=singer)
    return title


def _variant(artist: str, title: str, h: int) -> tuple[str, str]:
    """Another spelling of one song: remaster suffix, 'and' for '&', capitalisation, spaces."""
    for step in range(4):
        kind = (h + step) % 4
        if kind == 1 and "&" in artist + title:
            return re.sub(r"\s*&\s*", " and ", artist), re.sub(r"\s*&\s*", " and ", title)
        if kind == 2 and title.upper() != title.lower():
            changed = title.upper() if h & 64 else title.lower()
            return (artist.lower() if h & 128 else artist), changed
        if kind == 3 and " " in title:
            return artist, title.replace(" ", "  ", 1)
        if kind == 0:
            year = 2004 + h % 11
            return artist, title + (f" - {year} Remaster" if h & 32 else f" (Remastered {year})")
    raise AssertionError("unreachable")


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
        self.genres = [_GENRES[c % len(_GENRES)] for c in range(k)]
        self.artist_of = np.empty(self.n_songs + 2 * planted, dtype=np.int64)
        for c in range(k):
            m, n, s0 = int(self.art_n[c]), int(self.song_n[c]), int(self.song_start[c])
            # every artist gets a song; popular songs tend to go to popular artists
            draws = np.concatenate([np.arange(m), _zipf(rng, m, n - m, 0.6)])
            order = np.argsort(np.log1p(draws) + rng.normal(0.0, 3.0, n), kind="stable")
            self.artist_of[s0 : s0 + n] = self.art_start[c] + draws[order]
        self.artist_of[self.n_songs :] = self.n_artists + np.arange(2 * planted) // 2
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
            artist = _artist_name(locale, h)
            for retry in range(1, 99):
                if _key(artist) not in used_artists:
                    break
                g = _mix(h + retry)  # after a few tries, two coined words: a far larger space
                artist = (
                    _artist_name(locale, g)
                    if retry < 6
                    else _coined(locale, g)
                    + " "
                    + (_coined(locale, g >> 20) + (f" {retry}" if retry > 20 else ""))
                )
            used_artists.add(_key(artist))
            songs = self.art_songs[self.art_ptr[a] : self.art_ptr[a + 1]]
            hashes, alts, used_titles = song_hash[songs].tolist(), has_alt[songs].tolist(), set()
            for s, sh, alt in zip(songs.tolist(), hashes, alts, strict=True):
                title = _title(locale, sh)
                for retry in range(1, 99):
                    if _key(title) not in used_titles:
                        break
                    title = _title(locale, _mix(sh + retry)) + (f" {retry}" if retry > 5 else "")
                used_titles.add(_key(title))
                self.start[s] = len(blob)
                blob += f'{_escape(artist)}","{_escape(title)}'.encode()
                self.end[s] = self.alt_start[s] = len(blob)
                if alt:
                    other_artist, other_title = _variant(artist, title, _mix(sh))
                    blob += f'{_escape(other_artist)}","{_escape(other_title)}'.encode()
                self.alt_end[s] = len(blob)
        width, self.planted_pairs = max(3, len(str(planted))), []
        for p in range(planted):
            artist = f"Planted Pair {p + 1:0{width}d}"
            pair = tuple((artist, f"Twin {side} {p + 1:0{width}d}") for side in "AB")
            for i, (_, title) in enumerate(pair):
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
        shared = _WORDS["playlist"]
        return shared[min(int(len(shared) * (r % 10**6 / 10**6) ** 2.2), len(shared) - 1)]
    if kind < 0.66:
        forms = ("{g}", "{g}", "{g}", "Best of {g}", "{g} Classics", "My {g}", "{g} {y}", "{g} Mix")
        return forms[r % len(forms)].format(g=genre, y=2008 + r % 7)
    if kind < 0.76:
        season = ("Summer", "Winter", "Spring", "Autumn", _WORDS["month"][r % 12])[r % 5]
        return f"{season} {2008 + (r >> 4) % 7}"
    adj, h = _pick(r >> 8, _WORDS["en.adj"])
    noun, h = _pick(h, _WORDS["en.words"])
    other, h = _pick(h, _WORDS["en.words"])
    first, h = _pick(h, _WORDS["en.first"])
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
    prefix, pname = b'"' + uid + b'","', _escape(name).encode()
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
    `malformed_share` of the lines are malformed. `planted` pairs of songs ("Planted Pair 001":
    "Twin A 001" and "Twin B 001") each appear together, and nowhere else, in 2 to 5 playlists.
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
    artist_seen = np.zeros(cat.n_artists + planted, dtype=bool)
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
