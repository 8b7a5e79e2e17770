"""Subject names across reports: keys, the registry built from real heading paths, resolving, finding in text.

HEADINGS below is the section tree of the four shipped reports as `chunk_report` produces it (each chunk's
section path, written as an indented tree); the functional test checks it still matches the real chunks.
"""

from __future__ import annotations

import pytest

from index.lexical import fold
from index.subjects import (
    COMMON_WORD_ZIPF,
    FUZZY_KEY_RATIO,
    SectionTree,
    SubjectRegistry,
    parse_name,
    recurring_keys,
    subject_key,
)
from tests.unit.conftest import CLEAN_REPORTS, OCR_REPORT, corpus_text

AR_2016 = "skelleftea-norsjo_arsredovisning_2016"
VB_2017 = "skelleftea-norsjo_verksamhetsberattelse_2017"
VP_2015 = "skelleftea-norsjo_verksamhetsplan_2015"
DR_2020 = "sodra-norrbotten_delarsredovisning_2020"

HEADINGS = """
skelleftea-norsjo_arsredovisning_2016
  Ordförande har ordet
  FÖRVALTNINGSBERÄTTELSE
    Sammanfattning av verksamhetsåret
    Om förbundet
      Organisation
      Historik / Lagrum
      Uppdrag / Finansiering/Medlemsavgifter
      Verksamhetsidé och vision / Målgrupper
      Insatser
      Stod för utveckling av socialt företagande / Samverkan inom ramen för DUA-överenskommelsen
    Måluppfyllelse och resultat
      Projekt och metodutveckling
      Uppföljning och resultat för individinriktade insatser
      Forebyggan de il insa ts
      Uppföljning och resultat för strukturövergripande insatser / Förstudie psykisk hilsai arbetslivet / Förstudie ReSam
      Individinriktat stöd via Samordningsförbundet Skellefteå-Norsjö
      Deltagarnas försörjning efter insats
      Antal deltagare Andel Antal deltagare Andel
      Styrkort
    Kommentarer av mal och resultat utifrån styrkort för 2016
      Individen
      Matt
      Statistik behovsbild Skellefteå-Norsjö
      Uppföljning och resultat för strukturövergripande insatser
    Styrelsens arbete under året
      Organisation
      Gemensam planeringsdag inför 2017 / Lokala samverkansgruppen
      Samordningsförbundets presidium / Maria Lindgren-Tuoma, förbundschef, 1,0 / Revision
      Revisorernas arbete / Ekonomisk sammanfattning
      Några avvikelser att notera
  RESULTATRAKNING
  BALANSRAKNING
  KASSAFLÖDESANALYS — DEN LÖPANDE VERKSAMHETEN
  REDOVISNINGSPRINCIPER
  NOTER
  STYRELSENS BESLUT
  BILAGOR
    Arbetsmarknadstorget, AMT
      Målgrupp / Studie- och försörjningsbakgrund
      Resultat
      Verksamhet
      AMT jobbar kring jämställdhet utifrån ett genusperspektiv
      Organisation/resurser / Remittering / Fördelning av remisser
      Ekonomi / Arbetssätt/processer
      Alla är vinnare visar samhällsekonomisk utvärdering från 2015 / Fantastiska resultat
      Lärdomar och framgångsfaktorer (AMT) / Samarbete — med verksamheter och projekt
      Värna om goda relationer till arbetsgivarna
    MySam, Myndighetsgemensam samverkan (från 2016)
      Målgrupp
      Resultat MySam 2016 / Verksamhet
      Arbetssätt/processer
      Jämställdhet, tillgidnglighet, mångfald
      Organisation/resurser / Remittering
      Lärdomar
    En bra start (aug 2016 - juni 2018)
      Målgrupp och mal
      Verksambhet, arbetssätt/processer / Organisation/resurser
      Resultat / Ekonomi/Verksamhetskostnader
    Knut'n 2.0 (aug 2015 - mars 2016)
      Målgrupp / Resultat
      Verksamhet, arbetssätt/processer
      Organisation/resurser / Remittering / Ekonomi
    Ready (2015 - mars 2016)
      Målgrupp / Resultat
      Verksamhet, arbetssätt/processer / Organisation/resurser
    Påfart gymnasiet - individuellt alternativ i Norsjö (ht 2016)
      Målgrupp
      Resultat / Verksamhet
      Arbetssätt/processer / Organisation/resurser
    Hall i - hall ut (aug 2016 - juni 2017)
      Målgrupp / Resultat
      Verksamhet / Organisation/resurser
    Livet är ditt (augusti 2016 - juni 2018)
      Målgrupp
      Verksambhet, arbetssätt/processer
      Organisation/resurser / Lärdomar och framgångsfaktorer
    VILMA - Vi som Lever Med ADHD-symtom (hösten 2016)
      Målgrupp
      Verksambhet, arbetssätt/processer
      Resultat / Deltagarnas självskattning
      Lärdomar
    Co-Active (feb 2016 - dec 2018)
      Målgrupp / Resultat
      Verksamhet
      Organisation/resurser
      Remittering
    Rådgivare inom den sociala ekonomin (2016-2017)
      Målgrupp
      Verksamhet
      Ekonomi
    Kartläggning av insatser för ungdomar
      Målgrupp / Verksambhet, arbetssätt/processer
      Resultat / Organisation/resurser
      Målgrupp
      Resultat
      Verksamhet, arbetssätt/processer
      Organisation/resurser / Lärdomar
    Förstudie psyKkisk hälsa (aug 2016 - dec 2016)
      Några lärdomar
      Förstudie mötesplats Castor (hösten 2016)
      Behovsinventering ReSam (hösten 2016)
      Bakgrund
      Syfte
skelleftea-norsjo_verksamhetsberattelse_2017
  Arbetsmarknadstorget, AMT
    Vision 2017 / Målgrupp
    Utbildningsnivå / Remitterande myndigheter / Resultat
    Organisation/resurser / Strategi
    Individen
    Förnyelse/utveckling
    Arbetssätt/processer
    Jämställdhet utifrån ett genusperspektiv
    Medlemsorganisationer som gått in med egna resurser under 2017 / Nuläget kopplat till stödinsatsens mål och resultat
    Förberedande insatser under 2017
  Livet är ditt (2016-08-01 – 2017-06-30)
    Målgrupp
    Organisation/resurser/ekonomi / Arbetssätt/processer under våren 2017 / Resultat
  Hälsa för livet (september 2017-juni 2018)
    Målgrupp / Organisation/resurser
    Resultat, lärdomar och framgångsfaktorer
  Destination Framtid (2017-04-01 – 2017-12-31)
    Utbildningsnivå / Resultat
    Arbetssätt / Organisation/resurser
    Remittering / Tankar för framtiden
  MySam, Myndighetsgemensam samverkan
    Målgrupp
    Resultat
    Organisation/resurser
    Arbetssätt/processer / Remittenter
    Jämställdhet, tillgänglighet, mångfald
    Inledning / Planering / Insatser
    Slutsatser
  Finsam-projekt/Strukturinriktad samverkan
    NAFS Skellefteå-Norsjö (tidigare ReSam)
    Målgrupp / Bakgrund
    Verksamhet, arbetssätt/processer / Lärdomar
  En bra start (aug 2016 – juni 2018)
    Målgrupp och mål
    Organisation/resurser / Resultat
    Arbetssätt/processer
    Mer rörelse i skolan
    Äventyrspedagogiken vidareutvecklas / Sammansvetsande aktiviteter
    Spridning av goda erfarenheter
  Destination Hälsa
    Målgrupp
    Verksamhet
    Lärdomar
  Praktiksteget/Påfart gymnasiet (2016-08-01 – 2019-06-30)
    Målgrupp
    Resultat / Verksamhet
    Arbetssätt/processer / Organisation/resurser
  Fokus Långa sjukfall (2017-05-01 - 2018-03-31)
    Organisation/resurser
    Arbetssätt/processer
    Mål och resultat
    Projektmedarbetarnas kommentar till resultaten
  DUNA Skellefteå-Norsjö (oktober 2017- december 2018)
    Målgrupp / Syfte
    Mål / Övergripande mål / Delmål
    Organisation/resurser
    Arbetssätt/processer
  Co-Active (2016-02-01 – 2018-12-31)
    Målgrupp / Resultat (dec 2016 – nov 2017)
    Verksamhet
    Mål för projektet
    Organisation/resurser / Remittering
  Vägen Vidare (2017-04-03 – 2020-03-31)
    Målgrupp och mål / Resultat (ingen har hunnit göra avslut ännu)
    Organisation/resurser / Verksamhet, arbetssätt/processer
    Lärdomar och framgångsfaktorer
  Rådgivare inom den sociala ekonomin (2016-03-01 – 2017-12-31)
    Organisation/resurser / Målgrupp och mål
    Arbetssätt/processer
skelleftea-norsjo_verksamhetsplan_2015
  1. Inledning
  2. Organisation
  3. Samordningsförbundets inriktning 2015.
  4. Målgrupp
    Unga personer fortsatt prioriterad grupp
    Stöd till vuxna personer
  5. Budgetprocess för 2015
  6. Samordningsförbundets styrning och ledning
    Strategi / Perspektiv/fokusområden / Individen
    Förnyelse/utveckling
      Mål / Mått / Aktiviteter
    Arbetssätt/processer
      Mål / Mått / Aktiviteter
    Ekonomi
      Mål / Mått / Aktiviteter
    Mål, mått och aktiviteter för 2015 / Individen
  7. Övergripande verksamhetsområden 2016.
  8. Övergripande verksamhetsområden 2017
sodra-norrbotten_delarsredovisning_2020
  1. Förvaltningsberättelse
    1.1 Sammanfattning av verksamhetsårets två första kvartal
      1.1.2 Verksamhetsutveckling i stort
      1.1.3 Resultat på individnivå
        Luleå
        Piteå
        Älvsbyn
      1.1.4 Avslutsanledning / 1.1.5 Resultat på strukturell nivå
      1.1.5 Resultat på strukturell nivå
        Hemsida och grafisk profil
        Plattform Arenan
        Tidsam
        Nordic NaBS
        Hikikomori
        Implementering På rätt väg
        Samverkan med Vuxenutbildningen i Luleå / Partnerskap Coompanion
        Processledarutbildning / Information
  2. Om förbundet
    2.1 Organisation
    2.2 Historik / 2.3 Lagrum
    2.4 Uppdrag
    2.5 Finansiering/Medlemsavgifter
    2.6. Verksamhetsidé och vision
  3 Beskrivning av verksamheten
    3.1 Målgrupper / 3.2 Övergripande mål
    3.3. Måluppfyllelse
      3.3.1 Individinriktade insatser
      3.3.2 Strukturinriktade insatser
        Mål Utveckling / Mål Arbetssätt/processer
        Mål Ekonomi
        Mål Jämställdhet
  5. Informationshantering
    5.2. E-postlåda / 5.3. Digital anslagstavla / 5.4. Dataskyddsombud
  6. Samordningsförbundets styrning och ledning
    6.2.Lokala samverkansgrupper i respektive kommun
      Luleå samverkansgrupp / Ledamöter Piteå samverkansgrupp / Ledamöter Älvsbyns samverkansgrupp
    6.3. Styrgrupp Arenan / 6.4. Styrgrupp MoA
    6.5. Styrgrupp Etablering kvinna / 6.6. Revisorer
  7. Ekonomisk redogörelse och Styrelsen beslut
    7.2 Allmänna redovisningsprinciper
  Bilaga 1
    Samverkansteam Luleå (Fd Arena Ungdom och Rehab 30+) 20191201 -
      Målgrupp / Mål
      Resultat/Effekter
      Bemanning/resurser
    Lots - ett projekt under Arenan 20190304–20201231
      Målgrupp / Mål
      Resultat/Effekter
      Bemanning/resurser
    Etablering kvinna Piteå 20200101–20220630
      Målgrupp / Mål
      Resultat och effekter
      Bemanning/resurser
    MoA Piteå 20190301–20220228
      Målgrupp / Mål / Delmål
      Resultat och effekter
      Bemanning/resurser
    MoA Älvsbyn 20190301–20220228
      Målgrupp / Mål / Delmål
      Resultat och effekter
      Bemanning/resurser
    Tidsam, Piteå 20190401–20210331
      Målgrupp / Mål
      Resultat och effekter
      Bemanning/resurser
    Ett steg till, Älvsbyn 20200101 – 20221231
      Målgrupp / Mål
      Resultat och effekter
      Bemanning/resurser
    Steget fram Älvsbyn 20200201–20211231
      Målgrupp / Mål
      Resultat och effekter
      Bemanning/resurser
"""  # noqa: E501  (two merged sibling headings make long lines; they are data)


