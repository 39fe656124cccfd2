"""Attendees and their roles from article text.

A small grammar over tokens (see ``lexicon.py`` for the tokens and word lists):

- a *name* is a run of 2–5 capitalised syllables starting with a family name
  ("Nguyễn thị Hoa" is allowed one lower-case middle syllable); a run that
  starts with a place from the gazetteer is a place;
- a *role* is a head ("Phó Chủ tịch", "UVBTV", a rank such as "Thượng tá")
  followed by its organisation and an optional place; it ends at a comma, a
  semicolon, a dash followed by another head, a verb ("chủ trì", also
  capitalised: "Khai mạc"), an honorific, or right after an administrative
  level and its place ("… UBND xã Kỳ Phú");
- a *person* is [honorific] [rank] [role] name [(" - " | "," | "(") role]*;
  a person with no honorific, rank or role is taken only inside a list of
  people (after "các đồng chí:", "gồm các cá nhân:", or after another person
  with "," / ";" / "và"), or at the start of a clause with roles after it or a
  participation verb ("…, Nguyễn Văn A cho biết");
- "các đồng chí Phó Chủ tịch UBND huyện: A, B" shares the role with A and B;
- short forms ("đồng chí Thành", "bà Vân Anh") are merged into the full name
  they end with, and dropped when no full name matches;
- a person only referred to ("thư của đồng chí …", "liệt sỹ …", "Ngày sinh
  Đại tướng …", someone whose first action is "gửi" or "ký") is not an
  attendee;
- text with no family name in it (figures, plans) is skipped untokenised: the
  parser costs about a millisecond an article.

The vocabulary is data (``huyenkyanh_archive/extract/data``); what stays here is the
grammar: how the categories combine.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..record import Attendee
from ..vietnamese import collapse_space, compare_key, fold_key, nfc
from .lexicon import Lexicon, lexicon, syllable_key
from .role_grammar import RoleGrammar
from .roles import expand_role
from .segment import GAZ, HEAD, HON, ORG, RANK, SENTENCE_END, VERB

__all__ = ["extract_attendees", "find_mentions", "Mention"]

_HEAD, _RANK, _HON, _ORG, _GAZ, _VERB = HEAD, RANK, HON, ORG, GAZ, VERB
_SENTENCE_END = SENTENCE_END
_NEGATIONS = frozenset(["không", "chưa", "chẳng"])
_PLURAL = frozenset("các hai ba bốn năm những".split())
# Verbs-list entries that are not actions: they do not decide participation.
_FUNCTION_WORDS = frozenset(
    "là có ở tại của đã vừa cũng mới sẽ đang được bị từ với cho về trong ngoài sau trước theo như "
    "đến tới qua ra vào lên khi thì mà do để nhằm này đó rồi nên vì nhưng còn nay cùng".split()
)
_MAX_TEXT = 200_000  # characters of one paragraph looked at; the rest is not prose


@dataclass(slots=True)
class Mention:
    """One appearance of a person in one text unit."""

    name: str
    key: str
    full: bool
    roles: list[str] = field(default_factory=list)
    positive: bool = True
    order: int = 0


class _Unit(RoleGrammar):
    """One text unit (title, paragraph or caption) being parsed for people."""

    def __init__(self, text: str, lex: Lexicon, order_base: int) -> None:
        super().__init__(text, lex, order_base)
        self.mentions: list[Mention] = []
        # A role printed once before several names, set by _person for _continue.
        self.list_shared: list[str] = []

    # -- participation -----------------------------------------------------

    def _referred_only(self, start: int, end: int) -> bool:
        """A person mentioned but not taking part (letter, donor, the dead)."""
        toks, lex = self.toks, self.lex
        for back in range(1, 5):
            p = start - back
            if p < 0:
                break
            if lex.deceased.match(toks, p) == back:
                return True
        if start >= 2 and toks[start - 1].key == "của":
            for back in range(2, 6):
                p = start - back
                if p < 0:
                    break
                if lex.reference_nouns.match(toks, p) == back - 1:
                    return True
        # The first content verb after the person decides "sent from elsewhere".
        j = end
        while j < self.n and j - end < 40:
            t = toks[j]
            if not t.is_word and t.text in _SENTENCE_END:
                break
            if t.is_word and not t.is_cap:
                if t.key in _NEGATIONS:
                    # "không về dự được": a verb that did not happen
                    j = self.end[j + 1] if j + 1 < self.n else j + 1
                    continue
                if self.cat[j] == _VERB and self.end[j] - j > 1:
                    return False  # "gửi lời chúc mừng", "ký kết": taking part
                if lex.nonparticipation.match(toks, j):
                    return True
                if self.cat[j] == _VERB and t.key not in _FUNCTION_WORDS:
                    return False
            j += 1
        return False

    # -- people ------------------------------------------------------------

    def _person(self, i: int, bare: str | None, shared: list[str]) -> int | None:
        """Parse one person (or a shared-role list) at ``i``; returns the end."""
        toks, n = self.toks, self.n
        j = i
        cue = False
        roles: list[str] = []
        if j < n and toks[j].key == "các" and (self._is(j + 1, _HEAD) or self._is(j + 1, _RANK)):
            j += 1
        if self._is(j, _HON):
            j = self.end[j]
            cue = True
            # "các ông, bà:"
            if j + 1 < n and toks[j].text == "," and self._is(j + 1, _HON):
                j = self.end[j + 1]
        for _ in range(2):
            if self._is(j, _RANK):
                roles.append(self._role_text(j, self.end[j]))
                j = self.end[j]
                cue = True
                # "Đại tá, Phó Giám đốc Công an tỉnh A": a comma after a rank joins
                # it to the role that follows (which still needs a name after it).
                if j < n and toks[j].text == "," and (self._is(j + 1, _RANK) or self._is(j + 1, _HEAD)):
                    j += 1
        if self._is(j, _HEAD):
            head_end = self.end[j]
            end, text_end, has_org = self._parse_role(j, pre=True)
            role = self._role_text(j, text_end)
            standalone = tuple(t.key for t in toks[j:head_end]) in self.lex.standalone_heads
            if end < n and toks[end].text == ":":
                # A new "role: names" group: an earlier group's role ("…: A, B; Trưởng phòng: C") is not C's.
                return self._list(end + 1, roles + [role])
            nm = self._name_at(end, True) if end < n else None
            if nm is not None and (has_org or standalone):
                roles.append(role)
                j = end
                cue = True
                if toks[i].key == "các" or (i > 0 and (toks[i - 1].key in _PLURAL or toks[i - 1].text.isdigit())):
                    # "hai Phó Chủ tịch UBND huyện Trần Thành Nam và Dương
                    # Thị Vân Anh": the role is shared by the names that follow.
                    self.list_shared = [role]
            elif end + 1 < n and toks[end].text in (",", "(") and (has_org or standalone):
                # "Giám đốc nhà máy, bà Trần Thị Ngọc Ánh, cho biết"
                k = end + 1
                if self._is(k, _HON):
                    k = self.end[k]
                rank_roles = []
                while self._is(k, _RANK):
                    rank_roles.append(self._role_text(k, self.end[k]))
                    k = self.end[k]
                nm = self._name_at(k, True)
                if nm is None:
                    return None
                if k == end + 1 and not (
                    # "Phó Chủ tịch UBND huyện (Trần Thành Nam) phát biểu"
                    toks[end].text == "(" and nm[1] and nm[0] < n and toks[nm[0]].text == ")"
                ):
                    return None
                roles.extend(rank_roles)
                roles.append(role)
                j = k
                cue = True
            else:
                return None
        if cue and j < n and toks[j].text == ":":
            return self._list(j + 1, shared + roles)
        nm = self._name_at(j, cue)
        if nm is None:
            return None
        name_end, full = nm
        if not cue and not bare:
            return None
        post, end = self._after_roles(name_end, full)
        if not cue and bare == "clause" and not post:
            if not (end < n and self.lex.participation.match(toks, end)):
                return None
        positive = not self._referred_only(i, end)
        self.mentions.append(
            Mention(
                name=collapse_space(self.text[self.starts[j] : self.stops[name_end - 1]]),
                key=_key(self.text[self.starts[j] : self.stops[name_end - 1]]),
                full=full,
                roles=shared + roles + post,
                positive=positive,
                order=self.order_base + self.starts[j],
            )
        )
        return end

    def _continue(self, k: int, shared: list[str]) -> int:
        """Further people in a list after the one ending at ``k``."""
        toks, n = self.toks, self.n
        while k < n:
            t = toks[k]
            if t.text in ("…", "..."):
                k += 1
                continue
            if t.text in (",", ";") or t.key == "và":
                k2 = k + 1
                if k2 < n and toks[k2].key == "và":
                    k2 += 1
                if t.text == ";" and self._starts_role(k2):
                    # "…: A, B; Trưởng phòng Tư pháp C": a role of one's own ends the shared group.
                    shared = []
                end = self._person(k2, "list", shared)
                if end is None:
                    return k
                k = end
                continue
            break
        return k

    def _list(self, k: int, shared: list[str]) -> int | None:
        end = self._person(k, "list", shared)
        if end is None:
            return None
        return self._continue(end, shared)

    def _colon_list_intro(self, colon: int) -> list[str] | None:
        """Shared roles when the clause before ``colon`` introduces people."""
        toks, lex = self.toks, self.lex
        start = colon
        while start > 0 and colon - start < 30:
            before = toks[start - 1]
            if not before.is_word and before.text in _SENTENCE_END:
                break
            start -= 1
        person = False
        shared: list[str] = []
        for p in range(start, colon):
            if self.covered[p]:
                continue
            if self.cat[p] in (_HON, _RANK) or lex.person_nouns.match(toks, p):
                person = True
            if self.cat[p] == _HEAD and not shared:
                end, text_end, _ = self._parse_role(p, pre=False)
                if end == colon:
                    shared = [self._role_text(p, text_end)]
                    person = True
        return shared if person else None

    def _names_in_parentheses(self, k: int) -> int | None:
        """"Lãnh đạo huyện (Nguyễn Tiến Hùng, Trần Thành Nam) dự": full names,
        and nothing else, in brackets after a common noun are people."""
        toks = self.toks
        close = self._closing_paren(k)
        if close is None or close == k + 1 or k == 0:
            return None
        prev = toks[k - 1]
        if not prev.is_word or prev.is_cap or self.cat[k - 1] in (_ORG, _GAZ):
            return None  # "Trường THCS Nguyễn Du (xã Kỳ Đồng)", "đường (Trần Phú)"
        spans = []
        j = k + 1
        while j < close:
            nm = self._name_at(j, False)
            if nm is None or nm[0] > close:
                return None
            spans.append((j, nm[0]))
            j = nm[0]
            if j < close and (toks[j].text == "," or toks[j].key == "và"):
                j += 1
            elif j != close:
                return None
        for a, b in spans:
            self.mentions.append(
                Mention(
                    name=collapse_space(self.text[self.starts[a] : self.stops[b - 1]]),
                    key=_key(self.text[self.starts[a] : self.stops[b - 1]]),
                    full=True,
                    positive=not self._referred_only(k, close + 1),
                    order=self.order_base + self.starts[a],
                )
            )
        return close + 1

    def parse(self) -> list[Mention]:
        toks, n = self.toks, self.n
        i = 0
        while i < n:
            t = toks[i]
            if t.is_word and (t.is_cap or self.cat[i] in (_HON, _RANK) or t.key == "các") and not self.covered[i]:
                self.list_shared = []
                end = self._person(i, "clause" if self._clause_start(i) else None, [])
                if end is not None and end > i:
                    shared, self.list_shared = self.list_shared, []
                    i = self._continue(end, shared)
                    continue
            elif t.text == "(":
                end = self._names_in_parentheses(i)
                if end is not None:
                    i = end
                    continue
            elif t.text == ":":
                intro = self._colon_list_intro(i)
                if intro is not None:
                    end = self._list(i + 1, intro)
                    if end is not None:
                        i = end
                        continue
            i += 1
        return self.mentions



@lru_cache(maxsize=1)
def _family_re() -> re.Pattern[str]:
    """A capitalised family name followed by another word, anywhere in a text:
    every full name starts so; text without one (figures, plans) is skipped."""
    lex = lexicon()
    first = set(lex.family) | {k[0] for k in lex.family2}
    words = sorted({w[:1].upper() + w[1:] for w in first}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\s+\w")


def _may_name_someone(text: str) -> bool:
    if _family_re().search(text):
        return True
    # Three capitalised words after "ông"/"bà" (a foreign name) also count.
    for m in _FOREIGN_RE.finditer(text):
        words = text[m.end() : m.end() + 80].split()[:3]
        if len(words) == 3 and all(w[0].isupper() for w in words):
            return True
    return False


_FOREIGN_RE = re.compile(r"(?<!\w)(?:[ôÔ]ng|[bB]à|[nN]gài)\s")


# A Vietnamese syllable (folded): an initial, a vowel nucleus, a final.
# Abbreviations (UBND, HĐND, MTTQ, THPT) are not syllables.
_SYLLABLE_RE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")


@lru_cache(maxsize=1)
def _caps_run_re() -> re.Pattern[str]:
    """Words in capitals joined by single spaces, two or more: where a name printed in
    capitals can be. A plain character-class scan (no lookbehind, no alternation at
    every position), so a text without such a run costs a few microseconds."""
    upper = "".join(re.escape(c) for c in map(chr, range(0x41, 0x1F00)) if c.isalpha() and c.isupper())
    return re.compile(rf"[{upper}]+(?: [{upper}]+)+")


def _caps_names(text: str) -> dict[str, str]:
    """Names printed in capitals ("đồng chí HỒ HUY THÀNH"): title-cased form -> as printed.

    The parser reads capitals as abbreviations; a run of two to four capitalised
    syllables starting with a family name, in a text that is not itself in capitals
    (a headline), is given to it title-cased and reported as printed.
    """
    found: dict[str, str] = {}
    family = lexicon().family
    checked_headline = False
    for m in _caps_run_re().finditer(text):
        start, end = m.span()
        words = m.group(0).split(" ")
        # A run starting or ending inside a word ("xUBND", "THÀNHx"): that word
        # is not in capitals, so it is no part of the run.
        if start and text[start - 1].isalpha():
            start += len(words[0]) + 1
            words = words[1:]
        if end < len(text) and text[end].isalpha():
            end -= len(words[-1]) + 1 if words else 0
            words = words[:-1]
        if not 2 <= len(words) <= 4 or syllable_key(words[0]) not in family:
            continue
        if not checked_headline:
            if sum(c.isupper() for c in text) * 2 > sum(c.isalpha() for c in text):
                return {}  # a headline in capitals (counted only when a run is there)
            checked_headline = True
        if all(_SYLLABLE_RE.fullmatch(fold_key(w)) for w in words):
            found[" ".join(w[:1] + w[1:].lower() for w in words)] = text[start:end]
    return found


# A sentence end: the grammar never reads across one (roles, lists and the
# participation scan all stop at a full stop), so a text is parsed a sentence
# at a time and a sentence that can hold no person is never tokenised.
_SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+(?=[^\W\d_])")


@lru_cache(maxsize=1)
def _dotted_words() -> frozenset[str]:
    """Words a lexicon phrase writes with a full stop after them ("TS.", "PGS.TS.",
    "TP.", "đ.c"): a full stop after one of these ends no sentence."""
    lex = lexicon()
    words: set[str] = set()
    for idx in (lex.ranks, lex.honorifics, lex.heads, lex.orgs, lex.gazetteer, lex.levels):
        for keys in idx.payload:
            words.update(keys[i - 1] for i in range(1, len(keys)) if keys[i] == ".")
    return frozenset(words)


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of ``text``, cut after a full stop, "!" or "?" followed
    by space and a letter, never inside brackets nor after an abbreviation that
    a lexicon phrase continues ("TS. Nguyễn Văn Sáu")."""
    pieces: list[tuple[int, str]] = []
    start = 0
    depth = 0
    dotted = _dotted_words()
    for m in _SENTENCE_BREAK_RE.finditer(text):
        cut = m.start()
        segment = text[start:cut]
        depth = max(0, depth + segment.count("(") - segment.count(")"))
        if depth or not text[m.end()].isupper():
            continue
        if text[cut] == ".":
            w = cut
            while w > start and text[w - 1].isalpha():
                w -= 1
            if text[w:cut] and syllable_key(text[w:cut]) in dotted:
                continue
        pieces.append((start, text[start : cut + 1]))
        start = m.end()
        depth = 0
    pieces.append((start, text[start:]))
    return pieces


