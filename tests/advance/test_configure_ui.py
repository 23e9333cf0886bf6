"""Review of issue 3, ConfigureUI (003 lines 330-525; issue point 8): every M_* rule with its text, per account."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mock_server.contract.resources import fixtures_dir

from ..helpers import access_token
from ..vendor_client import GENERIC_TEXT, Vendor

LONG = "x" * 1000
BAD_COLOUR = "red"
BAD_LINK = "not a link"
FIVE_TIPS = [{"text": f"tip {n}"} for n in range(5)]
# (page in the mock's naming, docs/choices.md, choice 16; field; bad value; the documented text, 003 lines 469-525)
RULES: list[tuple[str, str, Any, str]] = [
    ("mobileTipsPage", "title", LONG, "The title is too long of tips page."),
    ("mobileTipsPage", "titleDesc", LONG, "The title description is too long of tips page."),
    ("mobileTipsPage", "backgroundColor", BAD_COLOUR, "Wrong format of the tips page background color."),
    ("mobileTipsPage", "tips", FIVE_TIPS, "The number of prompts exceeds the limit, supporting up to four."),
    ("mobileTipsPage", "tips", [{"iconLink": BAD_LINK}], "Wrong format of the icon link at tips page."),
    ("mobileTipsPage", "tips", [{"text": LONG}], "The tips is too long of tips page."),
    ("mobileTipsPage", "buttonText", LONG, "The button text is too long of tips page."),
    (
        "mobileTipsPage",
        "buttonBackgroundColor",
        BAD_COLOUR,
        "Wrong format of the start button background color of tips page.",
    ),
    ("mobileLoadingPage", "loadingText", LONG, "The loading text is too long of loading page."),
    ("mobileLoadingPage", "progressColor", BAD_COLOUR, "Wrong format of the loading page progress color."),
    ("mobileFailedDialog", "descText", LONG, "The description text is too long of failed dialog."),
    ("mobileFailedDialog", "iconLink", BAD_LINK, "Wrong format of the icon link at detection failed dialog."),
    ("mobileFailedDialog", "buttonText", LONG, "The button text is too long of failed dialog."),
    (
        "mobileFailedDialog",
        "buttonBackgroundColor",
        BAD_COLOUR,
        "Wrong format of the confirm button background color of detection failed dialog.",
    ),
    ("mobileResultPage", "successIconLink", BAD_LINK, "Wrong format of the success icon link at result page."),
    ("mobileResultPage", "failedIconLink", BAD_LINK, "Wrong format of the failed icon link at result page."),
    ("mobileResultPage", "successDesc", LONG, "The success description text is too long of result page."),
    ("mobileResultPage", "failedDesc", LONG, "The failed description text is too long of result page."),
    ("mobileResultPage", "nextStepButtonText", LONG, "The next step button text is too long of result page."),
    ("mobileResultPage", "tryAgainButtonText", LONG, "The try again button text is too long of result page."),
    (
        "mobileResultPage",
        "nextStepButtonBackgroundColor",
        BAD_COLOUR,
        "Wrong format of the result page next step button background color",
    ),
    (
        "mobileResultPage",
        "tryAgainButtonBackgroundColor",
        BAD_COLOUR,
        "Wrong format of the result page try again button background color",
    ),
    ("pcTipsPage", "title", LONG, "The title is too long of PC tips page."),
    ("pcTipsPage", "titleDesc", LONG, "The title description is too long of PC tips page."),
    ("pcTipsPage", "tips", FIVE_TIPS, "The number of PC tips exceeds the limit, supporting up to four."),
    ("pcTipsPage", "tips", [{"iconLink": BAD_LINK}], "Wrong format of the icon link at PC tips page."),
    ("pcTipsPage", "tips", [{"text": LONG}], "The tips is too long of PC tips page."),
    ("pcTipsPage", "buttonText", LONG, "The button text is too long of PC tips page."),
    (
        "pcTipsPage",
        "buttonBackgroundColor",
        BAD_COLOUR,
        "Wrong format of the start button background color of PC tips page.",
    ),
    ("pcFailedDialog", "descText", LONG, "The description text is too long of PC failed dialog."),
    ("pcFailedDialog", "iconLink", BAD_LINK, "Wrong format of the icon link at detection PC failed dialog."),
    ("pcFailedDialog", "buttonText", LONG, "The button text is too long of PC failed dialog."),
    (
        "pcFailedDialog",
        "buttonBackgroundColor",
        BAD_COLOUR,
        "Wrong format of the confirm button background color of detection PC failed dialog.",
    ),
    ("pcCameraPage", "title", LONG, "The title is too long of PC camera page."),
    ("pcCameraPage", "titleDesc", LONG, "The title description is too long of PC camera page."),
    (
        "pcCameraPage",
        "takePhotoIconLink",
        BAD_LINK,
        "Wrong format of the icon link of take photo button at PC camera page.",
    ),
    ("pcResultPage", "successIconLink", BAD_LINK, "Wrong format of the success icon link at PC result page."),
    ("pcResultPage", "failedIconLink", BAD_LINK, "Wrong format of the failed icon link at PC result page."),
    ("pcResultPage", "successDesc", LONG, "The success description text is too long of PC result page."),
    ("pcResultPage", "failedDesc", LONG, "The failed description text is too long of PC result page."),
    ("pcResultPage", "nextStepButtonText", LONG, "The next step button text is too long of PC result page."),
    ("pcResultPage", "tryAgainButtonText", LONG, "The try again button text is too long of PC result page."),
    (
        "pcResultPage",
        "nextStepButtonBackgroundColor",
        BAD_COLOUR,
        "Wrong format of the PC result page next step button background color",
    ),
    (
        "pcResultPage",
        "tryAgainButtonBackgroundColor",
        BAD_COLOUR,
        "Wrong format of the PC result page try again button background color",
    ),
]


@pytest.fixture
def vendor(http: httpx.Client, token: str) -> Vendor:
    return Vendor(http, token)


def title_on_page(http: httpx.Client, vendor: Vendor) -> bool:
    """Whether the account's page shows the marker title set below."""
    return "Marker Title" in http.get(vendor.session("h5")["url"]).text