def tree_sections(tree: str) -> list[tuple[str, str]]:
    """(report_id, section path) for every node of the indented tree."""
    items: list[tuple[str, str]] = []
    report, path = "", []
    for line in tree.strip("\n").split("\n"):
        depth = (len(line) - len(line.lstrip(" "))) // 2
        if depth == 0:
            report, path = line.strip(), []
            continue
        path = [*path[: depth - 1], line.strip()]
        items.append((report, " › ".join(path)))
    return items


SECTIONS = tree_sections(HEADINGS)


@pytest.fixture(scope="module")
def registry() -> SubjectRegistry:
    return SubjectRegistry.from_sections(SECTIONS)


# --- keys -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Arbetsmarknadstorget, AMT", "arbetsmarknadstorget"),
        ("MySam, Myndighetsgemensam samverkan (från 2016)", "mysam"),
        ("MySam, Myndighetsgemensam samverkan (fran 2016)", "mysam"),  # the OCR text, before repair
        ("Fokus Långa sjukfall (2017-05-01 - 2018-03-31)", "fokus langa sjukfall"),
        ("En bra start (aug 2016 – juni 2018)", "en bra start"),
        ("Co-Active (2016-02-01  – 2018-12-31)", "coactive"),
        ("Knut'n 2.0 (aug 2015 - mars 2016)", "knutn 2 0"),
        ("VILMA - Vi som Lever Med ADHD-symtom (hösten 2016)", "vilma"),
        ("Finsam-projekt/Strukturinriktad samverkan", "strukturinriktad samverkan"),
        ("Projekt - forebyggande stodinsats", "forebyggande stodinsats"),
        ("ESF-projektet Co-Active", "coactive"),
        ("ESF projekt MoA i Älvsbyn", "moa alvsbyn"),
        ("MoA Älvsbyn 20190301–20220228", "moa alvsbyn"),
        ("Älvsbyn, ESF MoA", "moa alvsbyn"),
        ("Tidsam, Piteå 20190401–20210331", "tidsam pitea"),
        ("Piteå, Tidsam", "tidsam pitea"),
        ("Samverkansteam Luleå (Fd Arena Ungdom och Rehab 30+) 20191201 -", "samverkansteam lulea"),
        ("Luleå, Insats LOTS", "lots lulea"),
        ("Arbetsmark-nadstorget", "arbetsmarknadstorget"),
        ("6.4. Styrgrupp MoA", "styrgrupp moa"),
        ("Bilaga 1", ""),
    ],
)
def test_subject_key_of_real_headings(heading, key):
    assert subject_key(heading) == key


