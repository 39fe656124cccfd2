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
from .lexicon import Lexicon, Token, lexicon, tokenize
from .roles import expand_role

__all__ = ["extract_attendees", "find_mentions", "Mention"]

# Segment categories, by priority when two phrases of the same length match.
_HEAD, _RANK, _HON, _ORG, _GAZ, _LEVEL, _VERB = range(7)

_DASHES = frozenset("-–—")
_CLAUSE_PUNCT = frozenset(",.;:(“\"!?-–—…‘'[") | {"..."}
_SENTENCE_END = frozenset(".;!?")
_ROLE_GLUE = frozenset("&/+")
_MAX_ROLE_TOKENS = 24
# Pairs written with a comma inside a unit's name.
# (syllable before, syllable after): "phòng, chống", "tìm kiếm, cứu nạn", "cứu hộ, cứu nạn".
_COMMA_IDIOMS = frozenset([("phòng", "chống"), ("phòng", "chữa"), ("kiếm", "cứu"), ("hộ", "cứu")])
# Words after which a bare name may begin a mention ("Dự có Nguyễn Văn A - …"),
# unlike a unit word ("Trường THPT Lê Quảng Chí").
_BEFORE_BARE_NAME = frozenset(["và", "có", "gồm", "cùng", "với", "cho", "là", "của"])
_NEGATIONS = frozenset(["không", "chưa", "chẳng"])
_PLURAL = frozenset("các hai ba bốn năm những".split())
_BIG_LEVELS = frozenset(["huyện", "tỉnh", "xã", "tp"])  # "thị xã" ends in "xã"; "thành phố" apart
# Organisations that a name never completes: a name right after one starts a
# new person even inside a role list ("…, Bí thư Huyện ủy Hồ Huy Thành").
_COMPLETE_ORGS = frozenset(["ủy", "đoàn"])
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


