"""Yêu cầu hỗ trợ: producers who asked for a person; read the conversation, reply, close with a note."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ocop import handoff_replies
from ocop.conversation_history import ConversationHistory, tracker_store_url
from ocop.conversations import split_sender
from ocop.storage import handoffs
from web.auth import current_user, requires
from web.flash import redirect_with
from web.render import render

REASONS = {"asked": "Người dùng muốn gặp cán bộ", "repeated_fallback": "Trợ lý không hiểu hai lần liền"}
CHANNELS = {"telegram": "Telegram", "zalo_bot": "Zalo", "zalo_oa": "Zalo OA", "rest": "Kênh tích hợp"}


def history(request: Request) -> ConversationHistory:
    if not hasattr(request.app.state, "history"):
        request.app.state.history = ConversationHistory(tracker_store_url(request.app.state.settings))
    return request.app.state.history


@requires("viewer")
async def inbox(request: Request) -> Response:
    rows = handoffs.open_requests(request.app.state.db)
    return render(request, "handoffs.html", {
        "rows": rows, "reasons": REASONS, "channel_of": lambda sender: CHANNELS.get(split_sender(sender)[0], "?")})


@requires("viewer")
async def detail(request: Request) -> Response:
    found = handoffs.get(request.app.state.db, int(request.path_params["id"]))
    if found is None:
        return PlainTextResponse("Không tìm thấy yêu cầu.", status_code=404)
    return render(request, "handoff.html", {
        "handoff": found, "reasons": REASONS, "excerpt": history(request).excerpt(found.sender_id),
        "channel": CHANNELS.get(split_sender(found.sender_id)[0], "?"), "user": current_user(request),
        "is_open": found.id in {row.id for row in handoffs.open_requests(request.app.state.db)}})


@requires("officer")
async def reply(request: Request) -> Response:
    handoff_id = int(request.path_params["id"])
    user = current_user(request)
    problem = handoff_replies.reply(request.app.state.db, handoff_id, f"console:{user.login}",
                                    request.state.form.get("text", ""))
    return redirect_with(f"/ho-tro/{handoff_id}",
                         problem or "Đã gửi trả lời; tin nhắn sẽ đến cuộc trò chuyện của người dùng trong giây lát.",
                         error=bool(problem))


@requires("officer")
async def close(request: Request) -> Response:
    handoff_id = int(request.path_params["id"])
    user = current_user(request)
    closed = handoffs.close(request.app.state.db, handoff_id, f"console:{user.login}",
                            request.state.form.get("note", "").strip()[:1000])
    return redirect_with("/ho-tro", "Đã đóng yêu cầu." if closed else "Yêu cầu này đã được đóng trước đó.",
                         error=not closed)


def routes() -> List[Route]:
    return [
        Route("/ho-tro", inbox),
        Route("/ho-tro/{id:int}", detail),
        Route("/ho-tro/{id:int}/tra-loi", reply, methods=["POST"]),
        Route("/ho-tro/{id:int}/dong", close, methods=["POST"]),
    ]