@pytest.mark.parametrize("heading", [h for _, path in SECTIONS for h in path.split(" › ")][::7])
def test_key_ignores_case_and_swedish_letters(heading):
    """A question typed in lower case without å/ä/ö names the same subject as the heading."""
    assert subject_key(fold(heading)) == subject_key(heading)


def test_genitive_s_is_dropped_only_for_a_known_base():
    assert subject_key("Arbetsmarknadstorgets") == "arbetsmarknadstorgets"
    assert subject_key("Arbetsmarknadstorgets", known={"arbetsmarknadstorget"}) == "arbetsmarknadstorget"
    assert subject_key("Livet är ditts", known={"livet ar ditt"}) == "livet ar ditt"


@pytest.mark.parametrize(
    ("name", "place", "aliases"),
    [
        ("MoA i Älvsbyn", "Älvsbyn", ()),
        ("Ledamöter Älvsbyns samverkansgrupp", "Älvsbyn", ()),
        ("Arbetsmarknadstorget, AMT", None, ("AMT",)),
        ("NAFS Skellefteå-Norsjö (tidigare ReSam)", "Skellefteå-Norsjö", ("ReSam",)),
        (
            "Samverkansteam Luleå (Fd Arena Ungdom och Rehab 30+) 20191201 -",
            "Luleå",
            ("Arena Ungdom och Rehab 30+",),
        ),
        (
            "Praktiksteget/Påfart gymnasiet (2016-08-01 – 2019-06-30)",
            None,
            ("Praktiksteget", "Påfart gymnasiet"),
        ),
    ],
)
def test_parse_name_finds_place_and_aliases(name, place, aliases):
    parsed = parse_name(name)
    assert (parsed.place, parsed.aliases) == (place, aliases)


