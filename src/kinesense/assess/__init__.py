"""Assessments: one module per test family, each a pure function from series to a result.

Every analysis returns an :class:`~kinesense.assess.result.AssessmentResult`: metrics with units,
the definition and reference of each, quality flags, the norms compared with and their sources,
and a plain-language interpretation; or, when the recording cannot be judged, a result marked
unusable with the reasons.
"""
