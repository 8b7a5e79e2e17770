import pytest

from index.textmap import MappedText


def test_identity_maps_one_to_one():
    m = MappedText.identity("abc def")
    assert m.original_slice(4, 7) == "def"
    assert not m.changed_within(0, 7)


@pytest.mark.parametrize(
    ("raw", "pattern", "repl", "probe", "original"),
    [
        ("ge-\nnom tva", r"(\w)-\n(\w)", lambda m: m.group(1) + m.group(2), "tva", "tva"),
        ("ge-\nnom tva", r"(\w)-\n(\w)", lambda m: m.group(1) + m.group(2), "genom", "ge-\nnom"),
        ("a   b    c", r" {2,}", lambda m: " ", "b c", "b    c"),
        ("férbundet 6ka", r"férbundet", lambda m: "förbundet", "förbundet 6ka", "férbundet 6ka"),
    ],
)
def test_sub_keeps_map_to_original(raw, pattern, repl, probe, original):
    m = MappedText.identity(raw).sub(pattern, repl)
    i = m.text.index(probe)
    assert m.original_slice(i, i + len(probe)) == original


def test_chained_edits_and_changed_flag():
    m = MappedText.identity("Forbundet har ge-\nnom  tva   insatser férbundet.")
    m = m.sub(r"(\w)-\n(\w)", lambda x: x.group(1) + x.group(2))
    m = m.sub(r"[ \t]{2,}", lambda x: " ")
    m = m.sub(r"férbundet", lambda x: "förbundet")
    assert m.text == "Forbundet har genom tva insatser förbundet."
    j = m.text.index("förbundet")
    assert m.original_slice(j, j + len("förbundet")) == "férbundet"
    assert m.changed_within(j, j + 3)
    assert not m.changed_within(0, 9)
    assert m.original_slice(0, len(m.text)) == m.original


def test_sub_without_match_returns_same_object():
    m = MappedText.identity("inget att ändra")
    assert m.sub(r"xyz", lambda x: "") is m
