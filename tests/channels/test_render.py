"""Rendering Rasa's messages by capability: buttons kept, or a numbered list that "1", "2" … answers."""

from __future__ import annotations

from bot.channels.render import Button, NumberedOptions, Piece, render, split_text

QUESTION = [{"text": "Bạn là loại chủ thể nào?",
             "buttons": [{"title": "Doanh nghiệp", "payload": "/inform{\"subject\": \"dn\"}"},
                         {"title": "Hợp tác xã", "payload": "/inform{\"subject\": \"htx\"}"}]}]


def test_a_channel_with_buttons_keeps_them() -> None:
    pieces, options = render(QUESTION, buttons=True, max_length=4096)
    assert pieces == [Piece("Bạn là loại chủ thể nào?", (Button("Doanh nghiệp", '/inform{"subject": "dn"}'),
                                                         Button("Hợp tác xã", '/inform{"subject": "htx"}')))]
    assert options == []


def test_a_channel_without_buttons_gets_a_numbered_list() -> None:
    [piece], options = render(QUESTION, buttons=False, max_length=2000)
    assert "1. Doanh nghiệp\n2. Hợp tác xã" in piece.text and piece.buttons == ()
    remembered = NumberedOptions()
    remembered.remember("u1", options)
    assert remembered.choose("u1", " 2 ") == '/inform{"subject": "htx"}'
    assert remembered.choose("u1", "3") is None and remembered.choose("u2", "1") is None
    remembered.remember("u1", [])  # a newer reply without a list
    assert remembered.choose("u1", "2") is None


def test_long_texts_are_split_and_buttons_go_last() -> None:
    text = "\n".join(f"dòng {i} " + "x" * 90 for i in range(60))
    pieces, _ = render([{"text": text, "buttons": QUESTION[0]["buttons"]}], buttons=True, max_length=2000)
    assert len(pieces) > 1 and all(len(p.text) <= 2000 for p in pieces)
    assert [bool(p.buttons) for p in pieces] == [False] * (len(pieces) - 1) + [True]
    assert "\n".join(split_text(text, 2000)) == text


def test_buttons_without_text_and_empty_messages() -> None:
    pieces, _ = render([{"buttons": QUESTION[0]["buttons"]}, {"image": "x.png"}], buttons=True, max_length=100)
    assert len(pieces) == 1 and pieces[0].text == "…"