class _Unit:
    """One text unit (title, paragraph or caption) being parsed."""

    def __init__(self, text: str, lex: Lexicon, order_base: int) -> None:
        self.text = text
        self.lex = lex
        self.toks: list[Token] = tokenize(text)
        self.n = len(self.toks)
        self.order_base = order_base
        self.mentions: list[Mention] = []
        # A role printed once before several names, set by _person for _continue.
        self.list_shared: list[str] = []
        self._name_cache: dict[tuple[int, bool], tuple[int, bool] | None] = {}
        self._segment()

    # -- segmentation -----------------------------------------------------

    def _segment(self) -> None:
        """Greedy longest-match of the lexicon phrases, left to right."""
        toks, n = self.toks, self.n
        keys_at = [t.key for t in toks]
        index = _segment_index()
        cat = [-1] * n
        end = list(range(1, n + 1))
        covered = [False] * n
        i = 0
        while i < n:
            t = toks[i]
            cands = index.get(t.key) if t.is_word else None
            if not cands:
                i += 1
                continue
            found = 0
            for keys, k, c in cands:
                if i + k > n:
                    continue
                if k > 1 and keys_at[i : i + k] != keys:
                    continue
                if c == _HEAD:
                    # "trưởng thôn", "giám đốc HTX" after a name are roles;
                    # a lone lower-case "trưởng" ("tăng trưởng") is not.
                    if not t.is_cap and k == 1:
                        continue
                elif c == _GAZ:
                    if not t.is_cap:
                        continue
                elif c == _HON:
                    # "Vân Anh", "Kỳ Anh": a syllable, not "anh"
                    if k == 1 and t.is_cap and i > 0 and toks[i - 1].is_word:
                        continue
                elif c == _VERB and k == 1 and t.is_cap:
                    continue
                found = k
                cat[i] = c
                break
            if found:
                end[i] = i + found
                for j in range(i + 1, i + found):
                    covered[j] = True
                i += found
            else:
                i += 1
        self.cat, self.end, self.covered = cat, end, covered

    # -- small predicates -------------------------------------------------

    def _is(self, i: int, c: int) -> bool:
        return 0 <= i < self.n and self.cat[i] == c

    def _starts_role(self, i: int) -> bool:
        return 0 <= i < self.n and self.cat[i] in (_HEAD, _RANK)

    def _plain_cap(self, i: int) -> bool:
        """A capitalised word with no lexicon meaning: a possible name syllable."""
        if not 0 <= i < self.n:
            return False
        t = self.toks[i]
        return t.is_word and t.is_cap and not t.is_upper and self.cat[i] == -1 and not self.covered[i]

    def _clause_start(self, i: int) -> bool:
        if i == 0:
            return True
        p = self.toks[i - 1]
        return (not p.is_word and p.text in _CLAUSE_PUNCT) or p.key in _BEFORE_BARE_NAME

    def _name_at(self, i: int, allow_short: bool) -> tuple[int, bool] | None:
        """(end, is_full) of a name starting at token ``i``."""
        ck = (i, allow_short)
        if ck in self._name_cache:
            return self._name_cache[ck]
        res = self._name_at_uncached(i, allow_short)
        self._name_cache[ck] = res
        return res

    def _name_at_uncached(self, i: int, allow_short: bool) -> tuple[int, bool] | None:
        toks, lex = self.toks, self.lex
        if not self._plain_cap(i):
            return None
        t = toks[i]
        fam_len = 0
        if i + 1 < self.n and (t.key, toks[i + 1].key) in lex.family2 and self._plain_cap(i + 1):
            fam_len = 2
        elif t.key in lex.family:
            fam_len = 1
        if fam_len:
            j = i + fam_len
            verbs = _single_verbs()
            while j < self.n and j - i < 5:
                if self._plain_cap(j):
                    if j - i >= 3 and toks[j].key in verbs:
                        break  # caption style "Đồng chí Hồ Huy Thành Trao quà"
                    j += 1
                elif (
                    self.cat[j] in (_ORG, _LEVEL)
                    and self.end[j] == j + 1
                    and toks[j].is_cap
                    and not toks[j].is_upper
                    and not (j + 1 < self.n and toks[j + 1].is_cap)
                ):
                    # "Võ Xuân Trường": a unit word ("Trường", "Sở") is a given
                    # name when no unit name follows it.
                    j += 1
                    break
                elif self.cat[j] == _GAZ and self.end[j] - i <= 5 and self._plain_cap(j - 1):
                    # "Nguyễn Hồng Lĩnh": a place name can be a given name.
                    j = self.end[j]
                elif (
                    j == i + fam_len
                    and toks[j].key in lex.middle_lower
                    and not toks[j].is_cap
                    and self.cat[j] == -1
                    and self._plain_cap(j + 1)
                ):
                    j += 1
                else:
                    break
            if j - i >= 2:
                return j, True
        if not allow_short:
            return None
        j = i
        while j < self.n and j - i < 3 and self._plain_cap(j):
            j += 1
        return (j, False) if j > i else None

    # -- roles -------------------------------------------------------------

    def _place_after(self, j: int, pre: bool) -> int:
        """End of the place name (if any) after an administrative level.

        A village may be named after a person ("thôn Lê Lợi"); a district or
        province after "huyện"/"tỉnh" is in the gazetteer, so a name there
        starts the next person ("… UBND huyện Nguyễn Tiến Hùng").
        """
        if j >= self.n:
            return j
        if self.cat[j] == _GAZ:
            return self.end[j]
        t = self.toks[j]
        if not t.is_word:
            return j + 1 if t.text.isdigit() else j
        big = j > 0 and self._big_level_before(j)
        k = j
        while k < self.n and k - j < 3 and self._plain_cap(k):
            if (pre or big) and self._name_at(k, False) is not None:
                break
            k += 1
        return k

    def _parse_role(self, k: int, pre: bool) -> tuple[int, int, bool]:
        """Parse a role starting at the head at ``k``.

        Returns (end, text_end, has_org): ``end`` is where parsing stops, the
        role text is tokens[k:text_end], ``has_org`` is whether anything beyond
        the head was taken.
        """
        toks, lex, n = self.toks, self.lex, self.n
        head_end = self.end[k]
        if self.cat[k] == _RANK:
            return head_end, head_end, False
        j = head_end
        # "Trưởng thôn Tân Phú": the head ends with a level, a place may follow.
        if (toks[head_end - 1].key,) in lex.levels:
            j = self._place_after(j, pre)
            return j, j, j > head_end
        good_end = j  # the last point a role may end at
        lower_run = 0
        while j < n and j - k < _MAX_ROLE_TOKENS:
            t = toks[j]
            c = self.cat[j]
            if not t.is_word:
                if t.text in _DASHES:
                    nxt = j + 1
                    glued = nxt < n and toks[j - 1].end == t.start and toks[nxt].start == t.end
                    if (
                        nxt >= n
                        or self._starts_role(nxt)
                        or self._is(nxt, _HON)
                        or self._name_at(nxt, False) is not None
                        or not (toks[nxt].is_word or (glued and toks[nxt].text[0].isdigit()))
                    ):
                        break
                    j += 1  # a dash inside a unit's name: "Tài chính - Kế hoạch"
                    continue
                if t.text in _ROLE_GLUE and j + 1 < n and toks[j + 1].is_word:
                    j += 1
                    continue
                if t.text == "," and j + 1 < n and (toks[j - 1].key, toks[j + 1].key) in _COMMA_IDIOMS:
                    j += 1  # "Ban Chỉ đạo phòng, chống dịch": one unit
                    continue
                if t.text[0].isdigit():
                    j += 1
                    good_end = j
                    continue
                break
            if self.covered[j]:
                j += 1
                continue
            if c == _HEAD and j == head_end and t.is_upper:
                # "Trưởng đoàn ĐBQH tỉnh": an abbreviation right after the
                # head is its organisation, not a second role.
                j = self.end[j]
                good_end = j
                continue
            if c in (_HEAD, _RANK) or (c == _HON and (not t.is_cap or self.end[j] - j > 1)):
                break
            if t.key == "và":
                nxt = j + 1
                if nxt < n and toks[nxt].is_word and (
                    toks[nxt].is_upper
                    or self.cat[nxt] in (_ORG, _LEVEL)
                    or (self.cat[nxt] == _VERB and toks[nxt].is_cap)
                    or (self._plain_cap(nxt) and self._name_at(nxt, False) is None)
                ):
                    j += 1
                    continue
                break
            if c == _VERB:
                # "Trưởng ban Tổ chức …", "Trưởng đoàn kiểm tra", "Ban Chỉ đạo":
                # a verb naming a unit; but "Giám đốc Sở dẫn đầu" and
                # "Bí thư Huyện đoàn Khai mạc giải" end there.
                prev = toks[j - 1].key
                verb = tuple(x.key for x in toks[j : self.end[j]])
                if (
                    prev in lex.unit_nouns
                    and verb in lex.unit_verbs
                    and (j == head_end or (t.is_cap and not self.covered[j - 1]))
                ) or (t.is_cap and (prev == "và" or prev in _DASHES)):
                    # also "Phòng Văn hóa - Thông tin", "Văn hóa và Thông tin"
                    j = self.end[j]
                    good_end = j
                    continue
                break
            if t.key == "các":
                break
            if c == _LEVEL:
                j = self._place_after(self.end[j], pre)
                good_end = j
                break
            if pre:
                nm = self._name_at(j, False)
                if nm is not None and not self._apposition_follows(nm[0]):
                    break
            if c == _ORG or t.is_cap:
                lower_run = 0
                j = self.end[j]
                good_end = j
                continue
            lower_run += 1
            if lower_run == 1 and j > 0 and toks[j - 1].is_cap and not toks[j - 1].is_upper:
                # "Hội Nông dân", "Đội Cảnh sát": a proper unit name
                # capitalises only its first syllable.
                good_end = j + 1
            if lower_run >= 3:
                # Lower-case words run on: a unit's name ("Trưởng khoa Hồi sức
                # cấp cứu chia sẻ") if a known ending follows at once, else an
                # unknown verb and its object ("… xin ý kiến"): the role
                # ended before them.
                nxt = j + 1
                if lower_run > 8 or not (
                    nxt >= n
                    or not toks[nxt].is_word
                    or self.cat[nxt] in (_VERB, _LEVEL, _ORG)
                    or self._level_ahead(nxt)
                ):
                    return good_end, good_end, good_end > head_end
            j += 1
        text_end = j
        while text_end > head_end and (not toks[text_end - 1].is_word or toks[text_end - 1].key == "và"):
            if toks[text_end - 1].text[0].isdigit():
                break
            text_end -= 1
        return j, text_end, text_end > head_end

    def _level_ahead(self, j: int) -> bool:
        """A few more lower-case words and then "huyện"/"xã"/…: a long unit
        name ("Ban Chỉ đạo phòng, chống dịch bệnh động vật huyện")."""
        for p in range(j, min(self.n, j + 4)):
            t = self.toks[p]
            if self.cat[p] == _LEVEL:
                return True
            if not t.is_word or t.is_cap or self.cat[p] in (_VERB, _HON, _HEAD):
                return False
        return False

    def _ends_before_name(self, end: int) -> bool:
        """A role ending at ``end`` is followed by a full name that it cannot
        contain: after a district/province or a party committee."""
        if end >= self.n or end == 0 or self._name_at(end, False) is None:
            return False
        prev = self.toks[end - 1]
        if self._big_level_before(end) or (prev.key in _COMPLETE_ORGS and self.covered[end - 1]):
            return True
        # "… huyện Kỳ Anh Nguyễn Tiến Hùng": a gazetteer place after a level
        p = end - 1
        while p > 0 and self.covered[p]:
            p -= 1
        return self.cat[p] == _GAZ and self._big_level_before(p)

    def _big_level_before(self, j: int) -> bool:
        """Token j-1 is "huyện", "tỉnh", "xã", "TP", "thành phố" or "thị xã"."""
        if j < 1:
            return False
        key = self.toks[j - 1].key
        if key == "phố":
            return j >= 2 and self.toks[j - 2].key == "thành"
        return key in _BIG_LEVELS

    def _apposition_follows(self, k: int) -> bool:
        """", ông Phạm Văn Lực" after a name-like run: the run was part of a
        unit's name ("Giám đốc Công ty Hoàng Long, ông Phạm Văn Lực")."""
        if k + 1 >= self.n or self.toks[k].text != ",":
            return False
        j = k + 1
        if not (self._is(j, _HON) or self._is(j, _RANK)):
            return False
        while self._is(j, _HON) or self._is(j, _RANK):
            j = self.end[j]
        return self._name_at(j, False) is not None

    def _role_text(self, a: int, b: int) -> str:
        return collapse_space(self.text[self.toks[a].start : self.toks[b - 1].end])

    def _after_roles(self, k: int, full: bool = True) -> tuple[list[str], int]:
        """Roles printed after a name; returns them and where parsing stopped.

        A short form ("ông Đức") takes no role after a comma: "Đối với phản
        ánh của ông Đức, Chủ tịch UBND huyện yêu cầu …" names someone else.
        """
        toks, n, lex = self.toks, self.n, self.lex
        roles: list[str] = []
        while k < n:
            t = toks[k]
            if t.text in _DASHES or (t.text == "," and full):
                r = k + 1
                # "nguyên Bí thư Huyện ủy": a former post, written as such
                former = r + 1 < n and toks[r].key == "nguyên" and self._starts_role(r + 1)
                if former or self._starts_role(r):
                    end, text_end, _ = self._parse_role(r + 1 if former else r, pre=False)
                    if t.text == "," and self._ends_before_name(end):
                        break  # ", Chủ tịch UBND huyện Nguyễn Tiến Hùng": the next person
                    roles.append(self._role_text(r, text_end))
                    k = end
                    continue
                if toks[k + 1].key == "kiêm" if k + 1 < n else False:
                    k += 1
                    continue
                break
            if t.text == "(":
                close = self._closing_paren(k)
                if close is None:
                    break
                if self._starts_role(k + 1):
                    j = k + 1
                    while j < close:
                        if self._starts_role(j):
                            end, text_end, _ = self._parse_role(j, pre=False)
                            roles.append(self._role_text(j, min(text_end, close)))
                            j = max(end, j + 1)
                        else:
                            j += 1
                k = close + 1
                continue
            if self._starts_role(k):
                end, text_end, _ = self._parse_role(k, pre=False)
                roles.append(self._role_text(k, text_end))
                k = end
                continue
            if t.key in ("kiêm", "và") and self._starts_role(k + 1):
                # "Bí thư Đảng ủy và Chủ tịch HĐND xã": a second role, unless
                # that role stands before another person's name.
                if t.key == "và":
                    end, _, _ = self._parse_role(k + 1, pre=True)
                    if self._name_at(end, True) is not None or (end < n and toks[end].text == ":"):
                        break
                k += 1
                continue
            e = lex.elect.match(toks, k)
            if e and self._starts_role(k + e):
                end, text_end, _ = self._parse_role(k + e, pre=False)
                roles.append(self._role_text(k + e, text_end))
                k = end
                continue
            break
        return roles, k

    def _closing_paren(self, k: int) -> int | None:
        for j in range(k + 1, min(self.n, k + 40)):
            tx = self.toks[j].text
            if tx == ")":
                return j
            if tx == "(":
                return None
        return None

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
                if j < n and toks[j].text == "," and self._is(j + 1, _RANK):
                    j += 1
        if self._is(j, _HEAD):
            head_end = self.end[j]
            end, text_end, has_org = self._parse_role(j, pre=True)
            role = self._role_text(j, text_end)
            standalone = tuple(t.key for t in toks[j:head_end]) in self.lex.standalone_heads
            if end < n and toks[end].text == ":":
                return self._list(end + 1, shared + roles + [role])
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
                name=collapse_space(self.text[toks[j].start : toks[name_end - 1].end]),
                key=compare_key(self.text[toks[j].start : toks[name_end - 1].end]),
                full=full,
                roles=shared + roles + post,
                positive=positive,
                order=self.order_base + j,
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
            p = toks[start - 1]
            if not p.is_word and p.text in _SENTENCE_END:
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
                    name=collapse_space(self.text[toks[a].start : toks[b - 1].end]),
                    key=compare_key(self.text[toks[a].start : toks[b - 1].end]),
                    full=True,
                    positive=not self._referred_only(k, close + 1),
                    order=self.order_base + a,
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
                shared = self._colon_list_intro(i)
                if shared is not None:
                    end = self._list(i + 1, shared)
                    if end is not None:
                        i = end
                        continue
            i += 1
        return self.mentions


