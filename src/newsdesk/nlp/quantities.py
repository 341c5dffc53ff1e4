"""Quantity extraction: numbers with units, scale, qualifier bounds and what they measure.

Numbers are found with compiled patterns over `doc.text` (spaCy splits "$44bn"
and "twenty-eight" into pieces, and a character scanner is easier to keep
exact), then the dependency parse says what each number counts or measures.
Years, dates, clock times, ordinals, phone numbers, durations and labels
("Route 9", "G7", "F-35") are rejected early, because in news they vastly
outnumber the checkable figures and would drown reconciliation in noise.

Bounds: an exact figure gets ``low == high == value``; a qualifier widens it
(``about`` -> +-10 %, ``nearly`` -> [0.9v, v], ``more than`` -> [v, None],
``up to`` -> [None, v]); a range keeps its ends with the midpoint as value;
vague counts ("hundreds of") get bounds and no value. Later stages compare
intervals, so "about 28,500" agrees with "28,500" and "at least 12" with "14".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import Quantity
from .doctext import doc_text
from .regexguard import guarded

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# --------------------------------------------------------------------------- lexicon

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALE_VALUES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "lakh": 1e5, "crore": 1e7, "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12,
}  # fmt: skip
# Vague plural counts: (low, high) of what a reader takes them to mean.
_VAGUE = {
    "dozens": (24.0, 99.0),
    "scores": (40.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2e3, 9999.0),
    "tens of thousands": (2e4, 99999.0),
    "hundreds of thousands": (2e5, 999999.0),
    "millions": (2e6, 9.99e6),
    "tens of millions": (2e7, 9.99e7),
    "hundreds of millions": (2e8, 9.99e8),
    "billions": (2e9, 9.99e9),
}
_FRACTIONS = {
    "half": 50.0, "a half": 50.0, "one half": 50.0, "a third": 100 / 3, "one third": 100 / 3,
    "two thirds": 200 / 3, "a quarter": 25.0, "one quarter": 25.0, "three quarters": 75.0,
    "a fifth": 20.0, "one fifth": 20.0, "two fifths": 40.0, "a tenth": 10.0, "one tenth": 10.0,
}  # fmt: skip
_MULTIPLIERS = {"once": 1.0, "twice": 2.0, "thrice": 3.0}

_CURRENCY_PREFIX = {
    "us$": "USD", "u.s.$": "USD", "$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD",
    "hk$": "HKD", "s$": "SGD", "nz$": "NZD", "r$": "BRL", "nt$": "TWD", "€": "EUR", "£": "GBP",
    "¥": "JPY", "₩": "KRW", "₹": "INR", "₽": "RUB", "₺": "TRY", "₪": "ILS", "rs": "INR", "rs.": "INR",
}  # fmt: skip
_ISO = frozenset(
    {
        "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "KRW", "INR", "RUB", "CHF", "AUD", "CAD", "HKD",
        "SGD", "NZD", "BRL", "MXN", "TRY", "ILS", "SAR", "AED", "ZAR", "SEK", "NOK", "DKK", "PLN",
        "THB", "MYR", "IDR", "VND", "NGN", "UAH", "TWD",
    }
)  # fmt: skip
_CURRENCY_WORDS = {
    "dollar": "USD", "euro": "EUR", "pound": "GBP", "sterling": "GBP", "pounds sterling": "GBP",
    "yen": "JPY", "won": "KRW", "yuan": "CNY", "renminbi": "CNY", "rupee": "INR", "ruble": "RUB",
    "rouble": "RUB", "swiss franc": "CHF", "franc": "CHF", "peso": "MXN", "real": "BRL", "reais": "BRL",
    "lira": "TRY", "shekel": "ILS", "riyal": "SAR", "dirham": "AED", "rand": "ZAR", "zloty": "PLN",
    "baht": "THB", "ringgit": "MYR", "rupiah": "IDR", "naira": "NGN", "hryvnia": "UAH",
}  # fmt: skip
_DOLLAR_NATIONS = {
    "us": "USD", "u.s.": "USD", "american": "USD", "australian": "AUD", "canadian": "CAD",
    "hong kong": "HKD", "singapore": "SGD", "new zealand": "NZD", "taiwan": "TWD", "taiwanese": "TWD",
}  # fmt: skip
_MEASURE_UNITS = {
    "km": "km", "kilometer": "km", "kilometre": "km", "mile": "mi", "mi": "mi", "meter": "m",
    "metre": "m", "m": "m", "foot": "ft", "feet": "ft", "ft": "ft", "inch": "in", "cm": "cm",
    "centimeter": "cm", "centimetre": "cm", "mm": "mm", "millimeter": "mm", "millimetre": "mm",
    "kg": "kg", "kilogram": "kg", "kilo": "kg", "gram": "g", "ton": "t", "tonne": "t", "pound": "lb",
    "ghz": "GHz", "mhz": "MHz", "kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB", "mbps": "Mbps",
    "gbps": "Gbps",
    "metric ton": "t", "lb": "lb", "ounce": "oz", "oz": "oz", "degree": "°", "degrees celsius": "°C",
    "degree celsius": "°C", "degrees fahrenheit": "°F", "degree fahrenheit": "°F", "°c": "°C",
    "°f": "°F", "°": "°", "hectare": "ha", "ha": "ha", "acre": "acre", "liter": "l", "litre": "l",
    "gallon": "gal", "barrel": "barrel", "bpd": "barrel/day", "kwh": "kWh", "mwh": "MWh",
    "gwh": "GWh", "twh": "TWh", "kw": "kW", "mw": "MW", "gw": "GW", "kilowatt": "kW",
    "megawatt": "MW", "gigawatt": "GW", "kilowatt hour": "kWh", "megawatt hour": "MWh",
    "gigawatt hour": "GWh", "terawatt hour": "TWh", "mph": "mph", "km/h": "km/h", "kph": "km/h", "knot": "kn",
    "nautical mile": "nmi", "square kilometer": "km2", "square kilometre": "km2", "sq km": "km2",
    "square mile": "mi2", "sq mi": "mi2", "square meter": "m2", "square metre": "m2",
    "square foot": "ft2", "square feet": "ft2", "cubic meter": "m3", "cubic metre": "m3",
}  # fmt: skip
_TIME_UNITS = {
    "second", "minute", "hour", "day", "week", "month", "year", "decade", "century", "night", "season",
}  # fmt: skip
_PEOPLE = {"people": "person", "persons": "person", "person": "person"}

_ABOUT = 0.10
# qualifier -> kind; kinds: approx, below_approx (nearly), above_approx (just over), min, max
_QUALIFIERS = {
    "about": "approx", "around": "approx", "approximately": "approx", "roughly": "approx",
    "some": "approx", "an estimated": "approx", "estimated": "approx", "circa": "approx",
    "close to": "below_approx", "nearly": "below_approx", "almost": "below_approx",
    "just under": "below_approx", "just shy of": "below_approx", "just over": "above_approx",
    "more than": "min", "over": "min", "at least": "min", "above": "min", "upwards of": "min",
    "in excess of": "min", "exceeding": "min", "no fewer than": "min", "no less than": "min",
    "a minimum of": "min", "up to": "max", "under": "max", "less than": "max",
    "fewer than": "max", "at most": "max", "below": "max", "no more than": "max",
    "as many as": "max", "as much as": "max", "a maximum of": "max", "as high as": "max",
}  # fmt: skip
_MEASURE_VERBS = {
    "be", "stand", "rise", "fall", "drop", "decline", "climb", "grow", "increase", "decrease",
    "reach", "total", "amount", "hit", "top", "exceed", "surpass", "jump", "soar", "surge",
    "plunge", "slip", "edge", "dip", "shrink", "expand", "cost", "number", "remain", "stay",
    "hover", "near", "account", "represent", "equal", "average", "gain", "tumble", "sink",
    "slide", "swell", "balloon", "estimate", "value", "peak", "come", "run", "sit",
    "tally", "reduce", "cut", "raise", "lower", "slash", "boost", "contract", "worth",
    "ease", "widen", "narrow", "span", "weigh", "stretch", "cover", "fetch", "measure", "bring",
    "generate", "earn", "yield", "double", "range", "vary", "start", "sell", "retail", "price", "trade", "close", "triple", "halve", "recover", "rebound", "spike",
}  # fmt: skip
_TRANSPARENT_NOUNS = {"average", "total", "sum", "maximum", "minimum", "tally", "figure", "estimated"}
_PHRASAL_MEASURE_VERBS = {"take", "bring", "rake", "pull"}
# Verbs whose subject is what a share is of ("debt reached 95% of GDP"), unlike "cut 7% of staff".
_COPULAR_VERBS = {
    "be", "reach", "amount", "account", "represent", "equal", "stand", "total", "make", "hit", "top",
    "exceed", "remain", "come", "rise", "fall", "climb", "drop", "grow", "increase", "decrease",
    "decline", "jump", "surge", "slip", "ease", "stay", "hover", "average", "range", "run", "sit",
}  # fmt: skip
# Verbs that state a level only through "at"/"to": "capped at £2.50", "set at 5%", "put at $3 billion".
_AT_VERBS = {"cap", "set", "fix", "limit", "peg", "put", "value", "estimate", "price", "index"}
_NOMINAL_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr"}  # a mistagged noun still has a nominal role
_CHANGE_VERBS = {
    "rise", "grow", "increase", "jump", "surge", "climb", "soar", "expand", "multiply", "fall", "drop",
    "shrink", "decline", "balloon", "swell",
}  # fmt: skip
_NOT_SUBJECT_ENTS = {"DATE", "TIME", "GPE", "LOC", "CARDINAL", "ORDINAL"}
_SUBJECT_PREPS = {"of", "in", "on", "for", "at", "to"}
_LABEL_WORDS = {
    "article", "section", "chapter", "route", "highway", "interstate", "flight", "room", "page",
    "gate", "terminal", "platform", "level", "phase", "stage", "category", "class", "grade",
    "item", "line", "exit", "district", "ward", "precinct", "paragraph", "clause", "amendment",
    "resolution", "rule", "title", "unit", "block", "lot", "box", "suite", "volume", "vol",
    "issue", "episode", "season", "game", "round", "week", "no", "number", "version", "model",
    "division", "battalion", "brigade", "regiment", "squadron", "fleet", "corps", "step", "tier",
    "zone", "sector", "camp", "bus", "channel", "station", "pier", "dock", "runway", "lane",
    "apartment", "apt", "building", "floor", "row", "seat", "figure", "fig", "appendix", "annex",
    "part", "docket", "proposition", "protocol", "hall", "studio", "ticket", "code", "act",
    "call", "called", "calling", "dial", "dialed", "dialled", "dialing", "junction", "junctions",
    "gates", "platforms", "terminals", "routes", "lines", "rooms",
}  # fmt: skip
# Capitalised words that may stand right before a figure without making it a label.
_FUNCTION_WORDS = {
    "the", "a", "an", "some", "about", "around", "approximately", "roughly", "nearly", "almost",
    "over", "under", "more", "less", "fewer", "than", "least", "most", "up", "to", "of", "in",
    "on", "at", "by", "for", "from", "with", "and", "or", "but", "only", "just", "all", "another",
    "its", "their", "his", "her", "our", "my", "your", "these", "those", "this", "that", "each",
    "every", "exactly", "between", "after", "before", "since", "until", "as", "if", "when",
    "while", "other", "first", "last", "estimated",
    "circa", "below", "above", "within", "across", "among", "per", "via", "then", "now", "so",
    "yet", "still", "also", "even", "again", "like", "into", "onto", "upon", "against", "without",
    "during", "through", "says", "said", "say", "is", "are", "was", "were", "be", "been", "has",
    "have", "had", "will", "would", "could", "should", "may", "might", "can", "not", "no", "nor",
    "there", "here", "where", "which", "who", "what", "how", "why", "we", "they", "he", "she",
    "it", "i", "you", "them", "him", "us", "both", "either", "neither", "such", "many", "much",
    "several", "few", "top", "total", "totaling", "totalling", "reaching", "including", "excluding",
}  # fmt: skip
_MONTHS = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sep(?:t(?:ember)?|\.)?|Sept\.|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)\.?"
)

# --------------------------------------------------------------------------- patterns

_NUMWORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b)?)"
)
_SCALEWORD = r"(?:hundred|thousand|million|billion|trillion)"
_WORDS = (
    rf"(?:(?:{_NUMWORD}|an?)(?:[\s-]+{_NUMWORD})?[\s-]+{_SCALEWORD}"
    rf"(?:(?:[\s-]+|\s+and\s+)(?:{_NUMWORD}|{_SCALEWORD}))*"
    rf"|{_NUMWORD})(?![\w-])"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_VAGUE_RE = (
    r"(?:tens|hundreds)\s+of\s+(?:thousands|millions)|dozens|scores|hundreds|thousands|millions|billions"
)
_FRACTION_RE = r"(?:a|one|two|three)[\s-](?:half|third|quarter|fifth|tenth)s?|half"
_RATIO_RE = rf"(?P<rnum>{_NUMWORD}|\d+)\s+(?:in|out\s+of)\s+(?:every\s+)?(?P<rden>{_NUMWORD}|\d+)"
_ISO_ATTACHED = "|".join(sorted(_ISO))  # "EUR5bn": a code glued to the figure (all codes are 3 letters)
_CORE = guarded(  # behind a first-character lookahead (regexguard): the scan is ~1.8x faster
    rf"(?:(?<![\w.,])|(?<={_ISO_ATTACHED}))(?:"
    rf"(?P<ratio>{_RATIO_RE})(?![\w-])"
    rf"|(?P<fold>(?P<fnum>{_DIGITS}|{_NUMWORD})[\s-]?fold)\b"
    rf"|(?P<half>half\s+an?\s+(?:(?P<hscale>million|billion|trillion)|percentage[\s-]points?))\b"
    rf"|(?P<vague>{_VAGUE_RE})\s+of\b"
    rf"|(?<=\bthe\s)(?P<vague2>{_VAGUE_RE})\b"
    rf"|(?P<frac>{_FRACTION_RE})\s+(?:of\b|the\b)"
    rf"|(?<=\bby\s)(?P<byfrac>{_FRACTION_RE})\b"
    rf"|(?P<mult>once|twice|thrice)\b"
    rf"|(?P<dozen>(?:a|one|two|three|half\s+a)\s+dozen)\b"
    rf"|(?P<words>{_WORDS})"
    rf"|(?P<digits>{_DIGITS})"
    rf")",
    re.I,
)
_DIGITS_RE = re.compile(_DIGITS)
_WORDS_RE = re.compile(_WORDS, re.I)
_NUMBER_AT = re.compile(rf"(?:(?P<digits>{_DIGITS})|(?P<words>{_WORDS}))", re.I)
_SCALE_AFTER = re.compile(
    r"(?:\s+|-)?(?P<scale>thousand|million|billion|trillion|lakh|crore)s?\b|(?P<abbr>\s?(?:bn|tn|trn|mn|mln|m|k|b)\b)",
    re.I,
)
_PERCENT_AFTER = re.compile(
    r"\s*(?P<u>%|per\s?cent\b|pct\b|percentage[\s-]points?\b|pp\b|ppts?\b|basis[\s-]points?\b|bps?\b)", re.I
)
_ISO_RE = "|".join(sorted(_ISO))
_CURRENCY_WORD_AFTER = re.compile(
    r"\s+(?:(?P<nation>U\.?S\.?|American|Australian|Canadian|Hong\s+Kong|Singapore|New\s+Zealand|Taiwan(?:ese)?)\s+)?"
    r"(?P<cur>dollars?|euros?|pounds?\s+sterling|pounds?|sterling|yen|won|yuan|renminbi|rupees?|rubles?|roubles?|"
    r"swiss\s+francs?|francs?|pesos?|reais|real|liras?|lira|shekels?|riyals?|dirhams?|rand|zloty|baht|ringgit|"
    r"rupiah|naira|hryvnias?)\b",
    re.I,
)
_ISO_AFTER = re.compile(rf"\s*\b(?P<iso>{_ISO_RE})\b")
_MEASURE_AFTER = re.compile(
    r"(?:\s?-\s?|\s+|\s?(?=[a-z°]))(?P<mu>(?:square|sq\.?|cubic|metric|nautical)\s+"
    r"(?:kilomet(?:er|re)s?|km|miles?|mi|met(?:er|re)s?|feet|foot|tons?)"
    r"|(?:kilomet(?:er|re)s?|miles?)\s+(?:per|an|a)\s+hour"
    r"|degrees?(?:\s+(?:Celsius|Fahrenheit))?|°\s?[CF]?|kilomet(?:er|re)s?|km/h|kph|km|miles?|mph|"
    r"met(?:er|re)s?|feet|foot|ft|inch(?:es)?|centimet(?:er|re)s?|cm|millimet(?:er|re)s?|mm|"
    r"kilo(?:gram)?s?|kg|grams?|tonnes?|tons?|lbs?|pounds?|ounces?|oz|GHz|MHz|[KMGT]B|[MG]bps|hectares?|ha|acres?|lit(?:er|re)s?|"
    r"gallons?|barrels?|bpd|[kMGT]Wh|[kMG]W|(?:kilo|mega|giga|tera)watt[\s-]hours?|(?:kilo|mega|giga)watts?|"
    r"knots?|m)(?![\w/])",
    re.I,
)
_TIME_AFTER = re.compile(
    r"(?:\s?-\s?|\s+)(?:and\s+a\s+half\s+)?(?P<tu>seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
    r"decades?|centur(?:y|ies)|nights?|seasons?)\b",
    re.I,
)
_RATE_AFTER = re.compile(
    r"\s+(?:an?|per|each|every)\s+(?:year|month|week|day|annum|capita|person|hour|gallon|barrel|lit(?:re|er)|"
    r"share|ton|tonne|kilo|kilogram|pound|ounce|head|unit|night|ticket|seat|passenger|megawatt[\s-]hour|"
    r"kilowatt[\s-]hour)\b|/(?:year|yr|month|day)\b",
    re.I,
)
_CLOCK_AFTER = re.compile(
    r"(?::\s?\d\d)|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock|GMT\b|UTC\b|[ECMP][SD]T\b|BST\b|CET\b|KST\b|JST\b|hrs\b)",
    re.I,
)
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b", re.I)
_MONTH_BEFORE = re.compile(rf"\b{_MONTHS}\s+(?:the\s+)?$")
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?![a-z])")
_CURRENCY_BEFORE = re.compile(
    r"(?P<cur>(?:US|U\.S\.|A|AU|C|CA|HK|S|NZ|R|NT)\$|\$|€|£|¥|₩|₹|₽|₺|₪|\bRs\.?|"
    rf"\b(?:{_ISO_RE}))\s?$"
)
_QUALIFIER_BEFORE = re.compile(
    r"\b(?P<q>"
    + "|".join(sorted((re.escape(q).replace(r"\ ", r"\s+") for q in _QUALIFIERS), key=len, reverse=True))
    + r")\s+$",
    re.I,
)
_CURRENCY_AT = re.compile(r"(?P<cur>(?:US|U\.S\.|A|AU|C|CA|HK|S|NZ|R|NT)\$|\$|€|£|¥|₩|₹|₽|₺|₪)\s?")
_NUMBER_START = re.compile(r"[\d.]|[a-z]", re.I)
_REJECT_TAIL = re.compile(r"[\w.,/:-]*")
_LABEL_CONT = re.compile(r"\s*(?:-|–|through|to|and|&)\s*\d[\d,]*\b", re.I)
_MINUS_BEFORE = re.compile(r"(?:\bminus\s+|(?<![\w-])[-−])$", re.I)
_AGE_APPOSITION = re.compile(r"[A-Za-z][\w.'-]*,\s$")
_ADDRESS_AFTER = re.compile(
    r"\s+(?:[A-Z][a-z]*\.?\s+){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Boulevard|Blvd\.|Lane|Drive|Way|Place|"
    r"Square|Court|Terrace)"
)
_RANK_BEFORE = re.compile(r"\b(?:the|a|its|their)\s+top\s+$|\btop-$", re.I)
_MAGNITUDE_BEFORE = re.compile(r"\bmagnitude[\s-]+$", re.I)
_MAGNITUDE_AFTER = re.compile(r"-?magnitude\b", re.I)
_CLOCK_BEFORE = re.compile(
    r"(?<!stood )(?<!stands )(?<!valued )(?<!estimated )(?<!set )(?<!put )(?<!capped )"
    r"\b(?:at|until|till|after|before|by|from)\s+$",
    re.I,
)
_CLOCK_END = re.compile(
    r"\s+(?:to|until|till|-)\s+\d{1,2}(?::\d\d)?(?=\s*(?:[.,;]|$|\s+(?:on|in|at|every|each|daily)\b))"
    r"|\s*(?:[.,;:!?)]|$|\s*(?:in\s+the\s+(?:morning|afternoon|evening)|tonight|sharp|local\s+time|on\s+\w+day)\b)",
    re.I,
)
_EQUIV_WORDS = re.compile(r"\bor\b|equivalent|worth|\(", re.I)
_SEP_RE = re.compile(r"[\s-]+")
_SPACES = re.compile(r"\s+")
_SCALEWORD_RE = re.compile(r"thousand|million|billion|trillion", re.I)
_MONTH_WORD = re.compile(_MONTHS)
_SCALE_BEFORE_POUND = re.compile(r"(?:million|billion|trillion|bn|m)\s*$", re.I)
_POWER_UNIT = re.compile(r"[kMGT]Wh|[kMG]W")
_AGE_NUMBER = re.compile(r"\d{1,3},")
_CENTS_AFTER = re.compile(r"\s+(cents?|pence)\b", re.I)
_CLOCK_CONT = re.compile(r"\s*(?:-|–|to|until|till)\s*\d{1,2}(?::\d\d)?\b", re.I)
_PLURAL_NOUN_AFTER = re.compile(r"\s+(?:[a-z]+[^s\W]s|people|cattle|sheep)\b")
_BY_BEFORE = re.compile(r"\bby\s+$", re.I)
_SPACED_PAIR_TAIL = re.compile(r"\s+[-–—]\s+\d[\d,.]*\b")
_TO_GAP = re.compile(r"\s+to\s+", re.I)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+$", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.I)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|to)\s*", re.I)
_AND_SEP = re.compile(r"\s+and\s+", re.I)
_WORD_BEFORE = re.compile(r"(?P<w>[A-Za-z][\w.]*)\.?\s+$")
_LABEL_ATTACHED = re.compile(r"(?:[A-Za-z]-?|#|\bNo\.\s?|(?<!\d)\d{1,2}:\s?)$")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.I)
_PHONE = re.compile(
    r"(?<![\w,.])(?:\+?\d{1,3}[\s.-])?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}[\s.-]\d{3,4}[\s.-]\d{3,4}(?!\w|,\d)"
)
_DATE_NUMERIC = re.compile(
    r"(?<!\w)(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}\.\d{1,2}\.\d{4})(?!\w)"
)
_AGE = re.compile(
    r"\s?-\s?(?:year|month|week|day)s?\s?-\s?old\b|\s+years?\s+old\b|\s+years?\s+of\s+age\b", re.I
)
_EQUIV_GAP = re.compile(
    r"(?:\s+of\s+[\w'-]+(?:\s+[\w'-]+){0,3})?"
    r"(?:\s*(?:\(\s*|,\s*|\s)(?:or\s+|equivalent\s+to\s+|the\s+equivalent\s+of\s+|worth\s+)?|\s*\(\s*)",
    re.I,
)
_SCORE_CONTEXT = re.compile(
    r"\b(?:vote[ds]?|victory|win|wins|won|defeat|beat|lost|loss|score|scoreline|draw|lead|record|went|"
    r"ruling|decision|majority|minority)\b",
    re.I,
)


@dataclass(slots=True)
class _Found:
    """A quantity while it is being built (local to one call, never shared)."""

    start: int
    end: int
    num_start: int
    num_end: int
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    scale: str | None
    qualifier: str | None
    kind: str  # count | money | percent | measure | times | vague
    bare_start: int | None = None  # start without the qualifier
    other_tokens: frozenset[int] = frozenset()  # token ids of the other quantities in the doc
    subject: str | None = None
    subject_span: tuple[int, int] | None = None
    equivalent_of: int | None = None


# --------------------------------------------------------------------------- numbers


_OF_PEOPLE = re.compile(r"\s+of\s+(?:us|them|you)\b", re.IGNORECASE)


def _norm_space(text: str) -> str:
    return _SPACES.sub(" ", text)


def words_to_number(text: str) -> float | None:
    """Value of a written-out number ("twenty-eight thousand", "a hundred and five")."""
    parts = [p for p in _SEP_RE.split(text.lower()) if p and p != "and"]
    if not parts:
        return None
    total = 0.0
    current = 0.0
    seen = False
    for i, part in enumerate(parts):
        if part in ("a", "an"):
            if i != 0:
                return None
            current = 1.0
        elif part in _SMALL:
            current += _SMALL[part]
        elif part in _TENS:
            current += _TENS[part]
        elif part == "hundred":
            current = (current or 1.0) * 100
        elif part in ("thousand", "million", "billion", "trillion"):
            total += (current or 1.0) * _SCALE_VALUES[part]
            current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def _parse_number(text: str) -> float | None:
    text = text.strip()
    if _DIGITS_RE.fullmatch(text):
        return float(text.replace(",", ""))
    return words_to_number(text)


def _scale_word_of(text: str) -> str | None:
    """The largest scale word of a written number ("two hundred thousand and five" -> thousand)."""
    words = [w.lower() for w in _SCALEWORD_RE.findall(text)]
    return max(words, key=lambda w: _SCALE_VALUES[w]) if words else None


# --------------------------------------------------------------------------- scanning


def _masked_spans(text: str) -> list[tuple[int, int]]:
    """Spans that are never quantities: URLs, e-mail addresses, phone numbers and numeric dates."""
    spans = [m.span() for m in _URL.finditer(text)]
    spans += [m.span() for m in _PHONE.finditer(text)]
    spans += [m.span() for m in _DATE_NUMERIC.finditer(text)]
    return spans


def _currency_code(token: str) -> str | None:
    """ISO code for a currency symbol or code as written ("US$", "€", "RMB")."""
    code = _CURRENCY_PREFIX.get(token.lower()) or (token if token in _ISO else None)
    return "CNY" if code == "RMB" else code


def _is_year(raw: str) -> bool:
    return (len(raw) == 4 and raw.isdigit()) and 1800 <= int(raw) <= 2100


def _is_label(text: str, start: int) -> bool:
    """True when the figure at `start` names something ("Route 9", "G7", "F-35", "No. 5")."""
    before = text[max(0, start - 30) : start]
    if _LABEL_ATTACHED.search(before):
        return True
    m = _WORD_BEFORE.search(before)
    if not m:
        return False
    word = m.group("w").rstrip(".")
    low = word.lower()
    if low in _LABEL_WORDS:
        return True
    if _RANK_BEFORE.search(before):
        return True
    if low in _FUNCTION_WORDS or low in _QUALIFIERS:
        return False
    if any(c.isupper() for c in word[1:]) and not word.isupper() and "." not in word:
        return True  # "iPhone 15", "PlayStation 5"
    # A capitalised content word right before a bare number: "Apollo 11", "Boeing 747".
    return word[:1].isupper() and not _MONTH_WORD.fullmatch(word)


def _unit_after(text: str, pos: int, currency: str | None) -> tuple[str | None, str, int]:
    """(unit, kind, end) for a unit word right after a number ending at `pos`."""
    m = _PERCENT_AFTER.match(text, pos)
    if m:
        u = m.group("u").lower()
        if u.startswith("percentage") or u.startswith("pp"):
            return "percentage point", "percent", m.end()
        if u.startswith("basis") or u.startswith("bp"):
            return "basis point", "percent", m.end()
        return "%", "percent", m.end()
    if currency is None:
        m = _CURRENCY_WORD_AFTER.match(text, pos)
        if m:
            word = _norm_space(m.group("cur").lower())
            nation = m.group("nation")
            key = word[:-1] if word.endswith("s") and word[:-1] in _CURRENCY_WORDS else word
            if key == "pounds sterling" or word == "pounds sterling":
                code = "GBP"
            else:
                code = _CURRENCY_WORDS.get(key, _CURRENCY_WORDS.get(word, ""))
            if key == "dollar" and nation:
                code = _DOLLAR_NATIONS.get(_norm_space(nation.lower()), "USD")
            if key == "pound" and not _SCALE_BEFORE_POUND.search(text[max(0, pos - 30) : pos]):
                code = ""  # a bare "5 pounds" is a weight more often than money
            if code:
                return code, "money", m.end()
        m = _ISO_AFTER.match(text, pos)
        if m:
            iso = m.group("iso")
            return ("CNY" if iso == "RMB" else iso), "money", m.end()
        m = _MEASURE_AFTER.match(text, pos)
        if m:
            raw = _norm_space(m.group("mu")).replace("sq.", "sq")
            unit = _normalize_measure(raw)
            if unit:
                return unit, "measure", m.end()
    return currency, ("money" if currency else "count"), pos


def _normalize_measure(raw: str) -> str | None:
    """One symbol per unit ("kilometres" -> "km") so that articles can be compared."""
    if raw in ("m", "M"):
        return "m"
    if _POWER_UNIT.fullmatch(raw):
        return raw
    low = raw.lower().replace("° ", "°").replace("-", " ")
    if low.endswith("hour") and (low.startswith("kilomet") or low.startswith("mile")):
        return "km/h" if low.startswith("kilomet") else "mph"
    if low in _MEASURE_UNITS:
        return _MEASURE_UNITS[low]
    for cand in (low[:-1] if low.endswith("s") else low, low[:-2] if low.endswith("es") else low):
        if cand in _MEASURE_UNITS:
            return _MEASURE_UNITS[cand]
    if low in ("lbs",):
        return "lb"
    if low in ("inches",):
        return "in"
    if low.startswith("degree"):
        return "°"
    return None


def _apply_qualifier(value: float, qual: str | None) -> tuple[float | None, float | None]:
    """(low, high) that a qualifier allows, so later stages can test agreement as overlap."""
    if not qual:
        return value, value
    kind = _QUALIFIERS.get(_norm_space(qual.lower()), "approx")
    if kind == "approx":
        return value * (1 - _ABOUT), value * (1 + _ABOUT)
    if kind == "below_approx":
        return value * (1 - _ABOUT), value
    if kind == "above_approx":
        return value, value * (1 + _ABOUT)
    if kind == "min":
        return value, None
    return None, value


def _read_number(text: str, pos: int, currency: str | None) -> tuple[float, str | None, int, int] | None:
    """Number (with its scale) starting at `pos`: (value, scale, number_end, end)."""
    m = _NUMBER_AT.match(text, pos)
    if not m:
        return None
    value = _parse_number(m.group(0))
    if value is None:
        return None
    end = m.end()
    scale = _scale_word_of(m.group(0)) if m.group("words") else None
    s = _SCALE_AFTER.match(text, end)
    if s and m.group("digits"):
        if s.group("scale"):
            scale = s.group("scale").lower()
            value *= _SCALE_VALUES[scale]
            end = s.end()
        elif s.group("abbr"):
            abbr = s.group("abbr").strip()
            ok = (
                abbr.lower() in ("bn", "tn", "trn", "mn", "mln")
                or (currency is not None and abbr.lower() in ("m", "k", "b"))
                # "1.2m barrels", "40k users": a plural noun after the figure; "a 5m wall" stays metres
                or (abbr.lower() in ("m", "k") and bool(_PLURAL_NOUN_AFTER.match(text, s.end())))
            )
            if ok:
                scale = abbr
                value *= _SCALE_VALUES[abbr.lower()]
                end = s.end()
    return value, scale, m.end(), end


def _scan(text: str) -> list[_Found]:
    """Every quantity in `text`, left to right, without parse information yet."""
    masked = _masked_spans(text)
    found: list[_Found] = []
    pos_done = 0
    for m in _CORE.finditer(text):
        s = m.start()
        if s < pos_done or any(a <= s < b for a, b in masked):
            continue
        q = _build(text, m)
        if q is None:
            # swallow the rest of a rejected token so "1950-1953" does not yield "1953",
            # and a label's range so "Gates 12 through 15" does not yield "15"
            rest = _REJECT_TAIL.match(text, m.end())
            pos_done = rest.end() if rest else m.end()
            spaced = _SPACED_PAIR_TAIL.match(text, pos_done)
            pos_done = spaced.end() if spaced else pos_done  # "25 - 7", "1950 - 1953"
            if m.group("digits"):
                if _is_label(text, s):
                    cont = _LABEL_CONT.match(text, pos_done)
                elif _CLOCK_BEFORE.search(text[max(0, s - 12) : s]):
                    cont = _CLOCK_CONT.match(text, pos_done)
                else:
                    cont = None
                pos_done = cont.end() if cont else pos_done
            continue
        if (
            found
            and q.qualifier == "over"
            and q.bare_start is not None
            and not text[found[-1].end : q.start].strip()
        ):
            # "6.2 billion pounds over four seasons": a preposition after a figure, not a bound
            q.start, q.qualifier, q.low, q.high = q.bare_start, None, q.value, q.value
        found.append(q)
        pos_done = q.end
    return found


def _qualifier_before(text: str, start: int) -> tuple[str | None, int]:
    """The bound word right before a figure ("more than", "about") and where it starts."""
    m = _QUALIFIER_BEFORE.search(text[max(0, start - 25) : start])
    if not m:
        return None, start
    return _norm_space(m.group("q")), start - (len(text[max(0, start - 25) : start]) - m.start("q"))


def _build(text: str, m: re.Match[str]) -> _Found | None:
    """A quantity from one core match (ratio, fraction, vague count, multiplier, number), or None."""
    s, e = m.start(), m.end()
    if m.group("ratio"):
        num = _parse_number(m.group("rnum"))
        den = _parse_number(m.group("rden"))
        if not num or not den or num >= den:
            return None
        v = round(100 * num / den, 6)
        qual, qs = _qualifier_before(text, s)
        low, high = _apply_qualifier(v, qual)
        return _Found(qs, e, s, e, v, low, high, "%", None, qual, "percent")
    if m.group("frac") or m.group("byfrac"):
        frac = m.group("frac") or m.group("byfrac")
        key = _SEP_RE.sub(" ", frac.lower()).rstrip("s")
        v = _FRACTIONS.get(key) or _FRACTIONS.get(key + "s")
        if v is None:
            return None
        fe = m.start() + len(frac)
        qual, qs = _qualifier_before(text, s)
        low, high = _apply_qualifier(v, qual)
        return _Found(qs, fe, s, fe, v, low, high, "%", None, qual, "percent")
    if m.group("vague") or m.group("vague2"):
        vague = m.group("vague") or m.group("vague2")
        key = _norm_space(vague.lower())
        lo, hi = _VAGUE[key]
        ve = s + len(vague)
        return _Found(s, ve, s, ve, None, lo, hi, None, None, None, "vague")
    if m.group("half"):
        qual, qs = _qualifier_before(text, s)
        if m.group("hscale"):
            scale = m.group("hscale").lower()
            v = 0.5 * _SCALE_VALUES[scale]
            unit, kind = _unit_after(text, e, None)[:2]
            low, high = _apply_qualifier(v, qual)
            return _Found(qs, e, s, e, v, low, high, unit, scale, qual, kind, bare_start=s)
        low, high = _apply_qualifier(0.5, qual)
        return _Found(qs, e, s, e, 0.5, low, high, "percentage point", None, qual, "percent", bare_start=s)
    if m.group("fold"):
        fv = _parse_number(m.group("fnum"))
        if fv is None:
            return None
        qual, qs = _qualifier_before(text, s)
        low, high = _apply_qualifier(fv, qual)
        return _Found(qs, e, s, e, fv, low, high, "time", None, qual, "times", bare_start=s)
    if m.group("mult"):
        v = _MULTIPLIERS[m.group("mult").lower()]
        if v == 1.0:
            return None  # "once" is mostly "once again", "once the deal..."
        qual, qs = _qualifier_before(text, s)
        low, high = _apply_qualifier(v, qual)
        return _Found(qs, e, s, e, v, low, high, "time", None, qual, "times")
    if m.group("dozen"):
        word = m.group("dozen").lower().split()[0]
        v = 6.0 if word == "half" else 12.0 * (_SMALL.get(word, 1))
        qual, qs = _qualifier_before(text, s)
        low, high = _apply_qualifier(v, qual)
        return _Found(qs, e, s, e, v, low, high, None, None, qual, "count")
    return _build_number(text, m)


def _build_number(text: str, m: re.Match[str]) -> _Found | None:
    """A number with its currency, scale, unit, range and qualifier; None for years, labels, times."""
    s = m.start()
    raw = m.group(0)
    is_words = m.group("words") is not None
    if is_words and raw.lower() in ("one", "zero", "a", "an"):
        return None  # "one of the", "one day": almost never a checkable figure
    before = text[max(0, s - 12) : s]
    cb = _CURRENCY_BEFORE.search(before)
    currency = None
    start = s
    if cb:
        currency = _currency_code(cb.group("cur"))
        if currency:
            start = s - (len(before) - cb.start())
    magnitude = _MAGNITUDE_BEFORE.search(text[max(0, s - 12) : s]) if currency is None else None
    if magnitude:
        start = s - len(magnitude.group(0))
    elif currency is None and not is_words:
        if _is_label(text, s) or _ADDRESS_AFTER.match(text, m.end()):
            return None
        if _MONTH_BEFORE.search(text[max(0, s - 12) : s]) or _MONTH_AFTER.match(text, m.end()):
            return None
    if _ORDINAL_AFTER.match(text, m.end()) or (not is_words and _CLOCK_AFTER.match(text, m.end())):
        return None
    first = _read_number(text, s, currency)
    if first is None:
        return None
    value, scale, num_end, end = first
    unit, kind, uend = _unit_after(text, end, currency)
    cents = _CENTS_AFTER.match(text, end) if kind == "count" else None
    if cents:
        unit, kind, uend = ("GBP" if cents.group(1).lower() == "pence" else "USD"), "money", cents.end()
        value /= 100
    if kind == "count" and text[s - 1 : s] == "(" and text[end : end + 1] == ")":
        return None  # "(2)": an update number or a list marker
    if kind == "count" and (magnitude or _MAGNITUDE_AFTER.match(text, end)):
        mag_after = _MAGNITUDE_AFTER.match(text, end)
        unit, kind, uend = "magnitude", "measure", (mag_after.end() if mag_after else end)
    if (
        kind == "count"
        and value <= 12
        and value == int(value)
        and _CLOCK_BEFORE.search(text[max(0, s - 12) : s])
        and _CLOCK_END.match(text, end)
    ):
        return None  # "opens at nine", "until 6 on Monday": a clock time
    if not is_words and uend == end and end < len(text) and text[end].isalpha():
        return None  # "5G", "3D", "4x4": a name, not an amount
    if kind == "count" and _AGE_APPOSITION.search(before) and _AGE_NUMBER.fullmatch(text[s : end + 1]):
        return None  # "Kim, 38, said": an age in apposition
    minus = _MINUS_BEFORE.search(text[max(0, start - 6) : start]) if currency is None else None
    if minus and kind in ("measure", "percent", "count"):
        value = -value
        start -= len(minus.group(0))
    # Range: "10-12", "10 to 12 percent", "$5-6 billion", "between 10 and 12".
    low_v = high_v = None
    between_start = _BETWEEN_BEFORE.search(text[max(0, start - 10) : start])
    sep = (_AND_SEP if between_start else _RANGE_SEP).match(text, uend if kind != "count" else end)
    range_end = None
    if sep and not _FROM_BEFORE.search(text[max(0, start - 8) : start]):
        p2 = sep.end()
        cp = _CURRENCY_AT.match(text, p2)
        currency2 = _currency_code(cp.group("cur")) if cp else currency
        p_num = cp.end() if cp else p2
        second = _read_number(text, p_num, currency2) if _NUMBER_START.match(text, p_num) else None
        if second is not None and not (raw.isdigit() and _is_year(raw)):
            v2, scale2, _n2, end2 = second
            unit2, kind2, uend2 = _unit_after(text, end2, currency2)
            compatible = unit2 == unit or (kind == "count" and unit is None)
            score_like = sep.group(0).strip() in "-–—" and _SCORE_CONTEXT.search(
                text[max(0, start - 40) : uend2 + 20]
            )
            hyphen = sep.group(0).strip() in "-–—"
            if hyphen and (score_like or (v2 < value and scale2 is None)):
                return None  # "a 31-24 win", "went 2-6": a score or a record, not an amount
            first_v = value * _SCALE_VALUES[scale2.lower()] if scale is None and scale2 else value
            change_and_level = (
                not hyphen
                and not between_start
                and (
                    _BY_BEFORE.search(text[max(0, start - 4) : start])
                    or (kind2 != "count" and first_v > 0 and v2 / first_v > 5)
                )
            )  # "fell by $9.6 billion to $412 billion": a change and a level, not a range
            if compatible and not score_like and not change_and_level:
                if scale is None and scale2 is not None:
                    value *= _SCALE_VALUES[scale2.lower()]
                    scale = scale2
                unit, kind, uend = unit2, kind2, uend2
                if kind == "count":
                    end = end2
                low_v, high_v = value, v2
                range_end = uend if kind != "count" else end2
    if range_end is None:
        if not is_words and kind == "count" and raw.isdigit() and _is_year(raw) and scale is None:
            return None
        if _TIME_AFTER.match(text, end) and kind == "count":
            return None  # durations belong to the time-expression extractor
        if _AGE.match(text, end):
            return None
    else:
        end = range_end
        if _is_year(raw) and kind == "count":
            return None
        if kind == "count" and (
            _MONTH_AFTER.match(text, end) or _MONTH_BEFORE.search(text[max(0, start - 12) : start])
        ):
            return None  # "12-13 June", "June 12-13": a date range
    if kind != "count" or range_end is not None:
        end = max(end, uend)
    r = _RATE_AFTER.match(text, end)
    if r and kind in ("money", "measure", "count"):
        end = r.end()
    qual = None
    q_start = start
    if between_start and low_v is not None:
        q_start = start - (len(text[max(0, start - 10) : start]) - between_start.start())
    else:
        qual, q_start = _qualifier_before(text, start)
    if low_v is not None and high_v is not None:
        if high_v < low_v:
            return None
        value_out: float | None = (low_v + high_v) / 2
        lo, hi = low_v, high_v
    else:
        value_out = value
        lo, hi = _apply_qualifier(value, qual)
    return _Found(q_start, end, s, num_end, value_out, lo, hi, unit, scale, qual, kind, bare_start=start)


# --------------------------------------------------------------------------- parse: units and subjects


def _tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _roots(tokens: list[Token]) -> list[Token]:
    ids = {t.i for t in tokens}
    return [t for t in tokens if t.head.i not in ids or t.head.i == t.i]


_COUNTED_ADJECTIVES = {"dead", "injured", "wounded", "missing", "killed", "hurt", "displaced", "homeless"}
_COUNT_DEPS = {"nummod", "quantmod", "compound", "amod", "nmod", "npadvmod", "advmod"}
_VERB_CHAIN_DEPS = {
    "pobj",
    "dobj",
    "attr",
    "npadvmod",
    "nummod",
    "appos",
    "oprd",
    "advmod",
    "dative",
    "quantmod",
}


def _counted_noun(doc: Doc, q: _Found, tokens: list[Token]) -> Token | None:
    """The noun a count counts: "28,500 U.S. [troops]", "hundreds of [protesters]"."""
    ids = {t.i for t in tokens}
    if not tokens:
        return None
    last = tokens[-1]
    # "hundreds of X", "two of the victims"
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ == "of":
        for child in nxt.children:
            if child.dep_ == "pobj" and child.pos_ in ("NOUN", "PROPN", "PRON"):
                return child if child.pos_ != "PRON" else None
        for t in doc[nxt.i + 1 : nxt.i + 5]:
            if t.pos_ in ("NOUN",):
                return t
            if t.pos_ not in ("DET", "ADJ", "PROPN", "NUM"):
                break
        return None
    for root in _roots(tokens):
        head = root.head
        if (
            head.i not in ids
            and root.i < head.i <= last.i + 5
            and (head.pos_ == "NOUN" or (head.pos_ == "PROPN" and head.tag_ == "NNPS"))
            and root.dep_ in _COUNT_DEPS
        ):
            while (
                head.dep_ == "compound"
                and head.head.i > head.i
                and head.head.pos_ == "NOUN"
                and doc[head.i - 1].text != "-"
            ):
                head = head.head  # "1.1 million vaccine doses" counts doses
            return head
    # "at least 12 dead", "40 injured"
    if nxt is not None and nxt.lower_ in _COUNTED_ADJECTIVES:
        return nxt
    # fallback: first noun to the right across modifiers
    i = last.i + 1
    while i < len(doc) and i - last.i <= 4:
        t = doc[i]
        if t.pos_ == "NOUN" and t.tag_ != "NNP":
            if i + 1 < len(doc) and doc[i + 1].pos_ == "NOUN" and doc[i + 1].dep_ != "conj":
                i += 1
                continue
            return t
        if t.pos_ in ("ADJ", "PROPN") or (t.pos_ == "PUNCT" and t.text == "-") or t.dep_ == "compound":
            i += 1
            continue
        break
    return None


def _noun_unit(tok: Token) -> str:
    """Singular lower-case lemma of a counted noun ("people" -> "person")."""
    low = tok.lower_
    if low in _PEOPLE:
        return _PEOPLE[low]
    lemma = tok.lemma_.lower() if tok.lemma_ else low
    if low.endswith("ses") and lemma == low[:-2]:
        return low[:-1]  # the small model lemmatizes "doses" to "dos"
    return lemma


_LEFT_DEPS = {"compound", "amod", "poss", "nmod", "case", "npadvmod", "quantmod", "nummod", "det", "predet"}
_STRIP_LEADING = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "some"}


def _phrase(
    doc: Doc, head: Token, exclude: set[int], include_right: bool = True
) -> tuple[str, tuple[int, int]] | None:
    """A short noun phrase around `head`: left modifiers, then an acl or a prepositional tail."""
    idx = {head.i}
    for child in head.lefts:
        if child.dep_ in _LEFT_DEPS:
            idx.update(t.i for t in child.subtree)
    if include_right:
        for child in head.rights:
            if child.dep_ == "acl" or (child.dep_ == "prep" and child.lower_ in _SUBJECT_PREPS):
                if any(t.ent_type_ in ("DATE", "TIME") for t in child.children):
                    break  # "seats on Sunday": the date is not part of what is counted
                sub = [t.i for t in child.subtree]
                if exclude.intersection(sub):
                    break  # "damage estimated at [the figure]": the tail is the figure itself
                if child.dep_ == "acl" and len(sub) < 2:
                    break  # a bare participle after the noun is usually the main verb ("40 people left")
                if len(sub) <= 8:
                    idx.update(sub)
                break
            if child.dep_ in ("punct", "cc", "conj", "relcl", "appos"):
                break
    idx -= exclude
    if not idx:
        return None
    # keep the contiguous run around the head, never across a line break or a blanked region
    lo = hi = head.i
    while lo - 1 in idx and not doc[lo - 1].is_space and "\n" not in doc[lo - 1].whitespace_:
        lo -= 1
    while hi + 1 in idx and not doc[hi + 1].is_space and "\n" not in doc[hi].whitespace_:
        hi += 1
    while lo < hi and (doc[lo].lower_ in _STRIP_LEADING or doc[lo].is_punct):
        lo += 1
    while hi > lo and doc[hi].is_punct and doc[hi].text != ".":
        hi -= 1
    if hi > lo and doc[hi].text == "." and not doc[hi - 1].text.endswith("."):
        hi -= 1
    if head.pos_ == "PRON" and lo == hi:
        return None
    span = doc[lo : hi + 1]
    return span.text, (span.start_char, span.end_char)


def _governing_verb(root: Token) -> tuple[Token | None, Token | None]:
    """The verb a figure completes, and the preposition in between ("rose [to] 5%")."""
    tok, prep = root, None
    for _ in range(4):
        head = tok.head
        if head.i == tok.i:
            return None, None
        if tok.dep_ == "pobj" and head.dep_ == "prep":
            prep, tok = head, head.head
        elif tok.dep_ in _VERB_CHAIN_DEPS or tok.dep_ in ("acomp", "conj", "prep"):
            tok = head
        else:
            return None, None
        if tok.pos_ in ("VERB", "AUX"):
            return tok, prep
    return None, None


def _nsubj(verb: Token) -> Token | None:
    """Grammatical subject of `verb`, climbing out of "expected to reach" chains; None for pronouns."""
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head  # "diamonds valued at 85 million euros"
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child if child.pos_ != "PRON" else None
        if verb.dep_ in ("xcomp", "conj") and verb.head.pos_ in ("VERB", "AUX"):
            verb = verb.head
            continue
        return None
    return None


def _prep_object(head: Token, preps: tuple[str, ...], after: int, exclude: set[int]) -> Token | None:
    """Object of a preposition child of `head` ("in [investments]"), skipping dates and places."""
    for child in head.children:
        if child.dep_ != "prep" or child.lower_ not in preps or child.i < after or child.i in exclude:
            continue
        for pobj in child.children:
            if (
                pobj.dep_ == "pobj"
                and pobj.pos_ in ("NOUN", "PROPN")
                and pobj.ent_type_ not in _NOT_SUBJECT_ENTS
                and pobj.lemma_.lower() not in _TIME_UNITS
            ):
                return pobj
    return None


def _set_subject(doc: Doc, q: _Found, head: Token | None, exclude: set[int], right: bool = True) -> bool:
    if head is None or head.i in q.other_tokens:
        return False
    ph = _phrase(doc, head, exclude | q.other_tokens, include_right=right)
    if ph is None:
        return False
    q.subject, q.subject_span = ph
    return True


def _attach(doc: Doc, q: _Found) -> None:
    """Fill unit (for counts) and subject from the parse."""
    tokens = _tokens_in(doc, q.start, q.end)
    if not tokens:
        return
    exclude = {t.i for t in tokens}
    if q.kind in ("count", "vague", "times"):
        noun = _counted_noun(doc, q, _tokens_in(doc, q.num_start, q.end))
        if (
            noun is not None
            and noun.lemma_.lower() in _TIME_UNITS
            and noun.i > 0
            and noun.nbor(-1).i not in exclude
        ):
            noun = None  # "rose to 84,000 last year": the year is not what is counted
        if q.kind == "times":
            q.unit = "time"
            # "exports rose threefold": the subject of a change verb is what multiplied
            roots = _roots(tokens)
            verb, _prep = _governing_verb(roots[-1]) if roots else (None, None)
            if verb is None and roots and roots[-1].head.pos_ == "VERB":
                verb = roots[-1].head
            if verb is not None and verb.lemma_.lower() in _CHANGE_VERBS:
                _set_subject(doc, q, _nsubj(verb), exclude)
            return
        if noun is not None:
            if q.unit is None:
                q.unit = _noun_unit(noun)
            if q.unit != "time":  # "met three times": the count is of occasions, no measured thing
                _set_subject(doc, q, noun, exclude)
            return
    roots = _roots(tokens)
    nominal = [t for t in roots if t.pos_ not in ("VERB", "AUX", "PUNCT")]
    root = nominal[-1] if nominal else (roots[-1] if roots else tokens[-1])
    last = tokens[-1].i
    # "by an average of 9.8%", "a total of $3 billion": look through the transparent noun
    if (
        root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.lemma_.lower() in _TRANSPARENT_NOUNS
        and any(c.lower_ in ("a", "an") for c in root.head.head.lefts)
    ):
        exclude = exclude | {root.head.i, root.head.head.i} | {t.i for t in root.head.head.lefts}
        root = root.head.head
    # "the contract, worth 900 million euros", "the tunnel, 57 km long"
    adj = root.head
    if (
        root.dep_ in ("npadvmod", "pobj", "dobj", "nummod")
        and adj.pos_ in ("ADJ", "ADV")
        and adj.dep_ == "amod"
        and (adj.head.pos_ in ("NOUN", "PROPN") or adj.head.dep_ in _NOMINAL_DEPS)
        and _set_subject(doc, q, adj.head, exclude | {adj.i}, right=False)
    ):
        return
    # "ordered 50 jets worth $18 billion": worth hangs off the verb, the object is what is priced
    if adj.lower_ == "worth" and adj.dep_ == "prep":
        if adj.head.pos_ == "VERB":
            obj = next((c for c in adj.head.children if c.dep_ == "dobj" and c.i < adj.i), None)
        else:
            obj = adj.head if adj.head.pos_ in ("NOUN", "PROPN") else None  # "the fine, worth 1.5% of ..."
        if _set_subject(doc, q, obj, exclude, right=False):
            return
    # "a budget of $5 billion", "a rate of 5%"
    if (
        root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.pos_ in ("NOUN", "PROPN")
        and _set_subject(doc, q, root.head.head, exclude | {root.head.i}, right=False)
    ):
        return
    # "a $5 billion deal", "a 1,400-kilometer border"
    if (
        root.head.i > root.i
        and root.head.i not in exclude
        and root.head.lemma_.lower() not in _TIME_UNITS
        and root.head.pos_ in ("NOUN", "PROPN")
        and root.dep_ in ("compound", "nmod", "amod", "nummod", "quantmod", "npadvmod")
        and _set_subject(doc, q, root.head, exclude)
    ):
        return
    verb, prep = _governing_verb(root)
    of_object = _prep_object(root, ("of",), root.i, exclude) or next(
        (o for t in tokens if (o := _prep_object(t, ("of",), t.i, exclude)) is not None), None
    )
    if verb is not None:
        lemma = verb.lemma_.lower()
        if any(c.dep_ == "prt" for c in verb.children) and lemma in _PHRASAL_MEASURE_VERBS:
            lemma = "total"  # "took in $310 million", "brought in A$40 million"
        dobj = next((c for c in verb.children if c.dep_ == "dobj" and c.i not in exclude), None)
        # "cut the harvest to 24 million tonnes", "raised its forecast by 5%"
        if (
            prep is not None
            and prep.lower_ in ("to", "by", "from", "at", "above", "below", "over", "under", "past", "beyond")
            and _set_subject(doc, q, dobj, exclude)
        ):
            return
        # "cutting 7% of its workforce": a share of what the verb acts on
        if (
            q.kind == "percent"
            and of_object is not None
            and lemma not in _COPULAR_VERBS
            and _set_subject(doc, q, of_object, exclude)
        ):
            return
        at_verb = lemma in _AT_VERBS and prep is not None and prep.lower_ in ("at", "to")
        if (lemma in _MEASURE_VERBS or at_verb) and _set_subject(doc, q, _nsubj(verb), exclude):
            return
    # "$20 billion of its own shares", "62,000 tonnes of wheat", "70 percent of respondents"
    if _set_subject(doc, q, of_object, exclude):
        return
    # "$150 billion in investments in the U.S."
    if _set_subject(
        doc, q, _prep_object(root, ("in", "for", "on", "toward", "towards"), root.i, exclude), exclude
    ):
        return
    if verb is not None:
        # "invest $5 billion a year in new lines"
        if q.kind == "money" and _set_subject(
            doc, q, _prep_object(verb, ("in", "for", "on", "toward", "towards"), last, exclude), exclude
        ):
            return
        # "The bridge spans 1.6 km": the subject of a measurement is what is measured
        if q.kind in ("measure", "percent") or (q.kind == "count" and q.unit is None):
            _set_subject(doc, q, _nsubj(verb), exclude)


def _share_from_to_units(text: str, found: list[_Found]) -> None:
    """ "from 10 to 12 percent", "from 9 to 11 people": the first figure takes the second's unit."""
    for a, b in itertools.pairwise(found):
        if a.unit is not None or a.kind not in ("count",) or b.unit is None:
            continue
        if not _TO_GAP.fullmatch(text[a.end : b.start]) or not _FROM_BEFORE.search(
            text[max(0, a.start - 8) : a.start]
        ):
            continue
        if b.kind == "money" and not text[b.start : b.end][-1:].isalpha():
            continue  # "from 10 to $12": a bare figure next to a currency symbol is too ambiguous
        a.unit, a.kind = b.unit, b.kind
        if b.scale and a.scale is None and b.scale.lower() in _SCALE_VALUES and a.value is not None:
            factor = _SCALE_VALUES[b.scale.lower()]
            a.value *= factor
            a.low = a.low * factor if a.low is not None else None
            a.high = a.high * factor if a.high is not None else None
            a.scale = b.scale
        a.subject, a.subject_span = b.subject, b.subject_span