# --- which headings are subjects -------------------------------------------------------------------


def test_template_headings_recur_and_project_headings_do_not():
    recurring = recurring_keys(SectionTree.of(SECTIONS).headings)
    assert {"malgrupp", "resultat", "organisation resurser", "bemanning resurser", "lardomar"} <= recurring
    # a project recurs across reports (under BILAGOR in 2016, at the top in 2017), never within one
    assert not {"arbetsmarknadstorget", "mysam", "en bra start", "coactive"} & recurring


@pytest.mark.parametrize(
    "heading",
    [
        "Målgrupp",
        "Resultat (dec 2016 – nov 2017)",
        "Organisation/resurser",
        "Bemanning/resurser",
        "FÖRVALTNINGSBERÄTTELSE",
        "Bilaga 1",
        "Om förbundet",
        "Kommentarer av mal och resultat utifrån styrkort för 2016",
        "Mål Ekonomi",
        "Förnyelse/utveckling",
        "Resultat MySam 2016",
        "AMT jobbar kring jämställdhet utifrån ett genusperspektiv",
        "Individinriktat stöd via Samordningsförbundet Skellefteå-Norsjö",
        "Luleå",
        "6.4. Styrgrupp MoA",
        "Finsam-projekt/Strukturinriktad samverkan",  # groups 'NAFS Skellefteå-Norsjö (tidigare ReSam)'
    ],
)
def test_generic_and_structural_headings_are_no_subjects(registry, heading):
    assert registry.resolve(heading, fuzzy=False) is None


