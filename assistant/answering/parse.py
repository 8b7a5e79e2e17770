"""The question as an operation and constraints: what to compute, over which measure, for which names,
periods and organisation. Broad Swedish patterns over the folded question (å/ä→a, ö→o), not question lines."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answering.models import Ask, Operation, Side
from assistant.answering.similarity import contains_name
from assistant.question import QUESTION_WORDS, Question, org_keywords
from index.lexical import STOPWORDS, fold
from index.numbers import number_word_value

# Checked in this order: a check question may say "andel", a per-unit one "kostnad", an overrun "budget".
# 'går ihop', 'går könsfördelningen ihop med …', 'hänger siffrorna ihop': the words between vary; 'är den
# siffran rätt räknad', 'kontrollera om raden Summa … motsvarar posterna'. 'stämmer' is kept apart: it also
# opens a question for a value ('Stämmer det att X gick över budget? Hur många procent …').
_CHECK_WORDS = (
    r"\b(gar|hanger)\b(?: [\w–-]+){0,8} ihop\b|\bkorrekt|\brimlig|\bsummerar|\bgar jamnt upp"
    r"|\bratt (?:rakn|berakn|utrakn)\w*|\b(?:rakn|berakn)\w* ratt\b|\bkontroller\w*"
    r"|\bmotsvarar (?:\w+ ){0,2}(?:poster\w*|rader\w*|summan|delar\w*)"
)
#: What is left of a budget ('finns kvar av årsbudgeten', 'återstår av budgeten'): budget less outcome.
LEFT_OF_BUDGET = r"\b(?:kvar|aterst\w*|outnyttja\w*|oforbruka\w*) (?:\w+ ){0,3}?(?:av )?\w*budget"
OPERATIONS: tuple[tuple[Operation, str], ...] = (
    ("check", rf"\bstamm\w*|{_CHECK_WORDS}"),
    (
        "per_unit",
        r"\bper (deltagare|person|individ|elev|capita|inskriven|ungdom)|\bi snitt\b|\bgenomsnitt\w* kostnad"
        r"|\bkostnad\w* per\b|\bsnittkostnad|\bstyckkostnad|\bkostade \w+ (deltagare|person)",
    ),
    (
        "budget_used",
        # 'hur stor del av Familjeportens helårsbudget': an insats's name in the genitive may stand before
        # … 'av sin budget', 'av deras budget': a possessive before it
        r"hur (stor del|mycket|stor andel|manga procent) av "
        r"(?:den |det |de |sin |sitt |sina |dess |deras |var |vart )?(?:\w+s )?(?:ars|helars)?budget\w*"
        r"|\bbudget\w*(?: \w+){0,4} (anvand\w*|forbruka\w*|utnyttja\w*)\b"
        r"|\bforbruka\w*|\bgick at\b"
        r"|\butnyttja\w*|\banvandes av budget|\bbudget\w* (anvandes|utnyttjades)",
    ),
    (
        "overrun",
        r"\boverskr\w*|mer an budget\w*|\bover (?:sin |sina |den |dess )?budget|mindre an budget\w*"
        r"|\bunder (?:sin |sina |den |dess )?budget"
        r"|\b(hogre|lagre|dyrare|billigare) an budget\w*"
        r"|\bbudgetoverskridande|\bbudgetavvik\w*|\bavvek\w* \w* ?(fran|mot) budget|\bjamfort med budget\w*"
        r"|\bbudgeterat"
        # 'avvikelsen (utfall minus budget)', 'skillnaden mellan budget och utfall', 'utfall mot budget'
        r"|^(?!.*\b(?:19|20)\d\d\b.*\b(?:19|20)\d\d\b).*\b(avvikels|differens|skillnad)\w*\b(?=.*\b(budget|utfall))"
        r"|\butfall\w* (minus|mot) budget|\bbudget\w* (minus|mot) utfall"
        # 'hur mycket finns kvar av årsbudgeten': the budget less what was spent
        rf"|{LEFT_OF_BUDGET}",
    ),
    (
        "share",
        r"\bandel\w*|\bhur stor del|\bprocent av\b|\bhur manga procent\b|\bi procent av\b|\bproportion",
    ),
    (
        "change",
        r"\bforandr\w*|\bokade|\bokat\b|\bokning\w*|\bminskade|\bminskat\b|\bminskning\w*|\bjamfort"
        r"|\butveckl\w*|\bskillnad\w*|\b(fler|farre|mer|mindre|hogre|lagre)\b(?: \S+){0,8} an\b"
        r"|\bhogre an\b|\blagre an\b"
        r"|\bsteg\b|\bsjonk\b|\bhojde\w*|\bsankte\w*|\bhojning\w*|\bsankning\w*"
        # 'hur står sig prognosen mot budgeten', 'hur mycket bättre är prognosen än budgeten'
        r"|\bstar sig\b|\b(?:battre|samre)\b(?: \S+){0,8} an\b",
    ),
    (
        "sum",
        r"\b(sammanlagt|totalt|tillsammans|sammantaget|summan|sammantagna|sammanlagda)\b"
        r"|\b(rakna|lagga|lagg|sla) ihop\b|\bsummera\w*",
    ),
    # 'När deltagarna lämnade X, hur många hade …': a clause of time before the question proper
    (
        "when",
        r"^\s*(nar(?!.*\bhur (?:manga|mycket|stor\w*|lang\w*)\b)"
        r"|vilket ar|vilket datum|vilken dag|vilken manad)\b",
    ),
    ("list", r"^\s*(vilka|vilken|vem|vad|namnge|rakna upp|lista|ange)\b"),
)
# Words of the operation itself: they say what to compute, not what is counted.
_OPERATION_WORDS = frozenset(
    fold(w)
    for w in """
    andel andelen andelar procent procenten procentuellt procentuell del förändrades förändring förändringen
    förändrats ökade ökat ökning ökningen minskade minskat minskning minskningen jämfört jämförelse skillnad
    skillnaden sammanlagt totalt tillsammans sammantaget summan sammantagna sammanlagda stämmer stämde
    stämma korrekt rimlig rimligt ihop per snitt genomsnitt genomsnittlig genomsnittliga överskreds
    överskred överskridande överskridits budgeterat budgeterade budgeten mer mindre fler färre högre lägre
    stort stora stort långt länge lång långa
    steg sjönk höjdes höjde sänktes sänkte gick åt förbrukades utnyttjades användes utfall går jämnt upp
    januari februari mars april maj juni juli augusti september oktober november december halvåret
    halvår första andra tertialet kvartalet helåret perioden mellan redovisade redovisas anges angiven angivna
    uppgiven räkna upp namnge lista ange hur många mycket stor vilka innan före föregående förra efter därpå
    därefter dessförinnan gånger gång
    vilken vilket vem vad när kom fick var blev hade har är ska skulle kunde år året åren under
    """.split()
)
_MONEY = re.compile(
    r"\b(kronor|kr|pengar|\w*belopp\w*|\w*budget\w*|\w*kostnad\w*|kostade|utfall\w*|\w*avgift\w*|\w*intakt\w*"
    r"|\w*resultat\w*"
    r"|\w*kapital\w*|bidrog|bidrar|finansierade|underskott\w*|overskott\w*|bidrag\w*|tilldelning\w*|medel|beviljade?s?|betalade?|satsade?"
    r"|lade)\b"
)
# A question about how long: its answer is a duration ('6 mån', '14 veckor'), never a count of people.
_DURATION = re.compile(
    r"\bhur (lang|lange)\b|\bhur lang tid\b|\bgenomsnittlig\w* \w*(tid|langd)\w*|\b\w*tiden i\b"
    # 'hur många månader pågick den': a count of time units is a duration
    r"|\bhur manga (manader|veckor|dagar|timmar|ar)\b"
)
# 'hur många av deltagarna …', 'hur många av dem som …': some of a group, never the group's total.
_SUBSET = re.compile(r"\bhur manga av\b|\bhur stor del av\b(?=.*\b(var|gick|fick|hade|kom)\b)")
_COUNT = re.compile(r"\bhur manga\b(?! procent| manader| veckor| dagar| timmar| ar\b| gang)")
_PERCENT = re.compile(r"\bprocent\w*|%|\bandel\w*|\bhur stor del\b")
_ABSOLUTE = re.compile(
    r"\bhur manga fler|\bhur manga farre|\bmed hur (manga|mycket)\b|\bhur mycket (mer|mindre|hogre|lagre)"
    r"|\bskillnaden i antal\b|\bforandring\w* (?:i|av) antal\w*\b"
    # a count asked for ('hur många deltagare … jämfört med', 'hur mycket ökade antalet') is a count's
    # difference; the percent is what 'procent' asks for (`Ask.percent` wins)
    r"|\bhur manga\b|\bhur mycket \w+ antalet\b"
    # 'hur förändrades antalet deltagare': the count's change, not its percent
    r"|\b(?:hur|vad) (?:forandrades|andrades|utvecklades|hande med) antalet\b"
    # 'hur mycket växte deltagarantalet': a count's change is counted; 'räknat i personer', 'i kronor'
    r"|\bhur mycket \w+ \w*antalet\b|\b(?:raknat|uttryckt|angivet) i (?:antal|personer|kronor|kr)\b"
)
_ITEMS = re.compile(r"\b(\w+) (insatser\w*|projekt\w*|verksamhet\w*|kommuner\w*|delar|aktivitet\w*)\b")
_YEAR = re.compile(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_GENERIC_ORG = frozenset({"samordningsforbundet", "samordningsforbund", "forbundet", "forbundets", "finsam"})


_CHANGE_VERB = re.compile(
    r"\b(okade|okat|minskade|minskat|forandrades|steg|sjonk|hojdes|sanktes|okning\w*|minskning\w*|forandring\w*)\b"
)


# 'än året innan', 'jämfört med föregående år': the year before the one the question names
_YEAR_BEFORE = re.compile(r"\b(?:aret|aaret) (?:innan|fore|dessforinnan)\b|\bforegaende ar\w*|\bforra aret\b")
_YEAR_AFTER = re.compile(r"\b(?:aret) (?:efter|darpa|darefter)\b|\bfoljande ar\w*")


def years_asked(text: str, folded: str) -> tuple[int, ...]:
    """The years a question names, with the year before (or after) the one it names when it says so."""
    years = {int(y) for y in _YEAR.findall(text)}
    if len(years) == 1:
        (year,) = years
        if _YEAR_BEFORE.search(folded):
            years.add(year - 1)
        if _YEAR_AFTER.search(folded):
            years.add(year + 1)
    return tuple(sorted(years))


# 'procent av deltagarna' names a whole; 'ökningen i procent av anmälningarna' names what changed
_SHARE_OF = re.compile(
    r"^(?!.*\b(okning\w*|minskning\w*|forandring\w*|okade|minskade)\b.*\bprocent av\b).*\bprocent av\b"
)
_COMPARED = re.compile(r"\b(fler|farre|mer|mindre|hogre|lagre|storre|battre|samre)\b(?: \S+){0,8} an\b")


# A polite request before the question proper: 'Kan du räkna upp …', 'Jag undrar hur många …'
_REQUEST = re.compile(
    r"^\s*(?:(?:kan|skulle) (?:du|ni)(?: kunna)?|jag (?:undrar|vill veta|behover(?: fa)?(?: veta)?"
    r"|skulle vilja (?:veta|ha)|vill ha)"
    r"|snalla|ge mig|ta fram|plocka fram|visa|beratta|hjalp mig(?: att)?|hjalpa mig(?: att)?)"
    r"\s+(?:(?:om|att)\s+)?(?=\w)"
)


def without_request(folded: str) -> str:
    """The question without the requests before it ('Kan du ta fram …' → '…'), several in a row."""
    for _ in range(3):
        shorter = _REQUEST.sub("", folded, count=1)
        if shorter == folded:
            break
        folded = shorter
    return folded


def operation_of(folded: str) -> Operation:
    folded = without_request(folded)
    if (
        re.search(r"\bprocent\b", folded)
        and (_CHANGE_VERB.search(folded) or _COMPARED.search(folded))
        and not re.search(r"\bandel|\bhur stor del", folded)
        and not _SHARE_OF.search(folded)
    ):
        # 'med hur många procent ökade …', 'hur många procent fler … än året innan': a change in
        # percent, not a share
        return "change"
    operation = _first_operation(folded)
    if operation == "per_unit" and _DURATION.search(folded):
        return "lookup"  # 'hur länge var deltagarna med i snitt': a stated average time, not kr per person
    if (
        operation in ("lookup", "list")
        and _between_years(folded)
        and (_value_noun(folded) or re.search(r"\bantal\w*|\bhur (manga|mycket|stor)", folded))
    ):
        return "change"  # 'vad hände med antalet deltagare mellan 2016 och 2017': a value over two years
    return operation


# 'gick över budget … hur många procent av budgeten handlade överskridandet om': the overrun, though its
# share of the budget is asked in budget_used's words
_OVERRUN_NOUN = re.compile(r"\boverskr\w*|\bover (?:sin |sina |den |dess )?budget")
# 'Stämmer det att X gick över budget? Hur många procent …': a value asked for in a sentence after the
# 'stämmer' one ('Stämmer uppgiften om hur stor andel …' is a check)
_VALUE_ASKED = re.compile(r"\bstamm\w*[^?.]*[?.]\s*.*\bhur (?:manga|mycket|stor\w*)\b")


def _first_operation(folded: str) -> Operation:
    for operation, pattern in OPERATIONS:
        if re.search(pattern, folded):
            if operation == "budget_used" and _OVERRUN_NOUN.search(folded):
                return "overrun"
            if (
                operation == "check"
                and _VALUE_ASKED.search(folded)
                and not re.search(_CHECK_WORDS, folded)
                and not re.search(r"\d", _YEAR.sub(" ", folded))  # no stated figure to check
            ):
                continue  # only 'stämmer det att …' before a question for a value: that question counts
            value_asked = _value_noun(folded) or _VALUE_VERB.search(folded)
            if operation == "list" and re.match(r"\s*(vilken|vilket|vad)\b", folded) and value_asked:
                return "lookup"  # "vilket resultat …", "vad kostade …": a value, not a list
            if operation == "list" and _ONE_DEFINITE.match(folded):
                return "lookup"  # "vilken var medelåldern …": one thing in the definite form, not a list
            return operation
    return "lookup"


# 'vad kostade …', 'vad beräknas X kosta', 'vad betalade kommunen': a value, not a list
_VALUE_VERB = re.compile(r"\b(kost\w*|betala\w*|uppg(ick|ar)|beraknas|budgeter\w*)\b")
_ONE_DEFINITE = re.compile(
    r"\s*(?:vilken|vilket) (?:var|ar|blev|har varit) (?!den\b|det\b)\w{3,}(?:en|et|an|rn|ln)\b"
    # 'vad var den genomsnittliga tiden …': one thing, its adjective before it
    # ('vilken var den största insatsen' asks for a name)
    r"|\s*vad (?:var|ar|blev) (?:den|det) \w+(?:a|e) \w{3,}(?:en|et|an|rn|ln)\b"
    r"|\s*(?:vilken|vilket) (?:var|ar|blev) (?:den|det) (?:genomsnittlig|total|sammanlagd|samlad|faktisk"
    r"|budgeterad)\w* \w{3,}(?:en|et|an|rn|ln)\b"
)
_BETWEEN = re.compile(r"\b(?:mellan|fran) ((?:19|20)\d\d) (?:och|till) ((?:19|20)\d\d)\b")


def _between_years(folded: str) -> bool:
    m = _BETWEEN.search(folded)
    return bool(m) and m.group(1) != m.group(2)


# A point of the period, not a measure: 'när 2024 var slut', 'vid årets utgång', 'i början av året'.
# 'kvar' is who remains at the end ('fanns kvar i slutet'), or at the start when carried over ('kvar från')
_END = re.compile(r"\b(slut|slutet|utgang\w*|utgaende|bokslutsdag\w*)\b|\b31 december\b|\bkvar\b(?! fran)")
_START = re.compile(r"\b(borjan|borjat|ingaende|ingangen|inledning)\b|\b1 januari\b|\bkvar fran\b")
_MOMENT_WORDS = frozenset("slut slutet utgang utgangen utgaende borjan ingaende kvar".split())


def moment_of(folded: str) -> str | None:
    """'end' / 'start' for a question about a point of its period (see `Ask.moment`)."""
    if _END.search(folded):
        return "end"
    if _START.search(folded):
        return "start"
    return None


def _value_noun(folded: str) -> bool:
    return bool(_MONEY.search(folded) or re.search(r"\w*(tal|antal|summa|niva|grad|andel)\b", folded))


def names_in(text: str, organisations: list[str], subject_names: list[str]) -> list[str]:
    """Capitalised runs after the first word ('Region Dalälven', 'Sandvik', 'MoA'), the subjects the
    index found in the question, but not the organisation the question names."""
    org_words = set().union(*(org_keywords(o) for o in organisations)) if organisations else set()
    found: list[str] = list(subject_names)
    run: list[str] = []
    tokens = [(m.group(), _opens_sentence(text, m.start())) for m in _WORD.finditer(text)]
    for token, opening in [*tokens, ("", True)]:
        if not opening and token[:1].isupper():
            run.append(token)
            continue
        if run:
            folded = {
                fold(w).removesuffix("s") if fold(w).removesuffix("s") in org_words else fold(w) for w in run
            }
            written = " ".join(run)
            if not folded <= (org_words | _GENERIC_ORG) and not any(
                fold(written) in fold(s) or contains_name(s, written) for s in found
            ):
                kept = [
                    w
                    for w in run
                    if fold(w) not in _GENERIC_ORG
                    and fold(w) not in org_words
                    and fold(w).removesuffix("s") not in org_words
                ]
                if kept:
                    found.append(" ".join(kept))
            run = []
    return list(dict.fromkeys(found))


def _opens_sentence(text: str, at: int) -> bool:
    """A word that opens the question or one of its sentences ('… 2024? Hur många …', '… 2024. Lista
    aktiviteterna.') is capitalised as any sentence's first word is, not as a name."""
    before = text[:at].rstrip()
    return not before or before[-1] in ".?!:;"


_COUNTED_MAN = re.compile(
    r"\b(hur m[aå]nga|antal(?:et)?|andel(?:en)?)\s+man\b"
    # 'hur manga av deltagarna var man', typed without å/ä/ö: 'man' after 'var' is the men counted
    r"|\b(hur m[aå]nga (?:av )?(?:\w+ ){0,3}(?:var|ar))\s+man\b(?=\s*\??\s*$)",
    re.IGNORECASE,
)
_TOOK_PART = re.compile(r"\b(?:tog|tagit|tar) del (?:av|i)\b", re.IGNORECASE)


_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS) - {"ar"}  # 'ar' is 'år' as often as 'är'


def _unaccented_stopword(word: str) -> bool:
    """'an' typed for 'än', 'for' for 'för': a stopword written without its å/ä/ö."""
    lower = word.lower()
    return lower == fold(lower) and lower in _FOLDED_STOPWORDS


def _without_names(folded: str, names: Sequence[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        folded = re.sub(rf"(?<!\w){re.escape(fold(name))}(?!\w)", " ", folded)
    return " ".join(folded.split())


def parse_ask(question: Question, subject_names: list[str] = ()) -> Ask:  # type: ignore[assignment]
    # 'tog del av X' is 'deltog i X': the verb's particle is not what is counted
    text = _TOOK_PART.sub("deltog i", question.text)
    # 'hur manga man …' typed without å/ä/ö counts men: after a count word 'man' is no pronoun
    text = _COUNTED_MAN.sub(lambda m: f"{m.group(1) or m.group(2)} män", text)
    folded = fold(text)
    names = names_in(text, list(question.organisations), list(subject_names))
    # the operation is read without the names: 'Steg för steg' is an insats, not 'steg' (rose)
    operation = operation_of(_without_names(folded, names))
    name_words = {fold(w) for n in names for w in _WORD.findall(n)}
    org_words = (
        set().union(*(org_keywords(o) for o in question.organisations)) if question.organisations else set()
    )
    items_match = _ITEMS.search(text.lower())
    item_words = set(items_match.groups()) if items_match else set()

    def measure_words(part: str) -> list[str]:
        return [
            w.lower()
            for w in _WORD.findall(part)
            if fold(w) not in name_words
            and fold(w) not in org_words
            and fold(w).removesuffix("s") not in org_words
            and fold(w) not in _GENERIC_ORG
            and w.lower() not in item_words
            and number_word_value(w.lower()) is None
            and w.lower() not in STOPWORDS
            and not _unaccented_stopword(w)
            and fold(w) not in QUESTION_WORDS
            and fold(w) not in _OPERATION_WORDS
            and fold(w) not in _MOMENT_WORDS
            and len(w) > 1
        ]

    # 'Kan du ta fram …', 'Jag behöver …': the request's words are not what is asked about
    request = len(folded) - len(without_request(folded)) if len(folded) == len(text) else 0
    measure = measure_words(text[request:])
    part, whole = _share_parts(text, measure) if operation == "share" else ((), ())
    unit = None
    if _DURATION.search(folded) and operation == "lookup":
        unit = "tid"
    elif _PERCENT.search(folded) and operation in ("share", "lookup"):
        unit = "procent"
    elif _MONEY.search(folded) or (re.search(r"\bhur mycket\b", folded) and not _COUNT.search(folded)):
        unit = "kr" if _MONEY.search(folded) or "pengar" in folded else None
    elif _DURATION.search(folded):
        unit = "tid"
    elif _COUNT.search(folded):
        unit = "personer"
    items = None
    m = _ITEMS.search(text.lower())
    if m:
        word = m.group(1)
        items = int(word) if word.isdigit() else number_word_value(word)
    part_year = part_of_year(folded)
    asks_value = operation not in ("list", "when") and (
        question.asks_value
        or operation != "lookup"
        or unit in ("kr", "tid")
        or bool(re.search(r"\bhur (manga|mycket|stor|lang|hog|lag)", folded))
        or (bool(measure) and _keywords_only(folded))
    )
    return Ask(
        head=_head_of(text, measure),
        text=text,
        operation=operation,
        measure=tuple(dict.fromkeys(measure)),
        part=part,
        whole=whole,
        names=tuple(names),
        years=years_asked(text, folded),
        organisations=tuple(question.organisations),
        unit=unit,
        percent=bool(re.search(r"\bprocent\w*|%|\bprocentuell", folded)),
        absolute=bool(_ABSOLUTE.search(folded)) or (unit == "kr" and operation == "change"),
        asks_value=asks_value,
        subset=bool(_SUBSET.search(folded)) and operation == "lookup",
        items=items,
        moment=moment_of(folded),
        sides=sides_of(text, folded, measure_words) if operation in ("change", "difference") else (),
        part_year=part_year,
        full_year=part_year is None
        and bool(
            # 'helårsbudgeten' names a column, not the period asked about
            re.search(
                r"\bhelar(?!sbudget|sprognos)\w*"
                r"|\bhela (?:aret|verksamhetsaret|rakenskapsaret|(?:19|20)\d\d)\b",
                folded,
            )
        ),
    )


# What divides a comparison in two: 'mer … än …', '… jämfört med …', '… i förhållande till …'
_PIVOT = re.compile(r"\b(?:an|jamfort (?:med|mot)|jamforelse med|i forhallande till|gentemot)\b")
_PIVOT_MOT = re.compile(r"\bmot\b")  # 'prognosen står sig mot budgeten': where no other word divides


def sides_of(text: str, folded: str, measure_words: Callable[[str], list[str]]) -> tuple[Side, ...]:
    """The two sides of a comparison, each with its own words, years and part of a year: 'Hur mycket mer
    pengar har X i budget för 2025 | än vad insatsen kostade 2024?'. None where a side would be empty."""
    m = _PIVOT.search(folded) or _PIVOT_MOT.search(folded)
    if m is None or len(folded) != len(text):
        return ()
    halves = (text[: m.start()], text[m.end() :])
    if not all(h.strip(" ?.!") for h in halves):
        return ()
    sides = []
    for half in halves:
        words = tuple(dict.fromkeys(measure_words(half)))
        # the side's money noun, not the word that says whether it is a plan ('budgeten', 'kostade')
        money = [w for w in words if _MONEY.fullmatch(fold(w)) and not _SIDE_KIND_WORD.search(fold(w))]
        sides.append(
            Side(
                text=half,
                measure=words,
                years=tuple(sorted({int(y) for y in _YEAR.findall(half)})),
                part_year=part_of_year(fold(half)),
                head=money[-1] if money else None,
            )
        )
    return tuple(sides)


_SIDE_KIND_WORD = re.compile(r"budget|prognos|utfall|^kostade$|^pengar$|^kronor$|^kr$")


_MONTH_NUMBERS = {
    m: i
    for i, names in enumerate(
        (
            ("januari", "jan"),
            ("februari", "feb"),
            ("mars", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augusti", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
# The parts of a year a question may ask for, each with the month it ends (0: not said)
_PART_OF_YEAR = (
    re.compile(rf"\bjan(?:uari)?\s*(?:[–-]|till)\s*(?P<month>{_MONTH})\b"),
    re.compile(rf"\b(?:till och med|t\.?\s?o\.?\s?m\.?|fram till|per \d{{1,2}}) (?P<month>{_MONTH})\b"),
    re.compile(r"\b(?:arets )?forsta (?P<count>\w+) manader\w*"),
    re.compile(r"\b(?:andra|senare|sista) halvaret\b|\bjuli\s*(?:[–-]|till)\s*dec(?:ember)?\b"),
    re.compile(r"\b(?:forsta|under) halvaret\b|\bhalvarsskiftet\b|\bhalvarsrapport\w*|\bhalvarsbokslut"),
    re.compile(r"\bdelar(?:et|ets|srapport\w*|sredovisning\w*|sbokslut\w*|sperioden?)?\b"),
)


def part_phrase(folded: str) -> str:
    """The words that name the part of a year a question asks about ('andra halvaret'), or ''."""
    for pattern in _PART_OF_YEAR:
        if m := pattern.search(folded):
            return m.group(0)
    return ""


def part_of_year(folded: str) -> int | None:
    """The month a part of a year the question asks about ends (see `Ask.part_year`); 'andra halvåret'
    ends in December, a part to the end of December ('januari–december') is the whole year."""
    for pattern in _PART_OF_YEAR:
        m = pattern.search(folded)
        if not m:
            continue
        groups = m.groupdict()
        if groups.get("month"):
            month = _MONTH_NUMBERS[groups["month"]]
            return None if month == 12 else month
        if ("halvaret" in m.group(0) and not m.group(0).startswith(("forsta", "under"))) or "juli" in m.group(
            0
        ):
            return 12
        if groups.get("count"):
            word = groups["count"]
            count = int(word) if word.isdigit() else number_word_value(word)
            return count if count and 1 <= count <= 11 else None
        return 6 if "halvar" in m.group(0) else 0
    return None


_INTERROGATIVE = re.compile(
    r"\b(?:vad|vilk\w*|hur|nar|vem|vems|varfor|var|finns|fanns|stammer|gar|beskriv\w*|beratta|"
    r"forklara|sammanfatta|lista|ge|visa|kan|har|hade|ar|blev)\b"
)


def _keywords_only(folded: str) -> bool:
    """'personal Kompassen 2023', 'medlemsavgift ängsala kommun 2023': search words, no question and no
    verb. Staff type a figure's words like this to get the figure."""
    short = len(folded.split()) <= 6
    return short and not _INTERROGATIVE.search(folded) and not folded.rstrip().endswith("?")


# 'hur många av deltagarna …' counts some of the participants: its head is the outcome, not 'deltagarna'.
_HEAD = re.compile(
    r"\b(?:hur m[aå]nga|antal(?:et)?|hur stor(?:t|a)?|hur mycket)\s+(?:(?:fler|f[aä]rre|mer|mindre)\s+)?"
    r"(?!av\b)(\w+)"
    # 'Vilken var medelåldern …', 'Vad var kostnaden …': the thing asked for in its definite form
    r"|^\s*(?:vilken|vilket|vad)\s+(?:var|är|ar|blev)\s+(?!den\b|det\b|de\b)(\w{3,}(?:en|et|an|rn|ln))\b",
    re.IGNORECASE,
)


_FREQUENCY = frozenset({"ganger", "gang"})


def _head_of(text: str, measure: list[str]) -> str | None:
    """The noun right after 'hur många' / 'antalet' / 'hur stor', when it is one of the measure words."""
    m = _HEAD.search(text)
    word = m and (m.group(1) or m.group(2))
    if word and fold(word) in _FREQUENCY:
        return None  # 'hur många gånger sammanträdde styrelsen': the verb says what is counted
    if word and word.lower() in measure:
        return word.lower()
    return None


_OF = re.compile(
    r"\b(?:av|bland|utav)\s+(?P<whole>.+?)(?=\s+(?:som|var|gick|kom|blev|fick|hade|har|i|under|"
    r"vid|enligt|efter|inom)\b|[?,.]|$)",
    re.IGNORECASE,
)


_PRONOUNS = {"de", "dem", "dessa", "deltagarna", "alla"}


def _share_parts(text: str, measure: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """'andel av de avslutade som gick till arbete' → part (gick, arbete), whole (avslutade);
    'andelen kvinnor i X' → part (kvinnor), whole ()."""
    m = _OF.search(text)
    whole_words = {w.lower() for w in _WORD.findall(m.group("whole"))} if m else set()
    if m and whole_words <= _PRONOUNS:
        # 'andel av dem som lämnade X gick till arbete': the relative clause's verb says who the whole is
        rel = re.match(r"\s+som\s+(?:har\s+|hade\s+)?(\w+)", text[m.end() :])
        whole_words = {rel.group(1).lower()} if rel else whole_words
    whole = tuple(w for w in measure if w in whole_words)
    part = tuple(w for w in measure if w not in whole_words)
    return part, whole
