"""Phonify: the simulated FreeSWITCH (Event Socket server, channels, scripted personas).

Imports nothing of ours: it must stay an independent implementation of the protocol our
telephony client speaks, so one side's bug cannot hide the other's.
"""
