"""Hypothesis strategies for bad input: the values people and upstreams actually send by mistake, and noise."""

from hypothesis import strategies as st

TRICKY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\n",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "inf",
    "-Infinity",
    "99999999999999999999999",
    "0x1F",
    "1,5",
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "9999-12-31",
    "2025/01/01",
    "20250101",
    "true",
    "maybe",
    "XX",
    "us",
    "💥",
    "\u202egnp.exe",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE labs;--",
    "javascript:alert(1)",
    "http://",
    "UPPER-Slug",
    "no-such-slug",
    "sk-live-abc123",
    "x" * 5000,
]

NUMBER_LIKE = st.from_regex(r"[-+]?[0-9]{1,30}(\.[0-9]{0,12})?([eE][-+]?[0-9]{1,4})?", fullmatch=True)
DATE_LIKE = st.from_regex(r"[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True)

nasty_text = st.one_of(
    st.sampled_from(TRICKY_TEXT),
    NUMBER_LIKE,
    DATE_LIKE,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Zs", "Po", "So"]), max_size=10),
)

# JSON values of every kind, nested a little: what a changed upstream schema looks like.
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    nasty_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
