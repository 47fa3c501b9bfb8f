"""Reading the text of TEI elements: inline markup flattened, white space normalized."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...errors import Issue
from ...model import EDTF_PATTERN, LINE_PATTERN
from ...segments import EditorialNote, FootnoteRef, Illegible, Omission, Sic, classify_mark
from ._common import (
    TEI_NS,
    XML_NS,
    _compiled,
    _local,
    _xpath,
)

if TYPE_CHECKING:
    from lxml import etree

_LINE = re.compile(LINE_PATTERN)
_URL = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"]+$')
_EDTF = re.compile(EDTF_PATTERN)
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_XML_SPACE_ATTR = f"{{{XML_NS}}}space"
_LB = object()  # a line break in flattened text
_JOIN = object()  # <lb break="no"/>: the word goes on, white space around it is dropped

# Inline elements dropped from running text (with a warning): notes, page furniture, figures.
_DROPPED_INLINE = frozenset({"note", "fw", "figure", "del", "surplus", "metamark", "interp"})
# Milestones: no text of their own.
_MILESTONES = frozenset({"pb", "cb", "milestone", "gb", "anchor", "index", "ptr", "graphic"})
# Block elements that hold one paragraph of text each.
_BLOCKS = frozenset(
    "p ab head dateline salute signed byline docAuthor docDate docTitle titlePart trailer "
    "epigraph argument l item label address addrLine quote q said stage speaker".split()
)
# Block containers: their children are read one by one.
_CONTAINERS = frozenset(
    "body div div1 div2 div3 div4 div5 div6 div7 opener closer postscript lg list listBibl "
    "sp floatingText group text front back table row cell letter titlePage".split()
)
# div/@type of versions of the text that are not the text as written (see _Reader.versions).
_PARALLEL = frozenset(
    "normalized normalised regularized regularised modernized modernised translation "
    "summary abstract".split()
)
# Choice readings kept (the form as written in the source); the others are skipped.
_CHOICE_KEEP = ("sic", "orig", "abbr", "seg", "unclear")


@dataclass
class _TextReader:
    """The state of reading one document and how to read the text of its elements (inline
    markup flattened, white space as ``xml:space`` says); :class:`_Reader` reads the fields."""

    source: str | None
    root: etree._Element
    own: bool = False
    issues: list[Issue] = field(default_factory=list)
    used: set[Any] = field(default_factory=set)
    counts: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    spaces: dict[Any, bool] = field(default_factory=dict)  # preserve() of each parent
    skip: set[Any] = field(default_factory=set)  # body divs not read as the body
    # Per parent: each child's position among its same-named siblings, and their counts
    # (warnings name elements by XPath; counting siblings for each one was quadratic).
    positions: dict[Any, Any] = field(default_factory=dict)
    # Per list that add() merges into: (the list, its length when last seen, its values).
    seen: dict[int, tuple[list[Any], int, set[Any]]] = field(default_factory=dict)

    # ----------------------------------------------------------------- helpers

    # The tags in the document's headers, gathered at the first header query (see find()).
    header_tags: set[Any] | None = None

    def find(self, path: str, context: etree._Element | None = None) -> list[Any]:
        plan = _PLANS.get(path) or _plan(path)
        if plan[2]:  # children by name: lxml filters them for less than a query costs
            return list((self.root if context is None else context).iterchildren(*plan[2]))
        if context is not None:
            return plan[0](context)  # type: ignore[no-any-return]
        needed = plan[1]
        if needed is not None:
            # Most header paths name an element the document does not have: a set lookup
            # answers those for less than the query would cost.
            tags = self.header_tags
            if tags is None:
                tags = self.header_tags = {
                    e.tag for h in self.root if h.tag == _HEADER for e in h.iter()
                }
            for branch in needed:
                if branch <= tags:
                    break
            else:
                return []
        return plan[0](self.root)  # type: ignore[no-any-return]

    def warn(self, message: str, element: Any, rule: str = "tei-skipped") -> None:
        self.issues.append(
            Issue(
                message=message,
                rule=rule,
                severity="warning",
                line=getattr(element, "sourceline", None),
                column=1 if getattr(element, "sourceline", None) else None,
                xpath=_xpath(element, self.positions),
                source=self.source,
            )
        )

    def note_inline(self, kind: str, element: Any) -> None:
        self.counts.setdefault((kind, _local(element)), []).append(element)

    def preserve(self, element: Any) -> bool:
        """Whether ``xml:space="preserve"`` is in force for the element: the attribute of the
        nearest element that has one, itself or an ancestor. Asked of each element whose text
        is read; the answer of each parent is kept, so each element is looked at once (a
        search of the whole document for ``@xml:space`` cost as much as reading a header)."""
        value = element.get(_XML_SPACE_ATTR)
        if value is not None:
            return bool(value == "preserve")
        parent = element.getparent()
        if parent is None:
            return False
        inherited = self.spaces.get(parent)
        if inherited is None:
            inherited = self.spaces[parent] = self.preserve(parent)
        return inherited

    # ----------------------------------------------------------------- text

    def pieces(self, element: Any, body: bool = False) -> list[Any]:
        """Flattened content: strings and ``_LB`` markers."""
        out: list[Any] = []
        if element.text:
            out.append(element.text)
        for child in element:
            out.extend(self.inline(child, body))
            if child.tail:
                out.append(child.tail)
        return out

    def inline(self, child: Any, body: bool) -> list[Any]:
        name = _local(child)
        if not name:  # comments and processing instructions
            return []
        # The two most frequent first (in no other group below, so the order changes nothing).
        if name == "gap":
            return [self.gap_mark(child)]
        if name == "supplied":
            if child.get("rend") == "[[]]":
                return ["[[", *self.pieces(child, body), "]]"]
            return ["[", *self.pieces(child, body), "]"]
        if name == "lb":
            return [_JOIN] if child.get("break") == "no" else [_LB]
        if name in _MILESTONES:
            if name not in ("pb", "cb", "anchor", "index"):
                self.note_inline("skipped", child)
            return []
        if name in ("note", "ref"):
            mark = self.mark_of(child)
            if mark is not None:
                return [mark]
        if name in _DROPPED_INLINE:
            self.note_inline("skipped", child)
            return []
        if name == "sic":
            mark = child.get("rend")
            if not (mark and isinstance(_classify(mark), Sic)):
                mark = "[sic]"
            inner = self.pieces(child, body)
            if not any(isinstance(p, str) and not p.isspace() and p for p in inner):
                return [mark]
            return [*inner, " ", mark]
        if name == "choice":
            for keep in _CHOICE_KEEP:
                for option in child:
                    if _local(option) == keep:
                        others = [o for o in child if o is not option and _local(o)]
                        for other in others:
                            self.note_inline("skipped (choice)", other)
                        return self.inline(option, body)
            options = [o for o in child if _local(o)]
            return self.inline(options[0], body) if options else []
        if name not in _KNOWN_INLINE and body:
            self.note_inline("flattened", child)
        return self.pieces(child, body)

    def mark_of(self, element: Any) -> str | None:
        """``[text]`` for an editorial ``<note>`` or a footnote ``<ref>`` whose text reads back
        as that kind of mark (archmeta writes them so); None for other notes and refs, which
        are read as before (a note skipped, a ref flattened)."""
        kind = {"note": ("editorial", EditorialNote), "ref": ("footnote", FootnoteRef)}
        wanted, segment = kind[_local(element)]
        if element.get("type") != wanted or len(element):
            return None
        mark = f"[{element.text or ''}]"
        return mark if isinstance(_classify(mark), segment) else None

    def gap_mark(self, gap: Any) -> str:
        rend: str | None = gap.get("rend")
        if rend and isinstance(_classify(rend), (Omission, Illegible)):
            return rend  # archmeta's own gaps: the <desc> is not looked for
        if len(gap):
            desc = _text_of(gap, "desc")
            if desc and isinstance(_classify(desc), (Omission, Illegible)):
                return desc
        return "[illegible]" if "illegible" in (gap.get("reason") or "") else "[...]"

    def paragraph(self, element: Any, body: bool = False) -> str | None:
        """The element's text as a Paragraph (lines joined by newlines), None when empty."""
        if not len(element):
            # No children (most elements): the text is the one piece and the one line, taken
            # exactly or normalized as below.
            text = element.text
            if not text:
                return None
            # A plain line reads the same with or without xml:space="preserve": the ancestors
            # are looked at only when the answer can change the text.
            if _plain_line(text) or (_exact_line(text) and self.preserve(element)):
                return str(text)
            return _XML_SPACE.sub(" ", text).strip() or None
        pieces = self.pieces(element, body)
        if _LB not in pieces and _JOIN not in pieces:
            # One line (most paragraphs with inline markup): joined once, without the loop.
            line = "".join(pieces)
            if _plain_line(line) or (_exact_line(line) and self.preserve(element)):
                return line
            return _XML_SPACE.sub(" ", line).strip() or None
        # Each line is gathered as a list of parts and joined once: adding to a growing string
        # made a paragraph with many inline elements take quadratic time.
        parts: list[list[str]] = [[]]
        join = False
        for piece in pieces:
            if piece is _LB:
                parts.append([])
            elif piece is _JOIN:
                _rstrip_parts(parts[-1])
                join = True
            else:
                parts[-1].append(piece.lstrip(" \t\r\n") if join else piece)
                join = join and not piece.strip(" \t\r\n")
        lines = ["".join(line) for line in parts]
        # Exact when it is a valid paragraph: non-empty lines without edge white space (the XML
        # parser has refused control characters other than TAB, LF and CR).
        if all(_exact_line(line) for line in lines) and (
            all(_normal_line(line) for line in lines) or self.preserve(element)
        ):
            return "\n".join(lines)
        normal = [_XML_SPACE.sub(" ", line).strip() for line in lines]
        normal = [line for line in normal if line]
        return "\n".join(normal) or None

    def block_text(self, element: Any) -> str | None:
        """The text of a block that may hold paragraphs (``abstract``, ``availability``,
        ``note``): its paragraphs' lines joined by newlines."""
        blocks = [c for c in element if _local(c) in ("p", "ab", "licence")]
        if not blocks or _has_own_text(element):
            return self.paragraph(element)
        self.used.update(blocks)
        values = [self.paragraph(b) for b in blocks]
        return "\n".join(v for v in values if v) or None

    def line(self, element: Any) -> str | None:
        """The element's text as one Line (line breaks become spaces), None when empty."""
        value = self.paragraph(element)
        if value is None:
            return None
        if "\n" in value:
            value = " ".join(part.strip() for part in value.split("\n"))
        # A printable value with solid ends is a Line (the pattern only adds that nothing is
        # a control character or a non-character, which printable values are not): the
        # pattern is asked only of the others, for less than half its cost.
        if value.isprintable() and not value[0].isspace() and not value[-1].isspace():
            return value
        return value if _LINE.search(value) else None

    def add(self, target: list[Any], values: Any) -> None:
        """Append values; foreign documents often name one thing twice, so they are merged."""
        if self.own:
            target.extend(value for value in values if value is not None)
            return
        known, length, present = self.seen.get(id(target), (None, -1, set()))
        if known is not target or length != len(target):  # new to add() (or changed elsewhere)
            present = set(target)
        for value in values:
            if value is not None and value not in present:
                target.append(value)
                present.add(value)
        self.seen[id(target)] = (target, len(target), present)

    def take(self, path: str, context: Any = None) -> list[Any]:
        nodes = self.find(path, context)
        self.used.update(nodes)
        return nodes

    def lines_of(self, path: str, context: Any = None) -> list[str]:
        values = []
        for node in self.take(path, context):
            value = self.line(node)
            if value is not None:
                values.append(value)
        return values

    def first_line(self, path: str, context: Any = None) -> str | None:
        values = self.lines_of(path, context)
        return values[0] if values else None


