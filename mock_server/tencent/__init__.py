"""Tencent Cloud FaceID: TC3 guard, SDK tokens, actions, admin routes (imports: below vendors; never advance)."""
