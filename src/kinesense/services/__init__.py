"""The use cases every front end calls (the command line now, the web app next).

Each service takes its collaborators (a store, a progress callback, settings) as arguments and
returns typed domain objects; it holds the workflow decisions (who may be planned or coached,
what is saved, in which transaction), so that the command line and the web app only parse
input, call one service and present its answer. Errors a user can cause are
:class:`kinesense.errors.KinesenseError` subclasses.

Modules: :mod:`~kinesense.services.database` (the store of the settings, schema status and
upgrade), :mod:`~kinesense.services.people`, :mod:`~kinesense.services.screening`,
:mod:`~kinesense.services.safety` (screening as a precondition), :mod:`~kinesense.services.plans`,
:mod:`~kinesense.services.checkin`, :mod:`~kinesense.services.coaching`,
:mod:`~kinesense.services.history`, :mod:`~kinesense.services.reports`,
:mod:`~kinesense.services.files` (extract, record, describe, sample) and
:mod:`~kinesense.services.library` (the exercise library in force). Nothing is imported here.
"""