@lru_cache(maxsize=1)
def _single_verbs() -> frozenset[str]:
    return frozenset(keys[0] for keys in lexicon().verbs.payload if len(keys) == 1)


@lru_cache(maxsize=1)
def _segment_index() -> dict[str, list[tuple[list[str], int, int]]]:
    """All segment phrases by first key, longest first, then by category priority."""
    lex = lexicon()
    index: dict[str, list[tuple[list[str], int, int]]] = {}
    for c, idx in (
        (_HEAD, lex.heads),
        (_RANK, lex.ranks),
        (_HON, lex.honorifics),
        (_ORG, lex.orgs),
        (_GAZ, lex.gazetteer),
        (_LEVEL, lex.levels),
        (_VERB, lex.verbs),
    ):
        for keys in idx.payload:
            if keys:
                index.setdefault(keys[0], []).append((list(keys), len(keys), c))
    for lst in index.values():
        lst.sort(key=lambda e: (-e[1], e[2]))
    return index


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


# A word, and a Vietnamese syllable (folded): an initial, a vowel nucleus, a final.
# Abbreviations (UBND, HĐND, MTTQ, THPT) are not syllables.
_WORD_RE = re.compile(r"[^\W\d_]+")
_SYLLABLE_RE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")


def _caps_names(text: str, lex: Lexicon) -> dict[str, str]:
    """Names printed in capitals ("đồng chí HỒ HUY THÀNH"): title-cased form -> as printed.

    The parser reads capitals as abbreviations; a run of two to four capitalised
    syllables starting with a family name, in a text that is not itself in capitals
    (a headline), is given to it title-cased and reported as printed.
    """
    if sum(c.isupper() for c in text) * 2 > sum(c.isalpha() for c in text):
        return {}
    runs: list[list[re.Match[str]]] = []
    for m in _WORD_RE.finditer(text):
        if not m.group(0).isupper():
            runs.append([])
        elif runs and runs[-1] and text[runs[-1][-1].end() : m.start()] == " ":
            runs[-1].append(m)
        else:
            runs.append([m])
    found = {}
    for run in runs:
        words = [m.group(0) for m in run]
        if not 2 <= len(words) <= 4 or compare_key(words[0]) not in lex.family:
            continue
        if all(_SYLLABLE_RE.fullmatch(fold_key(w)) for w in words):
            found[" ".join(w[:1] + w[1:].lower() for w in words)] = text[run[0].start() : run[-1].end()]
    return found


