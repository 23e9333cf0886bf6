"""API 3.0's flat parameters: strict form decoding, ``A.0.B`` names nested back, schema-typed values."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.gateway.flat_params import MAX_PARAMS, MAX_SEGMENTS, MalformedParams, coerce, parse_form, unflatten

from ..tencent.captured import ALL, http_request


def test_form_decoding() -> None:
    raw = b"a=x%20y+z&b=&c&d=%E6%B5%8B&&e=%2B&f=%7e&"
    assert parse_form(raw) == {"a": "x y z", "b": "", "c": "", "d": "测", "e": "+", "f": "~"}


@pytest.mark.parametrize(
    "raw",
    [b"a=1&a=2", b"a=1&b=2&a=1", b"Foo.0=x&Foo%2E0=y", b"=1", b"a=%ZZ", b"a=%4", b"a=%", b"a=%FF", b"%FF=1"],
)
def test_what_is_not_flat_parameters(raw: bytes) -> None:
    with pytest.raises(MalformedParams):
        parse_form(raw)


def test_the_number_of_parameters_is_bounded() -> None:
    assert len(parse_form(b"&".join(b"p%d=" % i for i in range(MAX_PARAMS)))) == MAX_PARAMS
    with pytest.raises(MalformedParams, match="more than"):
        parse_form(b"&".join(b"p%d=" % i for i in range(MAX_PARAMS + 1)))


def test_unflatten() -> None:
    flat = {"Foo.0.Bar": "1", "Foo.1.Bar": "2", "Foo.1.Baz.0": "x", "X": "y", "Obj.K": "v", "0": "root"}
    flat |= {f"L.{i}": str(i) for i in range(11)}
    nested = unflatten(flat)
    assert nested["Foo"] == [{"Bar": "1"}, {"Bar": "2", "Baz": ["x"]}]
    assert (nested["X"], nested["Obj"], nested["0"]) == ("y", {"K": "v"}, "root")
    assert nested["L"] == [str(i) for i in range(11)]  # numeric order, though L.10 sorts before L.2


@pytest.mark.parametrize(
    "flat",
    [
        {"A": "1", "A.B": "2"},
        {"A.B": "2", "A": "1"},
        {"A.0": "1", "A.B": "2"},
        {"A.1": "x"},
        {"A.0": "x", "A.2": "y"},
        {"A..B": "1"},
        {"A.": "1"},
        {"A.01": "x"},
        {"A.0": "x", "A.0.B": "y"},
        {".".join(["A"] + ["0"] * MAX_SEGMENTS): "deep"},
    ],
)
def test_names_that_make_no_single_value(flat: dict[str, str]) -> None:
    with pytest.raises(MalformedParams):
        unflatten(flat)


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "SecureLevel": {"type": "string"},
        "Limit": {"type": "integer"},
        "Score": {"type": "number"},
        "On": {"type": "boolean"},
        "Either": {"type": ["integer", "null"]},
        "Items": {"type": "array", "items": {"type": "object", "properties": {"N": {"type": "integer"}}}},
    },
}


def test_coerce_types_text_as_the_schema_says() -> None:
    value = {"SecureLevel": "4", "Limit": "-20", "Score": "2.5", "On": "true", "Either": "3", "Items": [{"N": "1"}]}
    assert coerce(value | {"Other": "7"}, SCHEMA) == {
        "SecureLevel": "4",
        "Limit": -20,
        "Score": 2.5,
        "On": True,
        "Either": 3,
        "Items": [{"N": 1}],
        "Other": "7",
    }
    assert coerce({"Score": "3", "On": "false"}, SCHEMA) == {"Score": 3, "On": False}


@pytest.mark.parametrize(
    ("field", "text"),
    [("Limit", "ten"), ("Limit", "2.5"), ("On", "True"), ("On", "1"), ("Score", "1e400"), ("Score", "NaN")],
)
def test_text_that_does_not_fit_is_left_for_validation(field: str, text: str) -> None:
    assert coerce({field: text}, SCHEMA) == {field: text}


def test_captured_nested_parameters_come_back_as_the_sdk_was_given_them() -> None:
    """The SDK was given {"SdkToken": "tok", "Foo": [{"Bar": 1, "Baz": true, "Qux": null}, {"Bar": 2.5}],
    "Empty": [], "Obj": {"K": "v"}}: null and [] never arrive, numbers and booleans arrive as text."""
    for name in ("intl_hmacsha1_post_nested", "intl_hmacsha256_get_nested", "common_hmacsha1_post", "common_tc3_get"):
        request = http_request(ALL[name])
        flat = parse_form((request["query"] or request["body"]).encode())
        own = {key: value for key, value in flat.items() if key.startswith(("SdkToken", "Foo", "Obj"))}
        assert unflatten(own) == {
            "SdkToken": "tok",
            "Foo": [{"Bar": "1", "Baz": "true"}, {"Bar": "2.5"}],
            "Obj": {"K": "v"},
        }
