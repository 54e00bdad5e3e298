"""Names for generated playlists: word lists per locale, and artist names, song titles and their
spelling variants drawn from 64-bit hashes (deterministic: one hash, one name)."""

import re
import unicodedata

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
WORDS: dict[str, list[str]] = {}
for _segment in _WORD_TEXT.replace("\n", " / ").split(" / "):
    _name, _, _rest = _segment.strip().partition(" ")
    _items = [x.strip() for x in _rest.split("|")] if _name.endswith("|") else _rest.split()
    WORDS.setdefault(_name.rstrip("|"), []).extend(_items)
_ARTICLES = {"en": "The", "es": "Los", "fr": "Les", "de": "Die", "pt": "Os"}
_FORMS = {  # "weight form" entries expanded into lookup tables of 100 forms
    kind: [form for entry in WORDS[kind] for form in [entry.split(" ", 1)[1]] * int(entry[:2])]
    for kind in ("artist", "title")
}
GENRES = [(g.replace("_", " "), loc) for g, loc in (x.split(":") for x in WORDS["genre"])]
GENRES += [(f"{prefix} {g}", loc) for prefix in WORDS["prefix"] for g, loc in GENRES]
_MASK = (1 << 64) - 1


def mix(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def pick(h: int, seq: list[str]) -> tuple[str, int]:
    return seq[h % len(seq)], h // len(seq)


def rough_key(name: str) -> str:
    """Close to matching.names.match_key: distinct artists (or songs of one artist) differ in it."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"\s+[-\u2013\u2014]\s+.*$", "", re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text))
    text = unicodedata.normalize("NFKD", text.replace("&", " and "))
    return " ".join(re.sub("[\u0300-\u036f]", "", text).split())


def escape(text: str) -> str:
    if '"' in text or "\\" in text:
        return text.replace("\\", "\\\\").replace('"', '\\"')
    return text


def coined_word(locale: str, g: int) -> str:
    syllables = WORDS[f"{locale}.syl"]
    return "".join(pick(g >> (6 * i), syllables)[0] for i in range(2 + g % 2)).capitalize()


def artist_name(locale: str, h: int) -> str:
    g = mix(h)  # a second 64 bits: one hash is too short for all the choices below
    coined, last_names = coined_word(locale, g), WORDS[f"{locale}.last"]
    n = len(last_names)
    g >>= 24
    form, h = pick(h, _FORMS["artist"])
    first, h = pick(h, WORDS[f"{locale}.first"])
    i, step, h = h % n, 1 + (h // n) % (n - 1), h // n // (n - 1)
    last, last2, last3 = (last_names[(i + j * step) % n] for j in range(3))
    adj, h = pick(h, WORDS["en.adj" if locale == "en" else f"{locale}.words"])
    noun, h = pick(h, [w for w in WORDS[f"{locale}.words"] if w != adj])
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


def song_title(locale: str, h: int) -> str:
    words, en, g = WORDS[f"{locale}.words"], locale == "en", mix(h)
    form, h = pick(h, _FORMS["title"])
    w1, h = pick(h, WORDS["en.adj"] if en else words)
    i2, h = h % len(words), h // len(words)
    w2, w3 = words[i2], words[(i2 + 1 + h % (len(words) - 1)) % len(words)]
    common, h = pick(h // len(words), WORDS["en.common"] if en else words)
    sep = "の" if locale == "ja" else " "
    title = form.format(w1=w1, w2=w2, w3=w3, common=common, sep=sep,
                        the="The " if en else "", of=" of " if en else " ")  # fmt: skip
    if g % 5000 == 0:
        title = f"{w2}\\{w3}"
    if (g >> 13) % 100 < 18:
        singer = f"{pick(g >> 20, WORDS['en.first'])[0]} {pick(g >> 28, WORDS['en.last'])[0]}"
        suffix = WORDS["suffix"][(g >> 36) % len(WORDS["suffix"])]
        title += " " + suffix.format(y=1995 + (g >> 44) % 20, f=singer)
    return title


def spelling_variant(artist: str, title: str, h: int) -> tuple[str, str]:
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
