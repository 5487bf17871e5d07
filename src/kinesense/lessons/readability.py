"""How hard a text is to read: the Flesch-Kincaid grade level, computed here.

Formula (Kincaid JP, Fishburne RP, Rogers RL, Chissom BS 1975, "Derivation of new readability
formulas (Automated Readability Index, Fog Count and Flesch Reading Ease Formula) for Navy
enlisted personnel", Research Branch Report 8-75, Naval Technical Training Command, Millington
TN)::

    grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59

The grade is the US school year whose pupils can read the text; patient materials are commonly
asked to be at grade 8 or below. Counting is kinesense's own:

* sentences end at ``.``, ``!`` or ``?`` followed by a space or the end (a full stop between
  digits, as in 4.5, ends nothing); each list item counts as a sentence;
* words are runs of letters (with inner apostrophes or hyphens: "don't", "day-to-day") or of
  digits (``4.5`` is one word);
* syllables: :func:`syllables`, a rule-based estimate for English (vowel groups, less a silent
  final e or -es/-ed, plus vowel pairs that are two sounds such as the "io" of "radio"); a
  number counts one syllable per digit. Like every such estimate it is off by one on some words,
  which moves the grade of a whole lesson by a few tenths at most (``tests/lessons``).
"""

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_TWO_SOUNDS = re.compile(r"[^tsc]i[aou]|[^q]ua|eo(?=n|$)|uo|iu|ea$|eate$|[^tcsfr]ie[nt]")
"""Vowel pairs read as two syllables (radio, trial, actual, video, area, create, quiet), except
after t, s and c (nation, vision, social) and after q (equal)."""
_TWO_BEFORE_ING = re.compile(r"[aeiouy]ing$")
"""A vowel before -ing is a syllable of its own (being, going, saying)."""
_SILENT_E = re.compile(r"[^aeiouy]e$")
_SILENT_ED = re.compile(r"[^aeiouytd]ed$")
_SILENT_ES = re.compile(r"[^aeiouysxzhgcl]es$|[aeiouy]les$")
_CONSONANT_LE = re.compile(r"[^aeiouy]le$")
_SILENT_E_BEFORE_SUFFIX = re.compile(r"[^aeiouy]e(ment|ness|ly|ful|less)$|^some[^aeiouy]")
"""A silent e inside a word, before a suffix or after "some" (movement, likely, something)."""


def syllables(word: str) -> int:
    """An estimate of the syllables of one English word (at least 1)."""
    if any(ch.isdigit() for ch in word):
        return max(1, sum(ch.isdigit() for ch in word))
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUP.findall(w))
    if (
        _SILENT_ED.search(w)
        or _SILENT_ES.search(w)
        or (_SILENT_E.search(w) and not _CONSONANT_LE.search(w))
    ):
        count -= 1
    if _SILENT_E_BEFORE_SUFFIX.search(w):
        count -= 1
    count += len(_TWO_SOUNDS.findall(w)) + len(_TWO_BEFORE_ING.findall(w))
    return max(1, count)


@dataclass(frozen=True)
class Readability:
    """The counts behind a grade, and the grade."""

    sentences: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level (see the module docstring)."""
        if not self.words or not self.sentences:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59


def sentences_of(text: str) -> list[str]:
    """The sentences of ``text`` (a trailing piece without a full stop counts as one)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if _WORD.search(p)]


def words_of(text: str) -> list[str]:
    """The words of ``text``."""
    return _WORD.findall(text)


def readability(blocks: list[str]) -> Readability:
    """The counts of a text given as blocks (paragraphs, list items): every block ends a
    sentence, whether or not it ends with a full stop."""
    sentences = sum(len(sentences_of(block)) for block in blocks)
    words = [w for block in blocks for w in words_of(block)]
    return Readability(sentences, len(words), sum(syllables(w) for w in words))


def grade_level(text: str) -> float:
    """The Flesch-Kincaid grade of one text."""
    return readability([text]).grade
