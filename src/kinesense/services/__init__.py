"""The use cases every front end calls (the command line now, the web app next).

Each service takes its collaborators (a store, a progress callback, settings) as arguments and
returns typed domain objects; it holds the workflow decisions (who may be planned or coached,
what is saved, in which transaction), so that the command line and the web app only parse
input, call one service and present its answer. Errors a user can cause are
:class:`kinesense.errors.KinesenseError` subclasses.
"""
