"""The Digital Archive plain-text layout, read by hand: the floor's parser (no archmeta here).

Used in process by ``bench.floors`` and in the end-to-end floor ``bench.floor_convert``, whose
processes must not pay for importing archmeta. It knows only the sections and date forms the
benchmark corpus uses, and reports no errors: it is the least work a reader of the layout does.
"""

from __future__ import annotations

import re
from typing import Any

_MONTHS = {
    name: number
    for number, name in enumerate(
        "January February March April May June July August September October November "
        "December".split(),
        start=1,
    )
}
# Codes of the corpus' languages: a hand-written table is the least a reader can do.
_CODES = {
    "Chinese": "zh", "Russian": "ru", "German": "de", "Hungarian": "hu", "Polish": "pl",
    "Romanian": "ro", "Korean": "ko", "Vietnamese": "vi", "Czech": "cs", "Bulgarian": "bg",
    "French": "fr", "Mongolian": "mn", "Albanian": "sq", "Spanish": "es",
}  # fmt: skip
_NAME = "(" + "|".join(_MONTHS) + ")"
_FULL = re.compile(_NAME + r" (\d{1,2}), (\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2}) " + _NAME + r" (\d{4})")
_MONTH = re.compile(_NAME + r",? (\d{4})")
_RANGE = re.compile(r"(\d{4})-(\d{4})")
_CIRCA = re.compile(r"(?:c\.|circa|ca\.) (\d{4})")
_DECADE = re.compile(r"(\d{3})0s")


def floor_date(text: str) -> str | None:
    """EDTF of the corpus' date forms: one regular expression per form, tried in turn."""
    if m := _FULL.fullmatch(text):
        return f"{m[3]}-{_MONTHS[m[1]]:02d}-{int(m[2]):02d}"
    if m := _DAY_FIRST.fullmatch(text):
        return f"{m[3]}-{_MONTHS[m[2]]:02d}-{int(m[1]):02d}"
    if m := _MONTH.fullmatch(text):
        return f"{m[2]}-{_MONTHS[m[1]]:02d}"
    if text.isdigit() and len(text) == 4:
        return text
    if m := _RANGE.fullmatch(text):
        return f"{m[1]}/{m[2]}"
    if m := _CIRCA.fullmatch(text):
        return f"{m[1]}~"
    if m := _DECADE.fullmatch(text):
        return f"{m[1]}X"
    return None


def text_fields(data: bytes) -> dict[str, Any]:
    """Parse one record in the layout into the model's field dict (no validation)."""
    blocks = data.decode("utf-8").rstrip("\n").split("\n\n")
    head = blocks[0].split("\n")
    date_text = head[0][2:-4]  # "**April 30, 1962**  "
    fields: dict[str, Any] = {"title": head[1][2:-2], "body": []}
    if date_text:
        fields["date"] = {"text": date_text, "edtf": floor_date(date_text)}
    section = None
    for block in blocks[1:]:
        if block.startswith("**") and block.endswith(":**"):
            section = block[2:-3]
        elif section == "Citation":
            citation, url = block.split("  \n")
            fields["citation"], fields["url"] = citation, url[1:-1]
            _cited_fields(citation, date_text, fields)
        elif section == "Summary":
            fields["summary"] = block
        elif section == "Credits":
            fields["credits"] = block
            sponsors = block.split("support from the ", 1)[1].rstrip(".")
            fields["funders"] = sponsors.split(" and the ")
        elif section == "Original Language":
            names = block.split("\n")
            fields["original_languages"] = [{"name": n, "code": _CODES.get(n)} for n in names]
        elif section == "Contents":
            fields["contents"] = [line[2:] for line in block.split("\n")]
        else:
            fields["body"].append(block)
        if section is not None and not block.startswith("**"):
            section = None
    return fields


def _cited_fields(citation: str, date_text: str, fields: dict[str, Any]) -> None:
    """Publisher, source and translators from '"Title," DATE, PUBLISHER, SOURCE. Translated by'."""
    rest = citation.split(f'," {date_text}, ', 1)[1]
    cited, _, translated = rest.partition(". Translated by ")
    fields["publisher"], fields["source"] = cited.rstrip(".").split(", ", 1)
    if translated:
        fields["translators"] = translated.rstrip(".").split(" and ")
