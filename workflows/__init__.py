"""State machines of Impulse, on `transitions`. No Flask and no database here."""
