"""The star self-check ("sản phẩm của tôi được mấy sao?"): a short form over the official criteria.

``self_check_form`` asks the product group, the product set (bộ sản phẩm) of
Phụ lục II of QĐ 26/2026/QĐ-TTg, then a few criteria per part, one at a time
(``ocop.self_check`` chooses them). The answers are kept in ``sc_answers``; the
form's last slot ``sc_answer`` is a cursor that stays empty until every
question is answered. Questions, "giúp", "gặp cán bộ" and "hủy" inside the form
work as in every form (``actions.form_turns``); the form then asks the same
question again. The result is indicative: only the council's evaluation counts.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_turns import FormTurns, answered_slot, message_text
from actions.validators import best_choice
from ocop import self_check
from ocop.choices import choices, label
from ocop.text import fold

FORM = "self_check_form"
GROUP, SET, ANSWER, ANSWERS = "sc_group", "sc_set", "sc_answer", "sc_answers"
DONE = "done"
START_INTENT = "start_self_check"
INTRO = ("Tự chấm thử theo bộ tiêu chí OCOP hiện hành (nguồn: QĐ 26/2026/QĐ-TTg ngày 22/5/2026, Phụ lục II). "
         "Kết quả chỉ để tham khảo: chỉ hội đồng đánh giá mới quyết định số sao. Gõ \"hủy\" để dừng.")
Slots = Dict[Text, Any]


def short(text: Text, limit: int = 160) -> Text:
    """One option or criterion for a phone screen: sentence case, at most ``limit`` characters."""
    text = " ".join(str(text).split())
    if text.isupper():
        text = text[:1] + text[1:].lower()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def intro(tracker: Tracker) -> Text:
    """The intro, on the question asked right after the request that started the form."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return f"{INTRO}\n\n" if intent == START_INTENT else ""


def current_set(tracker: Tracker) -> Optional[self_check.CriteriaSet]:
    return self_check.load_sets().get(str(tracker.get_slot(SET) or ""))


def answers(tracker: Tracker) -> List[int]:
    return [int(a) for a in tracker.get_slot(ANSWERS) or []]


def set_named_in(text: Text, group: Text) -> Optional[Text]:
    """The product set of ``group`` whose name the text contains ("nước mắm" → "Tương, nước mắm, …"), if only one."""
    words = f" {' '.join(fold(text).lower().replace(',', ' ').split())} "
    found = []
    for criteria_set in self_check.sets_of_group(group):
        phrases = fold(criteria_set.name).lower().replace("(", ",").replace(")", ",").split(",")
        for phrase in (" ".join(p.replace("...", " ").split()) for p in phrases):
            if len(phrase) >= 3 and phrase not in ("khac",) and f" {phrase} " in words:
                found.append(criteria_set.key)
                break
    return found[0] if len(found) == 1 else None


def pick_set(text: Text, group: Text) -> Optional[Text]:
    """A set chosen by its number in the list or by its name."""
    options = self_check.sets_of_group(group)
    folded = fold(text).strip().lower().rstrip(".")
    if folded.isdigit() and 1 <= int(folded) <= len(options):
        return options[int(folded) - 1].key
    return set_named_in(text, group)