def find_mentions(texts: Sequence[str]) -> list[Mention]:
    """Every person mention in the texts, in order (no merging).

    Sentences with a family name (or a foreign name after "ông"/"bà") are parsed
    first; a sentence with neither can hold only a short form ("đồng chí Thành"),
    which counts only when it ends a full name found elsewhere in the article, so
    it is parsed only when one of its capitalised words ends such a name.
    """
    lex = lexicon()
    out: list[Mention] = []
    later: list[tuple[int, str, dict[str, str]]] = []
    for u, text in enumerate(texts):
        text = nfc(text or "")
        if len(text) > _MAX_TEXT:
            # Not prose any more; keep whole sentences up to the limit.
            cut = text.rfind(". ", 0, _MAX_TEXT)
            text = text[: cut + 1 if cut > 0 else _MAX_TEXT]
        caps = _caps_names(text)
        for titled, printed in caps.items():
            text = text.replace(printed, titled)  # same length: the offsets stay
        if not text.strip():
            continue
        for offset, sentence in _sentences(text):
            base = u * 1_000_000 + offset
            if _may_name_someone(sentence):
                out.extend(_parse(sentence, lex, base, caps))
            else:
                later.append((base, sentence, caps))
    if later:
        name_ends = {m.key.rsplit(" ", 1)[-1] for m in out if m.full}
        for base, sentence, caps in later:
            if any(_key(w) in name_ends for w in _cap_word_re().findall(sentence)):
                out.extend(_parse(sentence, lex, base, caps))
        out.sort(key=lambda m: m.order)
    return out