def _share_elided_units(doc: Doc, found: list[_Found]) -> None:
    """ "The runners-up collect 3 million krells, while Tornby take 6 million": a scaled figure with no
    unit of its own, no noun after it and an earlier figure of the same scale and sentence with a
    unit, measures in that unit (the second clause leaves it out, as English does)."""
    for i, b in enumerate(found):
        if b.unit is not None or not b.scale or b.kind != "count" or b.value is None:
            continue
        after = _tokens_in(doc, b.end, min(len(doc_text(doc)), b.end + 1))
        if after and after[0].idx == b.end and after[0].pos_ in ("NOUN", "PROPN"):
            continue
        sent = _sentence(doc, b.start, b.end)
        for a in reversed(found[:i]):
            if a.unit is None or (a.scale or "").lower() != b.scale.lower():
                continue
            if _sentence(doc, a.start, a.end) != sent:
                break
            b.unit, b.kind = a.unit, a.kind
            break


_OF_THEM = re.compile(r"\s+of\s+(?:them|these|those)\b", re.IGNORECASE)
_THEM_REACH = 400  # characters back to the group "them" names (about two sentences)


def _share_partitive_units(text: str, found: list[_Found]) -> None:
    """ "There were 37 miners on the shift. Twenty-two of them reached the surface": a count of
    "them" counts the nearest group counted just before (the miners), not an unknown thing."""
    for i, b in enumerate(found):
        if b.unit is not None or b.kind != "count" or not _OF_THEM.match(text, b.end):
            continue
        for a in reversed(found[:i]):
            if b.start - a.end > _THEM_REACH:
                break
            if (
                a.kind == "count"
                and a.unit is not None
                and a.unit not in ("time",)
                and a.unit not in _TIME_UNITS
            ):
                b.unit = a.unit
                break


