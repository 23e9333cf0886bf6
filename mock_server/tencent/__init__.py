"""Tencent Cloud FaceID (API 3.0) beside ADVANCE AI.

``tc3`` (signature), ``front`` (X-TC-Action routing), ``envelope`` (the Response envelope),
``auth`` (the tc3 guard), ``tokens`` + ``actions`` (ApplyLivenessToken, GetLivenessResult),
``admin`` (/__admin/tencent/sdk-tokens), ``api`` (TencentApi: what create_app wires in).
"""