def find_mentions(texts: Sequence[str]) -> list[Mention]:
    """Every person mention in the texts, in order (no merging)."""
    lex = lexicon()
    out: list[Mention] = []
    for u, text in enumerate(texts):
        text = nfc(text or "")
        if len(text) > _MAX_TEXT:
            # Not prose any more; keep whole sentences up to the limit.
            cut = text.rfind(". ", 0, _MAX_TEXT)
            text = text[: cut + 1 if cut > 0 else _MAX_TEXT]
        caps = _caps_names(text, lex) if any(c.isupper() for c in text[1:]) else {}
        for titled, printed in caps.items():
            text = text.replace(printed, titled)  # same length: the offsets stay
        if not text.strip() or not _may_name_someone(text):
            continue
        mentions = _Unit(text, lex, u * 1_000_000).parse()
        for m in mentions:
            m.name = caps.get(m.name, m.name)
        out.extend(mentions)
    return out


def _role_key(role: str) -> str:
    """Key under which two roles of one person are the same role: spelled out
    ("ĐBQH" = "Đại biểu Quốc hội"), and without the district or province name
    after "huyện"/"tỉnh" ("Chủ tịch UBND huyện Kỳ Anh" = "Chủ tịch UBND huyện")."""
    key = compare_key(expand_role(role))
    m = _PLACE_TAIL_RE.search(key)
    if m and compare_key(m.group(2)) in _gazetteer_keys():
        key = key[: m.start(2)].rstrip()
    return key


_PLACE_TAIL_RE = re.compile(r"\b(huyện|tỉnh|thị xã|thành phố)\s+(\w+(?:\s\w+){0,2})$")


@lru_cache(maxsize=1)
def _gazetteer_keys() -> frozenset[str]:
    return frozenset(" ".join(keys) for keys in lexicon().gazetteer.payload)


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
    texts = [title or "", *(paragraphs or ()), *(captions or ())]
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
        key = resolve(m)
        if key is None or key in excluded:
            continue
        p = people.get(key)
        if p is None:
            p = people[key] = {"name": None, "order": m.order, "roles": [], "rkeys": set(), "positive": False}
        own = key == m.key  # the mention spells the whole name
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
