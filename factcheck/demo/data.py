"""DEMO DATA for `manage.py load_demo`: a small newsroom to click through.

The Arabic article is the desk's seed report, an Al Diyar story of June 2023 on
Putin's planned visit to Turkey; its link and exact date are illustrative. The
English outlet, the Levant Ledger, and its article are invented for the demo (the
.example domain can never belong to anyone). The sources are real public pages.
Nothing here is loaded outside the demo command.
"""

import datetime
from dataclasses import dataclass

from factcheck.models import (
    CorrectionKind,
    Language,
    Priority,
    SourceKind,
    Stance,
    Status,
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    group: str


@dataclass(frozen=True)
class RatingData:
    value: int
    slug: str
    label_en: str
    label_ar: str
    definition_en: str
    definition_ar: str
    colour: str


@dataclass(frozen=True)
class OutletData:
    domain: str
    name: str
    language: str
    name_ar: str = ""


@dataclass(frozen=True)
class ArticleData:
    url: str
    outlet_domain: str
    title: str
    language: str
    published_on: datetime.date
    text: str


@dataclass(frozen=True)
class ClaimantData:
    slug: str
    name: str
    role: str = ""
    same_as: str = ""
    kind: str = "person"


@dataclass(frozen=True)
class TagData:
    slug: str
    name_en: str
    name_ar: str


@dataclass(frozen=True)
class SourceData:
    url: str
    title: str
    publisher: str
    kind: str
    stance: str
    excerpt: str = ""


@dataclass(frozen=True)
class DraftData:
    headline: str
    rating: int | None = None
    summary: str = ""
    body: str = ""


@dataclass(frozen=True)
class CorrectionData:
    kind: str
    note: str
    changes: dict[str, str]


@dataclass(frozen=True)
class ClaimData:
    """One claim and how far the demo desk has taken it through the workflow."""

    text: str
    language: str
    status: str
    article_url: str
    quote: str
    claimant: str = ""
    tags: tuple[str, ...] = ()
    priority: int = Priority.NORMAL
    # Usernames: who submits, checks, triages, and approves and publishes.
    # A submitter of None is a reader using the public form.
    submitted_by: str | None = "fatima"
    checker: str = "fatima"
    editor: str = "layla"
    approver: str = "karim"
    context: str = ""
    contact: str = ""
    sources: tuple[SourceData, ...] = ()
    draft: DraftData | None = None
    # Dismissals and retractions must say why; a retraction's note is public.
    note: str = ""
    correction: CorrectionData | None = None


USERS = (
    # A plain member of Administrators, as a newsroom's would be: superusers are the
    # operator's (createsuperuser), not a role.
    DemoUser("admin", "Amal", "Haddad", "Administrators"),
    DemoUser("layla", "Layla", "Mansour", "Editors"),
    DemoUser("karim", "Karim", "Saleh", "Editors"),
    DemoUser("fatima", "Fatima", "Khoury", "Fact-checkers"),
    DemoUser("omar", "Omar", "Nasser", "Fact-checkers"),
)

# Every colour carries white badge text at a contrast of at least 4.5:1 (WCAG AA).
RATINGS = (
    RatingData(
        1,
        "false",
        "False",
        "خطأ",
        "The claim is not accurate: the evidence contradicts it.",
        "الادعاء غير دقيق: الأدلة المتاحة تنقضه.",
        "#a4161a",
    ),
    RatingData(
        2,
        "mostly-false",
        "Mostly false",
        "خطأ في معظمه",
        "The claim contains an element of truth but ignores facts that would "
        "give a different impression.",
        "يتضمن الادعاء عنصرا من الحقيقة لكنه يتجاهل حقائق كانت ستعطي انطباعا مختلفا.",
        "#c2410c",
    ),
    RatingData(
        3,
        "half-true",
        "Half true",
        "نصف صحيح",
        "The claim is partly accurate but leaves out important details or takes "
        "things out of context.",
        "الادعاء دقيق جزئيا لكنه يغفل تفاصيل مهمة أو يقتطع الأمور من سياقها.",
        "#8a5a00",
    ),
    RatingData(
        4,
        "mostly-true",
        "Mostly true",
        "صحيح في معظمه",
        "The claim is accurate but needs clarification or additional information.",
        "الادعاء دقيق لكنه يحتاج إلى توضيح أو معلومات إضافية.",
        "#4d7c0f",
    ),
    RatingData(
        5,
        "true",
        "True",
        "صحيح",
        "The claim is accurate and nothing significant is missing.",
        "الادعاء دقيق ولا ينقصه شيء جوهري.",
        "#166534",
    ),
)

AL_DIYAR = OutletData("addiyar.com", "Al Diyar", Language.ARABIC, name_ar="الديار")
LEVANT_LEDGER = OutletData("levant-ledger.example", "Levant Ledger", Language.ENGLISH)
OUTLETS = (AL_DIYAR, LEVANT_LEDGER)

# The seed report without the page's chrome (the YouTube banner, "most read").
# The report has no headline of its own in the seed, so the title is ours. Its
# date follows from the text: Erdogan was re-elected "last month", in May 2023.
SEED_ARTICLE = ArticleData(
    url="https://addiyar.com/article/2109443",
    outlet_domain=AL_DIYAR.domain,
    title="الكرملين: بوتين وأردوغان اتفقا على زيارة قريبة لأنقرة",
    language=Language.ARABIC,
    published_on=datetime.date(2023, 6, 6),
    text="""\
قال مسؤول روسي إن الرئيس فلاديمير بوتين ونظيره التركي رجب طيب أردوغان اتفقا \
على أن يزور بوتين أنقرة "قريبا".

ونقلت وكالة "إنترفاكس" الروسية للأنباء هذه التصريحات عن مستشار السياسة \
الخارجية بالكرملين يوري أوشاكوف.

وستكون هذه أول زيارة يقوم بها بوتين لدولة عضو بحلف شمال الأطلسي (ناتو) منذ \
اندلاع الحرب في أوكرانيا يوم 24 شباط 2022، علما بأن بوتين لم يسافر إلى الخارج \
إلا نادرا منذ بداية هذه الحرب.

وتسود حالة من التوتر في العلاقات بين موسكو والناتو بعد حرب أوكرانيا، حيث شن \
بوتين ومسؤولون روس كبار هجوما حادا على الحلف متهمين إياه بتأجيج الحرب من خلال \
تزويد أعضاء رئيسيين فيه كييف بأسلحة وعتاد عسكريين بما فيها دبابات قتالية مع \
وعود بتزويدها بمقاتلات.

ونقلت إنترفاكس عن أوشاكوف قوله "هناك دعوة من رئيس تركيا. اتفق بوتين وأردوغان \
على أن الزيارة ستكون في المستقبل القريب، لكننا لم نتحدث بعد عن يوم محدد أو \
مواعيد محددة".

علاقات قوية

وسعى أردوغان، الذي أعيد انتخابه الشهر الماضي لولاية أخرى مدتها 5 سنوات، إلى \
الحفاظ على علاقات قوية مع كل من موسكو وكييف منذ بدء الحرب في أوكرانيا.

ورفضت تركيا الانضمام إلى دول غربية في فرض عقوبات اقتصادية على روسيا، لكنها \
زودت أوكرانيا بالسلاح ودعت إلى احترام سيادتها.

كما ساعدت أنقرة في التوسط بعملية تبادل للأسرى، وفي اتفاق إلى جانب الأمم \
المتحدة في تموز 2022 للسماح بالتصدير الآمن للحبوب من الموانئ الأوكرانية المطلة \
على البحر الأسود.

وكانت المحكمة الجنائية الدولية أصدرت مذكرة اعتقال ضد بوتين في آذار الماضي، \
بسبب اتهامات بارتكاب جرائم حرب في أوكرانيا، مما يعني أنه قد يتعرض لخطر \
الاعتقال إذا سافر إلى الخارج.

غير أن تركيا ليست طرفا في نظام روما الأساسي، الذي أنشأ المحكمة الجنائية \
الدولية، وبالتالي سيكون بوتين بمنأى عن خطر الاعتقال خلال زيارته المنتظرة \
لأنقرة.

تعاون غير مسبوق

وأشاد المتحدث باسم الكرملين ديمتري بيسكوف -في وقت لاحق- بما وصفه بأنه "تعاون \
غير مسبوق" بين موسكو وأنقرة، مثنيا على "الموقف المتوازن" لأردوغان إزاء صراع \
أوكرانيا.

وقال بيسكوف في تعليقات نقلتها وكالة تاس الروسية للأنباء "وبناء على ذلك يتعين \
علينا أن نفعل كل ما بوسعنا لكي تظل تركيا جارة يربطنا بها حسن الجوار".

وأضاف أوريشكين -في تصريح لوكالة الأناضول التركية- أن البلدين يعملان على إنجاز \
العديد من المشاريع المهمة، كالتعاون بمجال الطاقة النووية والتبادل التجاري.

من جانبه، قال مكسيم أوريشكين مساعد الرئيس الروسي إن هناك إمكانات كبيرة للتعاون \
مع تركيا لم يتم استغلالها بعد.
""",
)

# Invented for the demo, like its outlet.
ENGLISH_ARTICLE = ArticleData(
    url="https://levant-ledger.example/2023/06/putin-to-visit-turkey-soon",
    outlet_domain=LEVANT_LEDGER.domain,
    title="Putin to visit Turkey 'soon', Kremlin aide says, despite ICC warrant",
    language=Language.ENGLISH,
    published_on=datetime.date(2023, 6, 6),
    text="""\
Vladimir Putin and Recep Tayyip Erdogan have agreed that the Russian president \
will visit Ankara soon, the Kremlin's foreign-policy adviser Yuri Ushakov told \
the Interfax news agency, though no date has been set.

It would be Putin's first trip to a NATO member since Russia's full-scale \
invasion of Ukraine on 24 February 2022.

The ICC issued an arrest warrant for Vladimir Putin in March 2023 over the \
alleged unlawful deportation of children from occupied Ukraine. Turkey is not a \
party to the Rome Statute of the International Criminal Court, so it has no \
treaty obligation to arrest him.

Turkey, which helped broker the Black Sea grain deal with the United Nations in \
July 2022, has refused to join Western sanctions on Russia while supplying \
Ukraine with drones.
""",
)
ARTICLES = (SEED_ARTICLE, ENGLISH_ARTICLE)

CLAIMANTS = (
    ClaimantData("al-diyar", "الديار", "صحيفة يومية لبنانية", kind="organization"),
    ClaimantData(
        "yuri-ushakov",
        "يوري أوشاكوف",
        "مستشار السياسة الخارجية في الكرملين",
        "https://en.wikipedia.org/wiki/Yuri_Ushakov",
    ),
    ClaimantData(
        "dmitry-peskov",
        "ديمتري بيسكوف",
        "المتحدث باسم الكرملين",
        "https://en.wikipedia.org/wiki/Dmitry_Peskov",
    ),
    ClaimantData(
        "maxim-oreshkin",
        "مكسيم أوريشكين",
        "مساعد الرئيس الروسي",
        "https://en.wikipedia.org/wiki/Maxim_Oreshkin",
    ),
    ClaimantData(
        "levant-ledger",
        "Levant Ledger",
        "English-language news site",
        kind="organization",
    ),
)

# A topic is one record named in both languages; claims name it by its address.
TAGS = (
    TagData("icc", "ICC", "المحكمة الجنائية الدولية"),
    TagData("turkey", "Turkey", "تركيا"),
    TagData("russia", "Russia", "روسيا"),
    TagData("ukraine-war", "Ukraine war", "الحرب في أوكرانيا"),
    TagData("اتفاق-الحبوب", "Black Sea grain deal", "اتفاق الحبوب"),
)

ICC_STATES_PARTIES = "https://asp.icc-cpi.int/states-parties"
ICC_PUTIN_WARRANT = (
    "https://www.icc-cpi.int/news/situation-ukraine-icc-judges-issue-arrest-"
    "warrants-against-vladimir-vladimirovich-putin-and"
)
UN_GRAIN_INITIATIVE = "https://www.un.org/en/black-sea-grain-initiative"
ICC_WARRANT_EXCERPT = (
    "Today, 17 March 2023, Pre-Trial Chamber II of the International Criminal "
    'Court ("ICC") issued warrants of arrest for two individuals in the context '
    "of the situation in Ukraine: Mr Vladimir Vladimirovich Putin and Ms Maria "
    "Alekseyevna Lvova-Belova."
)


def _states_parties(language: str) -> SourceData:
    return SourceData(
        url=ICC_STATES_PARTIES,
        title=(
            "الدول الأطراف في نظام روما الأساسي"
            if language == Language.ARABIC
            else "The States Parties to the Rome Statute"
        ),
        publisher="International Criminal Court, Assembly of States Parties",
        kind=SourceKind.OFFICIAL_DATA,
        stance=Stance.SUPPORTS,
    )


def _warrant_press_release(language: str) -> SourceData:
    return SourceData(
        url=ICC_PUTIN_WARRANT,
        title=(
            "الوضع في أوكرانيا: قضاة المحكمة الجنائية الدولية يصدرون مذكرتي توقيف "
            "بحق فلاديمير بوتين وماريا لفوفا-بيلوفا"
            if language == Language.ARABIC
            else "Situation in Ukraine: ICC judges issue arrest warrants against "
            "Vladimir Vladimirovich Putin and Maria Alekseyevna Lvova-Belova"
        ),
        publisher="International Criminal Court",
        kind=SourceKind.PRIMARY,
        stance=Stance.SUPPORTS,
        excerpt=ICC_WARRANT_EXCERPT,
    )


def _grain_initiative(language: str) -> SourceData:
    return SourceData(
        url=UN_GRAIN_INITIATIVE,
        title=(
            "مبادرة حبوب البحر الأسود"
            if language == Language.ARABIC
            else "Black Sea Grain Initiative"
        ),
        publisher="United Nations",
        kind=SourceKind.PRIMARY,
        stance=Stance.SUPPORTS,
    )


ROME_STATUTE_BODY_AR = f"""\
## ما قيل

كتبت صحيفة الديار أن تركيا «ليست طرفا في نظام روما الأساسي، الذي أنشأ المحكمة \
الجنائية الدولية»، وأن بوتين سيكون بالتالي بمنأى عن خطر الاعتقال خلال زيارته \
المنتظرة لأنقرة.

## ما وجدناه

تنشر جمعية الدول الأطراف في المحكمة الجنائية الدولية \
[قائمة الدول الأطراف في نظام روما الأساسي]({ICC_STATES_PARTIES})، أي الدول التي \
صادقت عليه أو انضمت إليه. تركيا ليست في القائمة، ولم توقّع على النظام أصلا.

نظام روما الأساسي معاهدة لا تُلزم إلا الدول الأطراف فيها، فلا يقع على تركيا واجب \
تعاهدي بتنفيذ أوامر القبض التي تصدرها المحكمة.

## الحكم

**صحيح.** تركيا ليست دولة طرفا في نظام روما الأساسي.
"""

WARRANT_BODY_AR = f"""\
## ما قيل

كتبت صحيفة الديار أن المحكمة الجنائية الدولية «أصدرت مذكرة اعتقال ضد بوتين في \
آذار الماضي، بسبب اتهامات بارتكاب جرائم حرب في أوكرانيا».

## ما وجدناه

أعلنت المحكمة في [بيان صحفي بتاريخ 17 آذار 2023]({ICC_PUTIN_WARRANT}) أن الدائرة \
التمهيدية الثانية أصدرت في ذلك اليوم مذكرتي توقيف: الأولى بحق الرئيس الروسي \
فلاديمير بوتين، والثانية بحق ماريا لفوفا-بيلوفا، مفوضة حقوق الطفل في مكتب الرئاسة \
الروسية.

وبحسب البيان، يُشتبه في مسؤولية بوتين عن جريمة الحرب المتمثلة في الترحيل غير \
القانوني لأطفال من المناطق المحتلة في أوكرانيا إلى الاتحاد الروسي، ونقلهم إليه \
بصورة غير قانونية.

## الحكم

**صحيح.** صدرت المذكرة في آذار 2023، وتتعلق باتهامات بارتكاب جرائم حرب في أوكرانيا.
"""

# The demo's correction: the body as first published named the wrong chamber.
WARRANT_BODY_AR_AS_FIRST_PUBLISHED = WARRANT_BODY_AR.replace(
    "الدائرة التمهيدية الثانية", "الدائرة التمهيدية الأولى"
)

GRAIN_BODY_AR = f"""\
## ما قيل

كتبت صحيفة الديار أن أنقرة ساعدت في التوسط «في اتفاق إلى جانب الأمم المتحدة في \
تموز 2022 للسماح بالتصدير الآمن للحبوب من الموانئ الأوكرانية المطلة على البحر \
الأسود».

## ما وجدناه

بحسب [صفحة الأمم المتحدة عن مبادرة حبوب البحر الأسود]({UN_GRAIN_INITIATIVE})، \
وُقّعت المبادرة في إسطنبول في 22 تموز 2022 بين روسيا وأوكرانيا وتركيا والأمم \
المتحدة، وأُنشئ بموجبها مركز تنسيق مشترك في إسطنبول يضم ممثلين عن الأطراف الأربعة \
لمراقبة السفن المغادرة من ثلاثة موانئ أوكرانية.

## الحكم

**صحيح.** توسطت تركيا مع الأمم المتحدة في اتفاق تموز 2022 لتصدير الحبوب الأوكرانية \
عبر البحر الأسود.
"""

NATO_VISIT_BODY_AR = """\
## ما قيل

كتبت صحيفة الديار أن زيارة بوتين لأنقرة ستكون «أول زيارة يقوم بها بوتين لدولة عضو \
بحلف شمال الأطلسي (ناتو) منذ اندلاع الحرب في أوكرانيا».

## ما وجدناه

تُظهر سجلات رحلات الرئيس الروسي التي ينشرها الكرملين أن رحلاته الخارجية منذ 24 شباط \
2022 اقتصرت على دول ليست أعضاء في حلف شمال الأطلسي، مثل إيران وطاجيكستان \
وكازاخستان وبيلاروسيا.

لكن الزيارة نفسها لم يُحدَّد لها موعد بعد، كما قال أوشاكوف.

## الحكم

**صحيح في معظمه.** لم يزر بوتين أي دولة عضو في الناتو منذ بدء الحرب، فستكون زيارة \
أنقرة الأولى إن تمت؛ غير أنها لم تُحدَّد بعد.
"""

ERDOGAN_BODY_AR = """\
## ما قيل

كتبت صحيفة الديار أن أردوغان «أعيد انتخابه الشهر الماضي لولاية أخرى مدتها 5 سنوات».

## ما وجدناه

فاز رجب طيب أردوغان في جولة الإعادة من الانتخابات الرئاسية التركية التي جرت في 28 \
أيار 2023. ومدة الولاية الرئاسية في تركيا خمس سنوات بحسب الدستور التركي.

## الحكم

**صحيح.**
"""

WEAPONS_BODY_AR = """\
## ما قيل

كتبت صحيفة الديار أن تركيا «زودت أوكرانيا بالسلاح».

## ما وجدناه

باعت شركة بايكار التركية أوكرانيا طائرات مسيّرة من طراز بيرقدار تي بي 2 استخدمها \
الجيش الأوكراني في الأسابيع الأولى من الحرب.

## الحكم

**صحيح في معظمه.**
"""

ROME_STATUTE_BODY_EN = f"""\
## What was said

The Levant Ledger wrote that "Turkey is not a party to the Rome Statute of the \
International Criminal Court, so it has no treaty obligation to arrest" Putin.

## What we found

The ICC's Assembly of States Parties publishes \
[the list of States Parties to the Rome Statute]({ICC_STATES_PARTIES}): the states \
that have ratified or acceded to it. Turkey is not on the list, and it never \
signed the treaty.

The Rome Statute is a treaty: it binds only the states that are party to it.

## Verdict

**True.** Turkey is not a State Party to the Rome Statute.
"""

WARRANT_BODY_EN = f"""\
## What was said

The Levant Ledger wrote that "the ICC issued an arrest warrant for Vladimir Putin \
in March 2023".

## What we found

In a [press release of 17 March 2023]({ICC_PUTIN_WARRANT}), the court said that \
Pre-Trial Chamber II had issued warrants of arrest that day for Vladimir Putin and \
for Maria Lvova-Belova, the Russian presidential commissioner for children's \
rights.

Putin is allegedly responsible for the war crime of unlawful deportation of \
children from occupied areas of Ukraine to the Russian Federation, and of their \
unlawful transfer.

## Verdict

**True.** The warrant was issued on 17 March 2023.
"""

CLAIMS = (
    ClaimData(
        text="تركيا ليست طرفا في نظام روما الأساسي الذي أنشأ المحكمة الجنائية الدولية",
        language=Language.ARABIC,
        status=Status.PUBLISHED,
        article_url=SEED_ARTICLE.url,
        quote=(
            "غير أن تركيا ليست طرفا في نظام روما الأساسي، الذي أنشأ المحكمة الجنائية "
            "الدولية، وبالتالي سيكون بوتين بمنأى عن خطر الاعتقال خلال زيارته "
            "المنتظرة لأنقرة."
        ),
        claimant="al-diyar",
        tags=("icc", "turkey"),
        priority=Priority.HIGH,
        sources=(_states_parties(Language.ARABIC),),
        draft=DraftData(
            headline="صحيح: تركيا ليست دولة طرفا في نظام روما الأساسي",
            rating=5,
            summary=(
                "لا تظهر تركيا في قائمة الدول الأطراف في نظام روما الأساسي التي "
                "تنشرها المحكمة الجنائية الدولية، ولم توقّع على النظام أصلا، فلا "
                "يلزمها تنفيذ أوامر القبض الصادرة عن المحكمة."
            ),
            body=ROME_STATUTE_BODY_AR,
        ),
    ),
    ClaimData(
        text=(
            "أصدرت المحكمة الجنائية الدولية مذكرة اعتقال ضد بوتين في آذار 2023 بسبب "
            "اتهامات بارتكاب جرائم حرب في أوكرانيا"
        ),
        language=Language.ARABIC,
        status=Status.PUBLISHED,
        article_url=SEED_ARTICLE.url,
        quote=(
            "وكانت المحكمة الجنائية الدولية أصدرت مذكرة اعتقال ضد بوتين في آذار "
            "الماضي، بسبب اتهامات بارتكاب جرائم حرب في أوكرانيا، مما يعني أنه قد "
            "يتعرض لخطر الاعتقال إذا سافر إلى الخارج."
        ),
        claimant="al-diyar",
        tags=("icc", "russia", "ukraine-war"),
        priority=Priority.HIGH,
        checker="omar",
        editor="karim",
        approver="layla",
        sources=(_warrant_press_release(Language.ARABIC),),
        draft=DraftData(
            headline="صحيح: المحكمة الجنائية الدولية أصدرت مذكرة توقيف بحق بوتين في "
            "آذار 2023",
            rating=5,
            summary=(
                "أصدرت المحكمة الجنائية الدولية في 17 آذار 2023 مذكرة توقيف بحق "
                "فلاديمير بوتين للاشتباه في مسؤوليته عن جريمة الحرب المتمثلة في "
                "الترحيل غير القانوني لأطفال من المناطق المحتلة في أوكرانيا إلى روسيا."
            ),
            body=WARRANT_BODY_AR_AS_FIRST_PUBLISHED,
        ),
        correction=CorrectionData(
            kind=CorrectionKind.CORRECTION,
            note=(
                "ذكرت نسخة سابقة من هذا التحقق أن الدائرة التمهيدية الأولى هي التي "
                "أصدرت المذكرة، والصحيح أنها الدائرة التمهيدية الثانية."
            ),
            changes={"body": WARRANT_BODY_AR},
        ),
    ),
    ClaimData(
        text=(
            "ساعدت تركيا في التوسط في اتفاق إلى جانب الأمم المتحدة في تموز 2022 "
            "للسماح بالتصدير الآمن للحبوب من الموانئ الأوكرانية المطلة على البحر الأسود"
        ),
        language=Language.ARABIC,
        status=Status.PUBLISHED,
        article_url=SEED_ARTICLE.url,
        quote=(
            "كما ساعدت أنقرة في التوسط بعملية تبادل للأسرى، وفي اتفاق إلى جانب الأمم "
            "المتحدة في تموز 2022 للسماح بالتصدير الآمن للحبوب من الموانئ الأوكرانية "
            "المطلة على البحر الأسود."
        ),
        claimant="al-diyar",
        tags=("turkey", "اتفاق-الحبوب", "ukraine-war"),
        approver="layla",
        sources=(_grain_initiative(Language.ARABIC),),
        draft=DraftData(
            headline="صحيح: تركيا توسطت مع الأمم المتحدة في اتفاق الحبوب في تموز 2022",
            rating=5,
            summary=(
                "وُقّعت مبادرة حبوب البحر الأسود في إسطنبول في 22 تموز 2022 بين روسيا "
                "وأوكرانيا وتركيا والأمم المتحدة، لتصدير الحبوب من ثلاثة موانئ "
                "أوكرانية."
            ),
            body=GRAIN_BODY_AR,
        ),
    ),
    ClaimData(
        text=(
            "ستكون زيارة بوتين لأنقرة أول زيارة يقوم بها لدولة عضو بحلف شمال الأطلسي "
            "منذ اندلاع الحرب في أوكرانيا يوم 24 شباط 2022"
        ),
        language=Language.ARABIC,
        status=Status.APPROVED,
        article_url=SEED_ARTICLE.url,
        quote=(
            "وستكون هذه أول زيارة يقوم بها بوتين لدولة عضو بحلف شمال الأطلسي (ناتو) "
            "منذ اندلاع الحرب في أوكرانيا يوم 24 شباط 2022"
        ),
        claimant="al-diyar",
        tags=("russia", "turkey", "ukraine-war"),
        checker="omar",
        sources=(
            SourceData(
                url="http://en.kremlin.ru/events/president/trips",
                title="Trips of the President of Russia",
                publisher="Office of the President of Russia",
                kind=SourceKind.OFFICIAL_DATA,
                stance=Stance.SUPPORTS,
            ),
        ),
        draft=DraftData(
            headline="صحيح في معظمه: أنقرة ستكون أول عاصمة في الناتو يزورها بوتين منذ "
            "بدء الحرب",
            rating=4,
            summary=(
                "لم يزر بوتين أي دولة عضو في حلف شمال الأطلسي منذ 24 شباط 2022، فستكون "
                "زيارته لأنقرة الأولى إن تمت، لكن لم يُحدَّد لها موعد بعد."
            ),
            body=NATO_VISIT_BODY_AR,
        ),
    ),
    ClaimData(
        text="أعيد انتخاب أردوغان في أيار 2023 لولاية أخرى مدتها 5 سنوات",
        language=Language.ARABIC,
        status=Status.IN_REVIEW,
        article_url=SEED_ARTICLE.url,
        quote=(
            "وسعى أردوغان، الذي أعيد انتخابه الشهر الماضي لولاية أخرى مدتها 5 سنوات، "
            "إلى الحفاظ على علاقات قوية مع كل من موسكو وكييف منذ بدء الحرب في "
            "أوكرانيا."
        ),
        claimant="al-diyar",
        tags=("turkey",),
        priority=Priority.LOW,
        checker="omar",
        sources=(
            SourceData(
                url="https://en.wikipedia.org/wiki/2023_Turkish_presidential_election",
                title="2023 Turkish presidential election",
                publisher="Wikipedia",
                kind=SourceKind.OTHER,
                stance=Stance.SUPPORTS,
            ),
        ),
        draft=DraftData(
            headline="صحيح: أردوغان أعيد انتخابه في أيار 2023 لولاية مدتها خمس سنوات",
            rating=5,
            summary=(
                "فاز أردوغان في جولة الإعادة في 28 أيار 2023، ومدة الولاية الرئاسية "
                "في تركيا خمس سنوات."
            ),
            body=ERDOGAN_BODY_AR,
        ),
    ),
    ClaimData(
        text="رفضت تركيا الانضمام إلى دول غربية في فرض عقوبات اقتصادية على روسيا",
        language=Language.ARABIC,
        status=Status.IN_RESEARCH,
        article_url=SEED_ARTICLE.url,
        quote=(
            "ورفضت تركيا الانضمام إلى دول غربية في فرض عقوبات اقتصادية على روسيا، "
            "لكنها زودت أوكرانيا بالسلاح ودعت إلى احترام سيادتها."
        ),
        claimant="al-diyar",
        tags=("turkey", "russia"),
        sources=(
            SourceData(
                url="https://www.consilium.europa.eu/en/policies/sanctions-against-russia/",
                title="EU sanctions against Russia",
                publisher="Council of the European Union",
                kind=SourceKind.OFFICIAL_DATA,
                stance=Stance.CONTEXT,
            ),
        ),
        draft=DraftData(
            headline="هل رفضت تركيا الانضمام إلى العقوبات الغربية على روسيا؟"
        ),
    ),
    ClaimData(
        text="زودت تركيا أوكرانيا بالسلاح منذ بداية الحرب",
        language=Language.ARABIC,
        status=Status.RETRACTED,
        article_url=SEED_ARTICLE.url,
        quote="لكنها زودت أوكرانيا بالسلاح ودعت إلى احترام سيادتها",
        claimant="al-diyar",
        tags=("turkey", "ukraine-war"),
        checker="omar",
        sources=(
            SourceData(
                url="https://en.wikipedia.org/wiki/Baykar_Bayraktar_TB2",
                title="Baykar Bayraktar TB2",
                publisher="Wikipedia",
                kind=SourceKind.OTHER,
                stance=Stance.SUPPORTS,
            ),
        ),
        draft=DraftData(
            headline="صحيح في معظمه: تركيا زودت أوكرانيا بطائرات مسيّرة",
            rating=4,
            summary=(
                "استخدم الجيش الأوكراني طائرات بيرقدار تي بي 2 التركية الصنع منذ "
                "الأسابيع الأولى من الحرب."
            ),
            body=WEAPONS_BODY_AR,
        ),
        note=(
            "سحبنا هذا التحقق لأنه استند إلى صفقات طائرات مسيّرة سبقت الحرب، ولم يثبت "
            "ما زودت به تركيا أوكرانيا بعد 24 شباط 2022. سننشر تحققا جديدا حين "
            "نستكمل الأدلة."
        ),
    ),
    ClaimData(
        text="اتفق بوتين وأردوغان على أن يزور بوتين أنقرة في المستقبل القريب",
        language=Language.ARABIC,
        status=Status.ACCEPTED,
        article_url=SEED_ARTICLE.url,
        quote=(
            "هناك دعوة من رئيس تركيا. اتفق بوتين وأردوغان على أن الزيارة ستكون في "
            "المستقبل القريب، لكننا لم نتحدث بعد عن يوم محدد أو مواعيد محددة"
        ),
        claimant="yuri-ushakov",
        tags=("russia", "turkey"),
        checker="omar",
    ),
    ClaimData(
        text="هناك تعاون غير مسبوق بين موسكو وأنقرة",
        language=Language.ARABIC,
        status=Status.SUBMITTED,
        article_url=SEED_ARTICLE.url,
        quote=(
            "وأشاد المتحدث باسم الكرملين ديمتري بيسكوف -في وقت لاحق- بما وصفه بأنه "
            '"تعاون غير مسبوق" بين موسكو وأنقرة'
        ),
        claimant="dmitry-peskov",
        submitted_by="omar",
    ),
    ClaimData(
        text="هناك إمكانات كبيرة للتعاون مع تركيا لم يتم استغلالها بعد",
        language=Language.ARABIC,
        status=Status.DISMISSED,
        article_url=SEED_ARTICLE.url,
        quote=(
            "من جانبه، قال مكسيم أوريشكين مساعد الرئيس الروسي إن هناك إمكانات كبيرة "
            "للتعاون مع تركيا لم يتم استغلالها بعد."
        ),
        claimant="maxim-oreshkin",
        note="تقدير لإمكانات مستقبلية، لا ادعاء يمكن التحقق منه بالأدلة.",
    ),
    ClaimData(
        text="لم يسافر بوتين إلى الخارج إلا نادرا منذ بداية الحرب في أوكرانيا",
        language=Language.ARABIC,
        status=Status.SUBMITTED,
        article_url=SEED_ARTICLE.url,
        quote="علما بأن بوتين لم يسافر إلى الخارج إلا نادرا منذ بداية هذه الحرب",
        claimant="al-diyar",
        submitted_by=None,
        context="قرأت هذا في تقرير للديار عن زيارة بوتين المرتقبة لتركيا. هل هو صحيح؟",
        contact="reader@example.com",
    ),
    ClaimData(
        text="Turkey is not a party to the Rome Statute of the International Criminal "
        "Court",
        language=Language.ENGLISH,
        status=Status.PUBLISHED,
        article_url=ENGLISH_ARTICLE.url,
        quote=(
            "Turkey is not a party to the Rome Statute of the International Criminal "
            "Court, so it has no treaty obligation to arrest him."
        ),
        claimant="levant-ledger",
        tags=("icc", "turkey"),
        priority=Priority.HIGH,
        checker="omar",
        approver="layla",
        sources=(_states_parties(Language.ENGLISH),),
        draft=DraftData(
            headline="True: Turkey is not a party to the Rome Statute",
            rating=5,
            summary=(
                "Turkey is not on the ICC's list of States Parties to the Rome Statute "
                "and never signed it, so it has no treaty duty to carry out the "
                "court's arrest warrants."
            ),
            body=ROME_STATUTE_BODY_EN,
        ),
    ),
    ClaimData(
        text="The ICC issued an arrest warrant for Vladimir Putin in March 2023",
        language=Language.ENGLISH,
        status=Status.PUBLISHED,
        article_url=ENGLISH_ARTICLE.url,
        quote=(
            "The ICC issued an arrest warrant for Vladimir Putin in March 2023 over "
            "the alleged unlawful deportation of children from occupied Ukraine."
        ),
        claimant="levant-ledger",
        tags=("icc", "russia", "ukraine-war"),
        priority=Priority.HIGH,
        sources=(_warrant_press_release(Language.ENGLISH),),
        draft=DraftData(
            headline="True: the ICC issued an arrest warrant for Putin in March 2023",
            rating=5,
            summary=(
                "On 17 March 2023 the International Criminal Court issued an arrest "
                "warrant for Vladimir Putin over the alleged unlawful deportation of "
                "children from occupied areas of Ukraine to Russia."
            ),
            body=WARRANT_BODY_EN,
        ),
    ),
    ClaimData(
        text="Turkey helped broker the Black Sea grain deal with the United Nations in "
        "July 2022",
        language=Language.ENGLISH,
        status=Status.IN_RESEARCH,
        article_url=ENGLISH_ARTICLE.url,
        quote=(
            "Turkey, which helped broker the Black Sea grain deal with the United "
            "Nations in July 2022"
        ),
        claimant="levant-ledger",
        tags=("turkey", "ukraine-war"),
        checker="omar",
        sources=(_grain_initiative(Language.ENGLISH),),
        draft=DraftData(headline="Did Turkey help broker the Black Sea grain deal?"),
    ),
)

# The same claims checked in both languages: (Arabic claim, English claim). The
# demo links their fact-checks as each other's translation.
TRANSLATIONS = (
    (
        CLAIMS[0].text,
        "Turkey is not a party to the Rome Statute of the International Criminal Court",
    ),
    (
        "أصدرت المحكمة الجنائية الدولية مذكرة اعتقال ضد بوتين في آذار 2023 بسبب "
        "اتهامات بارتكاب جرائم حرب في أوكرانيا",
        "The ICC issued an arrest warrant for Vladimir Putin in March 2023",
    ),
)
