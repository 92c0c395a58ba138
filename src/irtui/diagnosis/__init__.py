"""What decides answers: evidence, the walk state machine, triage. Never imports Textual."""
