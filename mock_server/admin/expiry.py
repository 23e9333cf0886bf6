"""What moving the mock clock forward expires: access tokens (by account) and the pages of
pending H5/IDVS sessions, so the admin API and the dashboard can say so instead of a test's
next call failing with IAM_FAILED out of nowhere.

Counted from the store, so it holds on every backend. Tencent SdkTokens and media links expire
too but are not listed (the store has no index of them); the docs say so.
"""

from __future__ import annotations

from typing import Any

from ..store import Store


def expired_between(store: Store, before_ms: int, after_ms: int) -> dict[str, Any]:
    """What is alive at ``before_ms`` and dead at ``after_ms`` (nothing when the clock goes back).

    Access tokens are counted per account (a token itself is a secret, never shown); sessions are
    the signatureIds of pending ones whose page (``url``) expires in between.
    """
    tokens: dict[str, int] = {}
    sessions: list[str] = []
    if after_ms > before_ms:
        for account, expires_ms in store.token_expiries():
            if before_ms < expires_ms <= after_ms:
                tokens[account] = tokens.get(account, 0) + 1
        sessions = [
            s.signature_id
            for s in store.sessions()
            if s.status == "pending" and not s.page_expired(before_ms) and s.page_expired(after_ms)
        ]
    return {"accessTokens": dict(sorted(tokens.items())), "sessions": sessions}