@pytest.mark.parametrize(
    ("name", "reports"),
    [
        ("Arbetsmarknadstorget", {AR_2016, VB_2017}),
        ("MySam", {AR_2016, VB_2017}),
        ("En bra start", {AR_2016, VB_2017}),
        ("Livet är ditt", {AR_2016, VB_2017}),
        ("Co-Active", {AR_2016, VB_2017}),
        ("Påfart gymnasiet", {AR_2016, VB_2017}),  # 2017: 'Praktiksteget/Påfart gymnasiet'
        ("Fokus Långa sjukfall", {VB_2017}),
        ("Kartläggning av insatser för ungdomar", {AR_2016}),  # no period, no name: its sub-headings tell
        ("Tidsam", {DR_2020}),
        ("NAFS", {VB_2017}),
        ("ReSam", {VB_2017}),  # 'NAFS Skellefteå-Norsjö (tidigare ReSam)'
    ],
)
def test_subjects_merge_across_reports(registry, name, reports):
    subject = registry.resolve(name)
    assert subject is not None and subject.reports == reports


def test_amt_and_arbetsmarknadstorget_are_one_subject(registry):
    names = ["AMT", "Arbetsmarknadstorget", "Arbetsmarknadstorgets", "Arbetsmarknadstorget, AMT", "amt"]
    found = {registry.resolve(n).key for n in names}
    assert found == {"arbetsmarknadstorget"}
    assert registry.subjects["arbetsmarknadstorget"].name == "Arbetsmarknadstorget (AMT)"


def test_mysam_of_the_ocr_report_and_of_2017_is_one_subject(registry):
    ocr_heading = next(p for r, p in SECTIONS if r == AR_2016 and "MySam" in p).split(" › ")[1]
    clean_heading = next(p for r, p in SECTIONS if r == VB_2017 and "MySam" in p).split(" › ")[0]
    assert ocr_heading != clean_heading
    assert registry.resolve(ocr_heading) is registry.resolve(clean_heading) is registry.resolve("mysam")


def test_moa_in_each_place_stays_its_own_subject(registry):
    with_lulea = SubjectRegistry.from_sections(
        [*SECTIONS, ("constructed-lulea-variant", "Bilaga 1 › MoA Luleå 20190301–20220228 › Resultat")]
    )
    found = {place: with_lulea.resolve(f"MoA {place}") for place in ("Piteå", "Älvsbyn", "Luleå")}
    assert len({s.key for s in found.values()}) == 3
    assert {s.place for s in found.values()} == {"Piteå", "Älvsbyn", "Luleå"}
    assert registry.resolve("MoA") is None  # two places known: the name alone does not say which
    assert registry.resolve("ESF projekt MoA i Piteå").key == "moa pitea"
    assert registry.resolve("Älvsbyn, ESF MoA").key == "moa alvsbyn"  # a row of the budget table


