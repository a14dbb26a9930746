"""Rendering Rasa's messages by capability: buttons kept, or a numbered list that "1", "2" … answers."""

from __future__ import annotations

from bot.channels.render import Button, Piece, render, split_text
from ocop.storage import chat_state
from ocop.storage.db import Database

QUESTION = [{"text": "Bạn là loại chủ thể nào?",
             "buttons": [{"title": "Doanh nghiệp", "payload": "/inform{\"subject\": \"dn\"}"},
                         {"title": "Hợp tác xã", "payload": "/inform{\"subject\": \"htx\"}"}]}]


def test_a_channel_with_buttons_keeps_them() -> None:
    pieces, options = render(QUESTION, buttons=True, max_length=4096)
    assert pieces == [Piece("Bạn là loại chủ thể nào?", (Button("Doanh nghiệp", '/inform{"subject": "dn"}'),
                                                         Button("Hợp tác xã", '/inform{"subject": "htx"}')))]
    assert options == []


def test_a_channel_without_buttons_gets_a_numbered_list(db: Database) -> None:
    [piece], options = render(QUESTION, buttons=False, max_length=2000)
    assert "1. Doanh nghiệp\n2. Hợp tác xã" in piece.text and piece.buttons == ()
    chat_state.remember_options(db, "zalo", "u1", options)
    restarted = Database(db.url)  # another ingress process, or the same one after a restart
    try:
        assert chat_state.chosen_option(restarted, "zalo", "u1", " 2 ") == '/inform{"subject": "htx"}'
        assert chat_state.chosen_option(restarted, "zalo", "u1", "3") is None
        assert chat_state.chosen_option(restarted, "zalo", "u2", "1") is None
        assert chat_state.chosen_option(restarted, "zalo_oa", "u1", "1") is None  # per channel
    finally:
        restarted.dispose()
    chat_state.remember_options(db, "zalo", "u1", [])  # a newer reply without a list
    assert chat_state.chosen_option(db, "zalo", "u1", "2") is None


def test_an_update_is_handled_once_whichever_process_receives_it(db: Database) -> None:
    other = Database(db.url)
    try:
        assert chat_state.first_time(db, "telegram", "77") and not chat_state.first_time(other, "telegram", "77")
        assert chat_state.first_time(other, "zalo", "77")  # per channel
    finally:
        other.dispose()
    import datetime as dt
    assert chat_state.forget_before(db, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)) == 2
    assert chat_state.first_time(db, "telegram", "77")  # forgotten after two days


def test_long_texts_are_split_and_buttons_go_last() -> None:
    text = "\n".join(f"dòng {i} " + "x" * 90 for i in range(60))
    pieces, _ = render([{"text": text, "buttons": QUESTION[0]["buttons"]}], buttons=True, max_length=2000)
    assert len(pieces) > 1 and all(len(p.text) <= 2000 for p in pieces)
    assert [bool(p.buttons) for p in pieces] == [False] * (len(pieces) - 1) + [True]
    assert "\n".join(split_text(text, 2000)) == text


def test_buttons_without_text_and_empty_messages() -> None:
    pieces, _ = render([{"buttons": QUESTION[0]["buttons"]}, {"image": "x.png"}], buttons=True, max_length=100)
    assert len(pieces) == 1 and pieces[0].text == "…"
