"""Local stand-ins for Microsoft (Entra ID + Graph) and Google (OAuth + Calendar v3), checking every request."""