def test_every_documented_rule_is_covered_here() -> None:
    docs = (fixtures_dir().parent / "docs" / "vendor" / "003_e9ef0080dafbfd06.txt").read_text(encoding="utf-8")
    documented = {line.split('("', 1)[1].rsplit('")', 1)[0] for line in docs.splitlines() if "  M_" in line}
    assert documented == {text for *_, text in RULES} and len(RULES) == 44


@pytest.mark.parametrize(("page", "field", "value", "text"), RULES, ids=[f"{p}.{f}:{t[:30]}" for p, f, _, t in RULES])
def test_each_rule_answers_its_documented_text_and_stores_nothing(
    http: httpx.Client, vendor: Vendor, page: str, field: str, value: Any, text: str
) -> None:
    assert vendor.configure_ui({"titleText": "Marker Title"})["code"] == "SUCCESS"
    answer = vendor.configure_ui({"titleText": "Other", page: {field: value}})
    assert (answer["code"], answer["message"], answer["data"]) == ("PARAMETER_ERROR", text, None)
    assert title_on_page(http, vendor)  # the refused config did not replace the stored one


@pytest.mark.parametrize("page", ["mobileTipsPage", "pcTipsPage"])
def test_four_tips_are_allowed(vendor: Vendor, page: str) -> None:
    assert vendor.configure_ui({page: {"tips": FIVE_TIPS[:4]}})["code"] == "SUCCESS"


def test_malformed_tips_are_not_reported_as_too_many(vendor: Vendor) -> None:
    """Two tips that are not objects break no M_* rule about the count ("supporting up to four")."""
    answer = vendor.configure_ui({"mobileTipsPage": {"tips": ["look up", "smile"]}})
    assert answer["code"] == "PARAMETER_ERROR"
    assert answer["message"] != "The number of prompts exceeds the limit, supporting up to four."


@pytest.mark.parametrize("colour", ["#fff", "#FFFFFF", "#80ffffff", None])
def test_documented_colour_forms_are_accepted(vendor: Vendor, colour: str | None) -> None:
    assert vendor.configure_ui({"mobileLoadingPage": {"progressColor": colour}})["code"] == "SUCCESS"


@pytest.mark.parametrize("colour", ["fff", "#ggg", "rgb(0,0,0)", "#12345", "", 16777215])
def test_other_colour_forms_are_refused(vendor: Vendor, colour: object) -> None:
    answer = vendor.configure_ui({"mobileResultPage": {"nextStepButtonBackgroundColor": colour}})
    assert (answer["code"], answer["message"]) == (
        "PARAMETER_ERROR",
        "Wrong format of the result page next step button background color",
    )


@pytest.mark.parametrize("link", ["https://cdn.example.com/icon.png", "http://127.0.0.1:9/i.svg", None])
def test_http_links_are_accepted(vendor: Vendor, link: str | None) -> None:
    assert vendor.configure_ui({"mobileResultPage": {"successIconLink": link}})["code"] == "SUCCESS"


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "icon.png", "//cdn.example.com/i.png", "data:image/png;base64,AA"]
)
def test_other_links_are_refused(vendor: Vendor, link: str) -> None:
    answer = vendor.configure_ui({"mobileResultPage": {"successIconLink": link}})
    assert (answer["code"], answer["message"]) == (
        "PARAMETER_ERROR",
        "Wrong format of the success icon link at result page.",
    )


def test_the_documented_request_is_accepted_and_applied(http: httpx.Client, vendor: Vendor) -> None:
    example = json.loads((fixtures_dir() / "examples" / "configure_ui.request.1.json").read_text(encoding="utf-8"))
    assert "mobileMultiDeviceProcessPage" in example  # the full object of 003 lines 347-457
    example = {**example, "titleText": "Marker Title"}
    answer = vendor.configure_ui(example)
    assert (answer["code"], answer["message"], answer["data"]) == ("SUCCESS", "OK", None)
    assert title_on_page(http, vendor)


def test_the_config_is_per_account(http: httpx.Client, vendor: Vendor) -> None:
    other = Vendor(http, access_token(http, "novideoaccesskey", "novideosecretkey"))
    assert vendor.configure_ui({"titleText": "Marker Title"})["code"] == "SUCCESS"
    assert other.configure_ui({"titleText": "Second Account"})["code"] == "SUCCESS"
    assert title_on_page(http, vendor) and not title_on_page(http, other)
    assert "Second Account" in http.get(other.session("h5")["url"]).text


def test_an_undocumented_value_type_is_a_parameter_error(vendor: Vendor) -> None:
    answer = vendor.configure_ui({"mobileResultPage": "not an object"})
    assert (answer["code"], answer["message"]) == ("PARAMETER_ERROR", GENERIC_TEXT)