class ValidateSelfCheckForm(FormTurns):
    """Reads the group, the set and each answer; keeps the answers in order."""

    shaped_slots = frozenset({GROUP, SET, ANSWER})
    answer_intents = frozenset({"inform", "affirm", "deny"})

    def name(self) -> Text:
        return "validate_self_check_form"

    def extract_sc_group(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        if tracker.get_slot(GROUP):
            return {}
        text = message_text(tracker)
        if answered_slot(tracker, FORM) == GROUP:
            return {GROUP: text}
        found = best_choice(text, "product_groups") if text else None  # named in the request itself
        return {GROUP: found[0]} if found and not found[0].startswith("?") else {}

    def validate_sc_group(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Slots:
        found = best_choice(str(value), "product_groups")
        if found is None or found[0].startswith("?"):
            options = "; ".join(c["label"] for c in choices()["product_groups"].values())
            dispatcher.utter_message(text=f"Xin lỗi, tôi chưa rõ nhóm sản phẩm. Bạn chọn một trong: {options}.")
            return {GROUP: None}
        group = found[0]
        sets = self_check.sets_of_group(group)
        if not sets:
            dispatcher.utter_message(
                text=f"Nhóm {label('product_groups', group)} chưa có bộ tiêu chí để tự chấm thử. "
                     "Bạn hỏi UBND xã/phường nơi sản xuất về bộ tiêu chí của sản phẩm nhé.")
            return {GROUP: group, SET: "", ANSWER: DONE}
        events: Slots = {GROUP: group}
        chosen = sets[0].key if len(sets) == 1 else set_named_in(message_text(tracker), group)
        if chosen:
            events[SET] = chosen
        return events

    def extract_sc_set(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        if answered_slot(tracker, FORM) == SET:
            return {SET: message_text(tracker)}
        return {}

    def validate_sc_set(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Slots:
        group = str(tracker.get_slot(GROUP) or "")
        key = value if value in self_check.load_sets() else pick_set(str(value), group)
        if key is None:
            count = len(self_check.sets_of_group(group))
            dispatcher.utter_message(text=f"Xin lỗi, bạn chọn một số từ 1 đến {count} nhé.")
            return {SET: None}
        if not self_check.load_sets()[key].supported:
            dispatcher.utter_message(
                text="Bộ sản phẩm này chưa đủ tiêu chí có điểm rõ ràng để tự chấm thử. "
                     "Bạn hỏi UBND xã/phường nơi sản xuất nhé.")
            return {SET: key, ANSWER: DONE}
        return {SET: key, ANSWERS: []}

    def extract_sc_answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        if answered_slot(tracker, FORM) == ANSWER:
            return {ANSWER: message_text(tracker)}
        return {}

    def validate_sc_answer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Slots:
        criteria_set = current_set(tracker)
        given = answers(tracker)
        if criteria_set is None or value == DONE:
            return {ANSWER: DONE}
        criterion = criteria_set.questions[len(given)]
        index = self_check.read_option(criterion, str(value))
        if index is None:
            dispatcher.utter_message(text=f"Bạn trả lời bằng một số từ 1 đến {len(criterion.options)} nhé.")
            return {ANSWER: None}
        given.append(index)
        return {ANSWERS: given, ANSWER: DONE if len(given) == len(criteria_set.questions) else None}


class ActionAskScGroup(Action):
    def name(self) -> Text:
        return "action_ask_sc_group"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        groups = choices()["product_groups"]
        dispatcher.utter_message(
            text=f"{INTRO}\n\nSản phẩm của bạn thuộc nhóm nào?",
            buttons=[{"title": g["label"], "payload": g["label"]} for g in groups.values()],
        )
        return []


class ActionAskScSet(Action):
    def name(self) -> Text:
        return "action_ask_sc_set"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        group = str(tracker.get_slot(GROUP) or "")
        sets = self_check.sets_of_group(group)
        lines = [f"{i}. {s.name}" for i, s in enumerate(sets, start=1)]
        question = f"Nhóm {label('product_groups', group)} có {len(sets)} bộ sản phẩm. Sản phẩm của bạn thuộc bộ nào?"
        dispatcher.utter_message(
            text=f"{intro(tracker)}{question}\n" + "\n".join(lines),
            buttons=[{"title": str(i), "payload": str(i)} for i in range(1, len(sets) + 1)],
        )
        return []


class ActionAskScAnswer(Action):
    def name(self) -> Text:
        return "action_ask_sc_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        criteria_set = current_set(tracker)
        if criteria_set is None:
            return []
        step = len(answers(tracker))
        criterion = criteria_set.questions[step]
        header = "" if step else f"Bộ sản phẩm: {criteria_set.name}. Có {len(criteria_set.questions)} câu hỏi.\n\n"
        lines = [f"{i}. {short(o.text)}" for i, o in enumerate(criterion.options, start=1)]
        dispatcher.utter_message(
            text=f"{intro(tracker)}{header}Câu {step + 1}/{len(criteria_set.questions)} – phần {criterion.part} "
                 f"({self_check.PART_TITLES.get(criterion.part, '')}): {short(criterion.text, 200)}\n"
                 + "\n".join(lines),
            buttons=[{"title": str(i), "payload": str(i)} for i in range(1, len(criterion.options) + 1)],
        )
        return []


def result_message(criteria_set: self_check.CriteriaSet, result: self_check.Result) -> Text:
    parts = ", ".join(f"{p} {v:.0f}/{criteria_set.part_max[p]}" for p, v in result.part_scores.items())
    lines = [
        "Kết quả tự chấm thử (chỉ để tham khảo; số sao do hội đồng đánh giá quyết định):",
        f"• Bộ sản phẩm: {criteria_set.name}.",
        f"• Điểm ước tính: {result.score}/100 ({parts}), tương ứng hạng {result.star} sao.",
    ]
    if result.missed_minimums:
        names = "; ".join(short(c.text, 60) for c in result.missed_minimums)
        lines.append(f"• Chưa đạt yêu cầu tối thiểu của hạng 3 sao ở: {names}. "
                     "Chưa khắc phục thì sản phẩm chưa được công nhận OCOP.")
    elif result.star < 3:
        lines.append("• Dưới 50 điểm: chưa được công nhận, cần cải thiện để đạt từ 50 điểm (3 sao).")
    if result.suggestions:
        lines.append("Nên cải thiện trước:")
        for i, s in enumerate(result.suggestions, start=1):
            lines.append(f"{i}. {short(s.criterion.text, 60)}: lên mức \"{short(s.better.text, 110)}\" "
                         f"(khoảng +{s.gain:.0f} điểm).")
    asked = len(criteria_set.questions)
    lines.append(f"\nCăn cứ: QĐ 26/2026/QĐ-TTg (22/5/2026), Điều 3 và Phụ lục II. Tự chấm thử chỉ hỏi {asked} tiêu chí "
                 "quan trọng nhất, mỗi phần được ước tính theo tỷ lệ điểm đạt.")
    lines.append(f"Nguồn: QĐ 26/2026/QĐ-TTg ngày 22/5/2026, Phụ lục II: {criteria_set.url}")
    return "\n".join(lines)


class ActionSelfCheckResult(Action):
    """The indicative score, star and what to improve; the slots are cleared."""

    def name(self) -> Text:
        return "action_self_check_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        criteria_set = current_set(tracker)
        given = answers(tracker)
        reset = [SlotSet(slot, None) for slot in (GROUP, SET, ANSWER, ANSWERS)]
        if criteria_set is None or len(given) != len(criteria_set.questions):
            return reset  # the reason was said when the form ended
        result = self_check.score(criteria_set, given)
        dispatcher.utter_message(
            text=result_message(criteria_set, result),
            buttons=[{"title": "Hạng sao và ý nghĩa", "payload": "/faq_star_bands"},
                     {"title": "Nâng hạng sao", "payload": "/faq_upgrade"}],
        )
        return reset
