"""The personal programme: safety screening, reported outcomes, plans, progression, adherence.

Modules: :mod:`~kinesense.program.screening` (red flags, refer or proceed),
:mod:`~kinesense.program.outcomes` (pain NRS, PSFS, minimal important differences),
:mod:`~kinesense.program.questionnaire` (clinic-supplied questionnaires), and the planner,
progression, adherence and calendar modules. Nothing heavy is imported here.
"""
