"""Call scripts: what the agent says for an office (greeting, purpose, voicemail, closing, answers to
objections, opt-out phrases, voice, policy), their checks, and which one is the office's default. A low room:
`calls` (a dial run and a call name their script) and `agent` (which speaks it) both build on it; it imports
neither."""
