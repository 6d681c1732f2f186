import pytest

from factcheck.demo.data import CLAIMANTS, SEED_ARTICLE
from factcheck.intake.attribution import (
    attribute_sentences,
    match_claimant,
    propose_speaker,
)
from factcheck.intake.sentences import split_sentences
from tests.intake_data import NO_SEED_FILE, SEED_FILE

DEMO_CLAIMANTS = [claimant.name for claimant in CLAIMANTS]


def speaker(text, language):
    found = propose_speaker(text, language)
    return found and (found.name, found.cue)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "وقال بيسكوف في تعليقات نقلتها وكالة تاس إن العلاقات جيدة.",
            ("بيسكوف", "قال"),
        ),
        (
            "من جانبه، قال مكسيم أوريشكين مساعد الرئيس الروسي إن هناك إمكانات كبيرة.",
            ("مكسيم أوريشكين", "قال"),
        ),
        ("وأكدت الوزيرة نجلاء المنقوش أن الاجتماع عقد.", ("نجلاء المنقوش", "أكد")),
        ("وأعلن الجيش أن 12 جنديا قتلوا.", ("الجيش", "أعلن")),
        ("وفقا لوزارة الصحة، بلغ عدد الإصابات 300.", ("وزارة الصحة", "وفقا")),
        (
            "بحسب رئيس الوزراء محمد شياع السوداني فإن النمو بلغ 5%.",
            ("محمد شياع السوداني", "بحسب"),
        ),
        ("ونقلت إنترفاكس عن أوشاكوف قوله إن الزيارة قريبة.", ("أوشاكوف", "نقلت")),
        ("وقال مصدر مطلع إن الاتفاق قريب.", ("", "قال")),
        ("ورفضت تركيا الانضمام إلى العقوبات.", None),
    ],
)
def test_it_proposes_the_speaker_of_arabic_reported_speech(text, expected):
    assert speaker(text, "ar") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dmitry Peskov said the talks were productive.", ("Dmitry Peskov", "said")),
        ('"We will win," said President Joe Biden.', ("Joe Biden", "said")),
        (
            "Putin will visit Ankara soon, the Kremlin's foreign-policy adviser "
            "Yuri Ushakov told the Interfax news agency.",
            ("Yuri Ushakov", "told"),
        ),
        (
            "According to the World Health Organization, 5 million people died.",
            ("World Health Organization", "according to"),
        ),
        ("A senior Turkish official said the visit was planned.", ("", "said")),
        ("He added that prices fell by 3%.", ("", "added")),
        ("Inflation fell to 4% in May.", None),
    ],
)
def test_it_proposes_the_speaker_of_english_reported_speech(text, expected):
    assert speaker(text, "en") == expected


def test_it_names_an_unnamed_official_from_the_sentence_that_gives_the_source():
    found = attribute_sentences(
        [
            ("قال مسؤول روسي إن بوتين سيزور أنقرة قريبا.", "ar"),
            ("ونقلت وكالة إنترفاكس هذه التصريحات عن المستشار يوري أوشاكوف.", "ar"),
        ]
    )
    assert [attribution.name for attribution in found] == ["يوري أوشاكوف"] * 2


def test_it_gives_he_added_the_previous_sentences_speaker():
    found = attribute_sentences(
        [
            ("Dmitry Peskov said the talks were productive.", "en"),
            ("He added that a date would follow.", "en"),
            ("The weather was fine.", "en"),
        ]
    )
    assert [a and a.name for a in found] == ["Dmitry Peskov", "Dmitry Peskov", None]


@pytest.mark.parametrize(
    ("proposed", "expected"),
    [
        ("ديمتري بيسكوف", "ديمتري بيسكوف"),
        ("بيسكوف", "ديمتري بيسكوف"),  # the surname alone
        ("دِيمِتري بيسـكوف", "ديمتري بيسكوف"),  # diacritics and tatweel
        ("يوري اوشاكوف", "يوري أوشاكوف"),  # alef without hamza
        ("المستشار يوري أوشاكوف", "يوري أوشاكوف"),  # with a role
        ("صحيفة الديار", "الديار"),
        ("levant ledger", "Levant Ledger"),
    ],
)
def test_it_matches_a_proposed_name_to_a_known_claimant(proposed, expected):
    assert match_claimant(proposed, DEMO_CLAIMANTS)[0] == expected


def test_it_folds_taa_marbuta_and_alef_maqsura_when_matching():
    assert match_claimant("منظمة الصحة العالمية", ["منظمه الصحه العالميه"])[1] == 1.0
    assert match_claimant("مصطفى", ["مصطفي"])[1] == 1.0


def test_it_proposes_no_claimant_for_a_name_it_does_not_know():
    assert match_claimant("رجب طيب أردوغان", DEMO_CLAIMANTS) is None
    assert match_claimant("", DEMO_CLAIMANTS) is None


def seed_attributions(text):
    sentences = split_sentences(text)
    found = attribute_sentences([(s.text, s.language) for s in sentences])
    return {
        s.text: match_claimant(a.name, DEMO_CLAIMANTS)[0]
        for s, a in zip(sentences, found, strict=True)
        if a and a.name
    }


def claimant_of(attributed, beginning):
    (claimant,) = [c for text, c in attributed.items() if text.startswith(beginning)]
    return claimant


def assert_seed_attributed(attributed):
    ushakov, peskov = "يوري أوشاكوف", "ديمتري بيسكوف"
    # The first sentence reports Putin and Erdogan's agreement from "a Russian
    # official", whom the next sentence names.
    assert (
        claimant_of(attributed, "قال مسؤول روسي إن الرئيس فلاديمير بوتين ون") == ushakov
    )
    assert claimant_of(attributed, 'ونقلت وكالة "إنترفاكس"') == ushakov
    assert claimant_of(attributed, "ونقلت إنترفاكس عن أوشاكوف") == ushakov
    assert (
        claimant_of(attributed, "وأشاد المتحدث باسم الكرملين ديمتري بيسكوف -") == peskov
    )
    assert (
        claimant_of(attributed, "وقال بيسكوف في تعليقات نقلتها وكالة تاس ال") == peskov
    )
    assert set(attributed.values()) == {ushakov, peskov, "مكسيم أوريشكين"}


def test_it_attributes_the_demo_seed_articles_ushakov_peskov_and_erdogan_sentences():
    assert_seed_attributed(seed_attributions(SEED_ARTICLE.text))


@pytest.mark.skipif(not SEED_FILE.exists(), reason=NO_SEED_FILE)
def test_it_attributes_the_seed_article_as_the_page_has_it():
    assert_seed_attributed(seed_attributions(SEED_FILE.read_text(encoding="utf-8")))