def test_fokus_resolves_without_its_period(registry):
    subject = registry.resolve("Fokus långa sjukfall")
    assert subject is not None
    assert subject.key == subject_key("Fokus Långa sjukfall (2017-05-01 - 2018-03-31)")


def test_projects_sharing_words_stay_apart(registry):
    en_bra_start = registry.resolve("En bra start")
    assert registry.resolve("Mer rörelse i skolan") is not en_bra_start
    extended = SubjectRegistry.from_json(registry.to_json())
    extended.add("Mer rörelse i skolan", VB_2017)
    assert extended.resolve("Mer rörelse i skolan") is not extended.resolve("En bra start")
    assert registry.resolve("Destination Hälsa") is not registry.resolve("Destination Framtid")
    assert registry.resolve("Knut'n 3.0") is None  # digits differ: never a near match


def test_distinct_subjects_of_the_corpus_are_below_the_fuzzy_threshold(registry):
    from rapidfuzz import fuzz

    subjects = list(registry.subjects.values())
    for i, a in enumerate(subjects):
        for b in subjects[i + 1 :]:
            if a.place == b.place:
                assert fuzz.ratio(a.core, b.core) < FUZZY_KEY_RATIO, (a.key, b.key)


def test_an_ocr_damaged_spelling_joins_the_subject(registry):
    copy = SubjectRegistry.from_json(registry.to_json())
    before = len(copy.subjects)
    subject = copy.add("Forstudie psykisk halsa (aug 2016 - dec 2016)", "another-report")
    assert len(copy.subjects) == before and subject.key == "forstudie psykkisk halsa"


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("BILAGOR › Arbetsmarknadstorget, AMT › Resultat", "arbetsmarknadstorget"),
        ("Fokus Långa sjukfall (2017-05-01 - 2018-03-31) › Mål och resultat", "fokus langa sjukfall"),
        (
            "1. Förvaltningsberättelse › 1.1 Sammanfattning av verksamhetsårets två första kvartal"
            " › 1.1.5 Resultat på strukturell nivå › Tidsam",
            "tidsam pitea",
        ),
        ("En bra start (aug 2016 – juni 2018) › Mer rörelse i skolan", "en bra start"),
        ("FÖRVALTNINGSBERÄTTELSE › Måluppfyllelse och resultat › Styrkort", None),
    ],
)
def test_subject_of_section(registry, section, key):
    subject = registry.subject_of_section(section)
    assert (subject.key if subject else None) == key


# --- finding subjects in text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "keys"),
    [
        ("Hur många deltagare hade Arbetsmarknadstorget 2016?", ["arbetsmarknadstorget"]),
        ("hur manga i mysam?", ["mysam"]),
        ("Vad gör AMT och MySam?", ["arbetsmarknadstorget", "mysam"]),
        ("Vad kostade MySam och Fokus långa sjukfall?", ["fokus langa sjukfall", "mysam"]),  # longest first
        ("Hur många deltagare har Tidsam i Piteå?", ["tidsam pitea"]),
        ("hur manga deltagare har tidsam", ["tidsam pitea"]),
        ("Hur många deltagare hade MoA i Älvsbyn?", ["moa alvsbyn"]),
        ("Hur många deltagare hade MoA?", ["moa pitea", "moa alvsbyn"]),
        ("Vad kostade Ett steg till i Älvsbyn?", ["ett steg till alvsbyn"]),
        ("Ett steg till arbete för fler", []),  # common words: a name only beside its place
        ("Hur gick det för livet ar ditt och en bra start?", ["livet ar ditt", "en bra start"]),
        ("Vad är Samordningsförbundet?", []),
    ],
)
def test_find_in_questions(registry, question, keys):
    assert [s.key for s in registry.find_in_text(question)] == keys


