"""`irtui watch`: a cheap, long-running monitor that notices before the operator does.

It sweeps the probes on an interval, asks triage what the evidence points to, and on
each change of state (healthy → incident, escalation, resolved) runs the alert hook,
rings the bell, prints one line, and keeps a Prometheus textfile up to date. It sits
above the diagnosis core and beside the incident log; it never imports Textual.
"""
