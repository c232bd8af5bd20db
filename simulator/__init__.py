"""The simulated world the product is tried in, above every other room: `simulate` (a dial run against
Phonify's personas with the agent, judged person by person), the persona files and the phrasing tables they
are written from (`persona_corpus`), and the demo office `make run` opens with (`seed_demo`). The production
agent imports nothing of it, nor of Phonify."""
