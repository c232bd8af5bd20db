"""What a script's lines may name in braces, filled for each call (agent/script_lines.py)."""

PLACEHOLDERS = ("first_name", "agent_name", "office_name", "office_legal_name", "appointment_type", "callback_number")
