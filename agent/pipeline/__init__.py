"""One call's audio path, in small parts the session wires together: `hearing` (transport in → voice
activity → end of turn, and the beep detector), `speaking` (the reply's sentences → synthesis → transport
out, with barge-in), `recording` (both legs for the call page) and `machine` (is this an answering
machine?). The session (`agent/session.py`) is the dialogue step between them."""