def test_find_in_the_unrepaired_ocr_text(registry):
    """The OCR export breaks 'Arbetsmark-' over a line and writes 'pa' for 'på'; the name is still found."""
    lines = corpus_text(OCR_REPORT).split("\n")
    i = next(i for i, line in enumerate(lines) if line.rstrip().endswith("Arbetsmark-"))
    found = registry.find_in_text("\n".join(lines[i : i + 2]))
    assert [s.key for s in found] == ["arbetsmarknadstorget"]
    genitive = next(line for line in lines if "MySams" in line)
    assert [s.key for s in registry.find_in_text(genitive)] == ["mysam"]


def test_find_tolerates_one_damaged_letter_in_a_long_word(registry):
    # constructed OCR error (one letter) in a real name
    assert [s.key for s in registry.find_in_text("resultat för Arbetsmarknadstorgct")] == [
        "arbetsmarknadstorget"
    ]


def test_aliases_defined_in_running_text():
    registry = SubjectRegistry.from_sections(SECTIONS)
    sentence = next(
        line for line in corpus_text(DR_2020).split("\n") if "MoA (" in line
    )  # 'För ESF projektet MoA (Motivera och aktivera) finns en styrgrupp …'
    assert registry.add_aliases_from_text(sentence) == 2  # both places' MoA
    assert registry.resolve("Motivera och aktivera") is None  # still two places
    assert registry.resolve("Motivera och aktivera i Piteå").key == "moa pitea"
    assert [s.key for s in registry.find_in_text("motivera och aktivera i Älvsbyn")] == ["moa alvsbyn"]
    assert registry.add_aliases_from_text(sentence) == 0  # already known


def test_a_description_in_parentheses_is_no_alias(registry):
    copy = SubjectRegistry.from_json(registry.to_json())
    assert copy.add_aliases_from_text("Lärdomar och framgångsfaktorer (AMT)") == 0
    assert copy.add_aliases_from_text("Livet är ditt (augusti 2016 - juni 2018)") == 0


# --- storing ---------------------------------------------------------------------------------------


def test_json_round_trip(registry):
    again = SubjectRegistry.from_json(registry.to_json())
    assert again.to_json() == registry.to_json()
    for name in ("AMT", "hur manga i mysam", "MoA i Piteå", "Tidsam"):
        a, b = registry.resolve(name), again.resolve(name)
        assert (a and (a.key, a.name, a.reports)) == (b and (b.key, b.name, b.reports))


def test_a_spelling_added_after_loading_keeps_the_display_name(registry):
    again = SubjectRegistry.from_json(registry.to_json())
    subject = again.add("Arbetsmarknadstorget, AMT", "another-report")
    assert subject.name == "Arbetsmarknadstorget (AMT)"
    assert again.add("Tidsam, Piteå 20190401–20210331").name == registry.resolve("Tidsam").name


def test_json_of_another_version_is_refused():
    with pytest.raises(ValueError, match="version"):
        SubjectRegistry.from_json('{"version": 99, "subjects": []}')


# --- the real corpus -------------------------------------------------------------------------------


@pytest.mark.functional
def test_registry_from_the_real_corpus_chunks(loaded_reports, cleaned_reports, cleaned_ocr_report):
    from index.chunk import chunk_report

    cleaned = {**cleaned_reports, OCR_REPORT: cleaned_ocr_report}
    chunks = [
        chunk
        for name in (OCR_REPORT, *CLEAN_REPORTS)
        for chunk in chunk_report(name, loaded_reports[name].meta, cleaned[name])
    ]
    real = {(c.report_id, c.section) for c in chunks}
    assert real <= set(SECTIONS)  # HEADINGS above is the real section tree, not an invented one
    registry = SubjectRegistry.from_sections((c.report_id, c.section) for c in chunks)
    assert set(registry.subjects) == set(SubjectRegistry.from_sections(SECTIONS).subjects)
    for report_id, report in loaded_reports.items():
        registry.add(report.meta.organisation, report_id)
    for chunk in chunks:
        registry.add_aliases_from_text(chunk.text)

    assert registry.resolve("AMT").reports == {AR_2016, VB_2017}
    assert registry.resolve("MySam").reports == {AR_2016, VB_2017}
    assert registry.resolve("MoA Piteå") is not registry.resolve("MoA Älvsbyn")
    assert registry.resolve("Samordningsförbundet Skellefteå-Norsjö").place == "Skellefteå-Norsjö"
    # the 2015 plan has no project headings, but its text names Arbetsmarknadstorget
    plan = [c for c in chunks if c.report_id == VP_2015]
    assert any(s.key == "arbetsmarknadstorget" for c in plan for s in registry.find_in_text(c.text))
    assert registry.resolve("Samordningsförbundet Skellefteå-Norsjö").reports == {AR_2016, VB_2017, VP_2015}
    # each subject named by a heading is found in the text of its own section, except a name that is one
    # common word ('Ready', 'Lots'), which counts in running text only when written as an abbreviation
    from wordfreq import zipf_frequency

    for subject in registry.subjects.values():
        own = [c for c in chunks if registry.subject_of_section(c.section) is subject]
        one_common_word = " " not in subject.core and zipf_frequency(subject.core, "sv") >= COMMON_WORD_ZIPF
        if own and not one_common_word:
            assert any(subject in registry.find_in_text(c.text) for c in own), subject.key


