"""Build the headline corpus of the short-item dedup measurements (``tests/data/headlines/``).

Writes, deterministically, two files:

``distinct.tsv``
    2,250 headlines of *different* stories in English, French, German, Spanish and
    Italian (450 each): the car-industry news pressmon monitors, written the way
    wires and aggregators write them. Most are built as hard cases: from 45 base
    headlines per language, each slot (the company, what it does, what it does it
    to, when or where) is changed to other values, so thousands of pairs differ in
    one word or phrase only ("... in 2027" / "... in 2028", "confirms" /
    "postpones", "in Texas" / "in California"), and a quarter carry a negated
    twin ("will launch" / "will not launch"). A third of the items have no
    summary (headline feeds), a third have Google News' summary (the title, then
    the outlet), a third a one-sentence teaser.
``copies.tsv``
    For 150 of those stories, the copies other outlets publish: an aggregator's
    `` - Outlet`` suffix, case and accents and punctuation changed, an article
    added or dropped, a verb's ending changed (tense), each tagged with its kind.

Every line: ``group  language  kind  title  summary  outlet`` (tab-separated; a
copy shares its story's group). Run::

    python benchmarks/headline_corpus.py            # rewrite tests/data/headlines/
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "headlines"

SUBJECTS = [
    "Alpine", "Renault", "Cupra", "Polestar", "Lucid", "Rivian",
    "Peugeot", "Fiat", "Alfa Romeo", "Lotus", "Genesis", "VinFast",
]  # fmt: skip

LANGUAGES: dict[str, dict[str, list[str]]] = {
    "en": {
        "actions": [
            "confirms", "postpones", "cancels", "unveils", "prices", "opens orders for",
            "halts", "speeds up", "scales back", "denies reports on",
        ],
        "objects": [
            "its US launch", "its electric SUV", "a dealer network", "the A390 crossover",
            "a new factory", "its sports car range", "a Formula E program", "a battery plant",
        ],
        "complements": [
            "in 2026", "for 2027", "in 2028", "with AutoNation", "in California", "in Texas",
            "after tariff talks", "before the Detroit show", "amid EV slowdown",
            "for North America",
        ],
        "negation": ["{s} will launch {o} {c}", "{s} will not launch {o} {c}"],
        "teaser": "{s} said on Tuesday that the plan covers {o} {c}, according to a statement.",
        "outlets": ["Reuters", "Bloomberg", "Automotive News", "The Verge", "CNBC"],
    },
    "fr": {
        "actions": [
            "confirme", "reporte", "annule", "dévoile", "fixe le prix de",
            "ouvre les commandes de", "suspend", "accélère", "réduit", "dément les rumeurs sur",
        ],
        "objects": [
            "son arrivée aux États-Unis", "son SUV électrique", "un réseau de concessionnaires",
            "le crossover A390", "une nouvelle usine", "sa gamme sportive",
            "son programme de Formule E", "une usine de batteries",
        ],
        "complements": [
            "en 2026", "pour 2027", "en 2028", "avec AutoNation", "en Californie", "au Texas",
            "après les droits de douane", "avant le salon de Détroit", "malgré le ralentissement",
            "pour l'Amérique du Nord",
        ],
        "negation": ["{s} lancera {o} {c}", "{s} ne lancera pas {o} {c}"],
        "teaser": "{s} a indiqué mardi que le projet concerne {o} {c}, selon un communiqué.",
        "outlets": ["Le Figaro", "Les Échos", "L'Argus", "Le Monde", "Autoplus"],
    },
    "de": {
        "actions": [
            "bestätigt", "verschiebt", "streicht", "enthüllt", "nennt den Preis für",
            "startet Bestellungen für", "stoppt", "beschleunigt", "verkleinert",
            "dementiert Berichte über",
        ],
        "objects": [
            "den US-Marktstart", "das Elektro-SUV", "ein Händlernetz", "den Crossover A390",
            "ein neues Werk", "die Sportwagen-Palette", "das Formel-E-Programm",
            "ein Batteriewerk",
        ],
        "complements": [
            "für 2026", "bis 2027", "ab 2028", "mit AutoNation", "in Kalifornien", "in Texas",
            "nach dem Zollstreit", "vor der Detroit Auto Show", "trotz der E-Auto-Flaute",
            "für Nordamerika",
        ],
        "negation": ["{s} wird {o} {c} starten", "{s} wird {o} {c} nicht starten"],
        "teaser": "{s} teilte am Dienstag mit, der Plan betreffe {o} {c}.",
        "outlets": ["Handelsblatt", "Auto Motor und Sport", "Spiegel", "FAZ", "Heise"],
    },
    "es": {
        "actions": [
            "confirma", "aplaza", "cancela", "presenta", "fija el precio de", "abre pedidos de",
            "suspende", "acelera", "recorta", "desmiente informes sobre",
        ],
        "objects": [
            "su llegada a Estados Unidos", "su SUV eléctrico", "una red de concesionarios",
            "el crossover A390", "una nueva fábrica", "su gama deportiva",
            "su programa de Fórmula E", "una planta de baterías",
        ],
        "complements": [
            "en 2026", "para 2027", "en 2028", "con AutoNation", "en California", "en Texas",
            "tras los aranceles", "antes del salón de Detroit", "pese a la desaceleración",
            "para Norteamérica",
        ],
        "negation": ["{s} lanzará {o} {c}", "{s} no lanzará {o} {c}"],
        "teaser": "{s} indicó el martes que el plan incluye {o} {c}, según un comunicado.",
        "outlets": ["El País", "Expansión", "Motor.es", "La Vanguardia", "ABC"],
    },
    "it": {
        "actions": [
            "conferma", "rinvia", "cancella", "svela", "fissa il prezzo di", "apre gli ordini di",
            "sospende", "accelera", "ridimensiona", "smentisce le voci su",
        ],
        "objects": [
            "il debutto negli Stati Uniti", "il suo SUV elettrico", "una rete di concessionari",
            "il crossover A390", "una nuova fabbrica", "la gamma sportiva",
            "il programma di Formula E", "uno stabilimento di batterie",
        ],
        "complements": [
            "nel 2026", "per il 2027", "nel 2028", "con AutoNation", "in California", "in Texas",
            "dopo i dazi", "prima del salone di Detroit", "nonostante il rallentamento",
            "per il Nord America",
        ],
        "negation": ["{s} lancerà {o} {c}", "{s} non lancerà {o} {c}"],
        "teaser": "{s} ha detto martedì che il piano riguarda {o} {c}, secondo una nota.",
        "outlets": ["Il Sole 24 Ore", "Corriere della Sera", "Motor1", "La Stampa", "Quattroruote"],
    },
}  # fmt: skip

# A verb's ending changed, the story the same (present / past or future), per language.
TENSES = {
    "en": {"confirms": "confirmed", "postpones": "postponed", "cancels": "cancelled"},
    "fr": {"reporte": "reportera", "annule": "annulera", "suspend": "suspendra"},
    "de": {"bestätigt": "bestätigte", "verschiebt": "verschob", "stoppt": "stoppte"},
    "es": {"confirma": "confirmó", "aplaza": "aplazó", "cancela": "canceló"},
    "it": {"conferma": "confermò", "rinvia": "rinviò", "cancella": "cancellò"},
}
ARTICLES = {
    "en": ("its ", "the "),
    "fr": ("son ", "sa "),
    "de": ("den ", "das "),
    "es": ("su ", "el "),
    "it": ("il ", "la "),
}

PER_LANGUAGE = 450
BASES = 45


Story = tuple[str, str, dict[str, str]]
"""(kind, title, slots) of one story."""


def _stories(language: str, rng: random.Random) -> list[Story]:
    """`PER_LANGUAGE` different stories: bases and their one-slot twins."""
    words = LANGUAGES[language]
    seen: set[str] = set()
    stories: list[Story] = []

    def add(kind: str, slots: dict[str, str], template: str = "{s} {a} {o} {c}") -> None:
        title = _contracted(language, template.format(**slots))
        if title not in seen and len(stories) < PER_LANGUAGE:
            seen.add(title)
            stories.append((kind, title, slots))

    while len(stories) < PER_LANGUAGE:
        for _ in range(BASES):
            slots = {
                "s": rng.choice(SUBJECTS),
                "a": rng.choice(words["actions"]),
                "o": rng.choice(words["objects"]),
                "c": rng.choice(words["complements"]),
            }
            add("base", slots)
            for slot, choices in (
                ("s", SUBJECTS),
                ("a", words["actions"]),
                ("o", words["objects"]),
                ("c", words["complements"]),
            ):
                for other in rng.sample([value for value in choices if value != slots[slot]], 2):
                    add(f"twin:{slot}", {**slots, slot: other})
            if rng.random() < 0.25:
                for template in words["negation"]:
                    add("negation", slots, template)
    return stories


_CONTRACTIONS = {
    "fr": (
        (" de une ", " d'une "),
        (" de un ", " d'un "),
        (" de le ", " du "),
        (" de son ", " de son "),
    ),
    "es": ((" de el ", " del "),),
    "it": ((" di il ", " del "), (" di la ", " della ")),
}


def _contracted(language: str, title: str) -> str:
    """The title with the language's contractions (`de une` -> `d'une`)."""
    for long, short in _CONTRACTIONS.get(language, ()):
        title = title.replace(long, short)
    return title


def _item(
    language: str, title: str, slots: dict[str, str], outlet: str, style: int
) -> tuple[str, str, str]:
    """(title, summary, outlet) as a feed of the given style carries the story: 0 a
    headline feed (no summary), 1 Google News, 2 a feed with a one-sentence teaser."""
    if style == 0:
        return title, "", outlet
    if style == 1:  # "Title - Outlet", and the summary repeats both
        return f"{title} - {outlet}", f"{title}  {outlet}", outlet
    return title, _contracted(language, LANGUAGES[language]["teaser"].format(**slots)), outlet


def _copies(language: str, title: str, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, title) of copies of one story, as other outlets write it."""
    copies = [("outlet suffix", title), ("case, accents, punctuation", _reworded(title))]
    first, second = ARTICLES[language]
    for article in (first, second):
        if f" {article}" in f" {title}":
            copies.append(("article dropped", title.replace(article, "", 1)))
            break
    for present, other in TENSES[language].items():
        if f" {present} " in title:
            copies.append(("ending changed", title.replace(f" {present} ", f" {other} ", 1)))
    rng.shuffle(copies)
    return copies


def _reworded(title: str) -> str:
    """The same title with other case, accents and punctuation."""
    plain = title.replace("É", "E").replace("é", "e").replace("è", "e").replace("à", "a")
    return f"« {plain[0].lower()}{plain[1:]} »" if plain[0].isalpha() else plain


def build() -> tuple[list[list[str]], list[list[str]]]:
    """The distinct stories and the copies, as rows of `group language kind title summary
    outlet`."""
    rng = random.Random(20261203)
    distinct: list[list[str]] = []
    copies: list[list[str]] = []
    for language in LANGUAGES:
        outlets = LANGUAGES[language]["outlets"]
        stories = _stories(language, rng)
        for number, (kind, title, slots) in enumerate(stories):
            group = f"{language}-{number:03d}"
            item = _item(language, title, slots, rng.choice(outlets), number % 3)
            distinct.append([group, language, kind, *item])
            if number % 15 == 0:  # 30 stories per language get copies
                style = number % 3
                teaser = item[1] if style == 2 else None
                for copy_kind, copy_title in _copies(language, title, rng):
                    outlet = rng.choice([o for o in outlets if o != item[2]])
                    copy_style = 1 if copy_kind == "outlet suffix" else style
                    copy = _item(language, copy_title, slots, outlet, copy_style)
                    if teaser is not None:  # a syndicated teaser travels with its story
                        copy = (copy[0], teaser, outlet)
                    copies.append([group, language, copy_kind, *copy])
    return distinct, copies


def main() -> int:
    distinct, copies = build()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (("distinct.tsv", distinct), ("copies.tsv", copies)):
        text = "".join("\t".join(row) + "\n" for row in rows)
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"{OUT / name}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
