"""Qt item models over core data: a role per field, a column per thing shown."""