_KNOWN_INLINE = frozenset(
    "hi emph foreign persName placeName orgName name rs date time num measure term title ref "
    "seg unclear add abbr expan orig reg corr q quote said mentioned soCalled distinct w c pc "
    "geogName roleName forename surname addName country region settlement bloc damage "
    "restore subst handShift".split()
)


def _rstrip_parts(parts: list[str]) -> None:
    """Strip XML white space from the end of a line held as a list of parts."""
    while parts:
        last = parts[-1].rstrip(" \t\r\n")
        if last:
            parts[-1] = last
            return
        parts.pop()


_HEADER = f"{{{TEI_NS}}}teiHeader"
_NAME = re.compile(r"[A-Za-z][\w.\-]*")


# Per path: its compiled query and the tags it needs (see _needed_tags); a dict, as find()
# is called some forty times a document and an lru_cache call costs more than the lookup.
# The third item: for a path of child names (``a`` or ``a|b``), their qualified tags.
_PLANS: dict[str, tuple[Any, tuple[frozenset[str], ...] | None, tuple[str, ...]]] = {}
_CHILD_NAMES = re.compile(r"[A-Za-z][\w.\-]*(?:\|[A-Za-z][\w.\-]*)*")


def _plan(path: str) -> tuple[Any, tuple[frozenset[str], ...] | None, tuple[str, ...]]:
    children: tuple[str, ...] = ()
    if _CHILD_NAMES.fullmatch(path):
        children = tuple(f"{{{TEI_NS}}}{name}" for name in path.split("|"))
    plan = _PLANS[path] = (_compiled(path), _needed_tags(path), children)
    return plan


