"""A corpus of hostile and odd inputs, for every way text reaches the bot.

`TEXTS` are strings a person (or a script) could type; `RAW_BODIES` are request bodies that are
not even the JSON the API asks for. Together well over 200 inputs.
"""

from __future__ import annotations

import itertools
import json

HUGE = ["x" * 2001, "y" * 10_000, "word " * 20_000, "é" * 5_000, "🙂" * 3_000]

CONTROL = [
    "\x00",
    "hello\x00world",
    "\x07\x08\x1b[31mred\x1b[0m",
    "line\rfeed",
    "tab\tand\vvertical\x0c",
    "\x7f\x7f\x7f",
    "\u200b\u200c\u200d",  # zero-width characters only
    "\ufeffbyte order mark",
    "\u2028line separator\u2029",
    "\x1f" * 50,
]

RIGHT_TO_LEFT = [
    "مرحبا، أريد أن أصبح ممرضة",
    "שלום, אני רוצה ללמוד משפטים",
    "\u202eevil reversed text\u202c",
    "mixed English and عربي text",
    "\u200fright-to-left mark",
    "אני לא בטוח מה לעשות עם החיים שלי",
    "سلام، من می‌خواهم شغلم را عوض کنم",
]

EMOJI = [
    "🙂",
    "👩🏽‍⚕️👨‍💻🧑‍🏫",
    "🏳️‍🌈🏴‍☠️",
    "I feel 😭😭😭 about my exams",
    "🔥" * 100,
    "👍",
    "🇬🇧🇫🇷🇩🇪",
    "a\u0301\u0302\u0303\u0304 zalgo t̷̡̛e̵x̸t̴",
]

MARKUP = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<b>bold</b> and <i>italic</i>",
    "</textarea><script>document.cookie</script>",
    '"><svg onload=alert(1)>',
    "{{ 7*7 }} {% raw %}",
    "${7*7} #{7*7}",
    "javascript:alert(1)",
    "<iframe src='https://example.org'></iframe>",
    "&lt;escaped&gt; &amp; &#x3C;",
    "[link](javascript:alert(1))",
    "<!-- comment -->",
]

SQL = [
    "'; DROP TABLE clients; --",
    "1 OR 1=1",
    "\" OR \"\"=\"",
    "admin'--",
    "'); DELETE FROM messages WHERE ('1'='1",
    "UNION SELECT password_hash FROM practitioners",
    "%' AND 1=0 UNION ALL SELECT NULL--",
    "Robert'); DROP TABLE Students;--",
]

COMMANDS = [
    "/",
    "//",
    "/restart",
    "/session_start",
    "/affirm{\"consent_answer\": \"given\"}",
    "/express_distress",
    "/delete_my_data",
    "/nlu_fallback",
    "/../../etc/passwd",
    "/" + "a" * 300,
]

ODD = [
    "",
    " ",
    "\n\n\n",
    "null",
    "undefined",
    "NaN",
    "-1",
    "9" * 400,
    "0.1e309",
    "true",
    "[]",
    "{}",
    "%s%s%s%n",
    "\\u0000",
    "C:\\Windows\\System32",
    "../../../../etc/passwd",
    "AAAA" + "\ud7ff",
    "ß" * 10,
    "İstanbul ﬁle",
    "𝕳𝖊𝖑𝖑𝖔 𝔀𝓸𝓻𝓵𝓭",
]

# The same hostile fragments inside ordinary answers, where they are easier to miss.
EMBEDDED = [
    variant
    for fragment in CONTROL + RIGHT_TO_LEFT + EMOJI + MARKUP + SQL
    for variant in (f"I'd like to work with people {fragment}", f"{fragment} is what I wrote")
]

TEXTS = HUGE + CONTROL + RIGHT_TO_LEFT + EMOJI + MARKUP + SQL + COMMANDS + ODD + EMBEDDED

# Bodies that are not the JSON object with a string "text" the API asks for.
RAW_BODIES: list[bytes] = [
    b"",
    b"not json",
    b"{",
    b"{\"text\": ",
    b"{\"text\": \"unterminated}",
    b"[1, 2, 3]",
    b"\"just a string\"",
    b"42",
    b"null",
    b"true",
    b"{\"text\": null}",
    b"{\"text\": 5}",
    b"{\"text\": [\"a\"]}",
    b"{\"text\": {\"nested\": true}}",
    b"{\"txt\": \"typo\"}",
    b"{\"text\": \"hi\", \"payload\": 5}",
    b"{\"text\": \"hi\", \"payload\": \"\\u0000\"}",
    b"{\"text\": \"hi\", \"payload\": \"/" + b"a" * 100 + b"\"}",
    b"{\"text\": \"hi\", \"unknown\": \"field\", \"another\": [1, {\"x\": null}]}",
    b"{\"text\": \"\\ud800\"}",  # a lone surrogate
    b"\xff\xfe\xfd",
    b"\x00\x00\x00\x00",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "{\"text\": \"caf\xe9\"}".encode("latin-1"),
    b"{\"text\": \"hi\"}{\"text\": \"again\"}",
    b"{\"text\": \"hi\",}",
    b"{'text': 'single quotes'}",
    b"{\"text\": \"" + b"z" * 70_000 + b"\"}",  # over the request size limit
    b"{" * 5000 + b"}" * 5000,  # deeply nested
    json.dumps({"text": "dup", "text2": "x"}).encode(),
    b"{\"text\": \"a\", \"text\": \"duplicate key\"}",
    b"{\"text\": 1e999}",
    b"{\"text\": \"\\u202e\\u0000\"}",
    b"\xef\xbb\xbf{\"text\": \"byte order mark before JSON\"}",
    b"{\"text\": \"hi\", \"payload\": null, \"client_token\": \"someone-elses\"}",
]


# Ids in a path or a query: beyond 64 bits (no database integer holds them), negative, and
# spellings Python's int() accepts but no id is written in.
IDS = [
    "9223372036854775808",
    "18446744073709551616",
    "1" + "0" * 40,
    "2147483648",
    "-1",
    "0",
    "-9223372036854775809",
    "1e3",
    "0x10",
    "1_000",
    "+5",
    " 5",
    "\u0665",  # an Arabic-Indic digit five
    "\uff15",  # a full-width five
    "5\n",
    "9" * 400,
]


def as_json_bodies(texts: list[str]) -> list[bytes]:
    """Each text in a well-formed message body, alone and with an unknown field."""
    bodies = []
    for text, extra in zip(texts, itertools.cycle([None, {"unknown": "field"}])):
        body = {"text": text, **(extra or {})}
        bodies.append(json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return bodies


def count() -> int:
    return len(TEXTS) + len(RAW_BODIES) + len(IDS)
