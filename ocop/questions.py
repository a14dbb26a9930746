"""Whether a message asks an open question (when, where, how, what, how many stars), or where to go.

Shared by the NLU's ``TaskQuestionRouter`` (a question about a task is not the
task) and the actions (a question typed where a value was expected). Checked on
the folded text: no diacritics, lower case, teencode included.
"""

from __future__ import annotations

import re
from typing import Text

from ocop.text import fold

# Open-question words on the folded text (no diacritics, lower case), teencode included. "sao" alone
# is left out: "3 sao" is a star rating.
QUESTION_WORDS = (
    "khi nao", "luc nao", "bao gio", "thoi gian nao", "tg nao", "ngay nao", "thang nao", "dot nao", "nam nao",
    "loai nao", "san pham nao", "sp nao", "cach nao", "o dau", "cho nao",
    "noi nao", "bao lau", "may ngay", "bao nhieu", "bn", "the nao", "ntn", "nhu the nao", "ra sao", "thi sao",
    "tai sao", "vi sao", "gi", "j", "nhung gi", "nhung buoc nao", "buoc nao", "cai gi", "co mat phi",
    "mat phi", "chi phi", "le phi", "co phai", "tu dau", "lam sao", "lam the nao", "thu tuc", "quy trinh",
    "cach", "may sao",
)
_QUESTION = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in QUESTION_WORDS) + r")(?![\w])")


def asks_open_question(text: Text) -> bool:
    """Whether ``text`` asks a when/where/how/what question (not a yes/no request)."""
    return _QUESTION.search(" ".join(fold(text).lower().split())) is not None


# Where to file or whom to contact: "nộp ở đâu", "liên hệ chỗ nào", "đến cơ quan nào".
WHERE_WORDS = (
    "o dau", "cho nao", "noi nao", "co quan nao", "lien he", "den dau", "uy ban nao", "ubnd nao", "nop dau",
    "gui dau", "hoi dau",
)
_WHERE = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in WHERE_WORDS) + r")(?![\w])")


def asks_where(text: Text) -> bool:
    """Whether ``text`` asks where to go or whom to contact."""
    return _WHERE.search(" ".join(fold(text).lower().split())) is not None