def _needed_tags(path: str) -> tuple[frozenset[str], ...] | None:
    """For a header path (``teiHeader/...``, maybe a union), the qualified tags each branch
    names outside its predicates: a branch matches nothing unless the header holds all its
    tags. None for any other path, or one this cannot tell (functions, wildcards, axes)."""
    branches: list[str] = [""]
    depth = 0
    for char in path:  # split at the top-level "|", dropping predicates
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            if char == "|":
                branches.append("")
            else:
                branches[-1] += char
    needed = []
    for branch in branches:
        steps = [step for step in branch.split("/") if step]
        if not branch.startswith("teiHeader/") or not all(_NAME.fullmatch(s) for s in steps):
            return None
        needed.append(frozenset(f"{{{TEI_NS}}}{step}" for step in steps))
    return tuple(needed)


def _exact_line(line: str) -> bool:
    # Ends tested as str.strip() would (comparing with a stripped copy made one per line).
    return (
        bool(line)
        and not line[0].isspace()
        and not line[-1].isspace()
        and "\n" not in line
        and "\r" not in line
    )


def _plain_line(line: str) -> bool:
    """An exact line (:func:`_exact_line`) that is also normal (:func:`_normal_line`): what
    most elements hold, told in one call."""
    return (
        bool(line)
        and not line[0].isspace()
        and not line[-1].isspace()
        and "\n" not in line
        and "\r" not in line
        and "  " not in line
        and "\t" not in line
    )


def _normal_line(line: str) -> bool:
    """Whether an exact line (see :func:`_exact_line`) is unchanged by white-space
    normalization: it has no run of white space to collapse."""
    return "  " not in line and "\t" not in line


@lru_cache(maxsize=512)
def _classify(mark: str) -> Any:
    """The segment a mark written in an attribute or element reads as (None if not a mark);
    kept per mark, as documents repeat the same few ("[...]", "[illegible]", "[sic]")."""
    if len(mark) >= 2 and mark[0] == "[" and mark[-1] == "]" and "\n" not in mark:
        inner = mark[1:-1]
        if "[" not in inner and "]" not in inner:
            return classify_mark(inner)
    return None


def _has_own_text(element: Any) -> bool:
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def _text_of(element: Any, child_name: str) -> str | None:
    for child in element:
        if _local(child) == child_name:
            return "".join(child.itertext())
    return None
