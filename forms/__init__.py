"""WTForms classes. AppForm is the one CSRF mechanism; every form derives from it."""