def _parse(text: str, lex: Lexicon, order_base: int, caps: dict[str, str]) -> list[Mention]:
    mentions = _Unit(text, lex, order_base).parse()
    for m in mentions:
        m.name = caps.get(m.name, m.name)
    return mentions


@lru_cache(maxsize=1)
def _cap_word_re() -> re.Pattern[str]:
    """A capitalised word (a short form of a name is one or more of them)."""
    upper = "".join(re.escape(c) for c in map(chr, range(0x41, 0x1F00)) if c.isalpha() and c.isupper())
    return re.compile(rf"(?<![^\W\d_])[{upper}][^\W\d_]*")


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    """compare_key, remembered: an archive repeats its names and roles."""
    return compare_key(text)


@lru_cache(maxsize=16384)
def _role_key(role: str) -> str:
    """Key under which two roles of one person are the same role: spelled out
    ("ĐBQH" = "Đại biểu Quốc hội"), and without the district or province name
    after "huyện"/"tỉnh" ("Chủ tịch UBND huyện Kỳ Anh" = "Chủ tịch UBND huyện")."""
    key = _key(expand_role(role))
    m = _PLACE_TAIL_RE.search(key)
    if m and compare_key(m.group(2)) in _gazetteer_keys():
        key = key[: m.start(2)].rstrip()
    return key


