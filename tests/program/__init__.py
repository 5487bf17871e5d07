"""Tests of kinesense.program: screening, outcomes, questionnaires, plans."""