def test_a_place_or_prefix_alone_is_refused():
    with pytest.raises(ValueError, match="names no subject"):
        SubjectRegistry().add("Bilaga 1")
    with pytest.raises(ValueError, match="names no subject"):
        SubjectRegistry().add("Piteå")


def test_an_organisation_of_two_places_needs_both_in_the_text():
    registry = SubjectRegistry()
    norsjo = registry.add("Samordningsförbundet Skellefteå-Norsjö", VP_2015)
    registry.add("Samordningsförbundet Södra Norrbotten", DR_2020)
    assert norsjo.place == "Skellefteå-Norsjö" and norsjo.key == "samordningsforbundet skelleftea norsjo"
    assert registry.find_in_text("Samordningsförbundet Skellefteå-Norsjö") == [norsjo]
    assert registry.resolve("Samordningsforbundet Sodra Norrbotten").reports == {DR_2020}


def test_headings_of_splits_joined_siblings():
    headings = SectionTree.of(
        [(VB_2017, "Co-Active (2016-02-01 – 2018-12-31) › Organisation/resurser / Remittering")]
    )
    assert [(h.text, h.parent, h.depth) for h in headings.headings] == [
        ("Co-Active (2016-02-01 – 2018-12-31)", "", 0),
        ("Organisation/resurser", "Co-Active (2016-02-01 – 2018-12-31)", 1),
        ("Remittering", "Co-Active (2016-02-01 – 2018-12-31)", 1),
    ]


@pytest.mark.parametrize(
    ("name", "display"),
    [
        ("amt", "Arbetsmarknadstorget (AMT)"),
        ("mysam", "MySam (Myndighetsgemensam samverkan)"),
        ("vilma", "VILMA (Vi som Lever Med ADHD-symtom)"),
        ("duna", "DUNA Skellefteå-Norsjö"),
        ("tidsam", "Tidsam, Piteå"),
        ("moa i alvsbyn", "MoA Älvsbyn"),
        ("livet ar ditt", "Livet är ditt"),  # the repaired spelling of 2016 and the one of 2017 agree
    ],
)
def test_display_names(registry, name, display):
    assert registry.resolve(name).name == display


def test_form_index_offers_every_form_that_can_match(registry):
    """The first-word index is only a shortcut: at every word of two real reports, the forms it offers
    include every form that `_match_at` accepts when all forms are tried."""
    from index.subjects import FormIndex, _match_at, _tokens

    index = FormIndex.of(registry._by_form())
    for report in (CLEAN_REPORTS[0], OCR_REPORT):
        tokens = _tokens(corpus_text(report)[:20000])
        for i, token in enumerate(tokens):
            offered = {form for form, _, _ in index.candidates(token)}
            accepted = {form for form, split, _ in index.ranked if _match_at(tokens, i, split)}
            assert accepted <= offered, (token, accepted - offered)


def test_found_names_follow_aliases_added_later():
    registry = SubjectRegistry()
    registry.add("Arbetsmarknadstorget", "r")
    assert registry.find_in_text("AMT hade 95 deltagare") == []  # cached: AMT is no alias yet
    assert registry.add_aliases_from_text("Arbetsmarknadstorget (AMT) startade 2014.") == 1
    assert [s.key for s in registry.find_in_text("AMT hade 95 deltagare")] == ["arbetsmarknadstorget"]
