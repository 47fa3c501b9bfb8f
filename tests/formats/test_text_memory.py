"""Reading a long text record holds a small constant times the input, not a copy per line.

A body of a million short paragraphs took 603 MB to read (a list of every line, an object per
paragraph, a list of line numbers). Memory is measured with tracemalloc (allocations, not
time): peak while reading against the size of the input, and against the record's own size.
"""

from __future__ import annotations

import gc
import tracemalloc

from archmeta.formats import text

HEADER = "**April 30, 1962**  \n**A record with a long body**\n\n**Summary:**\n\nShort.\n\n"


def _peak(document: bytes) -> tuple[int, int]:
    """Peak bytes allocated while reading ``document``, and the bytes the record keeps."""
    gc.collect()
    tracemalloc.start()
    try:
        record = text.loads(document)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(record.body) > 1
    return peak, kept


def test_peak_memory_is_a_small_multiple_of_the_input():
    body = "".join(f"Paragraph {i} of the body, with a few words.\n\n" for i in range(50_000))
    document = (HEADER + body).encode()
    peak, kept = _peak(document)
    # The text itself (str), the record (one str object per paragraph: about 50 bytes of
    # overhead each) and little else.
    assert peak < 5 * len(document), (peak, len(document))
    assert peak - kept < 2 * len(document), (peak, kept, len(document))


def test_peak_memory_grows_with_the_input_not_faster():
    small = (HEADER + "A paragraph of the body.\n\n" * 5_000).encode()
    large = (HEADER + "A paragraph of the body.\n\n" * 20_000).encode()
    ratio = _peak(large)[0] / _peak(small)[0]
    assert ratio < 4.8, ratio  # 4x the input: at most about 4x the memory
