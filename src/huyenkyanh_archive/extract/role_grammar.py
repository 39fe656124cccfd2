"""Roles: a head ("Phó Chủ tịch", "UVBTV", a rank such as "Thượng tá") followed by
its organisation and an optional place, and the roles printed after a name.

A role ends at a comma, a semicolon, a dash followed by another head, a verb
("chủ trì", also capitalised: "Khai mạc"), an honorific, or right after an
administrative level and its place ("… UBND xã Kỳ Phú"). The second stage of
the people grammar, over the segmented tokens of :mod:`.segment`.
"""

from __future__ import annotations

from .segment import DASHES, GAZ, HEAD, HON, LEVEL, ORG, RANK, VERB, Segmented

__all__ = ["RoleGrammar"]

_HEAD, _RANK, _HON, _ORG, _GAZ, _LEVEL, _VERB = HEAD, RANK, HON, ORG, GAZ, LEVEL, VERB
_ROLE_GLUE = frozenset("&/+")
_MAX_ROLE_TOKENS = 24
# Pairs written with a comma inside a unit's name.
# (syllable before, syllable after): "phòng, chống", "tìm kiếm, cứu nạn", "cứu hộ, cứu nạn".
_COMMA_IDIOMS = frozenset([("phòng", "chống"), ("phòng", "chữa"), ("kiếm", "cứu"), ("hộ", "cứu")])
# Organisations that a name never completes: a name right after one starts a
# new person even inside a role list ("…, Bí thư Huyện ủy Hồ Huy Thành").
_COMPLETE_ORGS = frozenset(["ủy", "đoàn"])


class RoleGrammar(Segmented):
    """Role parsing over a segmented text unit."""

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
                if t.text in DASHES:
                    nxt = j + 1
                    glued = nxt < n and self.stops[j - 1] == self.starts[j] and self.starts[nxt] == self.stops[j]
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
                ) or (t.is_cap and (prev == "và" or prev in DASHES)):
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

    def _after_roles(self, k: int, full: bool = True) -> tuple[list[str], int]:
        """Roles printed after a name; returns them and where parsing stopped.

        A short form ("ông Đức") takes no role after a comma: "Đối với phản
        ánh của ông Đức, Chủ tịch UBND huyện yêu cầu …" names someone else.
        """
        toks, n, lex = self.toks, self.n, self.lex
        roles: list[str] = []
        while k < n:
            t = toks[k]
            if t.text in DASHES or (t.text == "," and full):
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