_PLACE_TAIL_RE = re.compile(r"\b(huyện|tỉnh|thị xã|thành phố)\s+(\w+(?:\s\w+){0,2})$")


@lru_cache(maxsize=1)
def _gazetteer_keys() -> frozenset[str]:
    return frozenset(" ".join(keys) for keys in lexicon().gazetteer.payload)


_LIST_CONTINUES = (":", ",", ";", "-", "–")
_MAX_JOINED = 4_000  # characters: a list is a few lines, not the whole article


def _join_broken_lists(paragraphs: Sequence[str]) -> list[str]:
    """Paragraphs whose text stops at ":", ",", ";" or a dash, joined with the next one.

    A list of people printed one per line (``<br>`` or a paragraph a line, as
    old pages do) reaches the parser as many paragraphs: "các đồng chí Phó Chủ
    tịch UBND huyện:" then "Nguyễn Văn A," then "Trần Thị B.". No sentence
    ends in such punctuation, so the lines are one text to the grammar.
    """
    out: list[str] = []
    joining = False
    for text in paragraphs:
        text = text or ""
        if joining and len(out[-1]) + len(text) < _MAX_JOINED:
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
        joining = out[-1].rstrip().endswith(_LIST_CONTINUES)
    return out


def extract_attendees(
    title: str,
    paragraphs: Sequence[str],
    captions: Sequence[str] = (),
    *,
    exclude: Collection[str] = (),
) -> list[Attendee]:
    """Every person taking part in the reported event, once, with roles as written.

    ``paragraphs`` is the lead then the body paragraphs; ``exclude`` holds the
    byline's author names (never attendees).
    """
    texts = [title or "", *_join_broken_lists(paragraphs or ()), *(captions or ())]
    mentions = find_mentions(texts)
    excluded = {compare_key(x) for x in exclude if x}

    full_keys: list[tuple[int, str, list[str]]] = []  # (order, key, syllables)
    seen_full: set[str] = set()
    for m in mentions:
        if m.full and m.key not in seen_full:
            seen_full.add(m.key)
            full_keys.append((m.order, m.key, m.key.split()))

    # Full names by their shorter endings ("thành", "huy thành"), orders ascending: a short
    # reference is looked up and bisected, not compared with every full name (a page
    # listing thousands of people took minutes that way).
    by_suffix: dict[tuple[str, ...], tuple[list[int], list[str]]] = {}
    for order, key, fsyl in sorted(full_keys, key=lambda f: f[0]):
        for n in range(1, len(fsyl)):
            orders, keys = by_suffix.setdefault(tuple(fsyl[-n:]), ([], []))
            orders.append(order)
            keys.append(key)

    def resolve(m: Mention) -> str | None:
        found = by_suffix.get(tuple(m.key.split()))
        if found:
            orders, keys = found
            # the latest full name before the mention, else the first after
            i = bisect_right(orders, m.order)
            if i:
                return keys[bisect_left(orders, orders[i - 1])]
            return keys[0]
        # Three capitalised words after an honorific that shorten no name in
        # the article: a foreign name ("ông Chen Yuan Chung"), not a short form.
        return m.key if m.full or m.key.count(" ") >= 2 else None

    people: dict[str, dict] = {}
    for m in mentions:
        person_key = resolve(m)
        if person_key is None or person_key in excluded:
            continue
        p = people.get(person_key)
        if p is None:
            p = people[person_key] = {"name": None, "order": m.order, "roles": [], "rkeys": set(), "positive": False}
        own = person_key == m.key  # the mention spells the whole name
        if own and p["name"] is None:
            p["name"] = m.name
            p["order"] = min(p["order"], m.order)
        if (m.full or own) and m.positive:
            p["positive"] = True
        for r in m.roles:
            rk = _role_key(r)
            if rk and rk not in p["rkeys"]:
                p["rkeys"].add(rk)
                p["roles"].append(r)
    out = []
    for p in sorted(people.values(), key=lambda p: p["order"]):
        if not p["positive"] or p["name"] is None:
            continue
        out.append(Attendee(name=p["name"], roles=p["roles"], roles_expanded=[expand_role(r) for r in p["roles"]]))
    return out
