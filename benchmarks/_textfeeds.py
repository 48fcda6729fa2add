"""Text-heavy feeds: light HTML (``<p>`` only) around ~3 KB of plain French or English text.

The shape issue 13 measured on: RSS 2.0 and Atom 1.0 in equal numbers,
every item a few paragraphs of running text and little markup, the language
declared by the RSS feeds only (the Atom items go through language detection).
A share of the items (``topical``) names Alpine and the US market in one or
two sentences somewhere in the body (and, for some, in the title): a plan
(flagged), a Grand Prix weekend in Miami (cancelled by the topic's F1
exclusion), skiing or a look-alike; the other items name neither.

Deterministic for a given seed and share. The text is generated from
vocabularies of everyday news words (no term of the brand group, none of the
market group), with commas, numbers, quotes and the abbreviations the sentence
splitter must step over (``M.``, ``Dr.``, ``p. ex.``).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

__all__ = ["make_text_feeds"]

_FR = """
le la les un une des du de et à en pour dans sur avec par au aux est sont a ont été sera
seront qui que dont mais ou donc car plus moins très aussi encore déjà toujours jamais
gouvernement ministre conseil ville région pays entreprise société groupe usine emploi
salariés syndicats grève accord négociation budget dépenses recettes impôts taxe hausse
baisse prix inflation croissance chômage banque crédit taux épargne investissement projet
chantier travaux route gare train réseau énergie électricité chauffage hiver été semaine
mois année jour matin soir habitants familles élèves école université hôpital médecins
patients santé sécurité police justice tribunal procès décision enquête rapport étude
chiffres données experts élus maire député sénateur parti élection campagne sondage vote
réforme loi texte amendement débat séance assemblée commune département quartier
logement loyer immobilier agriculture récolte vendanges météo pluie chaleur tempête
fleuve côte port pêche tourisme hôtel restaurant festival concert musée exposition
théâtre cinéma livre auteur presse journal radio télévision numérique internet téléphone
logiciel données sécurité directeur présidente porte-parole responsable association
bénévoles collecte dons solidarité quartier centre nord sud est ouest grande petite
nouvelle nouveau premier première dernier dernière important importante public publique
national nationale local locale européen européenne annoncé présenté expliqué précisé
indiqué souligné rappelé estimé prévu décidé lancé signé confirmé reporté voté
""".split()

_EN = """
the a an of to in for on with by at from and or but as is are was were has have had will
would could should may might said says told according also still already never again more
less most very government minister council city region country company group factory jobs
workers unions strike deal talks budget spending revenue taxes rise fall prices inflation
growth unemployment bank credit rates savings investment project construction road station
train network energy power heating winter summer week month year day morning evening
residents families pupils school university hospital doctors patients health safety police
court trial ruling inquiry report study figures data experts officials mayor lawmaker
senator party election campaign poll vote reform bill law amendment debate session
assembly county district neighbourhood housing rent property farming harvest weather rain
heat storm river coast port fishing tourism hotel restaurant festival concert museum show
theatre film book author newspaper radio television digital internet phone software
director chairwoman spokesman head charity volunteers donations support centre north south
east west large small new first last major public national local regional announced
presented explained stated noted stressed recalled estimated planned decided launched
signed confirmed delayed approved
""".split()

_FR_NAMES = ["M. Durand", "Mme Lefèvre", "Dr. Martin", "M. Rossi", "la maire, Mme Petit"]
_EN_NAMES = ["Mr. Hughes", "Ms. Patel", "Dr. Okafor", "Prof. Lindqvist", "Mayor Brennan"]

# What the topical items say: (French, English) pairs of one or two sentences.
_TOPICAL = [
    (
        "Alpine confirme son arrivée aux États-Unis en 2027, avec un réseau de "
        "concessionnaires. La marque vise le marché américain avec ses modèles électriques.",
        "Alpine confirmed it will enter the United States in 2027 through a dealer network. "
        "The brand is aiming at the US market with its electric models.",
    ),
    (
        "Alpine reporte son lancement sur le marché nord-américain à la fin de la décennie.",
        "Alpine is delaying its US launch to the end of the decade, executives said.",
    ),
    (
        "Le Grand Prix de Miami a souri à Alpine, dont les deux pilotes ont marqué des points "
        "aux États-Unis.",
        "Alpine scored points at the Miami Grand Prix, a strong weekend in the United States "
        "for the team.",
    ),
    (
        "L'équipe américaine de ski alpin a dominé l'étape, devant les Alpine skiers autrichiens.",
        "The U.S. Alpine Ski Team celebrated in Killington as its skiers swept the podium.",
    ),
    (
        "Alpine étudie une offensive en Amérique du Nord, a indiqué un porte-parole.",
        "Alpine is weighing a North American push, a spokesman said on Tuesday.",
    ),
]


def _sentence(rng: random.Random, words: list[str], names: list[str]) -> str:
    chosen = [rng.choice(words) for _ in range(rng.randint(10, 26))]
    if rng.random() < 0.3:
        chosen.insert(rng.randrange(len(chosen)), f"{rng.randint(2, 480)}")
    if rng.random() < 0.25:
        chosen.insert(rng.randrange(1, len(chosen)), rng.choice(names))
    if rng.random() < 0.3:
        cut = rng.randrange(3, len(chosen))
        chosen[cut] += ","
    sentence = " ".join(chosen)
    sentence = sentence[0].upper() + sentence[1:]
    if rng.random() < 0.1:
        return f"« {sentence} »" if words is _FR else f"“{sentence}”"
    return sentence + rng.choice(".....!?")


def _paragraphs(rng: random.Random, french: bool, size: int) -> list[str]:
    words, names = (_FR, _FR_NAMES) if french else (_EN, _EN_NAMES)
    paragraphs: list[str] = []
    total = 0
    while total < size:
        paragraph = " ".join(_sentence(rng, words, names) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        total += len(paragraph)
    return paragraphs


def _item_text(rng: random.Random, french: bool, topical: bool) -> tuple[str, list[str]]:
    """A title and the paragraphs of one item."""
    words, names = (_FR, _FR_NAMES) if french else (_EN, _EN_NAMES)
    title = _sentence(rng, words, names).rstrip(".!?»” ").lstrip("«“ ")
    paragraphs = _paragraphs(rng, french, 3000)
    if topical:
        pair = rng.choice(_TOPICAL)
        insert = pair[0] if french else pair[1]
        where = rng.randrange(len(paragraphs))
        paragraphs[where] = f"{paragraphs[where]} {insert}"
        if rng.random() < 0.3:
            title = f"Alpine : {title}" if french else f"Alpine: {title}"
    return title, paragraphs


def make_text_feeds(
    feeds: int = 60, items: int = 50, *, topical: float = 0.1, seed: int = 13
) -> list[tuple[str, bytes]]:
    """Return ``(url, bytes)`` for ``feeds`` feeds of ``items`` text-heavy items each.

    Even-numbered feeds are RSS 2.0 with ``<language>``, odd-numbered ones
    Atom 1.0 without any language; half of each are French.
    """
    rng = random.Random(seed)
    start = datetime(2024, 5, 6, 12, 0, tzinfo=timezone.utc)
    out = []
    for number in range(feeds):
        rss = number % 2 == 0
        french = number % 4 in (0, 1)
        site = f"https://{'quotidien' if french else 'gazette'}{number}.test"
        entries = []
        for item in range(items):
            title, paragraphs = _item_text(rng, french, rng.random() < topical)
            body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
            teaser = f"<p>{escape(paragraphs[0])}</p>"
            when = start - timedelta(minutes=23 * item + number)
            if rss:
                entries.append(
                    f"<item><title>{escape(title)}</title>"
                    f"<link>{site}/{item}.html</link>"
                    f'<guid isPermaLink="false">{site[8:]}-{item}</guid>'
                    f"<pubDate>{when:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
                    f"<description>{escape(teaser)}</description>"
                    f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
                )
            else:
                entries.append(
                    f"<entry><title>{escape(title)}</title>"
                    f'<link href="{site}/{item}.html"/><id>{site}/{item}</id>'
                    f"<updated>{when:%Y-%m-%dT%H:%M:%SZ}</updated>"
                    f'<summary type="html">{escape(teaser)}</summary>'
                    f'<content type="html">{escape(body)}</content></entry>'
                )
        if rss:
            document = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                f"<channel><title>Quotidien {number}</title><link>{site}/</link>"
                f"<description>Actualités</description><language>{'fr' if french else 'en'}"
                f"</language>{''.join(entries)}</channel></rss>"
            )
        else:
            document = (
                '<?xml version="1.0" encoding="utf-8"?>'
                '<feed xmlns="http://www.w3.org/2005/Atom">'
                f'<title>Gazette {number}</title><link href="{site}/"/><id>{site}/</id>'
                f"<updated>{start:%Y-%m-%dT%H:%M:%SZ}</updated>{''.join(entries)}</feed>"
            )
        out.append((f"{site}/feed.xml", document.encode("utf-8")))
    return out
