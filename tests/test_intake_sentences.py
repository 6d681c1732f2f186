import pytest

from factcheck.demo.data import SEED_ARTICLE
from factcheck.intake.sentences import split_sentences
from tests.intake_data import NO_SEED_FILE, SEED_FILE


def texts(text):
    return [sentence.text for sentence in split_sentences(text)]


def test_it_splits_english_at_terminators_but_not_in_numbers_or_abbreviations():
    text = (
        "The U.S. economy grew 3.5 percent in 2023, Mr. Biden said. "
        "Inflation fell to 4%! Did it fall? Prices rose approx. two points… "
        "Then Dr. Jones spoke at 5 p.m. on Monday."
    )
    assert texts(text) == [
        "The U.S. economy grew 3.5 percent in 2023, Mr. Biden said.",
        "Inflation fell to 4%!",
        "Did it fall?",
        "Prices rose approx. two points…",
        "Then Dr. Jones spoke at 5 p.m. on Monday.",
    ]


def test_it_splits_arabic_at_the_arabic_question_mark_ellipsis_and_line_breaks():
    text = (
        "هل زار بوتين أنقرة؟ لم يزرها بعد… وقد تكون الزيارة قريبة.\n"
        "وبلغت النسبة 3.5 بالمئة."
    )
    assert texts(text) == [
        "هل زار بوتين أنقرة؟",
        "لم يزرها بعد…",
        "وقد تكون الزيارة قريبة.",
        "وبلغت النسبة 3.5 بالمئة.",
    ]


def test_it_keeps_a_quoted_statement_whole_with_its_speaker():
    arabic = 'ونقلت إنترفاكس عن أوشاكوف قوله "هناك دعوة. لم نحدد موعدا". وانتهى اللقاء.'
    english = '"It did. We won," he said. The count ended.'
    assert texts(arabic) == [
        'ونقلت إنترفاكس عن أوشاكوف قوله "هناك دعوة. لم نحدد موعدا".',
        "وانتهى اللقاء.",
    ]
    assert texts(english) == ['"It did. We won," he said.', "The count ended."]


def test_it_drops_subscription_lines_bylines_photo_credits_and_what_follows_most_read():
    text = "\n".join(
        [
            "اشترك مجانا بقناة الديار على يوتيوب",
            "By John Smith",
            "Photo: Reuters",
            "بقلم: سامي خليل",
            "The ministry said 300 people were hurt in the fire.",
            "علاقات قوية",
            "وقال الوزير إن الحريق بدأ مساء الأحد.",
            "الأكثر قراءة",
            "حزب الله يدشّن أولى غاراته الجوية... ويواصل شلّ منظومة التجسس",
        ]
    )
    assert texts(text) == [
        "The ministry said 300 people were hurt in the fire.",
        "وقال الوزير إن الحريق بدأ مساء الأحد.",
    ]


def test_it_keeps_each_sentences_language_and_place_in_the_article():
    text = "Subscribe now\n\nPutin will visit Ankara. قال بيسكوف إن العلاقات قوية.\n"
    sentences = split_sentences(text)
    assert [(s.language, s.position, s.paragraph) for s in sentences] == [
        ("en", 0, 0),
        ("ar", 1, 0),
    ]
    assert [text[s.start : s.end] for s in sentences] == [s.text for s in sentences]


def test_it_splits_the_demo_copy_of_the_seed_article_into_its_fourteen_sentences():
    sentences = split_sentences(SEED_ARTICLE.text)
    assert len(sentences) == 14
    assert {s.language for s in sentences} == {"ar"}
    assert sentences[4].text.startswith("ونقلت إنترفاكس عن أوشاكوف قوله")
    assert sentences[4].text.endswith('مواعيد محددة".')


@pytest.mark.skipif(not SEED_FILE.exists(), reason=NO_SEED_FILE)
def test_it_drops_the_seed_pages_chrome_and_finds_the_same_sentences():
    from_page = texts(SEED_FILE.read_text(encoding="utf-8"))
    assert from_page == texts(SEED_ARTICLE.text)
