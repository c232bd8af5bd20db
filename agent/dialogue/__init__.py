"""The agent's dialogue: what the callee meant (`understanding`), and what to do about it (`policy`, a
state machine the script fills in). Transport-free: the audio pipeline and the text mode feed it what was
heard and carry out the actions it returns."""
