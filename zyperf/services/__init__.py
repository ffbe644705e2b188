"""The service layer: the only code that writes business rows. Services flush; callers commit."""