def _link_equivalents(text: str, found: list[_Found]) -> None:
    """Mark "61.2 trillion won ($44 billion)" style conversions."""
    for i in range(1, len(found)):
        a, b = found[i - 1], found[i]
        if a.kind != b.kind or a.kind not in ("money", "measure") or a.unit == b.unit:
            continue
        gap = text[a.end : b.start]
        if len(gap) > 45 or not _EQUIV_GAP.fullmatch(gap):
            continue
        if not _EQUIV_WORDS.search(gap):
            continue
        b.equivalent_of = i - 1
        if b.subject is None:
            b.subject, b.subject_span = a.subject, a.subject_span


def _sentence(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    span: Span | None = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    sent = span[0].sent
    return sent.start_char, sent.end_char


def extract_quantities(doc: Doc) -> tuple[Quantity, ...]:
    """Every quantity in `doc` with value, bounds, unit, scale, qualifier and measured subject."""
    text = doc_text(doc)
    found = _scan(text)
    spans = [frozenset(t.i for t in _tokens_in(doc, q.start, q.end)) for q in found]
    every = frozenset().union(*spans) if spans else frozenset()
    for q, own in zip(found, spans, strict=True):
        q.other_tokens = every - own
        _attach(doc, q)
    _share_elided_units(doc, found)
    _share_partitive_units(text, found)
    # A bare number that counts nothing and measures nothing ("He was 75.", "Windows 8.1") is noise.
    _share_from_to_units(text, found)
    found = [
        q
        for q in found
        if not (q.kind == "count" and q.unit is None and q.subject is None and not q.qualifier)
        or _OF_PEOPLE.match(text, q.end)  # "six of us": a count of people, whoever they are
    ]
    _link_equivalents(text, found)
    out: list[Quantity] = []
    for q in found:
        out.append(
            Quantity(
                start=q.start,
                end=q.end,
                text=text[q.start : q.end],
                value=q.value,
                low=q.low,
                high=q.high,
                unit=q.unit,
                scale=q.scale,
                qualifier=q.qualifier,
                subject=q.subject,
                subject_span=q.subject_span,
                equivalent_of=q.equivalent_of,
                sentence=_sentence(doc, q.start, q.end),
            )
        )
    return tuple(out)
